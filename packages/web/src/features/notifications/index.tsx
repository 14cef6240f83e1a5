import { defineFeature } from '../feature.ts';
import { ar, en, fr } from './messages.ts';
import { NotificationsPage } from './NotificationsPage.tsx';

/**
 * Issue #11: the user's notifications (updated live through the SSE stream), their preferences per event type and
 * channel, push on this browser (public/sw.js), and their own language and time zone.
 */
export const notificationsFeature = defineFeature({
  name: 'notifications',
  routes: [{ path: '/notifications', element: <NotificationsPage /> }],
  links: [
    {
      to: '/notifications',
      label: 'notifications.nav.page',
      roles: ['admin', 'agent', 'client', 'consultant'],
    },
  ],
  messages: { en, fr, ar },
});
