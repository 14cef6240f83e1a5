import Holidays from 'date-holidays';
import { CalendarError } from './calendar-error.ts';
import type { HolidayRule } from './calendar-spec.ts';
import { DAY_MS, parseLocalDate } from './zoned-time.ts';

/** Local epoch day → holiday name. */
export type HolidayDays = ReadonlyMap<number, string>;

let countryCodes: Set<string> | undefined;

export function assertHolidayRule(rule: HolidayRule, label: string): void {
  countryCodes ??= new Set(Object.keys(new Holidays().getCountries('en')));
  if (!countryCodes.has(rule.country)) {
    throw new CalendarError(
      'INVALID_CALENDAR',
      `invalid calendar: ${label}.country: no holiday data for '${rule.country}'`,
    );
  }
  if (rule.region !== undefined) {
    const regions = new Holidays().getStates(rule.country, 'en') ?? {};
    if (!(rule.region in regions)) {
      const known = Object.keys(regions);
      throw new CalendarError(
        'INVALID_CALENDAR',
        `invalid calendar: ${label}.region: '${rule.region}' is not a region of ${rule.country}` +
          (known.length ? ` (known: ${known.join(', ')})` : ''),
      );
    }
  }
}

/**
 * Public holidays of one Gregorian year as whole local dates. date-holidays gives Islamic holidays
 * from 18:00 of the eve (the Hijri day starts at sunset); the dates closed are the Gregorian days
 * the holiday covers, counted from its nominal first date for its length in days.
 */
export function holidayDaysOfYear(rules: readonly HolidayRule[], year: number): Map<number, string> {
  const days = new Map<number, string>();
  for (const rule of rules) {
    const hd =
      rule.region === undefined
        ? new Holidays(rule.country, { languages: ['en'], types: ['public'] })
        : new Holidays(rule.country, rule.region, { languages: ['en'], types: ['public'] });
    const excluded = new Set(rule.exclude ?? []);
    for (const holiday of hd.getHolidays(year, 'en')) {
      if (holiday.type !== 'public' || excluded.has(holiday.name)) continue;
      const first = parseLocalDate(holiday.date.slice(0, 10));
      if (first === undefined) continue;
      const lengthDays = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      for (let k = 0; k < lengthDays; k++) {
        if (!days.has(first + k)) days.set(first + k, holiday.name);
      }
    }
  }
  return days;
}
