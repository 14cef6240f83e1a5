/*
 * The week and wall times of a calendar spec, apart from its schema (calendar-spec.ts): the engine needs these to
 * compile a calendar, and stays free of the validation library (the `accord` command's answers load the engine
 * alone: core's engine.ts).
 */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "08:30" → 510; "24:00" → 1440. */
export function minutesOfDay(hhmm: string): number {
  if (hhmm === '24:00') return 1440;
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
