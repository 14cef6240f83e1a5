import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { CalendarError } from './calendar-error.ts';
import { formatInstant, parseInstant, wallToInstant, zoneOffset } from './zoned-time.ts';

describe('parseInstant', () => {
  it.each([
    ['2026-03-27T16:00:00+01:00', 'Europe/Brussels', '2026-03-27T15:00:00.000Z'],
    ['2026-03-27T16:00', 'Europe/Brussels', '2026-03-27T15:00:00.000Z'],
    ['2026-03-27T16:00Z', 'Asia/Riyadh', '2026-03-27T16:00:00.000Z'],
    ['2026-03-27 16:00:30.250+0300', 'UTC', '2026-03-27T13:00:30.250Z'],
    ['2026-03-27', 'Asia/Riyadh', '2026-03-26T21:00:00.000Z'],
    // Spring-forward gap moves forward; fall-back ambiguity takes the earlier instant.
    ['2026-03-29T02:30', 'Europe/Brussels', '2026-03-29T01:30:00.000Z'],
    ['2026-10-25T02:30', 'Europe/Brussels', '2026-10-25T00:30:00.000Z'],
    ['2026-10-04T02:15', 'Australia/Lord_Howe', '2026-10-03T15:45:00.000Z'],
  ])('%s in %s', (text, zone, expected) => {
    expect(new Date(parseInstant(text, zone)).toISOString()).toBe(expected);
  });

  it.each([
    '',
    'yesterday',
    '2026-02-30T10:00',
    '2026-13-01',
    '2026-01-01T25:00',
    '2026-01-01T10:00+25:00',
    '1900-01-01',
  ])('rejects %j', (text) => {
    expect(() => parseInstant(text, 'UTC')).toThrow(CalendarError);
  });
});

describe('formatInstant', () => {
  it.each([
    [Date.parse('2026-03-30T09:00:00Z'), 'Europe/Brussels', '2026-03-30T11:00:00+02:00'],
    [Date.parse('2026-01-30T09:00:00.5Z'), 'Europe/Brussels', '2026-01-30T10:00:00.500+01:00'],
    [Date.parse('2026-01-30T09:00:00Z'), 'America/St_Johns', '2026-01-30T05:30:00-03:30'],
    [Date.parse('2026-01-30T09:00:00Z'), 'UTC', '2026-01-30T09:00:00+00:00'],
  ])('%s in %s', (at, zone, expected) => {
    expect(formatInstant(at, zone)).toBe(expected);
    expect(parseInstant(expected, 'UTC')).toBe(at);
  });
});

describe('wallToInstant', () => {
  it('is the inverse of the zone offset outside transitions', () => {
    const offsetAt = zoneOffset('America/Santiago');
    for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2027, 0, 1); t += 7 * 3_600_000 + 13 * 60_000) {
      const wall = t + offsetAt(t) * 60_000;
      const back = wallToInstant(offsetAt, wall);
      // Fall-back repeats an hour of wall time: the earlier instant is chosen, so back ≤ t.
      expect(back <= t).toBe(true);
      expect(back + offsetAt(back) * 60_000).toBe(wall);
    }
  });
});

describe('zoneOffset (tabulated per span) agrees with the zone asked directly', () => {
  const ZONES = [
    'Europe/Brussels',
    'Asia/Riyadh',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'America/Santiago',
    'Africa/Casablanca', // leaves summer time during Ramadan: two extra transitions a month apart
    'Asia/Tehran', // dropped summer time in 2022
    'Pacific/Apia', // skipped 30 December 2011
    'Africa/Monrovia', // -00:44:30 until 1972: an offset in seconds, read from the wall time
  ];
  const YEAR_MS = 365.25 * 86_400_000;
  const FROM_MS = Date.UTC(1971, 0, 1);
  const TO_MS = Date.UTC(2100, 0, 1);

  it.each(ZONES)('%s: every transition to the millisecond, and random instants (1971–2099)', (zone) => {
    const tabulated = zoneOffset(zone);
    const direct = IANAZone.create(zone);
    // Transitions found independently: a two-hour scan, then bisection on the zone itself.
    for (let year = 1971; year < 2100; year += 11) {
      const fromMs = Date.UTC(year, 0, 1);
      for (let t = fromMs; t < fromMs + YEAR_MS; t += 2 * 3_600_000) {
        if (direct.offset(t) === direct.offset(t + 2 * 3_600_000)) continue;
        let lo = t;
        let hi = t + 2 * 3_600_000;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (direct.offset(mid) === direct.offset(lo)) lo = mid;
          else hi = mid;
        }
        for (const at of [lo - 1, lo, hi, hi + 1])
          expect(tabulated(at), `${zone} at ${at}`).toBe(direct.offset(at));
      }
    }
    fc.assert(
      fc.property(
        fc.integer({ min: FROM_MS, max: TO_MS }),
        (atMs) => tabulated(atMs) === direct.offset(atMs),
      ),
      { numRuns: 500 },
    );
  });
});
