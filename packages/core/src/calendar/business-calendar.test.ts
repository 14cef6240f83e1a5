import { describe, expect, it } from 'vitest';
import { compileCalendar } from './business-calendar.ts';
import { CalendarError } from './calendar-error.ts';
import { parseCalendarSpec, type CalendarSpecInput } from './calendar-spec.ts';
import { addBusinessDuration } from './duration.ts';
import { getCalendarPreset } from './presets.ts';
import { HOUR_MS, MINUTE_MS, parseInstant } from './zoned-time.ts';

const be = getCalendarPreset('be-business');
const sa = getCalendarPreset('sa-business');
const compile = (input: CalendarSpecInput) => compileCalendar(parseCalendarSpec(input));
const brussels = (local: string) => parseInstant(local, 'Europe/Brussels');
const riyadh = (local: string) => parseInstant(local, 'Asia/Riyadh');
const ALL_WEEK = (hours: Array<[string, string]>) => ({
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: hours,
  sat: hours,
  sun: hours,
});

function expectCalendarError(fn: () => unknown, code: CalendarError['code'], message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CalendarError);
    expect((error as CalendarError).code).toBe(code);
    if (message) expect((error as CalendarError).message).toMatch(message);
    return;
  }
  throw new Error(`expected CalendarError ${code}`);
}

describe('dueAt on be-business (hosting agreement GTI)', () => {
  it.each([
    // [case, from (Brussels local), duration, expected due (ISO with offset)]
    [
      'Pro P1 opened Friday 16:00, across the spring DST weekend',
      '2026-03-27T16:00',
      'PT4H',
      '2026-03-30T11:00:00+02:00',
    ],
    ['Pro P1 opened Thursday before Easter Monday', '2026-04-02T15:00', 'PT4H', '2026-04-03T10:00:00+02:00'],
    ['Pro P1 opened Friday before Easter Monday', '2026-04-03T16:00', 'PT4H', '2026-04-07T11:00:00+02:00'],
    ['Sur Mesure-like 2h opened at opening', '2026-03-30T08:30', 'PT2H', '2026-03-30T10:30:00+02:00'],
    [
      'Classique 24h = 2 days and 6 hours of open time',
      '2026-03-30T08:30',
      'PT24H',
      '2026-04-01T14:30:00+02:00',
    ],
    [
      'Start 48h opened Friday evening: five days, Easter Monday, then 3h',
      '2026-03-27T19:00',
      'PT48H',
      '2026-04-07T11:30:00+02:00',
    ],
    ['exact fill lands on the closing time', '2026-03-27T16:30', 'PT1H', '2026-03-27T17:30:00+01:00'],
    ['opened on a Saturday starts Monday', '2026-03-28T10:00', 'PT30M', '2026-03-30T09:00:00+02:00'],
    ['across the autumn DST weekend', '2026-10-23T17:00', 'PT1H', '2026-10-26T09:00:00+01:00'],
    ['P2D = two business days of 9h', '2026-03-30T08:30', 'P2D', '2026-03-31T17:30:00+02:00'],
    [
      'P1DT4H = 13h: Monday 5.5h, then 7.5h on Tuesday',
      '2026-03-30T12:00',
      'P1DT4H',
      '2026-03-31T16:00:00+02:00',
    ],
    ['across Christmas', '2026-12-24T16:00', 'PT4H', '2026-12-28T11:00:00+01:00'],
  ])('%s', (_case, from, duration, expected) => {
    expect(be.formatIso(addBusinessDuration(be, brussels(from), duration))).toBe(expected);
  });

  it('a zero duration returns from, even when closed', () => {
    const sunday = brussels('2026-03-29T12:00');
    expect(be.dueAt(sunday, 0)).toBe(sunday);
  });

  it('a 2000-hour deadline crosses a year of holidays', () => {
    const from = brussels('2026-01-05T08:30');
    const due = be.dueAt(from, 2000 * HOUR_MS);
    expect(be.elapsedMs(from, due)).toBe(2000 * HOUR_MS);
    expect(be.isOpen(due - 1)).toBe(true);
    // 2000h / 9h = 222.2 business days: well into the next year after Belgian holidays.
    expect(be.localDate(due) > '2026-11-01').toBe(true);
  });
});

