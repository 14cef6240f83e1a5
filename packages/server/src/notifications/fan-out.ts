import type { Kysely, Transaction } from 'kysely';
import { iso } from '../access.ts';
import type { Database, OutboxTable } from '../db/schema.ts';
import { planConsultationMessages } from '../consultations/consultation-notifications.ts';
import { planTlsMessages, TLS_EXPIRING_TOPIC } from '../availability/tls-warnings.ts';
import {
  MAINTENANCE_ANNOUNCED_TOPIC,
  planMaintenanceMessages,
} from '../availability/maintenance-messages.ts';
import { storedPreferences } from './preference.repository.ts';
import { isEnabled, preferenceEventOf, type PreferenceEvent } from './preferences.ts';
import type { Channel } from './provider.ts';
import type { PushContent } from './providers/push.provider.ts';
import type { EmailContent } from './providers/email.provider.ts';
import type { InAppContent } from './providers/in-app.provider.ts';
import { renderInApp, type Language, type TicketMailContent } from './templates/email-templates.ts';

/** One message to send, as the fan-out decides it; stored as a `deliveries` row and sent by its provider. */
export interface PlannedDelivery {
  readonly channel: Channel;
  readonly target: string;
  readonly eventType: string;
  readonly content: Record<string, unknown>;
}

export interface FanOutOptions {
  /** Link base for e-mails (ACCORD_PUBLIC_URL). */
  readonly publicUrl: string;
  /**
   * The ticket as the API returns it to staff, for `ticket.*` webhooks. Read before the fan-out transaction (it goes
   * through the ticket service on its own connection: inside, SQLite's one connection would wait for itself).
   */
  readonly loadStaffTicket?: (workspaceId: string, ticketId: string) => Promise<unknown>;
}

/** The staff tickets of the rows about to be fanned out, keyed `workspaceId/ticketId`. */
export type StaffTickets = ReadonlyMap<string, unknown>;

/** The webhook event type an outbox topic is published as; null: not sent to webhooks. */
export function webhookEventType(topic: string, payload: Record<string, unknown>): string | null {
  if (topic === 'comment.created') return payload['visibility'] === 'public' ? 'ticket.commented' : null;
  return topic;
}

/** Workspace defaults until users carry their own language and zone. */
const PRESET_LANGUAGE: Record<string, Language> = { 'hosting-be': 'fr', 'consulting-sa': 'ar' };

type Trx = Transaction<Database>;

async function workspaceDefaults(
  trx: Trx,
  workspaceId: string,
): Promise<{ language: Language; timeZone: string }> {
  const ws = await trx
    .selectFrom('workspaces')
    .innerJoin('policy_versions', (join) =>
      join
        .onRef('policy_versions.workspace_id', '=', 'workspaces.id')
        .onRef('policy_versions.version', '=', 'workspaces.policy_version'),
    )
    .select(['workspaces.policy_preset', 'policy_versions.policy_json'])
    .where('workspaces.id', '=', workspaceId)
    .executeTakeFirst();
  let timeZone = 'UTC';
  try {
    // The policy's own zone: the one its agreement is written in.
    const policy = JSON.parse(ws?.policy_json ?? '{}') as { timeZone?: unknown };
    if (typeof policy.timeZone === 'string') timeZone = policy.timeZone;
  } catch {
    // An unreadable policy: UTC, written as such next to every instant.
  }
  return { language: PRESET_LANGUAGE[ws?.policy_preset ?? ''] ?? 'en', timeZone };
}

/**
 * Who hears of an event by e-mail and in-app: the users the writer named (`payload.recipients`, the escalation rules'
 * choice), plus the defaults — the requester is acknowledged at creation and told of every public reply by staff;
 * an SLA alert with nobody named goes to the assignee, else to the workspace's staff.
 */
