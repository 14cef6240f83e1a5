import { defineFeature } from '../feature.ts';
import { ClientAvailabilityPage } from './ClientAvailabilityPage.tsx';
import { MaintenancePage } from './MaintenancePage.tsx';
import { ar, en, fr } from './messages.ts';
import { MonitorPage } from './MonitorPage.tsx';
import { MonitorsPage, NewMonitorPage } from './MonitorsPage.tsx';
import { ReportsPage } from './ReportsPage.tsx';
import { StatusPage } from './StatusPage.tsx';

/**
 * Availability (issue #14): the public status page, monitors with their charts and figures, maintenance and
 * exclusions, monthly SLA reports for staff; for clients, their own sites, incidents, maintenance and report.
 */
export const availabilityFeature = defineFeature({
  name: 'availability',
  routes: [
    { path: '/status/:workspace', element: <StatusPage />, public: true },
    { path: '/admin/monitors', element: <MonitorsPage /> },
    { path: '/admin/monitors/new', element: <NewMonitorPage /> },
    { path: '/monitors/:id', element: <MonitorPage /> },
    { path: '/admin/maintenance', element: <MaintenancePage /> },
    { path: '/reports/sla', element: <ReportsPage /> },
    { path: '/availability', element: <ClientAvailabilityPage /> },
  ],
  links: [
    { to: '/admin/monitors', label: 'availability.nav.monitors', roles: ['admin', 'agent'] },
    { to: '/admin/maintenance', label: 'availability.nav.maintenance', roles: ['admin', 'agent'] },
    { to: '/reports/sla', label: 'availability.nav.reports', roles: ['admin', 'agent'] },
    { to: '/availability', label: 'availability.nav.client', roles: ['client'] },
  ],
  messages: { en, fr, ar },
});
