import type { CalendarResolver } from './calendar-resolver.ts';
import type { SlaClock } from './clock/clock.types.ts';
import type { MetricId } from './ticket-event.ts';

/** An instant at which a clock crosses a line the policy cares about: a warning threshold, or its target. */
export interface SlaDeadline {
  readonly kind: 'warning' | 'breach';
  readonly metric: MetricId;
  /** The percentage of the target (e.g. 75) for a warning; 100 for a breach. */
  readonly threshold: number;
  readonly atMs: number;
  /** The target it was computed for: a new target (a priority change) is a new deadline. */
  readonly target: string;
  /** The due instant of the clock when computed. */
  readonly dueAtMs: number;
}

/**
 * The deadlines still ahead of a ticket's clocks, computed when the clocks are: for every counting clock with a
 * target, the instant each warning threshold is reached and the instant the target is used up, in business time
 * of the clock's calendar. A line already crossed at `nowMs` comes back at `nowMs` (its alert is due now: a ticket
 * reported long ago, a priority raised); a paused or stopped clock has none (it is not counting), except the breach
 * it reached before stopping, due at `nowMs`. Callers key the deadlines so each fires at most once.
 */
export function slaDeadlines(input: {
  clocks: readonly SlaClock[];
  calendars: CalendarResolver;
  warningThresholds: readonly number[];
  nowMs: number;
}): SlaDeadline[] {
  const out: SlaDeadline[] = [];
  for (const clock of input.clocks) {
    if (clock.stoppedAtMs !== null || clock.state === 'paused' || clock.state === 'met') {
      // A breach that happened before the clock stopped or paused is still owed its alert: a resolve committed after
      // the breach instant, before the scheduler fired it, must not erase the breach from the history.
      if (clock.breachedAtMs !== null && clock.target !== null && clock.dueAtMs !== null)
        out.push({
          kind: 'breach',
          metric: clock.metric,
          threshold: 100,
          atMs: input.nowMs,
          target: clock.target,
          dueAtMs: clock.dueAtMs,
        });
      continue;
    }
    if (clock.target === null || clock.remainingMs === null || clock.dueAtMs === null) continue;
    const targetMs = clock.usedMs + clock.remainingMs;
    if (!(targetMs > 0)) continue;
    const calendar = input.calendars(clock.calendarId);
    const at = (usedAtLineMs: number) =>
      clock.usedMs >= usedAtLineMs ? input.nowMs : calendar.dueAt(input.nowMs, usedAtLineMs - clock.usedMs);
    // Once breached, a warning would only repeat the alarm.
    const thresholds = clock.state === 'breached' ? [] : [...new Set(input.warningThresholds)];
    for (const threshold of thresholds.sort((a, b) => a - b)) {
      if (!(threshold > 0 && threshold < 100)) continue;
      out.push({
        kind: 'warning',
        metric: clock.metric,
        threshold,
        atMs: at((targetMs * threshold) / 100),
        target: clock.target,
        dueAtMs: clock.dueAtMs,
      });
    }
    out.push({
      kind: 'breach',
      metric: clock.metric,
      threshold: 100,
      // A clock is breached once past its due instant (at the due instant it has just met its target).
      atMs: clock.state === 'breached' ? input.nowMs : clock.dueAtMs + 1,
      target: clock.target,
      dueAtMs: clock.dueAtMs,
    });
  }
  return out;
}
