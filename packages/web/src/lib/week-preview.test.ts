import { describe, expect, it } from 'vitest';
import { parseDayHours, previewDays } from './week-preview.ts';

describe('previewDays', () => {
  it('places open intervals on local days of the calendar’s zone, split at midnight', () => {
    const days = previewDays(
      [
        { start: '2026-03-02T07:30:00Z', end: '2026-03-02T16:30:00Z' }, // Mon 08:30–17:30 Brussels
        { start: '2026-03-02T21:00:00Z', end: '2026-03-03T01:00:00Z' }, // Mon 22:00 → Tue 02:00
      ],
      '2026-03-01T23:00:00Z',
      '2026-03-03T23:00:00Z',
      'Europe/Brussels',
    );
    expect(days).toEqual([
      {
        date: '2026-03-02',
        segments: [
          { startMinute: 510, endMinute: 1050 },
          { startMinute: 1320, endMinute: 1440 },
        ],
      },
      { date: '2026-03-03', segments: [{ startMinute: 0, endMinute: 120 }] },
    ]);
  });
});

describe('parseDayHours', () => {
  it('reads "08:30-12:00, 13:00-17:30" as the spec’s pairs', () => {
    expect(parseDayHours('08:30-12:00, 13:00 – 17:30')).toEqual([
      ['08:30', '12:00'],
      ['13:00', '17:30'],
    ]);
    expect(parseDayHours('  ')).toEqual([]);
  });
});
