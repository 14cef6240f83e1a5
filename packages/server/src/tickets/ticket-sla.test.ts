import { describe, expect, it } from 'vitest';
import { getPolicyPreset, policyCalendarResolver } from '../sla/sla-core.ts';
import { showSameClocks } from './ticket-sla.ts';
import type { PersistedSlaRow, TicketSlaRow } from './ticket.repository.ts';

const HOUR_MS = 3_600_000;
// Monday 2026-11-23 09:00 Brussels (08:00 UTC), inside be-business hours.
const MONDAY_9_MS = Date.parse('2026-11-23T08:00:00Z');
const calendarOf = policyCalendarResolver(getPolicyPreset('hosting-be'));

/** A running intervention clock stored at `computedAtMs` with `usedMs` used, due 4 business hours in. */
function stored(computedAtMs: number, usedMs: number): PersistedSlaRow {
  return {
    ticket_id: 't',
    metric: 'intervention',
    state: 'running',
    target: 'PT4H',
    calendar_id: 'be-business',
    due_at: MONDAY_9_MS + 4 * HOUR_MS,
    breached_at: null,
    stopped_at: null,
    used_ms: usedMs,
    target_ms: 4 * HOUR_MS,
    computed_at: computedAtMs,
  };
}

/** The same clock as a recompute at `nowMs` writes it. */
function fresh(nowMs: number, usedMs: number): TicketSlaRow {
  return {
    ...stored(nowMs, usedMs),
    workspace_id: 'w',
    started_at: MONDAY_9_MS,
    warning_threshold: null,
  };
}

describe('showSameClocks', () => {
  const nowMs = MONDAY_9_MS + HOUR_MS;
  const pauseRules = { pauseStatuses: ['pending-customer' as const], metricPauseStatuses: {} };
  const at = { nowMs, status: 'open' as const, pauseRules, calendarOf };

  it('is true when the stored clock, advanced to now, reads as the recomputed one', () => {
    expect(showSameClocks([stored(MONDAY_9_MS, 0)], [fresh(nowMs, HOUR_MS)], at)).toBe(true);
  });

  it('is false when the used time differs now, even with the same due instant', () => {
    // One business hour passed since it was stored, but the recompute counts half of it (another calendar).
    expect(showSameClocks([stored(MONDAY_9_MS, 0)], [fresh(nowMs, HOUR_MS / 2)], at)).toBe(false);
  });

  it('is false when any stored figure differs, or a clock is missing', () => {
    const base = fresh(nowMs, HOUR_MS);
    for (const changed of [
      { ...base, due_at: (base.due_at ?? 0) + 1 },
      { ...base, state: 'breached' },
      { ...base, calendar_id: 'sa-business' },
      { ...base, stopped_at: nowMs },
      { ...base, target_ms: HOUR_MS },
    ])
      expect(showSameClocks([stored(MONDAY_9_MS, 0)], [changed], at)).toBe(false);
    expect(showSameClocks([], [base], at)).toBe(false);
  });

  it('does not advance a paused clock', () => {
    const paused = { ...at, status: 'pending-customer' as const };
    expect(showSameClocks([stored(MONDAY_9_MS, 0)], [fresh(nowMs, 0)], paused)).toBe(true);
    expect(showSameClocks([stored(MONDAY_9_MS, 0)], [fresh(nowMs, HOUR_MS)], paused)).toBe(false);
  });
});
