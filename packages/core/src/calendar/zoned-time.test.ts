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
