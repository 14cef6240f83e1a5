import { CalendarError } from './calendar-error.ts';

// The engine's supported instants. Beyond them, zone rules are guesses and holiday data thins out.
export const MIN_YEAR = 1971;
export const MAX_YEAR = 2199;
export const MIN_INSTANT_MS = Date.UTC(MIN_YEAR, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(MAX_YEAR + 1, 0, 1);

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const validZones = new Map<string, boolean>();

/** Whether `Intl` knows the zone (what every offset here comes from). */
export function isValidTimeZone(timeZone: string): boolean {
  let valid = validZones.get(timeZone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
      valid = typeof timeZone === 'string' && timeZone !== '';
    } catch {
      valid = false;
    }
    validZones.set(timeZone, valid);
  }
  return valid;
}

/** Offset of the zone from UTC at an instant, in minutes (Brussels in summer: 120). */
export type OffsetAt = (atMs: number) => number;

const offsetFns = new Map<string, OffsetAt>();

/** The offsets of a zone are tabulated per span of this length (2^35 ms, about 398 days). */
const SPAN_MS = 2 ** 35;
/**
 * How far apart the zone is sampled when a span is tabulated. Two transitions less than a day apart would hide each
 * other; tzdata has none in the engine's years (wallToInstant relies on the same fact: a day either side of a wall
 * time brackets at most one transition), and the property tests compare with the zone asked directly (luxon).
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
    if (!isValidTimeZone(timeZone)) {
      throw new CalendarError('INVALID_CALENDAR', `timeZone: unknown IANA time zone '${timeZone}'`);
    }
    fn = tabulatedOffsets(intlOffsets(timeZone));
    offsetFns.set(timeZone, fn);
  }
  return fn;
}

/**
 * The zone's offset as `Intl` states it. Only the offset is formatted (`GMT+05:30`) and read back, which costs a
 * fraction of formatting a whole date to parts and rebuilding it; tabulating a span asks hundreds of times. Where
 * the runtime writes something else (no `longOffset`, or seconds of local mean time), the offset is the difference
 * between the wall time Intl shows and the instant, in minutes.
 */
function intlOffsets(timeZone: string): (atMs: number) => number {
  const wallFormat = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
  });
  const fromWallTime = (atMs: number): number => {
    const parts: Record<string, string> = {};
    for (const { type, value } of wallFormat.formatToParts(atMs)) parts[type] = value;
    const year = parts.era === 'BC' || parts.era === 'B' ? 1 - Number(parts.year) : Number(parts.year);
    const wall = new Date(0);
    wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
    wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
    return (wall.getTime() - (atMs - (((atMs % 1000) + 1000) % 1000))) / MINUTE_MS;
  };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  } catch {
    return fromWallTime;
  }
  return (atMs) => {
    const text = format.format(atMs);
    const at = text.lastIndexOf('GMT');
    // `GMT` alone is offset zero; otherwise `GMT±HH:MM`.
    if (at >= 0 && at + 3 === text.length) return 0;
    const sign = text.charCodeAt(at + 3) === 45 || text.charCodeAt(at + 3) === 0x2212 ? -1 : 1;
    const hours = Number(text.slice(at + 4, at + 6));
    const minutes = Number(text.slice(at + 7, at + 9));
    if (at < 0 || text.length !== at + 9 || !Number.isInteger(hours) || !Number.isInteger(minutes)) {
      return fromWallTime(atMs);
    }
    return sign * (hours * 60 + minutes);
  };
}

/**
 * Asking `Intl` for an offset costs microseconds, and compiling a calendar year or formatting a stream of instants
 * asks thousands of times. Each span of time is tabulated once per zone instead (its transitions found by sampling,
 * then bisection to the millisecond) and every later question is one binary search in a handful of numbers; the
 * span asked last is kept at hand, since a stream of instants mostly stays in one.
 */
