import { describe, expect, it } from 'vitest';
import {
  formatBusinessDuration,
  remainingSecondsAt,
  snapshotExpired,
  type ClockSnapshot,
} from './countdown.ts';

const READ_MS = Date.parse('2026-03-02T08:00:00Z');
const clock = (over: Partial<ClockSnapshot> = {}): ClockSnapshot => ({
  state: 'running',
  remainingSeconds: 4 * 3600,
  countingNow: true,
  nextChangeAt: '2026-03-02T16:30:00Z',
  ...over,
});

describe('remainingSecondsAt', () => {
  it.each([
    ['counting: one second per second', clock(), 90_000, 4 * 3600 - 90],
    ['not counting (calendar closed): stands still', clock({ countingNow: false }), 90_000, 4 * 3600],
    ['paused: stands still', clock({ state: 'paused' }), 90_000, 4 * 3600],
    ['met: stands still', clock({ state: 'met' }), 90_000, 4 * 3600],
    [
      'breached and counting: goes on below zero',
      clock({ state: 'breached', remainingSeconds: -60 }),
      30_000,
      -90,
    ],
    [
      'stops at nextChangeAt (the calendar closes)',
      clock({ remainingSeconds: 10 * 3600 }),
      9 * 3600_000,
      10 * 3600 - 8.5 * 3600,
    ],
    ['a clock read in the future of the page: no negative elapsed time', clock(), -5_000, 4 * 3600],
  ])('%s', (_name, snapshot, afterMs, expected) => {
    expect(remainingSecondsAt(snapshot, READ_MS, READ_MS + afterMs)).toBe(expected);
  });

  it('has nothing to count without a target', () => {
    expect(remainingSecondsAt(clock({ remainingSeconds: null }), READ_MS, READ_MS + 1000)).toBeNull();
  });
});

describe('snapshotExpired', () => {
  it('expires at nextChangeAt, never without one', () => {
    expect(snapshotExpired(clock(), Date.parse('2026-03-02T16:29:59Z'))).toBe(false);
    expect(snapshotExpired(clock(), Date.parse('2026-03-02T16:30:00Z'))).toBe(true);
    expect(snapshotExpired(clock({ nextChangeAt: null }), Date.parse('2030-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('formatBusinessDuration', () => {
  it.each([
    [5400, 'en-GB', /^1h 30m$/],
    [5400, 'fr-BE', /^1 ?h 30 ?min$/],
    [3 * 60 + 5, 'en-GB', /^3m 5s$/],
    [-5400, 'en-GB', /^1h 30m$/],
    [30 * 3600, 'en-GB', /^30h 0m$/],
  ])('%i s in %s → %s', (seconds, locale, expected) => {
    // ICU versions differ on narrow spacing: compared with ordinary spaces, optional where locales vary.
    expect(formatBusinessDuration(seconds, locale).replace(/\s/g, ' ')).toMatch(expected);
  });

  it('writes Arabic with Arabic-Indic digits', () => {
    expect(formatBusinessDuration(5400, 'ar-SA')).toMatch(/[١٣٠]/);
  });
});
