import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { compileCalendar } from '../src/calendar/business-calendar.ts';
import { parseCalendarSpec, type CalendarSpec } from '../src/calendar/calendar-spec.ts';
import { CALENDAR_PRESETS } from '../src/calendar/presets.ts';
import type { BusinessCalendar } from '../src/calendar/calendar.types.ts';
import { hhMmToMinutes, referenceCalendar, wallTimeToInstantMs } from './business-time.reference.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const FIRST_DAY = Date.UTC(2025, 0, 1) / DAY_MS;
const LAST_DAY = Date.UTC(2027, 11, 31) / DAY_MS;

// Zones with every kind of offset change: none, 1 h, 30 min (Lord Howe), odd offsets (Chatham), midnight (Santiago).
const ZONES = [
  'Europe/Brussels',
  'Asia/Riyadh',
  'America/New_York',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'UTC',
] as const;

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Epoch days (UTC) of the offset changes in 2025–2027, so random instants can be biased onto them. */
function transitionDays(timeZone: string): number[] {
  const zone = IANAZone.create(timeZone);
  const days: number[] = [];
  let previousOffset = zone.offset(FIRST_DAY * DAY_MS);
  for (let atMs = FIRST_DAY * DAY_MS; atMs < (LAST_DAY + 1) * DAY_MS; atMs += HOUR_MS / 2) {
    const offset = zone.offset(atMs);
    if (offset !== previousOffset) days.push(Math.floor((atMs + offset * MINUTE_MS) / DAY_MS));
    previousOffset = offset;
  }
  return days;
}
const NEW_YEAR_DAYS = [2026, 2027].flatMap((year) => [-1, 0].map((k) => Date.UTC(year, 0, 1) / DAY_MS + k));
const TRANSITION_DAYS = new Map(ZONES.map((zone) => [zone, transitionDays(zone)]));

const hhMm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

// Times near the DST changes of the zones above (00:00, 02:00, 02:30, 02:45, 03:00, 03:45) and 24:00 come up often.
const minuteOfDay = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 1440 }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 60, 90, 120, 130, 150, 165, 180, 210, 225, 1380, 1440) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 288 }).map((k) => k * 5) },
);

/** One day's hours: sorted, non-overlapping intervals, sometimes ending at 24:00, plus maybe a night shift. */
const dayHours: fc.Arbitrary<Array<[string, string]>> = fc
  .record({
    points: fc.uniqueArray(minuteOfDay, { maxLength: 6 }),
    overnight: fc.option(
      fc.record({ start: fc.integer({ min: 0, max: 1439 }), end: fc.integer({ min: 0, max: 1440 }) }),
    ),
  })
  .map(({ points, overnight }) => {
    const sorted = [...points].sort((a, b) => a - b);
    const hours: Array<[string, string]> = [];
    let lastEnd = 0;
    for (let k = 0; k + 1 < sorted.length; k += 2) {
      const start = sorted[k] ?? 0;
      const end = sorted[k + 1] ?? 0;
      hours.push([hhMm(start), hhMm(end)]);
      lastEnd = end;
    }
    if (overnight && overnight.start >= lastEnd) {
      // An end not after the start crosses midnight; equal start and end is a 24-hour shift.
      const end = Math.min(overnight.end, overnight.start);
      hours.push([hhMm(overnight.start), hhMm(end)]);
    }
    return hours;
  });

const weekHours = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Array<[string, string]>>([]) },
  { weight: 4, arbitrary: dayHours },
);

const openWeek = fc
  .record(
    Object.fromEntries(WEEKDAYS.map((day) => [day, weekHours])) as Record<
      (typeof WEEKDAYS)[number],
      typeof weekHours
    >,
  )
  .filter((week) => Object.values(week).some((hours) => hours.length > 0));

function nominalMinutes(hours: ReadonlyArray<readonly [string, string]>): number {
  return hours.reduce((sum, [start, end]) => {
    const startMinutes = hhMmToMinutes(start);
    const endMinutes = hhMmToMinutes(end);
    return sum + (endMinutes > startMinutes ? endMinutes - startMinutes : endMinutes + 1440 - startMinutes);
  }, 0);
}

const dateOf = (epochDay: number): string => new Date(epochDay * DAY_MS).toISOString().slice(0, 10);

interface Scenario {
  spec: CalendarSpec;
  /** Whole-minute instants around the anchor day. */
  instantsMs: number[];
  durationsMs: number[];
}

