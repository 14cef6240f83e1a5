import type { components } from '../../api/schema';

type Notification = components['schemas']['Notification'];

/**
 * The page a notification opens: the consultation request or the ticket it is about, else the list of notifications
 * (the same targets as the web push's click, server: notifications/fan-out.ts).
 */
export function notificationTarget(n: Pick<Notification, 'ticketId' | 'consultationId'>): string {
  if (n.consultationId !== null) return `/consultations/${n.consultationId}`;
  if (n.ticketId !== null) return `/tickets/${n.ticketId}`;
  return '/notifications';
}