async function recipientIds(
  trx: Trx,
  row: OutboxTable,
  payload: Record<string, unknown>,
  ticket: { requester_id: string; assignee_id: string | null } | undefined,
): Promise<string[]> {
  const named = Array.isArray(payload['recipients'])
    ? payload['recipients'].filter((r): r is string => typeof r === 'string')
    : [];
  const ids = new Set(named);
  if (ticket === undefined) return [...ids];
  if (row.topic === 'ticket.created') ids.add(ticket.requester_id);
  if (row.topic === 'comment.created' && payload['visibility'] === 'public') {
    const comment = await trx
      .selectFrom('comments')
      .select('author_id')
      .where('id', '=', String(payload['commentId']))
      .executeTakeFirst();
    const author = comment?.author_id;
    if (author !== ticket.requester_id) ids.add(ticket.requester_id);
    else if (ticket.assignee_id !== null) ids.add(ticket.assignee_id);
  }
  if ((row.topic === 'sla.warning' || row.topic === 'sla.breached') && named.length === 0) {
    if (ticket.assignee_id !== null) ids.add(ticket.assignee_id);
    else {
      const staff = await trx
        .selectFrom('memberships')
        .select('user_id')
        .where('workspace_id', '=', row.workspace_id)
        .where('role', 'in', ['agent', 'admin'])
        .where('disabled_at', 'is', null)
        .execute();
      for (const s of staff) ids.add(s.user_id);
    }
  }
  return [...ids];
}

