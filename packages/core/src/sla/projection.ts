import type { BusinessCalendar } from '../calendar/calendar.types.ts';
import { nextTransitionAt } from '../calendar/transitions.ts';
import type { ClockState, SlaClock } from './clock/clock.types.ts';
import type { TicketStatus } from './ticket-event.ts';
import { isClockPaused, type PauseRules } from './workflow.ts';

/** What a clock shows at an instant: the subset of SlaClock the API publishes. */
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

/** A clock advanced to now, with what a page needs to tick it without the calendar. */
export type ProjectedClock = ClockView & {
  /** Whether used time grows right now (the clock counts and its calendar is open). */
  countingNow: boolean;
  /**
   * The next instant its calendar opens or closes while the clock can count: until then used time grows with real
   * time (`countingNow`) or stands still, so a page can tick a countdown without the calendar. Null when the clock is
   * stopped, paused or has no target, or when the calendar never changes (24/7).
   */
  nextChangeAt: number | null;
};

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

interface ProjectionBase {
  nowMs: number;
  calendar: BusinessCalendar;
  warningThresholds: readonly number[];
}

/**
 * Whether the clock is paused: from the ticket's current status through the policy's pause rule (`isClockPaused`,
 * the same rule computeClocks replays), or, for callers not yet passing the status, a ticket-wide flag. The flag
 * cannot tell a metric that never pauses (hosting-be's GTI) from one that does: prefer the status.
 */
export type ProjectionAt = ProjectionBase &
  ({ status: TicketStatus; pauseRules: PauseRules } | { paused: boolean; status?: undefined });

function pausedAt(clock: PersistedClock, at: ProjectionAt): boolean {
  return at.status !== undefined ? isClockPaused(at.pauseRules, clock.metric, at.status) : at.paused;
}

/**
 * Advances a persisted clock to `nowMs` without replaying the history. Sound because every event recomputes and
 * persists the clocks through the core: between two events a clock only counts open time (or not, while paused),
 * so its used time grows by the calendar's elapsed time and it breaches when it passes its due instant.
 */
export function projectClock(clock: PersistedClock, at: ProjectionAt): ProjectedClock {
  const paused = pausedAt(clock, at);
  const counting = clock.stoppedAtMs === null && !paused;
  const usedMs = clock.usedMs + (counting ? at.calendar.elapsedMs(clock.computedAtMs, at.nowMs) : 0);
  const countingNow = counting && at.calendar.isOpen(at.nowMs);
  // Object literals, not spreads: this runs for every clock of every ticket read, and a spread with extra
  // properties takes V8's slow path.
  if (clock.targetMs === null) {
    return {
      metric: clock.metric,
      target: clock.target,
      calendarId: clock.calendarId,
      usedMs,
      stoppedAtMs: clock.stoppedAtMs,
      // A breach recorded under an earlier target (before a move to a category without one) stays recorded.
      state: clock.state,
      dueAtMs: null,
      remainingMs: null,
      percentUsed: null,
      warningThreshold: null,
      breachedAtMs: clock.breachedAtMs,
      countingNow,
      nextChangeAt: null,
    };
  }
  const breachedAtMs =
    clock.breachedAtMs ??
    (counting && clock.dueAtMs !== null && at.nowMs > clock.dueAtMs ? clock.dueAtMs : null);
  const remainingMs = clock.targetMs - usedMs;
  // While paused and not yet used up, the due instant is "if counting resumed now"; once used up it stays put.
  const dueAtMs =
    clock.stoppedAtMs === null && paused && remainingMs > 0
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
    countingNow,
    nextChangeAt: counting ? nextTransitionAt(at.calendar, at.nowMs) : null,
  };
}
