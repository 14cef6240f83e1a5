import { CalendarError } from './calendar-error.ts';
import type { CalendarSpec, DayHours } from './calendar-spec.ts';
import { WEEKDAYS, minutesOfDay } from './calendar-week.ts';
import type { BusinessCalendar, ClosedDay, ClosedDayReason, Interval } from './calendar.types.ts';
import { businessDurationMs, parseBusinessDuration } from './duration.ts';
import { assertHolidayRule, holidayDaysOfYear } from './holidays.ts';
import {
  DAY_MS,
  MAX_INSTANT_MS,
  MAX_YEAR,
  MIN_YEAR,
  MINUTE_MS,
  assertInstantInRange,
  dateToEpochDay,
  formatEpochDay,
  formatInstant,
  formatInstantWith,
  localEpochDay,
  parseLocalDate,
  wallToInstant,
  weekdayOfEpochDay,
  zoneOffset,
} from './zoned-time.ts';

/** A day's open spans in minutes from local midnight; an end past 1440 runs into the next day. */
type Spans = ReadonlyArray<readonly [startMin: number, endMin: number]>;

interface DayRule {
  readonly spans: Spans;
  readonly reason?: ClosedDayReason;
  readonly name?: string;
}

/**
 * One local calendar year of open time as sorted, disjoint UTC intervals with prefix sums, so that
 * any due date or elapsed time inside it is two binary searches away.
 */
interface YearBlock {
  readonly startMs: number;
  readonly endMs: number;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** cumEnd[i] = open ms of intervals 0..i. */
  readonly cumEnd: Float64Array;
  readonly totalMs: number;
}

// Years the engine can build: one either side of the supported instants, for zones far from UTC.
const FIRST_BLOCK_YEAR = MIN_YEAR - 1;
const LAST_BLOCK_YEAR = MAX_YEAR + 1;
const HORIZON_YEARS = 10;
const AVERAGE_YEAR_MS = 31_556_952_000;

function toSpans(hours: DayHours | undefined): Spans {
  return (hours ?? []).map(([s, e]) => {
    const start = minutesOfDay(s);
    let end = minutesOfDay(e);
    if (end <= start) end += 1440;
    return [start, end] as const;
  });
}

function spansLengthMinutes(spans: Spans): number {
  return spans.reduce((sum, [s, e]) => sum + (e - s), 0);
}