describe('elapsedMs', () => {
  it.each([
    ['one business day', '2026-03-30T00:00', '2026-03-31T00:00', 9 * HOUR_MS],
    ['a week with Easter Monday', '2026-04-06T00:00', '2026-04-13T00:00', 4 * 9 * HOUR_MS],
    ['empty range', '2026-03-30T10:00', '2026-03-30T10:00', 0],
    ['reversed range', '2026-03-30T11:00', '2026-03-30T10:00', 0],
    ['partial morning', '2026-03-30T07:00', '2026-03-30T09:00', 30 * MINUTE_MS],
  ])('%s', (_case, from, to, expected) => {
    expect(be.elapsedMs(brussels(from), brussels(to))).toBe(expected);
  });

  it('counts the real length of an open interval spanning a DST change', () => {
    const cal = compile({ timeZone: 'Europe/Brussels', week: ALL_WEEK([['00:00', '24:00']]) });
    // Spring forward: Sunday 2026-03-29 has 23 hours; autumn: Sunday 2026-10-25 has 25.
    expect(cal.elapsedMs(brussels('2026-03-29T00:00'), brussels('2026-03-30T00:00'))).toBe(23 * HOUR_MS);
    expect(cal.elapsedMs(brussels('2026-10-25T00:00'), brussels('2026-10-26T00:00'))).toBe(25 * HOUR_MS);
  });

  it('counts night shifts across DST at their real length', () => {
    const cal = compile({ timeZone: 'Europe/Brussels', week: { sat: [['22:00', '06:00']] } });
    expect(cal.elapsedMs(brussels('2026-03-28T00:00'), brussels('2026-03-30T00:00'))).toBe(7 * HOUR_MS);
    expect(cal.elapsedMs(brussels('2026-10-24T00:00'), brussels('2026-10-26T00:00'))).toBe(9 * HOUR_MS);
  });
});

