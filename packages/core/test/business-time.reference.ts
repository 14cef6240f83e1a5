/**
 * A deliberately simple reference for business time, built straight from a CalendarSpec and sharing
 * no code with the engine. It expands each local day into its UTC intervals one day at a time, merges
 * them, and answers every query by walking that list linearly. Slow, but easy to check by eye; the
 * property tests compare the engine with it.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { CalendarSpec } from '../src/calendar/calendar-spec.ts';
import type { Interval } from '../src/calendar/calendar.types.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
// A scan window: big enough to be cheap, small enough to stay a few hundred intervals.
const WINDOW_MS = 60 * DAY_MS;

type Hours = ReadonlyArray<readonly [string, string]>;

export interface ReferenceCalendar {
  readonly businessDayMs: number;
  /** Open time of [fromMs, toMs), merged (overlaps count once) and clipped. */
  openIntervals(fromMs: number, toMs: number): Interval[];
  isOpen(atMs: number): boolean;
  elapsedMs(fromMs: number, toMs: number): number;
  /** Undefined when no due instant exists within `horizonMs`. */
  dueAt(fromMs: number, durationMs: number, horizonMs?: number): number | undefined;
  nextOpen(atMs: number, horizonMs?: number): number | undefined;
  nextClose(atMs: number, horizonMs?: number): number | undefined;
}

export function hhMmToMinutes(hhMm: string): number {
  const [hours, minutes] = hhMm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function offsetMs(atMs: number, timeZone: string): number {
  return DateTime.fromMillis(atMs, { zone: timeZone }).offset * MINUTE_MS;
}

/**
 * The instant of a local wall time (`wallMs` = the wall clock read as if it were UTC), by Temporal's
 * 'compatible' rule: of the offsets in force a day either side, keep those that really map back to the
 * wall time and take the earliest instant (fall-back); if none does, the wall time is in a gap and is
 * read with the offset before the gap, which lands it later by the gap's length (spring-forward).
 */
export function wallTimeToInstantMs(wallMs: number, timeZone: string): number {
  const offsetBeforeMs = offsetMs(wallMs - DAY_MS, timeZone);
  const offsetAfterMs = offsetMs(wallMs + DAY_MS, timeZone);
  const valid = [offsetBeforeMs, offsetAfterMs]
    .map((candidateOffsetMs) => wallMs - candidateOffsetMs)
    .filter((atMs) => offsetMs(atMs, timeZone) === wallMs - atMs);
  if (valid.length > 0) return Math.min(...valid);
  return wallMs - offsetBeforeMs;
}

function dateToWallMs(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1);
}

function wallMsToDate(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}

function localDateOf(atMs: number, timeZone: string): string {
  return wallMsToDate(atMs + offsetMs(atMs, timeZone));
}

/** Whole local dates of public holidays, from the library's own date and the holiday's length in days. */
function holidayDatesOfYear(spec: CalendarSpec, year: number): Set<string> {
  const dates = new Set<string>();
  for (const rule of spec.holidays) {
    const library =
      rule.region === undefined ? new Holidays(rule.country) : new Holidays(rule.country, rule.region);
    const excluded = new Set(rule.exclude ?? []);
    for (const holiday of library.getHolidays(year, 'en')) {
      if (holiday.type !== 'public' || excluded.has(holiday.name)) continue;
      const dayCount = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      const firstWallMs = dateToWallMs(holiday.date.slice(0, 10));
      for (let i = 0; i < dayCount; i += 1) dates.add(wallMsToDate(firstWallMs + i * DAY_MS));
    }
  }
  return dates;
}

/** Nominal open minutes of a day's hours (an overnight interval counts up to its end the next day). */
function nominalMinutes(hours: Hours): number {
  let total = 0;
  for (const [start, end] of hours) {
    const startMinutes = hhMmToMinutes(start);
    const endMinutes = hhMmToMinutes(end);
    total += endMinutes > startMinutes ? endMinutes - startMinutes : endMinutes + 1440 - startMinutes;
  }
  return total;
}

export function referenceBusinessDayMs(spec: CalendarSpec): number {
  if (spec.businessDay !== undefined) {
    const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(spec.businessDay);
    if (!match) throw new Error(`reference: unsupported businessDay ${spec.businessDay}`);
    return (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * MINUTE_MS;
  }
  const counts = new Map<number, number>();
  for (const weekday of WEEKDAYS) {
    const minutes = nominalMinutes(spec.week[weekday] ?? []);
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
  return best * MINUTE_MS;
}

function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.startMs <= last.endMs) {
      merged[merged.length - 1] = { startMs: last.startMs, endMs: Math.max(last.endMs, interval.endMs) };
    } else {
      merged.push(interval);
    }
  }
  return merged;
}