/** The most common non-zero weekday open length; ties go to the longest. */
function defaultBusinessDayMs(week: readonly Spans[]): number {
  const counts = new Map<number, number>();
  for (const spans of week) {
    const minutes = spansLengthMinutes(spans);
    if (minutes > 0) counts.set(minutes, (counts.get(minutes) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [minutes, count] of counts) {
    if (count > bestCount || (count === bestCount && minutes > best)) {
      best = minutes;
      bestCount = count;
    }
  }
  // A calendar open only on special dates still needs a day length for P1D: a full day is the least surprising.
  return (best || 1440) * MINUTE_MS;
}

/** First index i with values[i] > x (values sorted ascending). */
function upperBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with values[i] >= x. */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Open ms of the block before instant t (t inside the block). */
function openBefore(block: YearBlock, t: number): number {
  const i = upperBound(block.ends, t);
  if (i === block.ends.length) return block.totalMs;
  const before = i === 0 ? 0 : block.cumEnd[i - 1]!;
  return before + Math.max(0, t - block.starts[i]!);
}

function assertDurationMs(durationMs: number): void {
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new CalendarError(
      'INVALID_DURATION',
      `duration must be a finite, non-negative number of ms (got ${durationMs})`,
    );
  }
}

function noOpenTime(fromMs: number, timeZone: string): CalendarError {
  return new CalendarError(
    'NO_OPEN_TIME',
    `the calendar has no open time within ${HORIZON_YEARS} years after ${formatInstant(fromMs, timeZone)}`,
  );
}

/** Compiles a validated calendar spec. Years are built lazily on first use and kept (a few KB each). */
export function compileCalendar(spec: CalendarSpec): BusinessCalendar {
  const timeZone = spec.timeZone;
  const offsetAt = zoneOffset(timeZone);
  spec.holidays.forEach((rule, i) => assertHolidayRule(rule, `holidays[${i}]`));

  const week: Spans[] = WEEKDAYS.map((day) => toSpans(spec.week[day]));
  const closed = new Set<number>(spec.closed.map((d) => parseLocalDate(d)!));
  const special = new Map<number, Spans>(
    Object.entries(spec.special).map(([date, hours]) => [parseLocalDate(date)!, toSpans(hours)]),
  );
  const businessDayMs =
    spec.businessDay === undefined
      ? defaultBusinessDayMs(week)
      : businessDurationMs(parseBusinessDuration(spec.businessDay), 0);

  const holidayYears = new Map<number, Map<number, string>>();
  const holidayName = (epochDay: number): string | undefined => {
    if (spec.holidays.length === 0) return undefined;
    const year = new Date(epochDay * DAY_MS).getUTCFullYear();
    // A holiday of several days can start in the previous Gregorian year.
    for (const y of [year, year - 1]) {
      let days = holidayYears.get(y);
      if (!days) {
        days = holidayDaysOfYear(spec.holidays, y);
        holidayYears.set(y, days);
      }
      const name = days.get(epochDay);
      if (name !== undefined) return name;
    }
    return undefined;
  };

  // special wins over closed and holidays, which win over the week.
  const dayRule = (epochDay: number): DayRule => {
    const own = special.get(epochDay);
    if (own) return own.length ? { spans: own } : { spans: own, reason: 'closed' };
    if (closed.has(epochDay)) return { spans: [], reason: 'closed' };
    const name = holidayName(epochDay);
    if (name !== undefined) return { spans: [], reason: 'holiday', name };
    const spans = week[weekdayOfEpochDay(epochDay)]!;
    return spans.length ? { spans } : { spans, reason: 'weekly' };
  };

  const yearStarts = new Float64Array(LAST_BLOCK_YEAR - FIRST_BLOCK_YEAR + 2).fill(Number.NaN);
  const yearStart = (year: number): number => {
    const k = year - FIRST_BLOCK_YEAR;
    let v = yearStarts[k]!;
    if (Number.isNaN(v)) {
      v = wallToInstant(offsetAt, dateToEpochDay(year, 1, 1) * DAY_MS);
      yearStarts[k] = v;
    }
    return v;
  };

  const blocks: Array<YearBlock | undefined> = [];
  const buildBlock = (year: number): YearBlock => {
    const startMs = yearStart(year);
    const endMs = yearStart(year + 1);
    // Start a day early: the previous New Year's Eve may hold a night shift running into this year.
    const firstDay = dateToEpochDay(year, 1, 1) - 1;
    const lastDay = dateToEpochDay(year + 1, 1, 1) - 1;
    const raw: Array<[number, number]> = [];
    for (let day = firstDay; day <= lastDay; day++) {
      const wallMidnight = day * DAY_MS;
      for (const [s, e] of dayRule(day).spans) {
        const from = Math.max(startMs, wallToInstant(offsetAt, wallMidnight + s * MINUTE_MS));
        const to = Math.min(endMs, wallToInstant(offsetAt, wallMidnight + e * MINUTE_MS));
        if (to > from) raw.push([from, to]);
      }
    }
    raw.sort((a, b) => a[0] - b[0]);
    // Where a night shift overlaps the next day's hours, the open time counts once.
    const merged: Array<[number, number]> = [];
    for (const [from, to] of raw) {
      const last = merged[merged.length - 1];
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else merged.push([from, to]);
    }
    const n = merged.length;
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    const cumEnd = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const [from, to] = merged[i]!;
      starts[i] = from;
      ends[i] = to;
      total += to - from;
      cumEnd[i] = total;
    }
    return { startMs, endMs, starts, ends, cumEnd, totalMs: total };
  };
  const block = (year: number): YearBlock => {
    const k = year - FIRST_BLOCK_YEAR;
    let b = blocks[k];
    if (!b) {
      b = buildBlock(year);
      blocks[k] = b;
    }
    return b;
  };

  /** The block year holding instant t (local year, by the blocks' own boundaries). */
  const yearOf = (t: number): number => {
    let year = Math.min(LAST_BLOCK_YEAR, Math.max(FIRST_BLOCK_YEAR, 1970 + Math.floor(t / AVERAGE_YEAR_MS)));
    while (year > FIRST_BLOCK_YEAR && t < yearStart(year)) year--;
    while (year < LAST_BLOCK_YEAR && t >= yearStart(year + 1)) year++;
    return year;
  };

  const isOpen = (atMs: number): boolean => {
    assertInstantInRange(atMs);
    const b = block(yearOf(atMs));
    const i = upperBound(b.ends, atMs);
    return i < b.ends.length && b.starts[i]! <= atMs;
  };

  const nextOpen = (atMs: number): number => {
    assertInstantInRange(atMs);
    const horizonYear = yearOf(atMs) + HORIZON_YEARS;
    for (let year = yearOf(atMs); year <= Math.min(horizonYear, LAST_BLOCK_YEAR); year++) {
      const b = block(year);
      const i = upperBound(b.ends, atMs);
      if (i < b.ends.length) return Math.max(atMs, b.starts[i]!);
    }
    throw noOpenTime(atMs, timeZone);
  };

  const nextClose = (atMs: number): number => {
    assertInstantInRange(atMs);
    const horizonMs = atMs + HORIZON_YEARS * AVERAGE_YEAR_MS;
    let t = atMs;
    // Intervals are split at year boundaries: follow them while they touch.
    while (t < MAX_INSTANT_MS && t <= horizonMs) {
      const b = block(yearOf(t));
      const i = upperBound(b.ends, t);
      if (i === b.ends.length || b.starts[i]! > t) return t;
      t = b.ends[i]!;
    }
    // Open for ten years straight (a 24/7 calendar): there is no closing to report.
    return Number.POSITIVE_INFINITY;
  };

  const elapsedMs = (fromMs: number, toMs: number): number => {
    assertInstantInRange(fromMs, 'from');
    assertInstantInRange(toMs, 'to');
    if (toMs <= fromMs) return 0;
    const fromYear = yearOf(fromMs);
    const toYear = yearOf(toMs);
    const first = block(fromYear);
    if (fromYear === toYear) return openBefore(first, toMs) - openBefore(first, fromMs);
    let sum = first.totalMs - openBefore(first, fromMs);
    for (let year = fromYear + 1; year < toYear; year++) sum += block(year).totalMs;
    return sum + openBefore(block(toYear), toMs);
  };

  const dueAt = (fromMs: number, durationMs: number): number => {
    assertInstantInRange(fromMs, 'from');
    assertDurationMs(durationMs);
    if (durationMs === 0) return fromMs;
    let year = yearOf(fromMs);
    let b = block(year);
    let target = openBefore(b, fromMs) + durationMs;
    let emptyYears = 0;
    while (target > b.totalMs) {
      target -= b.totalMs;
      emptyYears = b.totalMs === 0 ? emptyYears + 1 : 0;
      if (emptyYears >= HORIZON_YEARS) throw noOpenTime(fromMs, timeZone);
      year++;
      if (year > LAST_BLOCK_YEAR) {
        throw new CalendarError(
          'INSTANT_OUT_OF_RANGE',
          `the due date falls after the supported years (${MAX_YEAR})`,
        );
      }
      b = block(year);
    }
    const j = lowerBound(b.cumEnd, target);
    const before = j === 0 ? 0 : b.cumEnd[j - 1]!;
    return b.starts[j]! + (target - before);
  };

  const openIntervals = (fromMs: number, toMs: number): Interval[] => {
    assertInstantInRange(fromMs, 'from');
    assertInstantInRange(toMs, 'to');
    const out: Array<{ startMs: number; endMs: number }> = [];
    if (toMs <= fromMs) return out;
    for (let year = yearOf(fromMs); year <= yearOf(toMs); year++) {
      const b = block(year);
      for (let i = upperBound(b.ends, fromMs); i < b.ends.length && b.starts[i]! < toMs; i++) {
        const startMs = Math.max(fromMs, b.starts[i]!);
        const endMs = Math.min(toMs, b.ends[i]!);
        const last = out[out.length - 1];
        if (last && last.endMs === startMs) last.endMs = endMs;
        else out.push({ startMs, endMs });
      }
    }
    return out;
  };

  const closedDays = (fromMs: number, toMs: number): ClosedDay[] => {
    assertInstantInRange(fromMs, 'from');
    assertInstantInRange(toMs, 'to');
    const out: ClosedDay[] = [];
    if (toMs <= fromMs) return out;
    const firstDay = localEpochDay(offsetAt, fromMs);
    const lastDay = Math.min(localEpochDay(offsetAt, toMs - 1), firstDay + HORIZON_YEARS * 366);
    for (let day = firstDay; day <= lastDay; day++) {
      const rule = dayRule(day);
      if (rule.reason === undefined) continue;
      // A night shift from the day before can still open a day that has no hours of its own.
      const dayStart = wallToInstant(offsetAt, day * DAY_MS);
      const dayEnd = wallToInstant(offsetAt, (day + 1) * DAY_MS);
      if (elapsedMs(Math.max(dayStart, fromMs), Math.min(dayEnd, toMs)) > 0) continue;
      const date = formatEpochDay(day);
      out.push(
        rule.name === undefined
          ? { date, reason: rule.reason }
          : { date, reason: rule.reason, name: rule.name },
      );
    }
    return out;
  };

  return {
    timeZone,
    businessDayMs,
    isOpen,
    nextOpen,
    nextClose,
    elapsedMs,
    dueAt,
    openIntervals,
    closedDays,
    localDate: (atMs) => formatEpochDay(localEpochDay(offsetAt, atMs)),
    formatIso: (atMs) => formatInstantWith(offsetAt, atMs),
  };
}
