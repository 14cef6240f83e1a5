import { DateTime } from 'luxon';
import type { Interval } from '../calendar/calendar.types.ts';
import { overlaps } from './intervals.ts';

/**
 * The subset of RFC 5545 RRULE a maintenance calendar needs: `FREQ=DAILY|WEEKLY|MONTHLY`, `INTERVAL`, `BYDAY` (weekly,
 * e.g. `TU,TH`), `COUNT`, `UNTIL` (UTC, `YYYYMMDDTHHMMSSZ`). Occurrences repeat the first window's local wall time in
 * its time zone: a Sunday 02:00–04:00 window in Brussels stays 02:00–04:00 local across a DST change.
 */
export interface RecurrenceRule {
  readonly freq: 'DAILY' | 'WEEKLY' | 'MONTHLY';
  readonly interval: number;
  readonly byDay: readonly number[] | null;
  readonly count: number | null;
  readonly untilMs: number | null;
}

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

export class RecurrenceError extends Error {}

export function parseRrule(text: string): RecurrenceRule {
  const parts = new Map<string, string>();
  for (const part of text.replace(/^RRULE:/i, '').split(';')) {
    if (part.trim() === '') continue;
    const [key, value] = part.split('=');
    if (key === undefined || value === undefined || value === '')
      throw new RecurrenceError(`bad RRULE part '${part}'`);
    parts.set(key.toUpperCase(), value.toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY')
    throw new RecurrenceError('RRULE FREQ must be DAILY, WEEKLY or MONTHLY');
  for (const key of parts.keys())
    if (!['FREQ', 'INTERVAL', 'BYDAY', 'COUNT', 'UNTIL'].includes(key))
      throw new RecurrenceError(`RRULE ${key} is not supported`);
  const interval = Number(parts.get('INTERVAL') ?? '1');
  if (!Number.isInteger(interval) || interval < 1 || interval > 1000)
    throw new RecurrenceError('RRULE INTERVAL must be a whole number from 1');
  const countText = parts.get('COUNT');
  const count = countText === undefined ? null : Number(countText);
  if (count !== null && (!Number.isInteger(count) || count < 1 || count > 10_000))
    throw new RecurrenceError('RRULE COUNT must be a whole number from 1 to 10000');
  const untilText = parts.get('UNTIL');
  let untilMs: number | null = null;
  if (untilText !== undefined) {
    const until = DateTime.fromFormat(untilText, "yyyyMMdd'T'HHmmss'Z'", { zone: 'utc' });
    if (!until.isValid) throw new RecurrenceError('RRULE UNTIL must be YYYYMMDDTHHMMSSZ');
    untilMs = until.toMillis();
  }
  const byDayText = parts.get('BYDAY');
  let byDay: number[] | null = null;
  if (byDayText !== undefined) {
    if (freq !== 'WEEKLY') throw new RecurrenceError('RRULE BYDAY is supported with FREQ=WEEKLY only');
    byDay = byDayText.split(',').map((d) => {
      const index = DAYS.indexOf(d);
      if (index < 0) throw new RecurrenceError(`RRULE BYDAY: unknown day '${d}'`);
      return index + 1;
    });
    byDay = [...new Set(byDay)].sort((a, b) => a - b);
  }
  return { freq, interval, byDay, count, untilMs };
}

/** Hard stop on expansion, so a rule over years cannot make a request loop for long. */
export const MAX_OCCURRENCES = 5000;

/**
 * The occurrences of a maintenance window that overlap `window`. The first occurrence is `[startsAtMs, endsAtMs)`;
 * each next one starts at the same local time in `timeZone` and lasts the same duration.
 */
export function expandRecurrence({
  startsAtMs,
  endsAtMs,
  rule,
  timeZone,
  window,
}: {
  startsAtMs: number;
  endsAtMs: number;
  rule: RecurrenceRule | null;
  timeZone: string;
  window: Interval;
}): Interval[] {
  const durationMs = endsAtMs - startsAtMs;
  if (durationMs <= 0) return [];
  if (rule === null) {
    const only = { startMs: startsAtMs, endMs: endsAtMs };
    return overlaps(only, window) ? [only] : [];
  }
  const first = DateTime.fromMillis(startsAtMs, { zone: timeZone });
  const out: Interval[] = [];
  let emitted = 0;
  for (let period = 0; period < MAX_OCCURRENCES; period++) {
    const base =
      rule.freq === 'DAILY'
        ? first.plus({ days: period * rule.interval })
        : rule.freq === 'WEEKLY'
          ? first.plus({ weeks: period * rule.interval })
          : first.plus({ months: period * rule.interval });
    const starts =
      rule.byDay === null
        ? [base]
        : rule.byDay.map((weekday) => base.plus({ days: weekday - first.weekday }));
    let done = false;
    for (const start of starts) {
      const startMs = start.toMillis();
      if (startMs < startsAtMs) continue;
      if ((rule.untilMs !== null && startMs > rule.untilMs) || startMs >= window.endMs) {
        done = true;
        break;
      }
      emitted++;
      if (rule.count !== null && emitted > rule.count) {
        done = true;
        break;
      }
      const occurrence = { startMs, endMs: startMs + durationMs };
      if (overlaps(occurrence, window)) out.push(occurrence);
    }
    if (done) break;
  }
  return out;
}
