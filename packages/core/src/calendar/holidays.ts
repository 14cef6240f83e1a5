import Holidays from 'date-holidays';
import { CalendarError } from './calendar-error.ts';
import type { HolidayRule } from './calendar-spec.ts';
import { DAY_MS, parseLocalDate } from './zoned-time.ts';

/** Local epoch day → holiday name. */
export type HolidayDays = ReadonlyMap<number, string>;

/** One public holiday of a (country, region, year): its first local date and how many days it closes. */
interface HolidaySpan {
  readonly firstDay: number;
  readonly lengthDays: number;
  readonly name: string;
}

/*
 * date-holidays is slow to ask: building a `Holidays` merges the country's whole rule set, and each year's
 * computation goes through moment-timezone. Its answers are fixed data, so they are kept for the process: the
 * sources per (country, region), the holidays per (country, region, year). A fresh calendar on a country already
 * seen, or a tenant's second calendar, then costs a map lookup per year instead of a date-holidays run. Bounded by
 * the countries and regions in use times the engine's years.
 */
let countryCodes: Set<string> | undefined;
const regionsByCountry = new Map<string, Record<string, string>>();
const sources = new Map<string, Holidays>();
const spansByYear = new Map<string, readonly HolidaySpan[]>();

const sourceKey = (rule: HolidayRule): string =>
  rule.region === undefined ? rule.country : `${rule.country}/${rule.region}`;

export function assertHolidayRule(rule: HolidayRule, label: string): void {
  countryCodes ??= new Set(Object.keys(new Holidays().getCountries('en')));
  if (!countryCodes.has(rule.country)) {
    throw new CalendarError(
      'INVALID_CALENDAR',
      `invalid calendar: ${label}.country: no holiday data for '${rule.country}'`,
    );
  }
  if (rule.region !== undefined) {
    let regions = regionsByCountry.get(rule.country);
    if (regions === undefined) {
      regions = new Holidays().getStates(rule.country, 'en') ?? {};
      regionsByCountry.set(rule.country, regions);
    }
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

function holidaySource(rule: HolidayRule): Holidays {
  const key = sourceKey(rule);
  let source = sources.get(key);
  if (source === undefined) {
    source =
      rule.region === undefined
        ? new Holidays(rule.country, { languages: ['en'], types: ['public'] })
        : new Holidays(rule.country, rule.region, { languages: ['en'], types: ['public'] });
    sources.set(key, source);
  }
  return source;
}

/**
 * The public holidays of one Gregorian year as whole local dates. date-holidays gives Islamic holidays from 18:00
 * of the eve (the Hijri day starts at sunset); the dates closed are the Gregorian days the holiday covers, counted
 * from its nominal first date for its length in days.
 */
function holidaySpans(rule: HolidayRule, year: number): readonly HolidaySpan[] {
  const key = `${sourceKey(rule)}@${year}`;
  let spans = spansByYear.get(key);
  if (spans === undefined) {
    const found: HolidaySpan[] = [];
    for (const holiday of holidaySource(rule).getHolidays(year, 'en')) {
      if (holiday.type !== 'public') continue;
      const firstDay = parseLocalDate(holiday.date.slice(0, 10));
      if (firstDay === undefined) continue;
      const lengthDays = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS));
      found.push({ firstDay, lengthDays, name: holiday.name });
    }
    spans = found;
    spansByYear.set(key, spans);
  }
  return spans;
}

/** Public holidays of one Gregorian year, local epoch day → name; the first rule to close a day names it. */
export function holidayDaysOfYear(rules: readonly HolidayRule[], year: number): Map<number, string> {
  const days = new Map<number, string>();
  for (const rule of rules) {
    const excluded = rule.exclude === undefined ? undefined : new Set(rule.exclude);
    for (const { firstDay, lengthDays, name } of holidaySpans(rule, year)) {
      if (excluded?.has(name)) continue;
      for (let k = 0; k < lengthDays; k++) {
        if (!days.has(firstDay + k)) days.set(firstDay + k, name);
      }
    }
  }
  return days;
}
