/**
 * The contract of a compiled business calendar. Every instant is epoch milliseconds (UTC);
 * local dates are `YYYY-MM-DD` strings in the calendar's own IANA zone.
 * Half-open intervals throughout: an interval [startMs, endMs) contains startMs, not endMs.
 */
export interface Interval {
  readonly startMs: number;
  readonly endMs: number;
}

/** Why a whole local day has no open time (used by SLA traces: "Mon 2026-04-06 closed: Easter Monday"). */
export type ClosedDayReason = 'weekly' | 'holiday' | 'closed';

export interface ClosedDay {
  /** Local date in the calendar's zone. */
  readonly date: string;
  readonly reason: ClosedDayReason;
  /** Holiday name when reason is 'holiday'. */
  readonly name?: string;
}

export interface BusinessCalendar {
  readonly timeZone: string;
  /** Length of one business day, used to turn `P1D` into open time. */
  readonly businessDayMs: number;
  /** Is the instant inside open time? */
  isOpen(atMs: number): boolean;
  /** Earliest open instant ≥ atMs (atMs itself when open). Throws CalendarError when there is no open time within the horizon. */
  nextOpen(atMs: number): number;
  /** Earliest instant ≥ atMs that is not open (atMs itself when closed). */
  nextClose(atMs: number): number;
  /** Open time of [fromMs, toMs) in real milliseconds; 0 when toMs ≤ fromMs. */
  elapsedMs(fromMs: number, toMs: number): number;
  /** Earliest t ≥ fromMs with elapsedMs(fromMs, t) ≥ durationMs. An exact fill lands on a closing time; 0 returns fromMs. */
  dueAt(fromMs: number, durationMs: number): number;
  /** Open intervals clipped to [fromMs, toMs), in order, merged where they touch. */
  openIntervals(fromMs: number, toMs: number): Interval[];
  /** Local dates in [fromMs, toMs) with no open time at all, and why. */
  closedDays(fromMs: number, toMs: number): ClosedDay[];
  /** The local date (YYYY-MM-DD) of an instant in the calendar's zone. */
  localDate(atMs: number): string;
  /** Format an instant as ISO-8601 with the calendar's offset, e.g. 2026-03-30T11:00:00+02:00. */
  formatIso(atMs: number): string;
}
