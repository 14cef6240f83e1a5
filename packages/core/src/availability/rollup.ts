import type { Interval } from '../calendar/calendar.types.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../calendar/zoned-time.ts';
import type { StatusSegment } from './availability.ts';
import { mergeIntervals } from './intervals.ts';
import type { CheckStatus } from './monitor-state.ts';

/*
 * Rollups of a monitor's results: per UTC minute, hour and day, the milliseconds the timeline spent in each status
 * (what availability is made of), and the results' counts and latencies (what a chart draws).
 *
 * Buckets are UTC, days included. A workspace's local month then starts mid-UTC-day (23:00 UTC for Brussels in
 * winter) and is read as UTC days inside plus hours at both edges; the zone or its DST rules can change without a
 * stored bucket changing meaning, and a month never needs more than two days' worth of hours. Zones a quarter or half
 * hour off UTC read their edges at minute level.
 *
 * Time per state, not result counts: a result stands from its instant until the next one (or `maxGapMs`), so a
 * bucket holds exactly the slice of the state timeline inside it, and the sum of the buckets inside any bucket-aligned
 * span equals what the raw results say about that span. Maintenance and exclusions are not cut out here: they are
 * added after the fact, so the reader removes them (see `planRollupReads`).
 */

/** Finest first. */
export const ROLLUP_BUCKETS_MS = [MINUTE_MS, HOUR_MS, DAY_MS] as const;

/** Milliseconds of the timeline in each status. */
export interface StateTotals {
  readonly upMs: number;
  readonly slowMs: number;
  readonly downMs: number;
  readonly errorMs: number;
}

export interface RollupBucket extends StateTotals {
  readonly bucketMs: number;
  readonly startMs: number;
  /** Results whose instant falls in the bucket, per status. */
  readonly upCount: number;
  readonly slowCount: number;
  readonly downCount: number;
  readonly errorCount: number;
  readonly latencySumMs: number;
  readonly latencyCount: number;
  readonly latencyMaxMs: number | null;
}

export interface RolledResult {
  readonly atMs: number;
  readonly status: CheckStatus;
  readonly latencyMs: number | null;
}

export const ZERO_TOTALS: StateTotals = { upMs: 0, slowMs: 0, downMs: 0, errorMs: 0 };

const floorTo = (ms: number, bucketMs: number) => Math.floor(ms / bucketMs) * bucketMs;
const ceilTo = (ms: number, bucketMs: number) => Math.ceil(ms / bucketMs) * bucketMs;

const STATE_KEY = { up: 'upMs', slow: 'slowMs', down: 'downMs', error: 'errorMs' } as const;
const COUNT_KEY = { up: 'upCount', slow: 'slowCount', down: 'downCount', error: 'errorCount' } as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function emptyBucket(bucketMs: number, startMs: number): Mutable<RollupBucket> {
  return {
    bucketMs,
    startMs,
    upMs: 0,
    slowMs: 0,
    downMs: 0,
    errorMs: 0,
    upCount: 0,
    slowCount: 0,
    downCount: 0,
    errorCount: 0,
    latencySumMs: 0,
    latencyCount: 0,
    latencyMaxMs: null,
  };
}

/**
 * The `bucketMs` buckets of `range` (aligned on `bucketMs`) that anything happened in, sorted: each segment's time
 * inside `range` split at bucket edges, each result inside `range` counted in its bucket. Buckets nothing touched are
 * left out (reading them as zeros is reading them as no data, which they are).
 */
