import { DateTime } from 'luxon';
import type { Interval } from '../calendar/calendar.types.ts';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The calendar month `YYYY-MM` in `timeZone`, from its first local midnight to the next month's. */
export function monthWindow({ month, timeZone }: { month: string; timeZone: string }): Interval {
  const match = MONTH.exec(month);
  if (match === null) throw new RangeError(`month must be YYYY-MM, got '${month}'`);
  const start = DateTime.fromObject(
    { year: Number(match[1]), month: Number(match[2]), day: 1 },
    { zone: timeZone },
  );
  if (!start.isValid) throw new RangeError(`unknown time zone '${timeZone}'`);
  return { startMs: start.toMillis(), endMs: start.plus({ months: 1 }).toMillis() };
}

/** `YYYY-MM` of the month holding `atMs` in `timeZone`. */
export function monthOf({ atMs, timeZone }: { atMs: number; timeZone: string }): string {
  return DateTime.fromMillis(atMs, { zone: timeZone }).toFormat('yyyy-MM');
}

/** Local days `[start, end)` ending with the day holding `atMs`, `days` of them: the status page's bars. */
export function dayWindows({
  atMs,
  days,
  timeZone,
}: {
  atMs: number;
  days: number;
  timeZone: string;
}): { day: string; window: Interval }[] {
  const today = DateTime.fromMillis(atMs, { zone: timeZone }).startOf('day');
  const out: { day: string; window: Interval }[] = [];
  for (let k = days - 1; k >= 0; k--) {
    const start = today.minus({ days: k });
    out.push({
      day: start.toFormat('yyyy-MM-dd'),
      window: { startMs: start.toMillis(), endMs: start.plus({ days: 1 }).toMillis() },
    });
  }
  return out;
}
