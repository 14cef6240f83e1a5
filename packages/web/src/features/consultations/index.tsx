import { Navigate } from 'react-router';
import { defineFeature } from '../feature.ts';
import { BoardPage } from './BoardPage.tsx';
import { ConsultationPage } from './ConsultationPage.tsx';
import { ConsultationsPage } from './ConsultationsPage.tsx';
import { ProfilePage } from './ProfilePage.tsx';
import { ReportPage } from './ReportPage.tsx';
import { RequestConsultationPage } from './RequestConsultationPage.tsx';
import { ar, en, fr } from './strings.ts';

/**
 * Consultation requests (issue #13): the client asks a chosen consultant or the board; consultants answer, claim and
 * contact within business-hour deadlines; the desk sees every request with its history and the monthly report.
 */
export const consultationsFeature = defineFeature({
  name: 'consultations',
  routes: [
    { path: '/consultations', element: <Navigate to="/consultations/list" replace /> },
    { path: '/consultations/list', element: <ConsultationsPage /> },
    { path: '/consultations/:id', element: <ConsultationPage /> },
    { path: '/consultations/new', element: <RequestConsultationPage /> },
    { path: '/consultations/board', element: <BoardPage /> },
    { path: '/consultations/profile', element: <ProfilePage /> },
    { path: '/consultations/report', element: <ReportPage /> },
  ],
  links: [
    { to: '/consultations/list', label: 'consultations.nav.mine', roles: ['client'] },
    { to: '/consultations/new', label: 'consultations.nav.request', roles: ['client'] },
    { to: '/consultations/list', label: 'consultations.nav.offered', roles: ['consultant'] },
    { to: '/consultations/board', label: 'consultations.nav.board', roles: ['consultant'] },
    { to: '/consultations/profile', label: 'consultations.nav.profile', roles: ['consultant'] },
    { to: '/consultations/list', label: 'consultations.nav.all', roles: ['admin', 'agent'] },
    { to: '/consultations/report', label: 'consultations.nav.report', roles: ['admin', 'agent'] },
  ],
  messages: { en, fr, ar },
  // A workspace whose policy has no consultations section takes no requests (the API answers CONSULTATIONS_NOT_ENABLED).
  offeredBy: (policy) => policy['consultations'] !== undefined,
});
