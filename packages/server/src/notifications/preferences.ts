import type { Role } from '../auth/actor.ts';

/** The rows of the preferences matrix: event kinds a user can be told of. */
export const PREFERENCE_EVENTS = [
  'ticket.created',
  'ticket.updated',
  'ticket.commented',
  'sla.warning',
  'sla.breached',
  'sla.breached.p1',
  'consultation',
] as const;
export type PreferenceEvent = (typeof PREFERENCE_EVENTS)[number];

/** The columns: the channels a user receives on (webhooks are the workspace's, not a person's). */
export const PREFERENCE_CHANNELS = ['email', 'in-app', 'push'] as const;
export type PreferenceChannel = (typeof PREFERENCE_CHANNELS)[number];

/**
 * The row a message belongs to. A P1 breach is a row of its own: the hosting agreement's P1 is "Critique" with an
 * intervention within the hour, and a breach of it is exactly what staff must never miss, so staff cannot mute it.
 */
export function preferenceEventOf(
  eventType: string,
  priority: string | null | undefined,
): PreferenceEvent | null {
  if (eventType === 'sla.breached') return priority === 'P1' ? 'sla.breached.p1' : 'sla.breached';
  if (eventType === 'comment.created') return 'ticket.commented';
  if (eventType.startsWith('consultation.')) return 'consultation';
  return (PREFERENCE_EVENTS as readonly string[]).includes(eventType) ? (eventType as PreferenceEvent) : null;
}

/** Alerts of P1 breaches go to staff whatever they chose (issue #11: "cannot be muted by an agent"). */
export function isLocked(event: PreferenceEvent, role: Role | string): boolean {
  return event === 'sla.breached.p1' && (role === 'agent' || role === 'admin');
}

/** Unless a user chose otherwise, every notification goes by e-mail, in-app, and push where subscribed. */
export function isEnabled(
  stored: ReadonlyMap<string, boolean>,
  event: PreferenceEvent | null,
  channel: PreferenceChannel,
  role: Role | string,
): boolean {
  if (event === null) return true;
  if (isLocked(event, role)) return true;
  return stored.get(`${event}/${channel}`) ?? true;
}