describe('calendar rules', () => {
  it('an overnight interval belongs to the day it starts on', () => {
    const cal = compile({ timeZone: 'Europe/Brussels', week: { mon: [['22:00', '06:00']] } });
    expect(cal.isOpen(brussels('2026-03-31T05:59'))).toBe(true); // Tuesday morning, Monday's shift
    expect(cal.isOpen(brussels('2026-03-31T22:30'))).toBe(false); // Tuesday night: no shift
    expect(cal.isOpen(brussels('2026-03-30T21:59'))).toBe(false);
  });

  it('counts once the open time where a night shift overlaps the next day', () => {
    const cal = compile({ timeZone: 'UTC', week: { mon: [['20:00', '10:00']], tue: [['08:00', '12:00']] } });
    expect(cal.elapsedMs(Date.UTC(2026, 2, 30), Date.UTC(2026, 3, 1))).toBe(16 * HOUR_MS);
    expect(cal.openIntervals(Date.UTC(2026, 2, 30), Date.UTC(2026, 3, 1))).toEqual([
      { startMs: Date.UTC(2026, 2, 30, 20), endMs: Date.UTC(2026, 2, 31, 12) },
    ]);
  });

  it('24:00 ends a day and touching intervals across midnight merge', () => {
    const cal = compile({ timeZone: 'UTC', week: { mon: [['18:00', '24:00']], tue: [['00:00', '02:00']] } });
    expect(cal.openIntervals(Date.UTC(2026, 2, 30), Date.UTC(2026, 3, 1))).toEqual([
      { startMs: Date.UTC(2026, 2, 30, 18), endMs: Date.UTC(2026, 2, 31, 2) },
    ]);
    expect(cal.nextClose(Date.UTC(2026, 2, 30, 19))).toBe(Date.UTC(2026, 2, 31, 2));
  });

  it('supports lunch breaks', () => {
    const cal = compile({
      timeZone: 'Europe/Brussels',
      week: {
        mon: [
          ['08:00', '12:00'],
          ['13:00', '17:00'],
        ],
      },
    });
    expect(cal.formatIso(cal.dueAt(brussels('2026-03-30T11:00'), 2 * HOUR_MS))).toBe(
      '2026-03-30T14:00:00+02:00',
    );
    expect(cal.businessDayMs).toBe(8 * HOUR_MS);
  });

  it('special wins over closed and holidays, which win over the week', () => {
    const cal = compile({
      timeZone: 'Europe/Brussels',
      week: { mon: [['08:30', '17:30']], tue: [['08:30', '17:30']], wed: [['08:30', '17:30']] },
      holidays: [{ country: 'BE' }],
      closed: ['2026-04-07', '2026-04-08'],
      special: { '2026-04-06': [['10:00', '12:00']], '2026-04-08': [['09:00', '10:00']] },
    });
    expect(cal.elapsedMs(brussels('2026-04-06T00:00'), brussels('2026-04-09T00:00'))).toBe(3 * HOUR_MS);
    expect(cal.closedDays(brussels('2026-04-06T00:00'), brussels('2026-04-09T00:00'))).toEqual([
      { date: '2026-04-07', reason: 'closed' },
    ]);
  });

  it('a special date with no hours closes the day', () => {
    const cal = compile({
      timeZone: 'UTC',
      week: ALL_WEEK([['09:00', '17:00']]),
      special: { '2026-12-31': [] },
    });
    expect(cal.isOpen(Date.UTC(2026, 11, 31, 10))).toBe(false);
  });

  it('can leave a holiday open with exclude', () => {
    const cal = compile({
      timeZone: 'Europe/Brussels',
      week: { mon: [['08:30', '17:30']] },
      holidays: [{ country: 'BE', exclude: ['Easter Monday'] }],
    });
    expect(cal.isOpen(brussels('2026-04-06T10:00'))).toBe(true);
    expect(cal.isOpen(brussels('2026-05-25T10:00'))).toBe(false); // Whit Monday still closed
  });

  it('moves gap times forward and takes the earlier of ambiguous times (Temporal compatible)', () => {
    // 2026-03-29 02:30 does not exist in Brussels; 2026-10-25 02:30 happens twice.
    const spring = compile({ timeZone: 'Europe/Brussels', week: { sun: [['02:30', '04:00']] } });
    expect(spring.openIntervals(brussels('2026-03-29T00:00'), brussels('2026-03-30T00:00'))).toEqual([
      { startMs: Date.parse('2026-03-29T01:30:00Z'), endMs: Date.parse('2026-03-29T02:00:00Z') },
    ]);
    const autumn = compile({ timeZone: 'Europe/Brussels', week: { sun: [['02:30', '04:00']] } });
    expect(autumn.openIntervals(brussels('2026-10-25T00:00'), brussels('2026-10-26T00:00'))).toEqual([
      { startMs: Date.parse('2026-10-25T00:30:00Z'), endMs: Date.parse('2026-10-25T03:00:00Z') },
    ]);
  });

  it('defaults the business day to the most common weekday length, ties to the longest', () => {
    const cal = compile({
      timeZone: 'UTC',
      week: {
        mon: [['08:00', '16:00']],
        tue: [['08:00', '16:00']],
        wed: [['08:00', '18:00']],
        thu: [['08:00', '18:00']],
        fri: [['08:00', '12:00']],
      },
    });
    expect(cal.businessDayMs).toBe(10 * HOUR_MS);
    expect(
      compile({ timeZone: 'UTC', week: { mon: [['08:00', '12:00']] }, businessDay: 'PT7H30M' }).businessDayMs,
    ).toBe(7.5 * HOUR_MS);
  });
});