export function referenceCalendar(spec: CalendarSpec): ReferenceCalendar {
  const { timeZone } = spec;
  const closed = new Set(spec.closed);
  const holidaysByYear = new Map<number, Set<string>>();
  const intervalsByDate = new Map<string, Interval[]>();

  function isHoliday(date: string): boolean {
    const year = Number(date.slice(0, 4));
    let dates = holidaysByYear.get(year);
    if (!dates) {
      dates = holidayDatesOfYear(spec, year);
      holidaysByYear.set(year, dates);
    }
    return dates.has(date);
  }

  function hoursOf(date: string): Hours {
    const special = spec.special[date];
    if (special) return special;
    if (closed.has(date) || isHoliday(date)) return [];
    const weekday = WEEKDAYS[new Date(dateToWallMs(date)).getUTCDay()];
    return weekday === undefined ? [] : (spec.week[weekday] ?? []);
  }

  /** The UTC intervals that start on a local date (overnight ones run into the next date). */
  function intervalsOfDate(date: string): Interval[] {
    const cached = intervalsByDate.get(date);
    if (cached) return cached;
    const dayWallMs = dateToWallMs(date);
    const intervals: Interval[] = [];
    for (const [start, end] of hoursOf(date)) {
      const startMinutes = hhMmToMinutes(start);
      const endMinutes = hhMmToMinutes(end) > startMinutes ? hhMmToMinutes(end) : hhMmToMinutes(end) + 1440;
      const startMs = wallTimeToInstantMs(dayWallMs + startMinutes * MINUTE_MS, timeZone);
      const endMs = wallTimeToInstantMs(dayWallMs + endMinutes * MINUTE_MS, timeZone);
      // An interval wholly inside a spring-forward gap has no real time.
      if (endMs > startMs) intervals.push({ startMs, endMs });
    }
    intervalsByDate.set(date, intervals);
    return intervals;
  }

  function openIntervals(fromMs: number, toMs: number): Interval[] {
    if (toMs <= fromMs) return [];
    // Two days back catches overnight intervals that started before `fromMs`.
    const firstWallMs = dateToWallMs(localDateOf(fromMs, timeZone)) - 2 * DAY_MS;
    const lastWallMs = dateToWallMs(localDateOf(toMs, timeZone)) + DAY_MS;
    const all: Interval[] = [];
    for (let wallMs = firstWallMs; wallMs <= lastWallMs; wallMs += DAY_MS) {
      all.push(...intervalsOfDate(wallMsToDate(wallMs)));
    }
    const clipped: Interval[] = [];
    for (const interval of mergeIntervals(all)) {
      const startMs = Math.max(interval.startMs, fromMs);
      const endMs = Math.min(interval.endMs, toMs);
      if (endMs > startMs) clipped.push({ startMs, endMs });
    }
    return clipped;
  }

  function elapsedMs(fromMs: number, toMs: number): number {
    let total = 0;
    for (const interval of openIntervals(fromMs, toMs)) total += interval.endMs - interval.startMs;
    return total;
  }

  function isOpen(atMs: number): boolean {
    return openIntervals(atMs, atMs + 1).length > 0;
  }

  function dueAt(fromMs: number, durationMs: number, horizonMs = 10 * 366 * DAY_MS): number | undefined {
    if (durationMs === 0) return fromMs;
    let remainingMs = durationMs;
    for (let windowMs = fromMs; windowMs < fromMs + horizonMs; windowMs += WINDOW_MS) {
      for (const interval of openIntervals(windowMs, windowMs + WINDOW_MS)) {
        const lengthMs = interval.endMs - interval.startMs;
        if (remainingMs <= lengthMs) return interval.startMs + remainingMs;
        remainingMs -= lengthMs;
      }
    }
    return undefined;
  }

  function nextOpen(atMs: number, horizonMs = 10 * 366 * DAY_MS): number | undefined {
    for (let windowMs = atMs; windowMs < atMs + horizonMs; windowMs += WINDOW_MS) {
      const first = openIntervals(windowMs, windowMs + WINDOW_MS)[0];
      if (first) return first.startMs;
    }
    return undefined;
  }

  function nextClose(atMs: number, horizonMs = 10 * 366 * DAY_MS): number | undefined {
    for (let windowMs = atMs; windowMs < atMs + horizonMs; windowMs += WINDOW_MS) {
      const windowEndMs = windowMs + WINDOW_MS;
      const intervals = openIntervals(windowMs, windowEndMs);
      const first = intervals[0];
      // Closed at the window's start; or the open run ends inside the window.
      if (!first || first.startMs > windowMs) return windowMs;
      if (first.endMs < windowEndMs) return first.endMs;
    }
    return undefined;
  }

  return {
    businessDayMs: referenceBusinessDayMs(spec),
    openIntervals,
    isOpen,
    elapsedMs,
    dueAt,
    nextOpen,
    nextClose,
  };
}
