import { iso, isoOrNull } from '../access.ts';
import { DomainError } from '../errors.ts';
import {
  PRIORITY_IDS,
  type ChannelId,
  type PriorityId,
  type TicketCategory,
  type TicketStatus,
} from '../sla/sla-core.ts';
import type { ProjectedClock } from '../sla/sla-projection.ts';
import {
  MAX_SORT_INSTANT_MS,
  sortKeyKind,
  type TicketEventRow,
  type TicketRow,
  type TicketSort,
} from './ticket.repository.ts';

/** What the API shows of tickets, their clocks and their history, built from rows (never rows themselves). */

const remainingSecondsOf = (clock: ProjectedClock) =>
  clock.remainingMs === null ? null : Math.trunc(clock.remainingMs / 1000);
const percentUsedOf = (clock: ProjectedClock) =>
  clock.percentUsed === null ? null : Math.round(clock.percentUsed * 10) / 10;

export function clockDto(clock: ProjectedClock) {
  return {
    metric: clock.metric,
    state: clock.state,
    target: clock.target,
    calendar: clock.calendarId,
    dueAt: isoOrNull(clock.dueAtMs),
    remainingSeconds: remainingSecondsOf(clock),
    percentUsed: percentUsedOf(clock),
    warningThreshold: clock.warningThreshold,
    breachedAt: isoOrNull(clock.breachedAtMs),
    stoppedAt: isoOrNull(clock.stoppedAtMs),
    countingNow: clock.countingNow,
    nextChangeAt: isoOrNull(clock.nextChangeAt),
  };
}

export type ClockDto = ReturnType<typeof clockDto>;

/**
 * Whether two lists of clock DTOs show the same figures: compared key by key over the DTOs themselves, so a field
 * added to `clockDto` is compared without anyone remembering to.
 */
export function sameClockDtos(a: readonly ClockDto[], b: readonly ClockDto[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Record<string, unknown>;
    const y = b[i] as Record<string, unknown>;
    for (const key in x) if (x[key] !== y[key]) return false;
  }
  return true;
}

export type TicketDto = ReturnType<typeof ticketDto>;

export function ticketDto(row: TicketRow, tags: readonly string[], sla: readonly ClockDto[]) {
  return {
    id: row.id,
    subject: row.subject,
    description: row.description,
    category: row.category as TicketCategory,
    priority: row.priority as PriorityId,
    channel: row.channel as ChannelId,
    status: row.status as TicketStatus,
    organizationId: row.organization_id,
    requesterId: row.requester_id,
    assigneeId: row.assignee_id,
    plan: row.plan,
    policyVersion: row.policy_version,
    queue: row.queue_class as 'priority' | 'standard',
    handleFrom: iso(row.queue_start_at),
    billingMode: row.billing_mode as 'none' | 'quote' | 'time-and-materials',
    tags: [...tags],
    /** Monitoring incidents: the monitor that opened it (availability/incidents.ts tags it `monitor-<id>`). */
    monitorId: monitorIdOf(row.channel, tags),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    sla: [...sla],
  };
}

/** The monitor behind a `monitoring` ticket, from the tag its incident was opened with; null for other tickets. */
export function monitorIdOf(channel: string, tags: readonly string[]): string | null {
  if (channel !== 'monitoring') return null;
  return tags.find((t) => t.startsWith('monitor-'))?.slice('monitor-'.length) ?? null;
}

export function eventDto(row: TicketEventRow, seq: number = row.seq) {
  return {
    seq,
    type: row.type,
    at: iso(row.at),
    actorId: row.actor_id,
    data: JSON.parse(row.payload_json) as Record<string, unknown>,
  };
}

/** The sort travels with the position, so a cursor is only ever read back under the order it was cut from. */
export function encodeCursor(sort: TicketSort, key: string | number, id: string): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

const TICKET_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A key of the type its sort column holds: anything else is a 500 on PostgreSQL or a wrong page on SQLite. */
function isSortKey(sort: TicketSort, key: unknown): key is string | number {
  if (sortKeyKind(sort) === 'priority')
    return typeof key === 'string' && (PRIORITY_IDS as readonly string[]).includes(key);
  return Number.isSafeInteger(key) && (key as number) >= 0 && (key as number) <= MAX_SORT_INSTANT_MS;
}

export function decodeCursor(cursor: string, sort: TicketSort): { key: string | number; id: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 3) {
    const [cursorSort, key, id] = value as unknown[];
    if (cursorSort !== sort) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `this cursor belongs to a list sorted by ${String(cursorSort)}, not ${sort}: start again without a cursor`,
        { field: 'cursor' },
      );
    }
    if (isSortKey(sort, key) && typeof id === 'string' && TICKET_ID.test(id)) return { key, id };
  }
  throw new DomainError('VALIDATION_FAILED', 'invalid cursor: pass back the nextCursor of a previous page', {
    field: 'cursor',
  });
}
