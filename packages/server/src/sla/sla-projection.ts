import type { BusinessCalendar, ClockState, SlaClock } from './sla-core.ts';

/** What a clock shows at an instant: the subset of the core's SlaClock the API publishes. */
export type ClockView = Pick<
  SlaClock,
  | 'metric'
  | 'state'
  | 'target'
  | 'calendarId'
  | 'dueAtMs'
  | 'usedMs'
  | 'remainingMs'
  | 'percentUsed'
  | 'warningThreshold'
  | 'breachedAtMs'
  | 'stoppedAtMs'
>;

/** A clock as the core computed it at `computedAtMs` (the last change of the ticket), as persisted. */
export interface PersistedClock {
  readonly metric: SlaClock['metric'];
  readonly state: ClockState;
  readonly target: string | null;
  readonly calendarId: string;
  readonly dueAtMs: number | null;
  readonly breachedAtMs: number | null;
  readonly stoppedAtMs: number | null;
  readonly usedMs: number;
  readonly targetMs: number | null;
  readonly computedAtMs: number;
}

/**
 * Advances a persisted clock to `nowMs` without replaying the history. Sound because every event recomputes and
 * persists the clocks through the core: between two events a clock only counts open time (or not, while paused),
 * so its used time grows by the calendar's elapsed time and it breaches when it passes its due instant.
 */
export function projectClock(
  clock: PersistedClock,
  at: { nowMs: number; calendar: BusinessCalendar; paused: boolean; warningThresholds: readonly number[] },
): ClockView {
  const counting = clock.stoppedAtMs === null && !at.paused;
  const usedMs = clock.usedMs + (counting ? at.calendar.elapsedMs(clock.computedAtMs, at.nowMs) : 0);
  // Object literals, not spreads: this runs for every clock of every ticket read, and a spread with extra
  // properties takes V8's slow path (~0.5 µs each on Node 20).
  if (clock.targetMs === null) {
    return {
      metric: clock.metric,
      target: clock.target,
      calendarId: clock.calendarId,
      usedMs,
      stoppedAtMs: clock.stoppedAtMs,
      state: clock.state,
      dueAtMs: null,
      remainingMs: null,
      percentUsed: null,
      warningThreshold: null,
      breachedAtMs: null,
    };
  }
  const breachedAtMs =
    clock.breachedAtMs ??
    (counting && clock.dueAtMs !== null && at.nowMs > clock.dueAtMs ? clock.dueAtMs : null);
  const remainingMs = clock.targetMs - usedMs;
  // While paused and not yet used up, the due instant is "if counting resumed now"; once used up it stays put.
  const dueAtMs =
    clock.stoppedAtMs === null && at.paused && remainingMs > 0
      ? at.calendar.dueAt(at.nowMs, remainingMs)
      : clock.dueAtMs;
  const ratio = usedMs / clock.targetMs;
  let warningThreshold: number | null = null;
  for (const threshold of at.warningThresholds) if (ratio * 100 >= threshold) warningThreshold = threshold;
  return {
    metric: clock.metric,
    target: clock.target,
    calendarId: clock.calendarId,
    usedMs,
    stoppedAtMs: clock.stoppedAtMs,
    state: breachedAtMs !== null ? 'breached' : clock.state,
    dueAtMs,
    remainingMs,
    percentUsed: Math.round(ratio * 1000) / 10,
    warningThreshold,
    breachedAtMs,
  };
}
