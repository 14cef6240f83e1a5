import { CalendarError } from './calendar-error.ts';
import type { BusinessCalendar } from './calendar.types.ts';
import { HOUR_MS, MINUTE_MS } from './zoned-time.ts';

/** A business duration: whole business days (each `businessDay` long) plus open time in ms. */
export interface BusinessDuration {
  readonly days: number;
  readonly ms: number;
}

// Years, months and weeks are refused: "P1M" of business time has no agreed meaning in an SLA.
const DURATION_RE =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

// About 100 years of open time: beyond it a "deadline" is a typo, and we want a clear error, not a search.
const MAX_DURATION_MS = 100 * 365 * 24 * HOUR_MS;

export function parseBusinessDuration(text: string): BusinessDuration {
  const m = typeof text === 'string' ? DURATION_RE.exec(text) : null;
  if (!m || text === 'P' || text.endsWith('T')) {
    throw new CalendarError(
      'INVALID_DURATION',
      `'${String(text)}' is not a business duration (ISO-8601 days/hours/minutes/seconds, e.g. PT4H, PT30M, P2D, P1DT4H)`,
    );
  }
  const [, d, h, mi, s] = m;
  const days = d === undefined ? 0 : Number(d);
  const ms = Math.round(
    (h === undefined ? 0 : Number(h) * HOUR_MS) +
      (mi === undefined ? 0 : Number(mi) * MINUTE_MS) +
      (s === undefined ? 0 : Number(s) * 1000),
  );
  if (days * 24 * HOUR_MS + ms > MAX_DURATION_MS) {
    throw new CalendarError('INVALID_DURATION', `'${text}' is longer than 100 years`);
  }
  return { days, ms };
}

export function businessDurationMs(duration: BusinessDuration, businessDayMs: number): number {
  return Math.round(duration.days * businessDayMs) + duration.ms;
}

/** The due instant of `from` plus an ISO business duration on a calendar. */
export function addBusinessDuration(calendar: BusinessCalendar, fromMs: number, iso: string): number {
  return calendar.dueAt(fromMs, businessDurationMs(parseBusinessDuration(iso), calendar.businessDayMs));
}

/** Milliseconds → the shortest ISO duration of hours/minutes/seconds, e.g. 32400000 → PT9H. */
export function formatDurationMs(durationMs: number): string {
  if (durationMs === 0) return 'PT0S';
  let rest = Math.round(durationMs);
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = Math.floor(rest / MINUTE_MS);
  rest -= minutes * MINUTE_MS;
  const seconds = rest / 1000;
  return `PT${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
}