/** Every delivery one outbox row calls for, read inside the dispatching transaction. */
export async function planDeliveries(
  trx: Trx,
  row: OutboxTable,
  options: FanOutOptions,
  staffTickets: StaffTickets,
): Promise<PlannedDelivery[]> {
  const payload = JSON.parse(row.payload_json) as Record<string, unknown>;
  const ticketId = typeof payload['ticketId'] === 'string' ? payload['ticketId'] : null;
  const ticket =
    ticketId === null
      ? undefined
      : await trx
          .selectFrom('tickets')
          .select(['id', 'subject', 'requester_id', 'assignee_id', 'priority'])
          .where('id', '=', ticketId)
          .where('workspace_id', '=', row.workspace_id)
          .executeTakeFirst();
  const planned: PlannedDelivery[] = [];

  const eventType = webhookEventType(row.topic, payload);
  if (eventType !== null) {
    const hooks = await trx
      .selectFrom('webhooks')
      .select(['id', 'events_json'])
      .where('workspace_id', '=', row.workspace_id)
      .where('enabled', '=', 1)
      .where('deleted_at', 'is', null)
      .execute();
    const subscribed = hooks.filter((h) => {
      const events = JSON.parse(h.events_json) as string[];
      return events.includes('*') || events.includes(eventType);
    });
    if (subscribed.length > 0) {
      const staffTicket =
        ticket !== undefined && eventType.startsWith('ticket.')
          ? (staffTickets.get(`${row.workspace_id}/${ticket.id}`) ?? null)
          : null;
      // Who is told and who follows live are this server's business, not a webhook's (user ids).
      const { recipients: _recipients, followers: _followers, ...data } = payload;
      const body = JSON.stringify({
        type: eventType,
        timestamp: iso(Number(row.created_at)),
        data: staffTicket === null ? data : { ...data, ticket: staffTicket },
      });
      for (const h of subscribed)
        planned.push({ channel: 'webhook', target: h.id, eventType, content: { body } });
    }
  }

  const userIds = await recipientIds(trx, row, payload, ticket);
  // Consultation requests are not tickets: their messages name the request (consultations/consultation-notifications.ts).
  if (ticket === undefined && typeof payload['consultationId'] === 'string') {
    const defaults = await workspaceDefaults(trx, row.workspace_id);
    const context = { publicUrl: options.publicUrl, defaults };
    const messages = await planConsultationMessages(trx, row, payload, userIds, context);
    return [...planned, ...(await applyPreferences(trx, row.workspace_id, messages, 'consultation'))];
  }
  // Certificate warnings are about a monitor, not a ticket (availability/tls-warnings.ts). They follow the `sla.warning`
  // preference: a deadline coming, told ahead.
  if (ticket === undefined && row.topic === TLS_EXPIRING_TOPIC) {
    const defaults = await workspaceDefaults(trx, row.workspace_id);
    const context = { publicUrl: options.publicUrl, defaults };
    const messages = await planTlsMessages(trx, row, payload, userIds, context);
    return [...planned, ...(await applyPreferences(trx, row.workspace_id, messages, 'sla.warning'))];
  }
  // Maintenance announced ahead to the organizations it concerns (availability/maintenance-messages.ts); told ahead like
  // a certificate's end, so it follows the `sla.warning` preference too.
  if (ticket === undefined && row.topic === MAINTENANCE_ANNOUNCED_TOPIC) {
    const defaults = await workspaceDefaults(trx, row.workspace_id);
    const context = { publicUrl: options.publicUrl, defaults };
    const messages = await planMaintenanceMessages(trx, row, payload, userIds, context);
    return [...planned, ...(await applyPreferences(trx, row.workspace_id, messages, 'sla.warning'))];
  }
  if (ticket === undefined || userIds.length === 0) return planned;
  const users = await trx
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select(['users.id', 'users.email', 'users.language', 'users.time_zone', 'memberships.role'])
    .where('users.id', 'in', userIds)
    .where('memberships.workspace_id', '=', row.workspace_id)
    .where('memberships.disabled_at', 'is', null)
    .where('users.disabled_at', 'is', null)
    .execute();
  const clocks = await trx
    .selectFrom('ticket_sla')
    .select(['metric', 'due_at', 'target_ms', 'used_ms'])
    .where('ticket_id', '=', ticket.id)
    .where('stopped_at', 'is', null)
    .where('due_at', 'is not', null)
    .orderBy('metric')
    .execute();
  const defaults = await workspaceDefaults(trx, row.workspace_id);
  const mailType = eventType ?? row.topic;
  const mail: TicketMailContent = {
    ...defaults,
    eventType: mailType,
    ticket: {
      id: ticket.id,
      reference: ticket.id.slice(0, 8).toUpperCase(),
      subject: ticket.subject,
      link: `${options.publicUrl.replace(/\/$/, '')}/tickets/${ticket.id}`,
      due: clocks.map((c) => ({
        metric: c.metric,
        dueAtMs: Number(c.due_at),
        remainingBusinessMs:
          c.target_ms === null ? undefined : Math.max(0, Number(c.target_ms) - Number(c.used_ms)),
      })),
    },
    metric: typeof payload['metric'] === 'string' ? payload['metric'] : undefined,
    threshold: typeof payload['threshold'] === 'number' ? payload['threshold'] : undefined,
  };
  const userIdList = users.map((u) => u.id);
  const preferences = await storedPreferences(trx, row.workspace_id, userIdList);
  const subscriptions = await pushSubscriptionsOf(trx, row.workspace_id, userIdList);
  const preferenceEvent = preferenceEventOf(mailType, ticket.priority);
  for (const user of users) {
    const stored = preferences.get(user.id) ?? new Map<string, boolean>();
    const wants = (channel: 'email' | 'in-app' | 'push') =>
      isEnabled(stored, preferenceEvent, channel, user.role);
    // In the reader's own language and zone, when they set them (PATCH /api/v1/me).
    const personal: TicketMailContent = {
      ...mail,
      language: asLanguage(user.language) ?? mail.language,
      timeZone: user.time_zone ?? mail.timeZone,
      audience: user.id !== ticket.requester_id && STAFF.has(user.role) ? 'staff' : 'requester',
    };
    const inApp = renderInApp(personal);
    if (wants('email')) {
      const email: EmailContent = { ...personal, to: user.email };
      planned.push({ channel: 'email', target: user.email, eventType: mailType, content: { ...email } });
    }
    if (wants('in-app')) {
      const note: InAppContent = { ...inApp, ticketId: ticket.id, occurredAtMs: Number(row.created_at) };
      planned.push({ channel: 'in-app', target: user.id, eventType: mailType, content: { ...note } });
    }
    if (wants('push'))
      for (const sub of subscriptions.filter((x) => x.user_id === user.id)) {
        const push: PushContent = {
          title: inApp.title,
          body: inApp.body,
          url: `/tickets/${ticket.id}`,
          tag: `${mailType}:${ticket.id}`,
          ticketId: ticket.id,
        };
        planned.push({ channel: 'push', target: sub.id, eventType: mailType, content: { ...push } });
      }
  }
  return planned;
}

