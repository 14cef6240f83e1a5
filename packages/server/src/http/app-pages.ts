/**
 * The web app's routes (packages/web/src/App.tsx and its features): a deep link to one of them answers index.html.
 * `packages/web/src/features/deep-links.test.ts` checks that every feature page is here.
 */
export const APP_PAGES = [
  '/',
  '/tickets',
  '/tickets/*',
  '/queue',
  '/dashboard',
  '/admin/*',
  '/signin',
  // features/consultations (links in consultation e-mails point at /consultations/{id}).
  '/consultations',
  '/consultations/*',
  // features/availability: the public status page, a monitor's page, a client's sites, the SLA reports.
  '/status/*',
  '/monitors/*',
  '/availability',
  '/reports/*',
  // features/notifications: the list, preferences, push and the user's language and zone.
  '/notifications',
  // features/help: the public help centre, the staff's articles, the agents' chat console.
  '/help',
  '/help/*',
  '/articles',
  '/articles/*',
  '/chats',
  // features/inbound-mail: held inbound e-mail for staff, and one message.
  '/inbound-mail',
  '/inbound-mail/*',
];
