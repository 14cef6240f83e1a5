import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCalendar } from '../src/calendar/business-calendar.ts';
import { parseCalendarSpec } from '../src/calendar/calendar-spec.ts';
import { getCalendarPreset } from '../src/calendar/presets.ts';
import { nextTransitionAt } from '../src/calendar/transitions.ts';
import { referenceCalendar } from './business-time.reference.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hhMm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Up to two intervals a day on a 15-minute grid, ending at 24:00 sometimes; some days closed. */
const dayHours = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 4 }).map((points) => {
  const sorted = [...points].sort((a, b) => a - b);
  const hours: Array<[string, string]> = [];
  for (let k = 0; k + 1 < sorted.length; k += 2)
    hours.push([hhMm(sorted[k]! * 15), hhMm(sorted[k + 1]! * 15)]);
  return hours;
});

const spec = fc
  .record({
    timeZone: fc.constantFrom(
      'Europe/Brussels',
      'Asia/Riyadh',
      'America/New_York',
      'Australia/Lord_Howe',
      'UTC',
    ),
    week: fc.record(
      Object.fromEntries(WEEKDAYS.map((d) => [d, dayHours])) as Record<
        (typeof WEEKDAYS)[number],
        typeof dayHours
      >,
    ),
  })
  .filter(({ week }) => Object.values(week).some((h) => h.length > 0))
  .map(({ timeZone, week }) => parseCalendarSpec({ timeZone, week, holidays: [] }));

// 2026, with March and October (the DST changes) over-represented.
const instant = fc.oneof(
  fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 20) }),
  fc.integer({ min: Date.UTC(2026, 2, 25), max: Date.UTC(2026, 3, 2) }),
  fc.integer({ min: Date.UTC(2026, 9, 22), max: Date.UTC(2026, 10, 5) }),
);

describe('nextTransitionAt', () => {
  it('is the next opening when closed, the next closing when open: the brute-force reference agrees', () => {
    fc.assert(
      fc.property(spec, fc.array(instant, { minLength: 1, maxLength: 4 }), (s, instants) => {
        const engine = compileCalendar(s);
        const reference = referenceCalendar(s);
        for (const atMs of instants) {
          const found = nextTransitionAt(engine, atMs);
          const expected = reference.isOpen(atMs)
            ? reference.nextClose(atMs, 30 * DAY_MS)
            : reference.nextOpen(atMs, 30 * DAY_MS);
          expect(found).toBe(expected ?? null);
          if (found === null) continue;
          expect(found).toBeGreaterThan(atMs);
          expect(engine.isOpen(found)).toBe(!engine.isOpen(atMs));
          // Nothing changes in between: the elapsed business time is all or nothing.
          const midMs = atMs + Math.floor((found - atMs) / 2);
          expect(engine.elapsedMs(atMs, midMs)).toBe(engine.isOpen(atMs) ? midMs - atMs : 0);
          // A minute before the transition, it is still the next one.
          expect(nextTransitionAt(engine, found - MINUTE_MS < atMs ? atMs : found - MINUTE_MS)).toBe(found);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('is null for a 24/7 calendar, and steps through a business day', () => {
    expect(nextTransitionAt(getCalendarPreset('always-open'), Date.UTC(2026, 2, 16, 12))).toBeNull();
    const be = getCalendarPreset('be-business');
    // Monday 16 March 2026, Brussels +01:00: opens 08:30 (07:30Z), closes 17:30 (16:30Z).
    expect(nextTransitionAt(be, Date.UTC(2026, 2, 16, 6))).toBe(Date.UTC(2026, 2, 16, 7, 30));
    expect(nextTransitionAt(be, Date.UTC(2026, 2, 16, 7, 30))).toBe(Date.UTC(2026, 2, 16, 16, 30));
    // Friday 17:30 → Monday 08:30.
    expect(nextTransitionAt(be, Date.UTC(2026, 2, 20, 16, 30))).toBe(Date.UTC(2026, 2, 23, 7, 30));
  });
});
