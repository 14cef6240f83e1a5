import { z } from 'zod';
import { formatZodError } from '../validation.ts';
import { CalendarError } from './calendar-error.ts';
import { parseBusinessDuration } from './duration.ts';
import { isValidTimeZone, parseLocalDate } from './zoned-time.ts';

import { minutesOfDay, type Weekday } from './calendar-week.ts';

export { WEEKDAYS, minutesOfDay, type Weekday } from './calendar-week.ts';

const TIME_RE = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

const timeSchema = z.string().regex(TIME_RE, { message: 'expected a time HH:MM between 00:00 and 24:00' });

const intervalSchema = z
  .tuple([timeSchema, timeSchema])
  .refine(([start]) => start !== '24:00', { message: '24:00 can only end an interval' });

/** One day's open intervals, in local wall time. An end not after its start crosses midnight. */
const dayHoursSchema = z.array(intervalSchema).superRefine((intervals, ctx) => {
  const spans = intervals
    .map(([s, e], index) => {
      const start = minutesOfDay(s);
      let end = minutesOfDay(e);
      if (end <= start) end += 1440;
      return { start, end, index };
    })
    .sort((a, b) => a.start - b.start);
  for (let k = 1; k < spans.length; k++) {
    const prev = spans[k - 1]!;
    const cur = spans[k]!;
    if (cur.start < prev.end) {
      ctx.addIssue({
        code: 'custom',
        path: [cur.index],
        message: `overlaps interval ${prev.index} of the same day`,
      });
    }
  }
});

const localDateSchema = z
  .string()
  .refine((s) => parseLocalDate(s) !== undefined, { message: 'expected a date YYYY-MM-DD' });

const holidayRuleSchema = z
  .object({
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: 'expected an ISO 3166-1 alpha-2 country code, e.g. BE' }),
    region: z.string().min(1).optional(),
    /** English holiday names to leave open (e.g. a firm that works on "Assumption"). */
    exclude: z.array(z.string().min(1)).optional(),
  })
  .strict();

const weekSchema = z
  .object({
    mon: dayHoursSchema,
    tue: dayHoursSchema,
    wed: dayHoursSchema,
    thu: dayHoursSchema,
    fri: dayHoursSchema,
    sat: dayHoursSchema,
    sun: dayHoursSchema,
  })
  .partial()
  .strict();

export const calendarSpecSchema = z
  .object({
    name: z.string().min(1).optional(),
    timeZone: z
      .string()
      .refine(isValidTimeZone, { message: 'expected an IANA time zone, e.g. Europe/Brussels' }),
    week: weekSchema,
    holidays: z.array(holidayRuleSchema).default([]),
    closed: z.array(localDateSchema).default([]),
    special: z.record(localDateSchema, dayHoursSchema).default({}),
    businessDay: z
      .string()
      .refine(
        (s) => {
          try {
            const d = parseBusinessDuration(s);
            return d.days === 0 && d.ms > 0;
          } catch {
            return false;
          }
        },
        { message: 'expected a positive duration in hours/minutes, e.g. PT9H' },
      )
      .optional(),
  })
  .strict();

export type CalendarSpecInput = z.input<typeof calendarSpecSchema>;
export type CalendarSpec = z.output<typeof calendarSpecSchema>;
export type DayHours = CalendarSpec['week'][Weekday];
export type HolidayRule = CalendarSpec['holidays'][number];

/** Validates a calendar (e.g. parsed JSON); the error names the bad field. */
export function parseCalendarSpec(input: unknown): CalendarSpec {
  const result = calendarSpecSchema.safeParse(input);
  if (!result.success) {
    throw new CalendarError('INVALID_CALENDAR', `invalid calendar: ${formatZodError(result.error)}`);
  }
  return result.data;
}
