import type { OutboxTable } from '../db/schema.ts';
import type { NewLiveEvent } from './live-event.repository.ts';

/**
 * The event types of the stream: the webhooks' ones, and every `consultation.*` topic, which reaches staff and the
 * users the request's writer named as its followers (consultations/consultation-workflow.ts `enqueue`).
 */
export const LIVE_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.commented',
  'sla.warning',
  'sla.breached',
] as const;

/** Changes a requester never learns of (mirrors the read model's INTERNAL_EVENT_TYPES). */
const INTERNAL_CHANGES: ReadonlySet<string> = new Set([
  'internal-note-added',
  'internal-attachment-added',
  'time-logged',
  'clocks-recomputed',
]);

/** Fields a stream event may carry: ids and instants, never text (readers fetch what changed through the API). */
const DATA_FIELDS = [
  'ticketId',
  'version',
  'commentId',
  'metric',
  'threshold',
  'dueAt',
  'breachedAt',
  'consultationId',
] as const;

export interface TicketScope {
  readonly organization_id: string | null;
  readonly requester_id: string;
}

/**
 * What the stream says of one outbox row, or null: internal comments never reach it, nor do topics the stream has
 * no type for (an attachment or analysis start is also a `ticket.updated`, which is enough to refresh a page).
 */
export function liveEventOf(row: OutboxTable, ticket: TicketScope | undefined): NewLiveEvent | null {
  const payload = JSON.parse(row.payload_json) as Record<string, unknown>;
  let type: string;
  let audience: 'all' | 'staff' | 'users' = 'all';
  let recipients: string[] = [];
  if (row.topic === 'comment.created') {
    if (payload['visibility'] !== 'public') return null;
    type = 'ticket.commented';
  } else if (row.topic === 'ticket.updated') {
    type = row.topic;
    const changes = Array.isArray(payload['changes']) ? payload['changes'] : [];
    // A version bump made only of staff business (an internal note) is not the requester's to see.
    if (changes.length > 0 && changes.every((c) => INTERNAL_CHANGES.has(String(c)))) audience = 'staff';
  } else if ((LIVE_EVENT_TYPES as readonly string[]).includes(row.topic)) type = row.topic;
  else if (row.topic.startsWith('consultation.')) {
    // A consultation request is not the client's organization's business: only the people it names follow it.
    type = row.topic;
    audience = 'users';
    const followers = payload['followers'];
    recipients = Array.isArray(followers) ? followers.filter((f): f is string => typeof f === 'string') : [];
  } else return null;
  if (type.startsWith('ticket.') || type.startsWith('sla.')) {
    // A ticket event without its ticket (deleted since) has nobody outside staff to go to.
    if (ticket === undefined) audience = 'staff';
  }
  const data: Record<string, unknown> = {};
  for (const field of DATA_FIELDS) if (payload[field] !== undefined) data[field] = payload[field];
  if (type !== 'ticket.commented') delete data['commentId'];
  return {
    workspace_id: row.workspace_id,
    outbox_id: row.id,
    type,
    ticket_id: typeof payload['ticketId'] === 'string' ? payload['ticketId'] : null,
    organization_id: ticket?.organization_id ?? null,
    requester_id: ticket?.requester_id ?? null,
    audience,
    data_json: JSON.stringify(data),
    created_at: Number(row.created_at),
    ...(audience === 'users' ? { recipients } : {}),
  };
}
