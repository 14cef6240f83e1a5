import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  availabilityFromTotals,
  computeAvailability,
  keptTime,
  samplesToSegments,
  type CheckSample,
} from './availability.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../calendar/zoned-time.ts';
import { CHECK_STATUSES } from './monitor-state.ts';
import {
  addTotals,
  coarsenBuckets,
  planRollupReads,
  rollupBuckets,
  shareOf,
  stateTotals,
  ZERO_TOTALS,
  type RollupBucket,
  type StateTotals,
} from './rollup.ts';
import { parseThresholdDays, tlsThresholdsReached } from './tls.ts';

const at = (iso: string) => Date.parse(iso);

/** Rolls `samples` the way the server does: in steps ending at `cuts`, each step seeing only results before its cut. */
function rollInSteps(
  samples: readonly CheckSample[],
  cuts: readonly number[],
  maxGapMs: number,
  startMs: number,
) {
  const minutes: RollupBucket[] = [];
  let from = startMs;
  for (const cut of cuts) {
    if (cut <= from) continue;
    const seen = samples.filter((s) => s.atMs < cut);
    const segments = samplesToSegments({ samples: seen, maxGapMs, untilMs: cut });
    const results = seen.map((s) => ({ ...s, latencyMs: 10 }));
    minutes.push(
      ...rollupBuckets({ segments, results, range: { startMs: from, endMs: cut }, bucketMs: MINUTE_MS }),
    );
    from = cut;
  }
  const hours = coarsenBuckets(minutes, HOUR_MS);
  return { minutes, hours, days: coarsenBuckets(hours, DAY_MS), rolledUntilMs: from };
}

function sumBuckets(buckets: readonly RollupBucket[], startMs: number, endMs: number): StateTotals {
  return buckets.filter((b) => b.startMs >= startMs && b.startMs < endMs).reduce(addTotals, ZERO_TOTALS);
}

