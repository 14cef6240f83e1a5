import { IANAZone } from 'luxon';
import { CalendarError } from './calendar-error.ts';

// The engine's supported instants. Beyond them, zone rules are guesses and holiday data thins out.
export const MIN_YEAR = 1971;
export const MAX_YEAR = 2199;
export const MIN_INSTANT_MS = Date.UTC(MIN_YEAR, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(MAX_YEAR + 1, 0, 1);

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export function isValidTimeZone(timeZone: string): boolean {
  return IANAZone.isValidZone(timeZone);
}

/** Offset of the zone from UTC at an instant, in minutes (Brussels in summer: 120). */
export type OffsetAt = (atMs: number) => number;

const offsetFns = new Map<string, OffsetAt>();

/** The offsets of a zone are tabulated per span of this length (2^35 ms, about 398 days). */
const SPAN_MS = 2 ** 35;
/**
 * How far apart the zone is sampled when a span is tabulated. Two transitions less than a day apart would hide each
 * other; tzdata has none in the engine's years (wallToInstant relies on the same fact: a day either side of a wall
 * time brackets at most one transition), and the property tests compare with luxon asked directly.
 */
const SAMPLE_MS = DAY_MS;

/** One span of a zone: where each constant-offset stretch starts (epoch ms) and its offset (minutes). */
interface OffsetSpan {
  readonly starts: readonly number[];
  readonly offsets: readonly number[];
}

export function zoneOffset(timeZone: string): OffsetAt {
  let fn = offsetFns.get(timeZone);
  if (!fn) {
    if (!IANAZone.isValidZone(timeZone)) {
      throw new CalendarError('INVALID_CALENDAR', `timeZone: unknown IANA time zone '${timeZone}'`);
    }
    const zone = IANAZone.create(timeZone);
    fn = tabulatedOffsets((atMs) => zone.offset(atMs));
    offsetFns.set(timeZone, fn);
  }
  return fn;
}

/**
 * Asking `Intl` (through luxon) for an offset costs microseconds, and compiling a calendar year or formatting a stream
 * of instants asks thousands of times: most of a calendar's compile time and a third of the CLI's. Each span of time
 * is tabulated once per zone instead (its transitions found by sampling, then bisection to the millisecond) and every
 * later question is a binary search in a handful of numbers.
 */
function tabulatedOffsets(offsetOf: (atMs: number) => number): OffsetAt {
  const spans = new Map<number, OffsetSpan>();
  return (atMs) => {
    const index = Math.floor(atMs / SPAN_MS);
    let span = spans.get(index);
    if (span === undefined) {
      span = tabulateSpan(offsetOf, index * SPAN_MS, (index + 1) * SPAN_MS);
      spans.set(index, span);
    }
    const { starts, offsets } = span;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= atMs) lo = mid;
      else hi = mid - 1;
    }
    return offsets[lo]!;
  };
}

function tabulateSpan(offsetOf: (atMs: number) => number, fromMs: number, toMs: number): OffsetSpan {
  const starts = [fromMs];
  const offsets = [offsetOf(fromMs)];
  let previousMs = fromMs;
  while (previousMs < toMs - 1) {
    const sampleMs = Math.min(previousMs + SAMPLE_MS, toMs - 1);
    const offset = offsetOf(sampleMs);
    if (offset !== offsets[offsets.length - 1]) {
      // The first instant with the new offset, in (previousMs, sampleMs].
      let lo = previousMs;
      let hi = sampleMs;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetOf(mid) === offset) hi = mid;
        else lo = mid;
      }
      starts.push(hi);
      offsets.push(offset);
    }
    previousMs = sampleMs;
  }
  return { starts, offsets };
}

/**
 * The instant of a local wall-clock time, written as the epoch ms it would have in UTC.
 * Temporal's 'compatible' rule: a time in a spring-forward gap moves forward by the gap's length,
 * an ambiguous fall-back time takes the earlier instant.
 */
