import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iso, isoOrNull } from './access.ts';

const LAST_MS = 253_402_300_799_999;

describe('iso', () => {
  it('writes exactly what toISOString writes, for every instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_198_755_200_000, max: 8_640_000_000_000_000 }), (atMs) => {
        expect(iso(atMs)).toBe(new Date(atMs).toISOString());
      }),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LAST_MS }), (atMs) => {
        expect(iso(atMs)).toBe(new Date(atMs).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    0,
    1,
    999,
    86_399_999,
    86_400_000,
    951_782_400_000, // 2000-02-29
    4_107_542_400_000, // 2100-03-01 (2100 is not a leap year)
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2026, 2, 29, 1, 0, 0, 0),
    LAST_MS,
    LAST_MS + 1,
    -1,
    1.5,
  ])('%s', (atMs) => {
    expect(iso(atMs)).toBe(new Date(atMs).toISOString());
  });

  it('keeps null as null', () => {
    expect(isoOrNull(null)).toBeNull();
    expect(isoOrNull(0)).toBe('1970-01-01T00:00:00.000Z');
  });
});