const scenario: fc.Arbitrary<Scenario> = fc.constantFrom(...ZONES).chain((timeZone) => {
  const transitions = TRANSITION_DAYS.get(timeZone) ?? [];
  // Uniform days, DST-change days, and New Year (where the engine's yearly blocks meet).
  const anchorDay = fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: FIRST_DAY, max: LAST_DAY }) },
    { weight: 2, arbitrary: fc.constantFrom(...(transitions.length > 0 ? transitions : [FIRST_DAY])) },
    { weight: 1, arbitrary: fc.constantFrom(...NEW_YEAR_DAYS) },
  );
  return fc
    .record({
      week: openWeek,
      anchorDay,
      closedOffsets: fc.uniqueArray(fc.integer({ min: -3, max: 30 }), { maxLength: 6 }),
      special: fc.array(fc.record({ offset: fc.integer({ min: -3, max: 30 }), hours: dayHours }), {
        maxLength: 4,
      }),
      instantOffsetsMinutes: fc.array(fc.integer({ min: -2 * 1440, max: 4 * 1440 }), {
        minLength: 4,
        maxLength: 4,
      }),
      durationsMinutes: fc.array(
        fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 12_000 }), fc.constant(0)),
        { minLength: 3, maxLength: 3 },
      ),
      // Mostly whole minutes; sometimes milliseconds too (the reference is exact arithmetic, not stepping).
      subMinuteMs: fc.array(
        fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 0, max: 59_999 })),
        {
          minLength: 7,
          maxLength: 7,
        },
      ),
    })
    .map(
      ({
        week,
        anchorDay: day,
        closedOffsets,
        special,
        instantOffsetsMinutes,
        durationsMinutes,
        subMinuteMs,
      }) => {
        // Sparse calendars would take years to fill 200 h; cap durations at about two months of open time.
        const weeklyMinutes = Object.values(week).reduce((sum, hours) => sum + nominalMinutes(hours), 0);
        const spec = parseCalendarSpec({
          timeZone,
          week,
          holidays: [],
          closed: closedOffsets.map((offset) => dateOf(day + offset)),
          special: Object.fromEntries(special.map(({ offset, hours }) => [dateOf(day + offset), hours])),
        });
        return {
          spec,
          instantsMs: instantOffsetsMinutes.map(
            (minutes, k) => day * DAY_MS + minutes * MINUTE_MS + (subMinuteMs[k] ?? 0),
          ),
          durationsMs: durationsMinutes.map(
            (minutes, k) => Math.min(minutes, weeklyMinutes * 8) * MINUTE_MS + (subMinuteMs[4 + k] ?? 0),
          ),
        };
      },
    );
});

// PROPERTY_RUNS=2000 for a deeper search than the default quick run.
const NUM_RUNS = Number(process.env.PROPERTY_RUNS ?? 100);
// A deep run needs more than the default 30 s per test.
const PROPERTY_TIMEOUT_MS = Math.max(30_000, NUM_RUNS * 400);