describe('planRollupReads', () => {
  // Four days from a Sunday in late March 2026: the Brussels DST change (29 March) and the month's end inside.
  const origin = at('2026-03-28T00:00:00Z');
  const span = 4 * DAY_MS;
  const minuteAligned = fc
    .tuple(
      fc.integer({ min: 0, max: span / MINUTE_MS }),
      fc.integer({ min: 1, max: (span / MINUTE_MS) * 0.3 }),
    )
    .map(([start, len]) => ({
      startMs: origin + start * MINUTE_MS,
      endMs: origin + (start + len) * MINUTE_MS,
    }));
  const sample = fc.record({
    atMs: fc.integer({ min: origin - HOUR_MS, max: origin + span + HOUR_MS }),
    status: fc.constantFrom(...CHECK_STATUSES),
  });

  it('reads from rollups exactly what the raw results say, whenever the edges fall on minutes', () => {
    fc.assert(
      fc.property(
        fc.array(sample, { maxLength: 150 }),
        fc.array(fc.integer({ min: 1, max: span / MINUTE_MS }), { maxLength: 6 }),
        fc.integer({ min: 1_000, max: 6 * HOUR_MS }),
        minuteAligned,
        fc.array(minuteAligned, { maxLength: 3 }),
        fc.array(minuteAligned, { maxLength: 3 }),
        (samples, cutMinutes, maxGapMs, window, maintenance, exclusions) => {
          const cuts = [...cutMinutes].sort((a, b) => a - b).map((m) => origin + m * MINUTE_MS);
          const rolled = rollInSteps(samples, cuts, maxGapMs, origin - HOUR_MS);
          const raw = samplesToSegments({ samples, maxGapMs, untilMs: window.endMs });
          const expected = computeAvailability({
            window,
            segments: raw,
            maintenance,
            exclusions,
            target: 0.99,
          });

          const { kept, maintenanceMs, excludedMs } = keptTime({ window, maintenance, exclusions });
          const pieces = planRollupReads({
            kept,
            rolledUntilMs: rolled.rolledUntilMs,
            levels: [
              { bucketMs: MINUTE_MS, fromMs: 0 },
              { bucketMs: HOUR_MS, fromMs: 0 },
              { bucketMs: DAY_MS, fromMs: 0 },
            ],
            rawFromMs: 0,
          });
          const byLevel = new Map([
            [MINUTE_MS, rolled.minutes],
            [HOUR_MS, rolled.hours],
            [DAY_MS, rolled.days],
          ]);
          let totals = ZERO_TOTALS;
          for (const piece of pieces) {
            expect(piece.source).not.toBe('share');
            if (piece.source === 'rollup')
              totals = addTotals(
                totals,
                sumBuckets(byLevel.get(piece.bucketMs) ?? [], piece.startMs, piece.endMs),
              );
            if (piece.source === 'raw') {
              // Only what was not rolled yet comes from raw results.
              expect(piece.startMs).toBeGreaterThanOrEqual(rolled.rolledUntilMs);
              totals = addTotals(totals, stateTotals(raw, piece));
            }
          }
          expect(availabilityFromTotals({ window, totals, maintenanceMs, excludedMs, target: 0.99 })).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('covers each kept span once, with the largest buckets that fit', () => {
    const pieces = planRollupReads({
      kept: [{ startMs: at('2026-02-28T23:00:00Z'), endMs: at('2026-03-31T22:00:00Z') }],
      rolledUntilMs: Infinity,
      levels: [
        { bucketMs: MINUTE_MS, fromMs: 0 },
        { bucketMs: HOUR_MS, fromMs: 0 },
        { bucketMs: DAY_MS, fromMs: 0 },
      ],
      rawFromMs: 0,
    });
    // March in Brussels: one hour of 28 February, 30 whole UTC days, 22 hours of 31 March.
    expect(pieces).toEqual([
      {
        source: 'rollup',
        bucketMs: HOUR_MS,
        startMs: at('2026-02-28T23:00:00Z'),
        endMs: at('2026-03-01T00:00:00Z'),
      },
      {
        source: 'rollup',
        bucketMs: DAY_MS,
        startMs: at('2026-03-01T00:00:00Z'),
        endMs: at('2026-03-31T00:00:00Z'),
      },
      {
        source: 'rollup',
        bucketMs: HOUR_MS,
        startMs: at('2026-03-31T00:00:00Z'),
        endMs: at('2026-03-31T22:00:00Z'),
      },
    ]);
  });

  it.each([
    // Minutes pruned, raw results gone: the half hour left of a maintenance hour is half the hour's bucket.
    ['before both retentions', at('2026-01-01T00:00:00Z'), 'share'],
    // Raw results still there: read them for the piece no minute bucket fills.
    ['within the raw retention', at('2025-12-01T00:00:00Z'), 'raw'],
  ] as const)('a sub-hour edge %s reads %s', (_name, rawFromMs, source) => {
    const pieces = planRollupReads({
      kept: [{ startMs: at('2025-12-10T10:30:00Z'), endMs: at('2025-12-10T13:00:00Z') }],
      rolledUntilMs: at('2026-02-01T00:00:00Z'),
      levels: [
        { bucketMs: MINUTE_MS, fromMs: at('2026-01-01T00:00:00Z') },
        { bucketMs: HOUR_MS, fromMs: 0 },
        { bucketMs: DAY_MS, fromMs: 0 },
      ],
      rawFromMs,
    });
    expect(pieces[0]).toMatchObject({
      source,
      startMs: at('2025-12-10T10:30:00Z'),
      endMs: at('2025-12-10T11:00:00Z'),
    });
    expect(pieces[1]).toEqual({
      source: 'rollup',
      bucketMs: HOUR_MS,
      startMs: at('2025-12-10T11:00:00Z'),
      endMs: at('2025-12-10T13:00:00Z'),
    });
  });
});

describe('rollupBuckets', () => {
  it('splits a result standing across a minute edge, and counts the result in its own minute', () => {
    const base = at('2026-03-29T00:59:30Z');
    const segments = samplesToSegments({
      samples: [
        { atMs: base, status: 'down' },
        { atMs: base + 45_000, status: 'up' },
      ],
      maxGapMs: 60_000,
      untilMs: base + 90_000,
    });
    const buckets = rollupBuckets({
      segments,
      results: [
        { atMs: base, status: 'down', latencyMs: null },
        { atMs: base + 45_000, status: 'up', latencyMs: 120 },
      ],
      range: { startMs: at('2026-03-29T00:59:00Z'), endMs: at('2026-03-29T01:01:00Z') },
      bucketMs: MINUTE_MS,
    });
    expect(buckets).toMatchObject([
      { startMs: at('2026-03-29T00:59:00Z'), downMs: 30_000, upMs: 0, downCount: 1, latencyCount: 0 },
      { startMs: at('2026-03-29T01:00:00Z'), downMs: 15_000, upMs: 45_000, upCount: 1, latencyMaxMs: 120 },
    ]);
  });

  it('refuses a range off the bucket grid', () => {
    expect(() =>
      rollupBuckets({
        segments: [],
        results: [],
        range: { startMs: 1, endMs: MINUTE_MS },
        bucketMs: MINUTE_MS,
      }),
    ).toThrow(RangeError);
  });
});

describe('shareOf', () => {
  it('scales a bucket to the part of it asked for', () => {
    expect(
      shareOf(
        { upMs: 3_000_000, slowMs: 0, downMs: 600_000, errorMs: 0 },
        { bucketMs: HOUR_MS, startMs: 0, endMs: HOUR_MS / 2 },
      ),
    ).toEqual({ upMs: 1_500_000, slowMs: 0, downMs: 300_000, errorMs: 0 });
  });
});

describe('tlsThresholdsReached', () => {
  const expiresAtMs = at('2026-12-31T12:00:00Z');
  it.each([
    ['a month ahead', '2026-12-01T12:00:00Z', []],
    ['exactly 14 days ahead', '2026-12-17T12:00:00Z', [14]],
    ['10 days ahead', '2026-12-21T12:00:00Z', [14]],
    ['2 days ahead', '2026-12-29T12:00:00Z', [14, 3]],
    ['after the end', '2027-01-02T00:00:00Z', [14, 3]],
  ])('%s', (_name, now, reached) => {
    expect(tlsThresholdsReached({ expiresAtMs, atMs: at(now), thresholdsDays: [3, 14] })).toEqual(reached);
  });
});

describe('parseThresholdDays', () => {
  it.each([
    ['14,3', [14, 3]],
    [' 3 , 14 ,3', [14, 3]],
    ['30', [30]],
  ])('%j', (text, days) => expect(parseThresholdDays(text)).toEqual(days));
  it.each(['', '14,', 'soon', '0', '2.5', '400'])('refuses %j', (text) => {
    expect(() => parseThresholdDays(text)).toThrow(RangeError);
  });
});
