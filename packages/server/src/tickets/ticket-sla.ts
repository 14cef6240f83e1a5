import type { SlaClock } from '../sla/sla-clock.service.ts';
import type { BusinessCalendar, PauseRules, TicketStatus } from '../sla/sla-core.ts';
import { projectClock, type PersistedClock } from '../sla/sla-projection.ts';
import type { PersistedSlaRow, TicketSlaRow } from './ticket.repository.ts';

/** Clocks are derived from the whole history, then persisted so due instants are one indexed query away. */
export function slaRowsOf(
  ticket: { readonly id: string; readonly workspace_id: string },
  clocks: readonly SlaClock[],
  nowMs: number,
): TicketSlaRow[] {
  return clocks.map((c) => ({
    ticket_id: ticket.id,
    workspace_id: ticket.workspace_id,
    metric: c.metric,
    state: c.state,
    target: c.target,
    calendar_id: c.calendarId,
    started_at: c.startedAtMs,
    due_at: c.dueAtMs,
    breached_at: c.breachedAtMs,
    stopped_at: c.stoppedAtMs,
    used_ms: Math.round(c.usedMs),
    target_ms: c.remainingMs === null ? null : Math.round(c.usedMs + c.remainingMs),
    warning_threshold: c.warningThreshold,
    computed_at: nowMs,
  }));
}

/**
 * The earliest due instant of a counting clock: what the queue, "breaching before" and sort=dueAt order on.
 * Counting means not stopped and running or breached (a breached clock keeps counting, and the most overdue
 * tickets must stay first). Paused clocks are left out: their due instant is only "if counting resumed now",
 * which reads project forward (sla-projection.ts), so a ticket waiting on its customer does not crowd the queue.
 * Same criterion as the `breachingBefore` filter in ticket.repository.ts.
 */
export function nextDueOf(clocks: readonly SlaClock[]): number | null {
  const counting = clocks
    .filter((c) => c.stoppedAtMs === null && (c.state === 'running' || c.state === 'breached'))
    .flatMap((c) => (c.dueAtMs === null ? [] : [c.dueAtMs]));
  return counting.length > 0 ? Math.min(...counting) : null;
}

/** A stored clock row as `projectClock` reads it. */
export function persistedClockOf(row: PersistedSlaRow): PersistedClock {
  return {
    metric: row.metric as PersistedClock['metric'],
    state: row.state as PersistedClock['state'],
    target: row.target,
    calendarId: row.calendar_id,
    dueAtMs: row.due_at,
    breachedAtMs: row.breached_at,
    stoppedAtMs: row.stopped_at,
    usedMs: row.used_ms,
    targetMs: row.target_ms,
    computedAtMs: row.computed_at,
  };
}

/**
 * Whether clocks just recomputed (`fresh`, computed at `nowMs`) show what the stored ones (`stored`, computed
 * earlier) show when advanced to `nowMs` with the current calendars (as reads advance them, see sla-projection.ts):
 * every figure a read derives from them (state, target, calendar, due, breach, stop, used time). A calendar edit that
 * leaves a ticket's clocks as they read need not rewrite them, move the ticket's version or add to its history.
 */
export function showSameClocks(
  stored: readonly PersistedSlaRow[],
  fresh: readonly TicketSlaRow[],
  at: {
    nowMs: number;
    status: TicketStatus;
    pauseRules: PauseRules;
    calendarOf: (calendarId: string) => BusinessCalendar;
  },
): boolean {
  if (stored.length !== fresh.length) return false;
  for (const row of fresh) {
    const old = stored.find((s) => s.metric === row.metric);
    if (
      old === undefined ||
      old.state !== row.state ||
      old.target !== row.target ||
      old.calendar_id !== row.calendar_id ||
      old.due_at !== row.due_at ||
      old.breached_at !== row.breached_at ||
      old.stopped_at !== row.stopped_at ||
      old.target_ms !== row.target_ms
    )
      return false;
    const { usedMs } = projectClock(persistedClockOf(old), {
      nowMs: at.nowMs,
      calendar: at.calendarOf(old.calendar_id),
      status: at.status,
      pauseRules: at.pauseRules,
      warningThresholds: [],
    });
    // Both sides are rounded to the millisecond when stored.
    if (Math.abs(usedMs - row.used_ms) > 1) return false;
  }
  return true;
}