/** The engine's answer, or the error code it threw (so a throw shows up as a readable counterexample). */
function attempt<T>(compute: () => T): T | string {
  try {
    return compute();
  } catch (error) {
    return `threw ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Longest run of open time a random calendar can have, so nextClose checks stay within the reference's horizon. */
const CLOSE_HORIZON_MS = 120 * DAY_MS;

describe('engine vs brute-force reference, random calendars', () => {
  it(
    'elapsedMs agrees, including empty and reversed ranges',
    () => {
      fc.assert(
        fc.property(scenario, ({ spec, instantsMs }) => {
          const engine = compileCalendar(spec);
          const reference = referenceCalendar(spec);
          for (const fromMs of instantsMs) {
            for (const toMs of instantsMs) {
              expect(attempt(() => engine.elapsedMs(fromMs, toMs))).toBe(reference.elapsedMs(fromMs, toMs));
            }
          }
        }),
        { numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'dueAt agrees',
    () => {
      fc.assert(
        fc.property(scenario, ({ spec, instantsMs, durationsMs }) => {
          const engine = compileCalendar(spec);
          const reference = referenceCalendar(spec);
          for (const fromMs of instantsMs.slice(0, 2)) {
            for (const durationMs of durationsMs) {
              const expected = reference.dueAt(fromMs, durationMs, 3 * 366 * DAY_MS);
              if (expected === undefined) continue;
              expect(attempt(() => engine.dueAt(fromMs, durationMs))).toBe(expected);
            }
          }
        }),
        { numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'isOpen, nextOpen and nextClose agree, on and beside every interval edge',
    () => {
      fc.assert(
        fc.property(scenario, ({ spec, instantsMs }) => {
          const engine = compileCalendar(spec);
          const reference = referenceCalendar(spec);
          const [firstMs = 0] = instantsMs;
          const edgesMs = reference
            .openIntervals(firstMs, firstMs + 3 * DAY_MS)
            .flatMap(({ startMs, endMs }) => [startMs, endMs])
            .flatMap((edgeMs) => [edgeMs - MINUTE_MS, edgeMs, edgeMs + MINUTE_MS]);
          for (const atMs of [...instantsMs, ...edgesMs]) {
            expect(
              attempt(() => engine.isOpen(atMs)),
              `isOpen(${atMs})`,
            ).toBe(reference.isOpen(atMs));
            const nextOpenMs = reference.nextOpen(atMs);
            if (nextOpenMs !== undefined) {
              expect(
                attempt(() => engine.nextOpen(atMs)),
                `nextOpen(${atMs})`,
              ).toBe(nextOpenMs);
            }
            const nextCloseMs = reference.nextClose(atMs, CLOSE_HORIZON_MS);
            if (nextCloseMs !== undefined) {
              expect(
                attempt(() => engine.nextClose(atMs)),
                `nextClose(${atMs})`,
              ).toBe(nextCloseMs);
            }
          }
        }),
        { numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'openIntervals and businessDayMs agree',
    () => {
      fc.assert(
        fc.property(scenario, ({ spec, instantsMs }) => {
          const engine = compileCalendar(spec);
          const reference = referenceCalendar(spec);
          const [fromMs = 0, otherMs = 0] = instantsMs;
          const toMs = Math.max(fromMs, otherMs) + 7 * DAY_MS;
          expect(engine.openIntervals(fromMs, toMs)).toEqual(reference.openIntervals(fromMs, toMs));
          expect(engine.businessDayMs).toBe(reference.businessDayMs);
        }),
        { numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('algebra of the engine, random calendars', () => {
  it(
    'elapsed is additive: elapsed(a, c) = elapsed(a, b) + elapsed(b, c) for a ≤ b ≤ c',
    () => {
      fc.assert(
        fc.property(scenario, ({ spec, instantsMs }) => {
          const engine = compileCalendar(spec);
          const [aMs = 0, bMs = 0, cMs = 0] = [...instantsMs].sort((x, y) => x - y);
          expect(engine.elapsedMs(aMs, cMs)).toBe(engine.elapsedMs(aMs, bMs) + engine.elapsedMs(bMs, cMs));
        }),
        { numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'dueAt inverts elapsed, is monotone in the duration, and a zero duration returns from',
    () => {
      fc.assert(
        fc.property(scenario, ({ spec, instantsMs, durationsMs }) => {
          const engine = compileCalendar(spec);
          const [fromMs = 0] = instantsMs;
          expect(engine.dueAt(fromMs, 0)).toBe(fromMs);
          const sortedMs = [...durationsMs].sort((x, y) => x - y);
          let previousDueMs = fromMs;
          for (const durationMs of sortedMs) {
            const dueMs = engine.dueAt(fromMs, durationMs);
            expect(engine.elapsedMs(fromMs, dueMs)).toBe(durationMs);
            // Earliest such instant: a millisecond earlier falls short (unless the duration is 0).
            if (durationMs > 0) expect(engine.elapsedMs(fromMs, dueMs - 1)).toBeLessThan(durationMs);
            expect(dueMs).toBeGreaterThanOrEqual(previousDueMs);
            previousDueMs = dueMs;
          }
        }),
        { numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('reference sanity (it must be right before it judges the engine)', () => {
  it('reads local times by the compatible rule: gaps move forward, fall-back takes the earlier instant', () => {
    // Brussels 2026-03-29: 02:30 does not exist → 03:30 CEST = 01:30Z. 2026-10-25: 02:30 happens twice → 00:30Z.
    expect(wallTimeToInstantMs(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Brussels')).toBe(
      Date.UTC(2026, 2, 29, 1, 30),
    );
    expect(wallTimeToInstantMs(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Brussels')).toBe(
      Date.UTC(2026, 9, 25, 0, 30),
    );
    // Lord Howe 2026-10-04: 02:00 → 02:30 (+10:30 → +11), so 02:10 reads as 02:40 = 15:40Z the day before.
    expect(wallTimeToInstantMs(Date.UTC(2026, 9, 4, 2, 10), 'Australia/Lord_Howe')).toBe(
      Date.UTC(2026, 9, 3, 15, 40),
    );
    // Santiago 2026-09-06: midnight does not exist, the day starts at 01:00 -03:00 = 04:00Z.
    expect(wallTimeToInstantMs(Date.UTC(2026, 8, 6, 0, 0), 'America/Santiago')).toBe(
      Date.UTC(2026, 8, 6, 4, 0),
    );
  });

  it('gives the seed worked example: a Pro P1 opened Friday 16:00 in Brussels is due Monday 11:00', () => {
    const reference = referenceCalendar(CALENDAR_PRESETS['be-business']);
    const fromMs = Date.UTC(2026, 2, 27, 15, 0);
    expect(reference.dueAt(fromMs, 4 * HOUR_MS)).toBe(Date.UTC(2026, 2, 30, 9, 0));
  });

  it('counts an overnight shift across fall-back at its real length, and once where it overlaps the next day', () => {
    const reference = referenceCalendar(
      parseCalendarSpec({
        timeZone: 'Europe/Brussels',
        week: { sat: [['22:00', '06:00']], sun: [['05:00', '07:00']] },
      }),
    );
    // Sat 2026-10-24 22:00 CEST (20:00Z) → Sun 07:00 CET (06:00Z): 10 real hours, the 05:00–06:00 overlap once.
    expect(reference.openIntervals(Date.UTC(2026, 9, 24), Date.UTC(2026, 9, 26))).toEqual([
      { startMs: Date.UTC(2026, 9, 24, 20, 0), endMs: Date.UTC(2026, 9, 25, 6, 0) },
    ]);
  });
});

/** Whole-year open intervals and a spread of queries, engine vs reference, for calendars with holidays. */
function compareOverYears(engine: BusinessCalendar, spec: CalendarSpec): void {
  const reference = referenceCalendar(spec);
  for (const year of [2025, 2026, 2027]) {
    const fromMs = Date.UTC(year, 0, 1);
    const toMs = Date.UTC(year + 1, 0, 1);
    expect(engine.openIntervals(fromMs, toMs)).toEqual(reference.openIntervals(fromMs, toMs));
  }
  for (let k = 0; k < 60; k += 1) {
    const fromMs = Date.UTC(2025, 0, 1) + k * 17 * DAY_MS + k * 97 * MINUTE_MS;
    const durationMs = ((k * 37) % 120) * HOUR_MS + ((k * 13) % 60) * MINUTE_MS;
    expect(engine.dueAt(fromMs, durationMs)).toBe(reference.dueAt(fromMs, durationMs));
    expect(engine.elapsedMs(fromMs, fromMs + k * 11 * HOUR_MS)).toBe(
      reference.elapsedMs(fromMs, fromMs + k * 11 * HOUR_MS),
    );
  }
}

describe('engine vs reference with public holidays', () => {
  it.each(['be-business', 'sa-business', 'always-open'] as const)('preset %s, 2025–2027', (presetId) => {
    const spec = CALENDAR_PRESETS[presetId];
    compareOverYears(compileCalendar(spec), spec);
  });

  it('closes Easter Monday 2026-04-06 and Eid al-Fitr 2026 as whole local days', () => {
    const be = compileCalendar(CALENDAR_PRESETS['be-business']);
    expect(be.openIntervals(Date.UTC(2026, 3, 5, 22), Date.UTC(2026, 3, 6, 22))).toEqual([]);
    const beReference = referenceCalendar(CALENDAR_PRESETS['be-business']);
    expect(beReference.openIntervals(Date.UTC(2026, 3, 5, 22), Date.UTC(2026, 3, 6, 22))).toEqual([]);
    // date-holidays starts Eid al-Fitr at 18:00 on Wed 2026-03-18; that Wednesday stays a full working day.
    const sa = compileCalendar(CALENDAR_PRESETS['sa-business']);
    expect(sa.elapsedMs(Date.UTC(2026, 2, 17, 21), Date.UTC(2026, 2, 18, 21))).toBe(9 * HOUR_MS);
    expect(sa.isOpen(Date.UTC(2026, 2, 19, 9))).toBe(false);
  });

  it('a regional calendar with an excluded holiday (Bavaria, Corpus Christi worked)', () => {
    const spec = parseCalendarSpec({
      timeZone: 'Europe/Berlin',
      week: Object.fromEntries(
        WEEKDAYS.slice(0, 6).map((day) => [
          day,
          [
            ['08:00', '12:00'],
            ['13:00', '17:00'],
          ],
        ]),
      ),
      holidays: [{ country: 'DE', region: 'BY', exclude: ['Corpus Christi'] }],
      closed: ['2026-12-24'],
      special: { '2026-12-31': [['08:00', '12:00']], '2026-05-01': [['10:00', '14:00']] },
    });
    compareOverYears(compileCalendar(spec), spec);
    // Corpus Christi (Thu 2026-06-04) is worked here, Whit Monday is not; Labour Day has special hours.
    expect(compileCalendar(spec).elapsedMs(Date.UTC(2026, 5, 3, 22), Date.UTC(2026, 5, 4, 22))).toBe(
      8 * HOUR_MS,
    );
    expect(compileCalendar(spec).elapsedMs(Date.UTC(2026, 4, 24, 22), Date.UTC(2026, 4, 25, 22))).toBe(0);
    expect(compileCalendar(spec).elapsedMs(Date.UTC(2026, 3, 30, 22), Date.UTC(2026, 4, 1, 22))).toBe(
      4 * HOUR_MS,
    );
  });
});