describe('isOpen, nextOpen, nextClose', () => {
  it.each([
    ['inside hours', '2026-03-30T10:00', true, '2026-03-30T10:00', '2026-03-30T17:30'],
    ['at opening (half-open start)', '2026-03-30T08:30', true, '2026-03-30T08:30', '2026-03-30T17:30'],
    ['at closing (half-open end)', '2026-03-30T17:30', false, '2026-03-31T08:30', '2026-03-30T17:30'],
    ['Friday night', '2026-04-03T20:00', false, '2026-04-07T08:30', '2026-04-03T20:00'],
  ])('%s', (_case, at, open, nextOpen, nextClose) => {
    const t = brussels(at);
    expect(be.isOpen(t)).toBe(open);
    expect(be.nextOpen(t)).toBe(brussels(nextOpen));
    expect(be.nextClose(t)).toBe(brussels(nextClose));
  });

  it('a 24/7 calendar never closes', () => {
    expect(getCalendarPreset('always-open').nextClose(Date.UTC(2026, 0, 1))).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('sa-business (consultation agreement)', () => {
  it('works Sunday to Thursday', () => {
    expect(sa.isOpen(riyadh('2026-03-01T09:00'))).toBe(true); // Sunday
    expect(sa.isOpen(riyadh('2026-03-06T10:00'))).toBe(false); // Friday
    expect(sa.isOpen(riyadh('2026-03-07T10:00'))).toBe(false); // Saturday
  });

  it('closes Eid al-Fitr as whole local days, not from 18:00 of the eve', () => {
    expect(sa.isOpen(riyadh('2026-03-18T17:59'))).toBe(true);
    expect(sa.closedDays(riyadh('2026-03-18T00:00'), riyadh('2026-03-24T00:00'))).toEqual([
      { date: '2026-03-19', reason: 'holiday', name: 'End of Ramadan (Eid al-Fitr)' },
      { date: '2026-03-20', reason: 'holiday', name: 'End of Ramadan (Eid al-Fitr)' },
      { date: '2026-03-21', reason: 'holiday', name: 'End of Ramadan (Eid al-Fitr)' },
      { date: '2026-03-22', reason: 'holiday', name: 'End of Ramadan (Eid al-Fitr)' },
    ]);
    // P2 response (4h) opened Wednesday 17:00 before Eid: 1h Wednesday, then Monday 09:00 + 3h.
    expect(sa.formatIso(addBusinessDuration(sa, riyadh('2026-03-18T17:00'), 'PT4H'))).toBe(
      '2026-03-23T12:00:00+03:00',
    );
  });

  it.each([
    ['Founding Day', '2026-02-22'],
    ['National Day', '2026-09-23'],
    ['Eid al-Adha', '2026-05-26'],
  ])('closes %s', (_name, date) => {
    expect(sa.isOpen(riyadh(`${date}T12:00`))).toBe(false);
  });

  it('P3 resolution of 3 business days (27h) lands on the Thursday closing time', () => {
    expect(sa.formatIso(addBusinessDuration(sa, riyadh('2026-03-03T09:00'), 'P3D'))).toBe(
      '2026-03-05T18:00:00+03:00',
    );
  });
});

describe('errors', () => {
  const never = compile({ timeZone: 'UTC', week: {} });

  it('a calendar with no open time is a clear error, not an endless loop', () => {
    expectCalendarError(
      () => never.dueAt(Date.UTC(2026, 0, 1), HOUR_MS),
      'NO_OPEN_TIME',
      /no open time within 10 years/,
    );
    expectCalendarError(() => never.nextOpen(Date.UTC(2026, 0, 1)), 'NO_OPEN_TIME');
    expect(never.elapsedMs(Date.UTC(2026, 0, 1), Date.UTC(2030, 0, 1))).toBe(0);
  });

  it('finds open time far away but within the horizon', () => {
    const once = compile({ timeZone: 'UTC', week: {}, special: { '2034-06-01': [['09:00', '10:00']] } });
    expect(once.dueAt(Date.UTC(2026, 0, 1), 30 * MINUTE_MS)).toBe(Date.UTC(2034, 5, 1, 9, 30));
  });

  it.each([
    [Number.NaN, 'INVALID_INSTANT'],
    [Date.UTC(1950, 0, 1), 'INSTANT_OUT_OF_RANGE'],
    [Date.UTC(2300, 0, 1), 'INSTANT_OUT_OF_RANGE'],
  ] as const)('rejects instant %s', (at, code) => {
    expectCalendarError(() => be.dueAt(at, HOUR_MS), code);
    expectCalendarError(() => be.isOpen(at), code);
  });

  it('rejects negative and non-finite durations', () => {
    expectCalendarError(() => be.dueAt(Date.UTC(2026, 0, 5), -1), 'INVALID_DURATION');
    expectCalendarError(() => be.dueAt(Date.UTC(2026, 0, 5), Number.POSITIVE_INFINITY), 'INVALID_DURATION');
  });

  it('a due date beyond the supported years is an error', () => {
    expectCalendarError(() => be.dueAt(Date.UTC(2199, 5, 1), 5000 * HOUR_MS), 'INSTANT_OUT_OF_RANGE');
  });

  it('rejects unknown holiday countries and regions', () => {
    expectCalendarError(
      () => compile({ timeZone: 'UTC', week: {}, holidays: [{ country: 'QQ' }] }),
      'INVALID_CALENDAR',
      /holidays\[0\]\.country/,
    );
    expectCalendarError(
      () => compile({ timeZone: 'UTC', week: {}, holidays: [{ country: 'BE', region: 'XX' }] }),
      'INVALID_CALENDAR',
      /holidays\[0\]\.region.*BRU/,
    );
  });
});
