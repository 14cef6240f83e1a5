import type { BusinessCalendar, ClosedDay } from '../calendar/calendar.types.ts';

const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** `2026-04-06` → `Mon`, from the date itself (never the machine's zone). */
export function weekdayOfDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return WEEKDAY_NAMES[new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay()] ?? '';
}

/** `Fri 2026-04-03 15:00 +02:00`: the trace's readable instant, in the calendar's zone. */
export function formatTraceInstant(calendar: BusinessCalendar, atMs: number): string {
  const iso = calendar.formatIso(atMs);
  const date = iso.slice(0, 10);
  const seconds = iso.slice(17, 19);
  const time = seconds === '00' ? iso.slice(11, 16) : iso.slice(11, 19);
  return `${weekdayOfDate(date)} ${date} ${time} ${iso.slice(-6)}`;
}

/** Business time for people: `4h`, `3h 15m`, `-30m`, `0m`. */
export function formatHumanDuration(durationMs: number): string {
  const sign = durationMs < 0 ? '-' : '';
  let rest = Math.round(Math.abs(durationMs) / 1000);
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  const parts: string[] = [];
  if (hours) parts.push(`${hours}h`);
  if (minutes) parts.push(`${minutes}m`);
  if (seconds) parts.push(`${seconds}s`);
  return parts.length === 0 ? '0m' : sign + parts.join(' ');
}

/** `Mon 2026-04-06 closed: Easter Monday`. */
export function formatClosedDay(day: ClosedDay): string {
  const why =
    day.reason === 'holiday'
      ? (day.name ?? 'public holiday')
      : day.reason === 'weekly'
        ? 'weekly day off'
        : 'closure day';
  return `${weekdayOfDate(day.date)} ${day.date} closed: ${why}`;
}
