/**
 * A clock as the API gives it is a snapshot: business seconds left at the moment it was read, whether business time
 * is being used right now, and when that next changes (the calendar opens or closes). Between that moment and
 * `nextChangeAt` the clock counts (or stands still) steadily, so the page ticks it down with plain arithmetic and
 * never re-implements the calendar; at `nextChangeAt` it asks the server again.
 */
export interface ClockSnapshot {
  readonly state: 'running' | 'paused' | 'met' | 'breached';
  readonly remainingSeconds: number | null;
  readonly countingNow: boolean;
  readonly nextChangeAt: string | null;
}

/** Business seconds left at `nowMs` for a snapshot read at `readAtMs` (negative once breached; null: no target). */
export function remainingSecondsAt(clock: ClockSnapshot, readAtMs: number, nowMs: number): number | null {
  if (clock.remainingSeconds === null) return null;
  const ticking = clock.countingNow && (clock.state === 'running' || clock.state === 'breached');
  if (!ticking) return clock.remainingSeconds;
  const changeMs = clock.nextChangeAt === null ? Number.POSITIVE_INFINITY : Date.parse(clock.nextChangeAt);
  const untilMs = Math.min(Math.max(nowMs, readAtMs), changeMs);
  return clock.remainingSeconds - Math.max(0, untilMs - readAtMs) / 1000;
}

/** Whether the snapshot has passed the instant it stops being valid (the page then reads the ticket again). */
export function snapshotExpired(clock: ClockSnapshot, nowMs: number): boolean {
  return clock.nextChangeAt !== null && nowMs >= Date.parse(clock.nextChangeAt);
}

export interface DurationParts {
  readonly negative: boolean;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

/** Whole business days are not known here (a business day's length is the calendar's): hours run on past 24. */
export function durationParts(totalSeconds: number): DurationParts {
  const negative = totalSeconds < 0;
  let s = Math.floor(Math.abs(totalSeconds));
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  return { negative, days: 0, hours, minutes, seconds: s - minutes * 60 };
}

/** "1 h 30 min" / "1h 30m" / Arabic digits, with Intl units; seconds shown only under ten minutes. */
export function formatBusinessDuration(totalSeconds: number, locale: string): string {
  const p = durationParts(totalSeconds);
  const unit = (value: number, u: 'hour' | 'minute' | 'second') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'narrow' }).format(value);
  const parts: string[] = [];
  if (p.hours > 0) parts.push(unit(p.hours, 'hour'));
  if (p.hours > 0 || p.minutes > 0) parts.push(unit(p.minutes, 'minute'));
  if (p.hours === 0 && p.minutes < 10) parts.push(unit(p.seconds, 'second'));
  return new Intl.ListFormat(locale, { style: 'narrow', type: 'unit' }).format(parts);
}

/** "Monday 30 March, 11:00" in the reader's language and time zone. */
export function formatInstant(iso: string, locale: string, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
}

/** "2 Mar 2026, 09:15": lists and history. */
export function formatShortInstant(iso: string, locale: string, timeZone: string | undefined): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(iso),
  );
}
