import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAvailability, samplesToSegments, type CheckSample } from './availability.ts';
import { mergeIntervals, subtractIntervals, totalMs } from './intervals.ts';
import { CHECK_STATUSES, INITIAL_MEMORY, classOf, classifyCheck, nextMonitorState } from './monitor-state.ts';
import { expandRecurrence, parseRrule, RecurrenceError } from './recurrence.ts';
import { dayWindows, monthWindow } from './windows.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

const interval = fc
  .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 2_000 }))
  .map(([startMs, len]) => ({ startMs, endMs: startMs + len }));

describe('subtractIntervals', () => {
  it('keeps exactly the time of a outside b', () => {
    fc.assert(
      fc.property(fc.array(interval), fc.array(interval), (a, b) => {
        const rest = subtractIntervals(a, b);
        const overlap = totalMs(a) - totalMs(rest);
        // |a| = |a \ b| + |a ∩ b|, and a ∩ b is at most |b|.
        expect(overlap).toBeGreaterThanOrEqual(0);
        expect(overlap).toBeLessThanOrEqual(totalMs(b));
        expect(totalMs([...rest, ...mergeIntervals(b)])).toBe(totalMs([...a, ...b]));
      }),
    );
  });
});

describe('nextMonitorState', () => {
  it.each([
    [['down', 'down'], 2, 'down', 1],
    [['down', 'up', 'down'], 2, 'unknown', 0],
    [['up', 'up', 'down', 'error'], 2, 'error', 2],
    [['up', 'up', 'slow'], 2, 'up', 1],
    [['up', 'slow', 'slow', 'slow'], 1, 'slow', 2],
  ] as const)('%j with %i confirmations ends %s after %i transitions', (statuses, n, end, changes) => {
    let memory = INITIAL_MEMORY;
    let transitions = 0;
    for (const status of statuses) {
      const step = nextMonitorState({ memory, status, confirmations: n });
      memory = step.memory;
      if (step.transition) transitions++;
    }
    expect(memory.state).toBe(end);
    expect(transitions).toBe(changes);
  });

  it('changes class only after `confirmations` consecutive results of the new class', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...CHECK_STATUSES), { maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        (statuses, confirmations) => {
          let memory = INITIAL_MEMORY;
          statuses.forEach((status, i) => {
            const step = nextMonitorState({ memory, status, confirmations });
            if (step.transition) {
              const recent = statuses.slice(Math.max(0, i - confirmations + 1), i + 1);
              expect(recent).toHaveLength(confirmations);
              expect(recent.every((s) => classOf(s) === classOf(status))).toBe(true);
              expect(step.transition.to).toBe(status);
            }
            memory = step.memory;
          });
          const tail = statuses.slice(-confirmations);
          if (tail.length === confirmations && tail.every((s) => classOf(s) === classOf(tail[0]!)))
            expect(classOf(memory.state as (typeof CHECK_STATUSES)[number])).toBe(classOf(tail[0]!));
        },
      ),
    );
  });
});

describe('classifyCheck', () => {
  const answer = (latencyMs: number, ok = true) => ({ kind: 'answer' as const, ok, latencyMs, detail: '' });
  it.each([
    [{ kind: 'no-answer' as const, detail: 'ECONNREFUSED' }, null, null, 'down'],
    [answer(50, false), 100, null, 'error'],
    [answer(150), 100, null, 'slow'],
    [answer(90), 100, null, 'up'],
    [answer(2000), null, 1800, 'up'],
    [answer(900), null, 100, 'slow'],
    [answer(900), null, null, 'up'],
  ])('%j slowMs=%s baseline=%s → %s', (outcome, slowMs, baselineMs, expected) => {
    expect(classifyCheck({ outcome, slowMs, baselineMs })).toBe(expected);
  });
});