export function rollupBuckets({
  segments,
  results,
  range,
  bucketMs,
}: {
  segments: readonly StatusSegment[];
  results: readonly RolledResult[];
  range: Interval;
  bucketMs: number;
}): RollupBucket[] {
  if (range.startMs % bucketMs !== 0 || range.endMs % bucketMs !== 0)
    throw new RangeError(`the range must be aligned on ${bucketMs} ms`);
  const buckets = new Map<number, Mutable<RollupBucket>>();
  const bucketAt = (startMs: number) => {
    let bucket = buckets.get(startMs);
    if (bucket === undefined) buckets.set(startMs, (bucket = emptyBucket(bucketMs, startMs)));
    return bucket;
  };
  for (const segment of segments) {
    let startMs = Math.max(segment.startMs, range.startMs);
    const endMs = Math.min(segment.endMs, range.endMs);
    while (startMs < endMs) {
      const bucketStart = floorTo(startMs, bucketMs);
      const pieceEnd = Math.min(endMs, bucketStart + bucketMs);
      bucketAt(bucketStart)[STATE_KEY[segment.status]] += pieceEnd - startMs;
      startMs = pieceEnd;
    }
  }
  for (const result of results) {
    if (result.atMs < range.startMs || result.atMs >= range.endMs) continue;
    const bucket = bucketAt(floorTo(result.atMs, bucketMs));
    bucket[COUNT_KEY[result.status]] += 1;
    if (result.latencyMs !== null) {
      bucket.latencySumMs += result.latencyMs;
      bucket.latencyCount += 1;
      bucket.latencyMaxMs = Math.max(bucket.latencyMaxMs ?? 0, result.latencyMs);
    }
  }
  return [...buckets.values()].sort((a, b) => a.startMs - b.startMs);
}

/** Finer buckets added up into `bucketMs` ones (an hour from its minutes, a day from its hours). */
export function coarsenBuckets(buckets: readonly RollupBucket[], bucketMs: number): RollupBucket[] {
  const out = new Map<number, Mutable<RollupBucket>>();
  for (const b of buckets) {
    const startMs = floorTo(b.startMs, bucketMs);
    let sum = out.get(startMs);
    if (sum === undefined) out.set(startMs, (sum = emptyBucket(bucketMs, startMs)));
    sum.upMs += b.upMs;
    sum.slowMs += b.slowMs;
    sum.downMs += b.downMs;
    sum.errorMs += b.errorMs;
    sum.upCount += b.upCount;
    sum.slowCount += b.slowCount;
    sum.downCount += b.downCount;
    sum.errorCount += b.errorCount;
    sum.latencySumMs += b.latencySumMs;
    sum.latencyCount += b.latencyCount;
    if (b.latencyMaxMs !== null) sum.latencyMaxMs = Math.max(sum.latencyMaxMs ?? 0, b.latencyMaxMs);
  }
  return [...out.values()].sort((a, b) => a.startMs - b.startMs);
}

/** Milliseconds of each status in `segments`, inside `range`. */
export function stateTotals(segments: readonly StatusSegment[], range: Interval): StateTotals {
  const totals: Mutable<StateTotals> = { ...ZERO_TOTALS };
  for (const s of segments) {
    const ms = Math.min(s.endMs, range.endMs) - Math.max(s.startMs, range.startMs);
    if (ms > 0) totals[STATE_KEY[s.status]] += ms;
  }
  return totals;
}

export function addTotals(a: StateTotals, b: StateTotals): StateTotals {
  return {
    upMs: a.upMs + b.upMs,
    slowMs: a.slowMs + b.slowMs,
    downMs: a.downMs + b.downMs,
    errorMs: a.errorMs + b.errorMs,
  };
}

/** How much of each level is still stored: buckets starting at or after `fromMs` (0: kept for good). */
export interface RollupLevel {
  readonly bucketMs: number;
  readonly fromMs: number;
}

/**
 * One read of a figures computation:
 * - `rollup`: the sum of the `bucketMs` buckets in `[startMs, endMs)` (both aligned);
 * - `raw`: the raw results' timeline over `[startMs, endMs)`;
 * - `share`: raw results are gone and the span does not fill a bucket: the bucket at `bucketStartMs` scaled by the
 *   span's share of it (an estimate: it assumes the bucket's states were spread evenly).
 */
