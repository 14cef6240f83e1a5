import { describe, expect, it } from 'vitest';
import { CalendarError } from './calendar-error.ts';
import { businessDurationMs, formatDurationMs, parseBusinessDuration } from './duration.ts';

const H = 3_600_000;

describe('parseBusinessDuration', () => {
  it.each([
    ['PT4H', { days: 0, ms: 4 * H }],
    ['PT30M', { days: 0, ms: 30 * 60_000 }],
    ['P2D', { days: 2, ms: 0 }],
    ['P1DT4H30M', { days: 1, ms: 4.5 * H }],
    ['PT1.5H', { days: 0, ms: 1.5 * H }],
    ['PT0S', { days: 0, ms: 0 }],
    ['PT90S', { days: 0, ms: 90_000 }],
  ])('%s', (text, expected) => {
    expect(parseBusinessDuration(text)).toEqual(expected);
  });

  it.each(['', 'P', 'PT', '4h', 'PT-1H', 'P1M', 'P1Y', 'P1W', 'PT4H ', 'P40000D'])('rejects %j', (text) => {
    expect(() => parseBusinessDuration(text)).toThrow(CalendarError);
  });

  it('turns days into open time with the business day length', () => {
    expect(businessDurationMs(parseBusinessDuration('P2DT1H'), 9 * H)).toBe(19 * H);
  });
});

describe('formatDurationMs', () => {
  it.each([
    [9 * H, 'PT9H'],
    [0, 'PT0S'],
    [H + 30 * 60_000 + 5_000, 'PT1H30M5S'],
  ])('%s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});
