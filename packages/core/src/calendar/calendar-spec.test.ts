import { describe, expect, it } from 'vitest';
import { CalendarError } from './calendar-error.ts';
import { parseCalendarSpec } from './calendar-spec.ts';
import { CALENDAR_PRESETS } from './presets.ts';

function messageOf(input: unknown): string {
  try {
    parseCalendarSpec(input);
  } catch (error) {
    expect(error).toBeInstanceOf(CalendarError);
    expect((error as CalendarError).code).toBe('INVALID_CALENDAR');
    return (error as CalendarError).message;
  }
  throw new Error('expected the calendar to be rejected');
}

describe('parseCalendarSpec', () => {
  it('accepts the issue example and fills defaults', () => {
    const spec = parseCalendarSpec({
      timeZone: 'Europe/Brussels',
      week: { mon: [['08:30', '17:30']], tue: [['08:30', '17:30']], sat: [], sun: [] },
      holidays: [{ country: 'BE' }],
      closed: ['2026-12-24'],
      special: { '2026-12-31': [['08:30', '12:00']] },
      businessDay: 'PT9H',
    });
    expect(spec.closed).toEqual(['2026-12-24']);
    expect(parseCalendarSpec({ timeZone: 'UTC', week: {} })).toEqual({
      timeZone: 'UTC',
      week: {},
      holidays: [],
      closed: [],
      special: {},
    });
  });

  // Presets are read without the schema (presets.ts): each must already be what the schema returns.
  it('ships valid presets, written whole: the schema adds and changes nothing', () => {
    for (const spec of Object.values(CALENDAR_PRESETS)) {
      expect(parseCalendarSpec(spec)).toStrictEqual(spec);
      expect(Object.isFrozen(spec.week)).toBe(true);
    }
  });

  it.each([
    [{ timeZone: 'Europe/Bruxelles', week: {} }, /timeZone: expected an IANA time zone/],
    [{ timeZone: 'UTC', week: { mon: [['08:30', '25:00']] } }, /week\.mon\[0\]\[1\]: expected a time HH:MM/],
    [
      { timeZone: 'UTC', week: { mon: [['24:00', '10:00']] } },
      /week\.mon\[0\]: 24:00 can only end an interval/,
    ],
    [
      {
        timeZone: 'UTC',
        week: {
          mon: [
            ['08:00', '12:00'],
            ['11:00', '14:00'],
          ],
        },
      },
      /week\.mon\[1\]: overlaps interval 0/,
    ],
    [
      {
        timeZone: 'UTC',
        week: {
          mon: [
            ['22:00', '06:00'],
            ['23:00', '23:30'],
          ],
        },
      },
      /week\.mon\[1\]: overlaps interval 0/,
    ],
    [{ timeZone: 'UTC', week: { monday: [] } }, /week: Unrecognized key: "monday"|week.*monday/],
    [{ timeZone: 'UTC', week: {}, closed: ['2026-02-30'] }, /closed\[0\]: expected a date YYYY-MM-DD/],
    [{ timeZone: 'UTC', week: {}, special: { tomorrow: [] } }, /special/],
    [{ timeZone: 'UTC', week: {}, businessDay: 'P1D' }, /businessDay: expected a positive duration/],
    [{ timeZone: 'UTC', week: {}, holidays: [{ country: 'belgium' }] }, /holidays\[0\]\.country/],
    [{ week: {} }, /timeZone/],
    ['not an object', /\(root\)/],
  ])('rejects %j naming the field', (input, message) => {
    expect(messageOf(input)).toMatch(message);
  });
});