function tabulatedOffsets(offsetOf: (atMs: number) => number): OffsetAt {
  // Indexed by span number; negative numbers (before 1970) land in the array's properties, which is fine for them.
  const spans: OffsetSpan[] = [];
  let lastIndex = Number.NaN;
  let lastStarts: readonly number[] = [];
  let lastOffsets: readonly number[] = [];
  return (atMs) => {
    const index = Math.floor(atMs / SPAN_MS);
    if (index !== lastIndex) {
      let span = spans[index];
      if (span === undefined) {
        span = tabulateSpan(offsetOf, index * SPAN_MS, (index + 1) * SPAN_MS);
        spans[index] = span;
      }
      lastIndex = index;
      lastStarts = span.starts;
      lastOffsets = span.offsets;
    }
    const starts = lastStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= atMs) lo = mid;
      else hi = mid - 1;
    }
    return lastOffsets[lo]!;
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

/**
 * Epoch day (days since 1970-01-01) → civil date parts, proleptic Gregorian, by arithmetic (Howard Hinnant's
 * civil_from_days): no `Date` object per call, which matters when a stream formats every answer.
 */
export function epochDayToDate(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function dateToEpochDay(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** Civil date → epoch day by arithmetic (days_from_civil); the parts must already be a real date. */
function civilToEpochDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
export function weekdayOfEpochDay(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
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

/**
 * ISO-8601 instant. With `Z` or an offset it is absolute; without, it is a wall time in `timeZone`
 * (compatible rule). A bare date means local midnight.
 *
 * Accepted: `YYYY-MM-DD`, then optionally `T` or a space and `HH:MM`, `:SS`, `.f` (1 to 9 digits, read to the
 * millisecond, truncated), then optionally `Z`, `z`, `±HH`, `±HHMM` or `±HH:MM`. Read character by character
 * rather than by a regular expression and `Date`: a stream parses one or two instants per line.
 */
export function parseInstant(text: string, timeZone: string): number {
  const s = text.trim();
  const n = s.length;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (n < 10 || year < 0 || month < 0 || day < 0 || s.charCodeAt(4) !== DASH || s.charCodeAt(7) !== DASH) {
    throw notAnInstant(text);
  }
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let i = 10;
  const separator = s.charCodeAt(i);
  if (separator === UPPER_T || separator === SPACE) {
    hour = digits(s, i + 1, 2);
    minute = digits(s, i + 4, 2);
    if (hour < 0 || minute < 0 || s.charCodeAt(i + 3) !== COLON) throw notAnInstant(text);
    i += 6;
    if (s.charCodeAt(i) === COLON) {
      second = digits(s, i + 1, 2);
      if (second < 0) throw notAnInstant(text);
      i += 3;
      if (s.charCodeAt(i) === DOT) {
        const fractionStart = i + 1;
        i = fractionStart;
        while (i < n && isDigit(s.charCodeAt(i))) i += 1;
        if (i === fractionStart || i - fractionStart > 9) throw notAnInstant(text);
        // Milliseconds are the first three digits (missing ones are zeros); further digits are truncated.
        for (let k = 0; k < 3; k += 1) {
          millis = millis * 10 + (fractionStart + k < i ? s.charCodeAt(fractionStart + k) - ZERO : 0);
        }
      }
    }
  }
  // What follows is the zone: none, Z, or a numeric offset, and then the end of the text.
  let offsetMinutes: number | undefined;
  if (i < n) {
    const sign = s.charCodeAt(i);
    if ((sign === UPPER_Z || sign === LOWER_Z) && i + 1 === n) {
      offsetMinutes = 0;
    } else if (sign === PLUS || sign === DASH) {
      const offsetHours = digits(s, i + 1, 2);
      let offsetMins = 0;
      let end = i + 3;
      if (end < n) {
        if (s.charCodeAt(end) === COLON) end += 1;
        offsetMins = digits(s, end, 2);
        end += 2;
      }
      if (offsetHours < 0 || offsetMins < 0 || end !== n) throw notAnInstant(text);
      if (!validDateTime(year, month, day, hour, minute, second)) throw notValid(text);
      if (offsetHours > 23 || offsetMins > 59) {
        throw new CalendarError('INVALID_INSTANT', `'${text}' has an invalid offset`);
      }
      offsetMinutes = (sign === DASH ? -1 : 1) * (offsetHours * 60 + offsetMins);
    } else {
      throw notAnInstant(text);
    }
  }
  if (!validDateTime(year, month, day, hour, minute, second)) throw notValid(text);
  const wallMs =
    civilToEpochDay(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + millis;
  const atMs =
    offsetMinutes === undefined
      ? wallToInstant(zoneOffset(timeZone), wallMs)
      : wallMs - offsetMinutes * MINUTE_MS;
  // The label is only built when it is needed: this runs once or twice per line of a stream.
  if (!(atMs >= MIN_INSTANT_MS && atMs < MAX_INSTANT_MS)) assertInstantInRange(atMs, `'${text}'`);
  return atMs;
}

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;
const SPACE = 32;
const UPPER_T = 84;
const UPPER_Z = 90;
const LOWER_Z = 122;

const isDigit = (code: number): boolean => code >= ZERO && code <= ZERO + 9;

/** The number written by `count` ASCII digits at `start`, or -1 when any of them is not a digit (or missing). */
function digits(s: string, start: number, count: number): number {
  let value = 0;
  for (let k = start; k < start + count; k += 1) {
    const code = s.charCodeAt(k);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}

function validDateTime(year: number, month: number, day: number, h: number, m: number, s: number): boolean {
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && h <= 23 && m <= 59 && s <= 59
  );
}

function notAnInstant(text: string): CalendarError {
  return new CalendarError(
    'INVALID_INSTANT',
    `'${text}' is not an ISO-8601 instant (expected e.g. 2026-03-27T16:00:00+01:00)`,
  );
}

function notValid(text: string): CalendarError {
  return new CalendarError('INVALID_INSTANT', `'${text}' is not a valid date and time`);
}

/** `00` … `99`, so formatting pads by indexing rather than by building strings. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/** `2026-03-30T11:00:00+02:00`; milliseconds appear only when non-zero. */
export function formatInstant(atMs: number, timeZone: string): string {
  return formatInstantWith(zoneOffset(timeZone), atMs);
}

/**
 * `formatInstant` with the zone's offsets already at hand (a calendar keeps them). The wall date comes from
 * arithmetic on the epoch day, the offset from the zone's table: no `Date` or `Intl` per call.
 */
export function formatInstantWith(offsetAt: OffsetAt, atMs: number): string {
  const offsetMin = offsetAt(atMs);
  const wallMs = atMs + offsetMin * MINUTE_MS;
  const epochDay = Math.floor(wallMs / DAY_MS);
  const msOfDay = wallMs - epochDay * DAY_MS;
  if (!Number.isInteger(msOfDay) || !Number.isInteger(offsetMin) || epochDay < -719_162) {
    return formatInstantSlowly(atMs, offsetMin);
  }
  const { year, month, day } = epochDayToDate(epochDay);
  const hour = Math.floor(msOfDay / HOUR_MS);
  const minute = Math.floor((msOfDay - hour * HOUR_MS) / MINUTE_MS);
  const millis = msOfDay % 60_000;
  const second = Math.floor(millis / 1000);
  const ms = millis - second * 1000;
  const absOffset = offsetMin < 0 ? -offsetMin : offsetMin;
  return (
    (year >= 1000 ? String(year) : String(year).padStart(4, '0')) +
    '-' +
    TWO_DIGITS[month]! +
    '-' +
    TWO_DIGITS[day]! +
    'T' +
    TWO_DIGITS[hour]! +
    ':' +
    TWO_DIGITS[minute]! +
    ':' +
    TWO_DIGITS[second]! +
    (ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`) +
    (offsetMin < 0 ? '-' : '+') +
    TWO_DIGITS[Math.floor(absOffset / 60)]! +
    ':' +
    TWO_DIGITS[absOffset % 60]!
  );
}

/** Offsets in fractions of a minute (local mean time) and instants before year 0: rare enough for `Date`. */
function formatInstantSlowly(atMs: number, offsetMin: number): string {
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