describe('computeAvailability', () => {
  const window = { startMs: 0, endMs: 10 * HOUR };
  it('counts slow as up, down and error as down, and no data apart', () => {
    const samples: CheckSample[] = [
      { atMs: 0, status: 'up' },
      { atMs: HOUR, status: 'slow' },
      { atMs: 2 * HOUR, status: 'down' },
      { atMs: 3 * HOUR, status: 'error' },
      { atMs: 4 * HOUR, status: 'up' },
    ];
    // Checks every hour are believed for at most an hour; after 5 h nobody looked.
    const segments = samplesToSegments({ samples, maxGapMs: HOUR, untilMs: window.endMs });
    const figures = computeAvailability({
      window,
      segments,
      maintenance: [{ startMs: 3 * HOUR, endMs: 3.5 * HOUR }],
      exclusions: [{ startMs: 3.25 * HOUR, endMs: 3.75 * HOUR }],
      target: 0.99,
    });
    expect(figures).toMatchObject({
      upSeconds: 3 * 3600,
      slowSeconds: 3600,
      downSeconds: 1.25 * 3600,
      maintenanceSeconds: 0.5 * 3600,
      excludedSeconds: 0.25 * 3600,
      noDataSeconds: 5 * 3600,
      met: false,
    });
    expect(figures.availability).toBeCloseTo(3 / 4.25, 10);
  });

  it('partitions the window, stays in [0, 1], and never improves when a result gets worse', () => {
    const sample = fc.record({
      atMs: fc.integer({ min: -1000, max: 12_000 }),
      status: fc.constantFrom(...CHECK_STATUSES),
    });
    fc.assert(
      fc.property(
        fc.array(sample, { maxLength: 40 }),
        fc.array(interval, { maxLength: 4 }),
        fc.array(interval, { maxLength: 4 }),
        fc.nat({ max: 39 }),
        (samples, maintenance, exclusions, worsen) => {
          const w = { startMs: 0, endMs: 10_000 };
          const run = (list: CheckSample[]) =>
            computeAvailability({
              window: w,
              segments: samplesToSegments({ samples: list, maxGapMs: 700, untilMs: w.endMs }),
              maintenance,
              exclusions,
              target: 0.99,
            });
          const f = run(samples);
          const sum =
            f.upSeconds + f.downSeconds + f.maintenanceSeconds + f.excludedSeconds + f.noDataSeconds;
          expect(sum).toBeCloseTo(10, 9);
          expect(f.noDataSeconds).toBeGreaterThanOrEqual(0);
          if (f.availability !== null) {
            expect(f.availability).toBeGreaterThanOrEqual(0);
            expect(f.availability).toBeLessThanOrEqual(1);
          }
          const worse = samples.map((s, i) => (i === worsen ? { ...s, status: 'down' as const } : s));
          const g = run(worse);
          if (f.availability !== null && g.availability !== null)
            expect(g.availability).toBeLessThanOrEqual(f.availability + 1e-12);
          expect(g.downtimeBudgetLeftSeconds).toBeLessThanOrEqual(f.downtimeBudgetLeftSeconds + 1e-9);
        },
      ),
    );
  });

  it('has no figure when maintenance covers everything', () => {
    const f = computeAvailability({
      window,
      segments: [{ ...window, status: 'down' }],
      maintenance: [window],
      exclusions: [],
      target: 0.99,
    });
    expect(f).toMatchObject({ availability: null, met: null, downSeconds: 0, maintenanceSeconds: 36_000 });
  });
});