/** Reads, outside any transaction, the staff tickets the pending rows' webhooks will carry. */
export async function prefetchStaffTickets(
  db: Kysely<Database>,
  options: FanOutOptions,
  { nowMs, limit }: { nowMs: number; limit: number },
): Promise<StaffTickets> {
  const tickets = new Map<string, unknown>();
  const load = options.loadStaffTicket;
  if (load === undefined) return tickets;
  const rows = await db
    .selectFrom('outbox')
    .select(['workspace_id', 'payload_json'])
    .where('status', '=', 'pending')
    .where('available_at', '<=', nowMs)
    .where('workspace_id', 'in', (eb) =>
      eb
        .selectFrom('webhooks')
        .select('workspace_id')
        .where('enabled', '=', 1)
        .where('deleted_at', 'is', null),
    )
    .orderBy('available_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  for (const row of rows) {
    const ticketId = (JSON.parse(row.payload_json) as Record<string, unknown>)['ticketId'];
    const key = `${row.workspace_id}/${String(ticketId)}`;
    if (typeof ticketId !== 'string' || tickets.has(key)) continue;
    // A ticket the service cannot show (deleted, a bug) still goes out, with the outbox payload alone.
    tickets.set(key, await load(row.workspace_id, ticketId).catch(() => null));
  }
  return tickets;
}

const STAFF: ReadonlySet<string> = new Set(['admin', 'agent']);

function asLanguage(value: string | null): Language | undefined {
  return value === 'en' || value === 'fr' || value === 'ar' ? value : undefined;
}

async function pushSubscriptionsOf(trx: Trx, workspaceId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return [];
  return trx
    .selectFrom('push_subscriptions')
    .select(['id', 'user_id'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', [...userIds])
    .execute();
}

/**
 * Messages planned elsewhere (consultations) filtered by their recipients' preferences, with a push beside each
 * in-app note where the recipient subscribed.
 */
async function applyPreferences(
  trx: Trx,
  workspaceId: string,
  planned: readonly PlannedDelivery[],
  event: PreferenceEvent,
): Promise<PlannedDelivery[]> {
  const inAppIds = planned.filter((p) => p.channel === 'in-app').map((p) => p.target);
  const emails = planned.filter((p) => p.channel === 'email').map((p) => p.target);
  if (inAppIds.length === 0 && emails.length === 0) return [...planned];
  const users = await trx
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select(['users.id', 'users.email', 'memberships.role'])
    .where('memberships.workspace_id', '=', workspaceId)
    .where((eb) =>
      eb.or([
        ...(inAppIds.length > 0 ? [eb('users.id', 'in', inAppIds)] : []),
        ...(emails.length > 0 ? [eb('users.email', 'in', emails)] : []),
      ]),
    )
    .execute();
  const preferences = await storedPreferences(
    trx,
    workspaceId,
    users.map((u) => u.id),
  );
  const subscriptions = await pushSubscriptionsOf(
    trx,
    workspaceId,
    users.map((u) => u.id),
  );
  const out: PlannedDelivery[] = [];
  for (const p of planned) {
    const user = users.find((u) => (p.channel === 'email' ? u.email === p.target : u.id === p.target));
    if (user === undefined || (p.channel !== 'email' && p.channel !== 'in-app')) {
      out.push(p);
      continue;
    }
    const stored = preferences.get(user.id) ?? new Map<string, boolean>();
    if (isEnabled(stored, event, p.channel, user.role)) out.push(p);
    if (p.channel === 'in-app' && isEnabled(stored, event, 'push', user.role))
      for (const sub of subscriptions.filter((x) => x.user_id === user.id)) {
        const content = p.content as { title?: unknown; body?: unknown; consultationId?: unknown };
        const push: PushContent = {
          title: String(content.title ?? ''),
          body: String(content.body ?? ''),
          // A click opens the request the note is about (else the list of notifications).
          url:
            typeof content.consultationId === 'string'
              ? `/consultations/${content.consultationId}`
              : '/notifications',
          tag: p.eventType,
          ticketId: null,
        };
        out.push({ channel: 'push', target: sub.id, eventType: p.eventType, content: { ...push } });
      }
  }
  return out;
}
