/**
 * Stands in for the `date-holidays` package inside the compiled CLI (scripts/build.mjs swaps it in): the core asks
 * it exactly what it would ask date-holidays, and it answers the preset countries' years from a table computed by
 * date-holidays itself at build time (dist/holiday-snapshot.json). Anything else — another country, a region, a year
 * outside the table — goes to the real package, loaded on first need. Loading date-holidays (its rules for every
 * country and moment-timezone's zone data) and computing a year is most of what a one-answer `accord calendar due`
 * would otherwise spend.
 */
import { createRequire } from 'node:module';
// Resolved by the build to the table it just computed.
import snapshot from 'accord:holiday-snapshot';

/** What the build stores per country and year: [date, start ms, end ms, name, type] per holiday. */
export interface HolidaySnapshot {
  /** The constructor options and language the table was computed with; other questions go to date-holidays. */
  readonly options: { readonly languages: readonly string[]; readonly types: readonly string[] };
  readonly language: string;
  readonly countries: Record<string, string>;
  readonly years: Record<string, Record<string, ReadonlyArray<[string, number, number, string, string]>>>;
}

interface Holiday {
  date: string;
  start: Date;
  end: Date;
  name: string;
  type: string;
}

interface RealHolidays {
  getCountries(language?: string): Record<string, string>;
  getStates(country: string, language?: string): Record<string, string> | undefined;
  getHolidays(year?: number, language?: string): Holiday[];
}

type RealHolidaysClass = new (...args: unknown[]) => RealHolidays;

let real: RealHolidaysClass | undefined;
function loadReal(): RealHolidaysClass {
  real ??= createRequire(import.meta.url)('date-holidays') as RealHolidaysClass;
  return real;
}

const table = snapshot as HolidaySnapshot;

function sameOptions(options: unknown): boolean {
  if (typeof options !== 'object' || options === null) return false;
  const { languages, types, ...rest } = options as { languages?: unknown; types?: unknown };
  return (
    Object.keys(rest).length === 0 &&
    JSON.stringify(languages) === JSON.stringify(table.options.languages) &&
    JSON.stringify(types) === JSON.stringify(table.options.types)
  );
}

export default class Holidays {
  private readonly args: unknown[];
  private realInstance: RealHolidays | undefined;
  /** The country when the table answers for it (no region, the table's options), else undefined. */
  private readonly country: string | undefined;

  constructor(...args: unknown[]) {
    this.args = args;
    const [country, options] = args;
    this.country =
      args.length === 2 &&
      typeof country === 'string' &&
      table.years[country] !== undefined &&
      sameOptions(options)
        ? country
        : undefined;
  }

  private get delegate(): RealHolidays {
    this.realInstance ??= new (loadReal())(...this.args);
    return this.realInstance;
  }

  getCountries(language?: string): Record<string, string> {
    if (this.args.length === 0 && language === table.language) return { ...table.countries };
    return this.delegate.getCountries(language);
  }

  getStates(country: string, language?: string): Record<string, string> | undefined {
    return this.delegate.getStates(country, language);
  }

  getHolidays(year?: number, language?: string): Holiday[] {
    const stored =
      this.country !== undefined && language === table.language && year !== undefined
        ? table.years[this.country]?.[String(year)]
        : undefined;
    if (stored === undefined) return this.delegate.getHolidays(year, language);
    return stored.map(([date, startMs, endMs, name, type]) => ({
      date,
      start: new Date(startMs),
      end: new Date(endMs),
      name,
      type,
    }));
  }
}