export type ReadPiece =
  | { readonly source: 'rollup'; readonly bucketMs: number; readonly startMs: number; readonly endMs: number }
  | { readonly source: 'raw'; readonly startMs: number; readonly endMs: number }
  | {
      readonly source: 'share';
      readonly bucketMs: number;
      readonly bucketStartMs: number;
      readonly startMs: number;
      readonly endMs: number;
    };

/**
 * Which reads make up the timeline over `kept` (the window less maintenance and exclusions): before `rolledUntilMs`
 * the largest buckets that fit wholly inside a kept span, descending to finer ones at its edges, then raw results for
 * what no minute fills; from `rolledUntilMs` on, raw results (not rolled up yet). A level is only used where it is
 * still stored (`levels[].fromMs`), raw results only from `rawFromMs`; below both, a `share` of the finest bucket left.
 * So the figures read this way equal the raw results' whenever every edge falls on a minute and the minutes are kept.
 */
export function planRollupReads({
  kept,
  rolledUntilMs,
  levels,
  rawFromMs,
}: {
  kept: readonly Interval[];
  rolledUntilMs: number;
  /** Any order. */
  levels: readonly RollupLevel[];
  rawFromMs: number;
}): ReadPiece[] {
  const coarseFirst = [...levels].sort((a, b) => b.bucketMs - a.bucketMs);
  const pieces: ReadPiece[] = [];

  const fallback = (startMs: number, endMs: number) => {
    if (startMs >= rawFromMs) {
      pieces.push({ source: 'raw', startMs, endMs });
      return;
    }
    // The finest level still stored here; the day level is kept for good, so one always is (else: raw, unknown).
    const level = [...coarseFirst].reverse().find((l) => floorTo(startMs, l.bucketMs) >= l.fromMs);
    if (level === undefined) {
      pieces.push({ source: 'raw', startMs, endMs });
      return;
    }
    let from = startMs;
    while (from < endMs) {
      const bucketStartMs = floorTo(from, level.bucketMs);
      const to = Math.min(endMs, bucketStartMs + level.bucketMs);
      pieces.push({ source: 'share', bucketMs: level.bucketMs, bucketStartMs, startMs: from, endMs: to });
      from = to;
    }
  };

  const cover = (startMs: number, endMs: number, depth: number): void => {
    if (startMs >= endMs) return;
    const level = coarseFirst[depth];
    if (level === undefined) {
      fallback(startMs, endMs);
      return;
    }
    const first = ceilTo(Math.max(startMs, level.fromMs), level.bucketMs);
    const last = floorTo(endMs, level.bucketMs);
    if (first >= last) {
      cover(startMs, endMs, depth + 1);
      return;
    }
    cover(startMs, first, depth + 1);
    pieces.push({ source: 'rollup', bucketMs: level.bucketMs, startMs: first, endMs: last });
    cover(last, endMs, depth + 1);
  };

  for (const span of mergeIntervals(kept)) {
    cover(span.startMs, Math.min(span.endMs, rolledUntilMs), 0);
    const rawStart = Math.max(span.startMs, rolledUntilMs);
    if (rawStart < span.endMs) pieces.push({ source: 'raw', startMs: rawStart, endMs: span.endMs });
  }
  return pieces;
}

/** A bucket's totals scaled to `[startMs, endMs)` inside it, rounded to whole milliseconds. */
export function shareOf(bucket: StateTotals, piece: { bucketMs: number; startMs: number; endMs: number }) {
  const share = (piece.endMs - piece.startMs) / piece.bucketMs;
  return {
    upMs: Math.round(bucket.upMs * share),
    slowMs: Math.round(bucket.slowMs * share),
    downMs: Math.round(bucket.downMs * share),
    errorMs: Math.round(bucket.errorMs * share),
  };
}

/** Where a roll stops: the minute holding `nowMs - settleMs` (results before it may still be on their way). */
export function rollCutMs({ nowMs, settleMs }: { nowMs: number; settleMs: number }): number {
  return floorTo(nowMs - settleMs, MINUTE_MS);
}

export { floorTo as floorToBucket, ceilTo as ceilToBucket };