describe('monthWindow', () => {
  it.each([
    ['2026-03', 'Europe/Brussels', '2026-02-28T23:00:00Z', '2026-03-31T22:00:00Z', 30 * 24 + 23],
    ['2026-10', 'Europe/Brussels', '2026-09-30T22:00:00Z', '2026-10-31T23:00:00Z', 31 * 24 + 1],
    ['2026-02', 'Asia/Riyadh', '2026-01-31T21:00:00Z', '2026-02-28T21:00:00Z', 28 * 24],
    ['2026-12', 'UTC', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z', 31 * 24],
  ])('%s in %s', (month, timeZone, start, end, hours) => {
    const w = monthWindow({ month, timeZone });
    expect(w).toEqual({ startMs: at(start), endMs: at(end) });
    expect((w.endMs - w.startMs) / HOUR).toBe(hours);
  });
  it('refuses a bad month', () => {
    expect(() => monthWindow({ month: '2026-13', timeZone: 'UTC' })).toThrow(RangeError);
  });
  it('day windows are local days (23 h on the spring DST day)', () => {
    const days = dayWindows({ atMs: at('2026-03-30T10:00:00Z'), days: 3, timeZone: 'Europe/Brussels' });
    expect(days.map((d) => d.day)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(days.map((d) => (d.window.endMs - d.window.startMs) / HOUR)).toEqual([24, 23, 24]);
  });
});

describe('expandRecurrence', () => {
  const zone = 'Europe/Brussels';
  it('keeps the local wall time across the DST change', () => {
    // Sundays 01:00–03:00 local from 22 March 2026; clocks go forward on 29 March.
    const occurrences = expandRecurrence({
      startsAtMs: at('2026-03-22T00:00:00Z'),
      endsAtMs: at('2026-03-22T02:00:00Z'),
      rule: parseRrule('FREQ=WEEKLY;COUNT=3'),
      timeZone: zone,
      window: { startMs: 0, endMs: at('2027-01-01T00:00:00Z') },
    });
    expect(occurrences.map((o) => new Date(o.startMs).toISOString())).toEqual([
      '2026-03-22T00:00:00.000Z',
      '2026-03-29T00:00:00.000Z', // the change is at 02:00: 01:00 is still winter time
      '2026-04-04T23:00:00.000Z',
    ]);
  });
  it('BYDAY, INTERVAL and UNTIL; only occurrences overlapping the window', () => {
    const occurrences = expandRecurrence({
      startsAtMs: at('2026-06-02T20:00:00Z'), // Tuesday 22:00 local
      endsAtMs: at('2026-06-02T21:00:00Z'),
      rule: parseRrule('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20260701T000000Z'),
      timeZone: zone,
      window: { startMs: at('2026-06-04T20:30:00Z'), endMs: at('2026-12-31T00:00:00Z') },
    });
    expect(occurrences.map((o) => new Date(o.startMs).toISOString().slice(0, 10))).toEqual([
      '2026-06-04',
      '2026-06-16',
      '2026-06-18',
      '2026-06-30',
    ]);
  });
  it.each(['FREQ=YEARLY', 'FREQ=DAILY;BYDAY=MO', 'FREQ=WEEKLY;COUNT=0', 'FREQ=DAILY;BYHOUR=3', 'nonsense'])(
    'refuses %s',
    (text) => expect(() => parseRrule(text)).toThrow(RecurrenceError),
  );
  it('occurrences are sorted, disjoint for short windows, same duration, same local time, within COUNT', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2026-12-31T00:00:00Z') }),
        fc.integer({ min: 1, max: 6 * 60 }),
        fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY'),
        fc.integer({ min: 1, max: 20 }),
        (start, minutes, freq, count) => {
          const startsAtMs = Math.floor(start / MIN) * MIN;
          const occurrences = expandRecurrence({
            startsAtMs,
            endsAtMs: startsAtMs + minutes * MIN,
            rule: parseRrule(`FREQ=${freq};COUNT=${count}`),
            timeZone: zone,
            window: { startMs: 0, endMs: at('2030-01-01T00:00:00Z') },
          });
          expect(occurrences.length).toBe(count);
          const local = (ms: number) =>
            new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(
              ms,
            );
          for (const [i, o] of occurrences.entries()) {
            expect(o.endMs - o.startMs).toBe(minutes * MIN);
            if (i > 0) expect(o.startMs).toBeGreaterThan(occurrences[i - 1]!.startMs);
            // A local time skipped by DST moves forward; otherwise it is the first one's.
            if (o.startMs === startsAtMs || local(o.startMs) === local(startsAtMs)) continue;
            expect(local(o.startMs) > local(startsAtMs)).toBe(true);
          }
        },
      ),
    );
  });
});