export function wallToInstant(offsetAt: OffsetAt, wallMs: number): number {
  // Offsets a day either side bracket any single transition near the wall time.
  const before = offsetAt(wallMs - DAY_MS);
  const after = offsetAt(wallMs + DAY_MS);
  const fromBefore = wallMs - before * MINUTE_MS;
  const fromAfter = wallMs - after * MINUTE_MS;
  const beforeFits = offsetAt(fromBefore) === before;
  const afterFits = before !== after && offsetAt(fromAfter) === after;
  if (beforeFits && afterFits) return Math.min(fromBefore, fromAfter);
  if (beforeFits) return fromBefore;
  if (afterFits) return fromAfter;
  // In the gap: read the wall time with the offset in force before it, which lands after the gap.
  return fromBefore;
}

/** Epoch day (days since 1970-01-01) → civil date parts, proleptic Gregorian. */
export function epochDayToDate(epochDay: number): { year: number; month: number; day: number } {
  const d = new Date(epochDay * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function dateToEpochDay(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
export function weekdayOfEpochDay(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function formatEpochDay(epochDay: number): string {
  const { year, month, day } = epochDayToDate(epochDay);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → epoch day, or undefined when it is not a real calendar date. */
export function parseLocalDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const epochDay = dateToEpochDay(year, month, day);
  const back = epochDayToDate(epochDay);
  if (back.year !== year || back.month !== month || back.day !== day) return undefined;
  return epochDay;
}

export function assertInstantInRange(atMs: number, label = 'instant'): void {
  if (!Number.isFinite(atMs)) {
    throw new CalendarError('INVALID_INSTANT', `${label}: not a finite instant`);
  }
  if (atMs < MIN_INSTANT_MS || atMs >= MAX_INSTANT_MS) {
    throw new CalendarError(
      'INSTANT_OUT_OF_RANGE',
      `${label}: ${new Date(atMs).toISOString()} is outside the supported years ${MIN_YEAR}–${MAX_YEAR}`,
    );
  }
}

const INSTANT_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * ISO-8601 instant. With `Z` or an offset it is absolute; without, it is a wall time in `timeZone`
 * (compatible rule). A bare date means local midnight.
 */
export function parseInstant(text: string, timeZone: string): number {
  const m = INSTANT_RE.exec(text.trim());
  if (!m) {
    throw new CalendarError(
      'INVALID_INSTANT',
      `'${text}' is not an ISO-8601 instant (expected e.g. 2026-03-27T16:00:00+01:00)`,
    );
  }
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const epochDay = parseLocalDate(`${y}-${mo}-${d}`);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (epochDay === undefined || hour > 23 || minute > 59 || second > 59) {
    throw new CalendarError('INVALID_INSTANT', `'${text}' is not a valid date and time`);
  }
  const millis = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const wallMs = epochDay * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + millis;
  let atMs: number;
  if (zone === undefined) {
    atMs = wallToInstant(zoneOffset(timeZone), wallMs);
  } else if (zone === 'Z' || zone === 'z') {
    atMs = wallMs;
  } else {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offH > 23 || offM > 59) throw new CalendarError('INVALID_INSTANT', `'${text}' has an invalid offset`);
    atMs = wallMs - sign * (offH * HOUR_MS + offM * MINUTE_MS);
  }
  assertInstantInRange(atMs, `'${text}'`);
  return atMs;
}

/** `2026-03-30T11:00:00+02:00`; milliseconds appear only when non-zero. */
export function formatInstant(atMs: number, timeZone: string): string {
  const offsetMin = zoneOffset(timeZone)(atMs);
  const wall = new Date(atMs + offsetMin * MINUTE_MS);
  const ms = wall.getUTCMilliseconds();
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return (
    `${String(wall.getUTCFullYear()).padStart(4, '0')}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}` +
    `T${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}:${pad2(wall.getUTCSeconds())}` +
    (ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`) +
    `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}

/** The local date (epoch day) of an instant in a zone. */
export function localEpochDay(offsetAt: OffsetAt, atMs: number): number {
  return Math.floor((atMs + offsetAt(atMs) * MINUTE_MS) / DAY_MS);
}
