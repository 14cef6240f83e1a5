import type { Interval } from '../calendar/calendar.types.ts';
import { clipIntervals, subtractIntervals, totalMs } from './intervals.ts';
import type { CheckStatus } from './monitor-state.ts';

/** One stored check: its instant and verdict. */
export interface CheckSample {
  readonly atMs: number;
  readonly status: CheckStatus;
}

export interface StatusSegment extends Interval {
  readonly status: CheckStatus;
}

/**
 * What the samples say about time: each result stands from its instant until the next one, but no longer than
 * `maxGapMs` (then nobody was looking: no data), and never past `untilMs` (now, or the window's end).
 */
export function samplesToSegments({
  samples,
  maxGapMs,
  untilMs,
}: {
  samples: readonly CheckSample[];
  maxGapMs: number;
  untilMs: number;
}): StatusSegment[] {
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  const segments: StatusSegment[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const sample = sorted[i];
    if (sample === undefined || sample.atMs >= untilMs) continue;
    const nextAt = sorted[i + 1]?.atMs ?? Infinity;
    const endMs = Math.min(nextAt, sample.atMs + maxGapMs, untilMs);
    if (endMs > sample.atMs) segments.push({ startMs: sample.atMs, endMs, status: sample.status });
  }
  return segments;
}

export interface AvailabilityFigures {
  /** up ÷ (up + down), i.e. up ÷ (observed − maintenance − exclusions); null when nothing counted was observed. */
  readonly availability: number | null;
  readonly target: number;
  /** null when `availability` is. */
  readonly met: boolean | null;
  readonly upSeconds: number;
  /** Of `upSeconds`, the time the monitor answered slowly. */
  readonly slowSeconds: number;
  readonly downSeconds: number;
  readonly maintenanceSeconds: number;
  readonly excludedSeconds: number;
  readonly noDataSeconds: number;
  /** (1 − target) × (window − maintenance − exclusions) − down: negative once the promise is broken. */
  readonly downtimeBudgetLeftSeconds: number;
}

/**
 * Availability over `window`. Every instant of the window falls in exactly one bucket, in this order: maintenance,
 * then exclusion (an excluded span inside maintenance counts once, as maintenance), then what the checks said (up or
 * slow → up, down or error → down), else no data. No data is never counted as up: the denominator is what was
 * observed and owed.
 */
export function computeAvailability({
  window,
  segments,
  maintenance,
  exclusions,
  target,
}: {
  window: Interval;
  segments: readonly StatusSegment[];
  maintenance: readonly Interval[];
  exclusions: readonly Interval[];
  target: number;
}): AvailabilityFigures {
  const maint = clipIntervals(maintenance, window);
  const excluded = subtractIntervals(clipIntervals(exclusions, window), maint);
  const removed = [...maint, ...excluded];
  const msOf = (status: CheckStatus) =>
    totalMs(
      subtractIntervals(
        clipIntervals(
          segments.filter((s) => s.status === status),
          window,
        ),
        removed,
      ),
    );
  return availabilityFromTotals({
    window,
    totals: { upMs: msOf('up'), slowMs: msOf('slow'), downMs: msOf('down'), errorMs: msOf('error') },
    maintenanceMs: totalMs(maint),
    excludedMs: totalMs(excluded),
    target,
  });
}

/** The window's time left once maintenance and then exclusions are taken out, and the lengths taken out. */
export function keptTime({
  window,
  maintenance,
  exclusions,
}: {
  window: Interval;
  maintenance: readonly Interval[];
  exclusions: readonly Interval[];
}): { kept: Interval[]; maintenanceMs: number; excludedMs: number } {
  const maint = clipIntervals(maintenance, window);
  const excluded = subtractIntervals(clipIntervals(exclusions, window), maint);
  return {
    kept: subtractIntervals([window], [...maint, ...excluded]),
    maintenanceMs: totalMs(maint),
    excludedMs: totalMs(excluded),
  };
}

/**
 * The figures of `computeAvailability` from the milliseconds of each status over the kept time (read from rollups or
 * from raw results): the same arithmetic, so both sources agree wherever their totals do.
 */
export function availabilityFromTotals({
  window,
  totals,
  maintenanceMs,
  excludedMs,
  target,
}: {
  window: Interval;
  totals: { upMs: number; slowMs: number; downMs: number; errorMs: number };
  maintenanceMs: number;
  excludedMs: number;
  target: number;
}): AvailabilityFigures {
  const windowMs = Math.max(0, window.endMs - window.startMs);
  const upMs = totals.upMs + totals.slowMs;
  const downMs = totals.downMs + totals.errorMs;
  const noDataMs = Math.max(0, windowMs - maintenanceMs - excludedMs - upMs - downMs);
  const observedMs = upMs + downMs;
  const availability = observedMs === 0 ? null : upMs / observedMs;
  const owedMs = windowMs - maintenanceMs - excludedMs;
  return {
    availability,
    target,
    met: availability === null ? null : availability >= target,
    upSeconds: upMs / 1000,
    slowSeconds: totals.slowMs / 1000,
    downSeconds: downMs / 1000,
    maintenanceSeconds: maintenanceMs / 1000,
    excludedSeconds: excludedMs / 1000,
    noDataSeconds: noDataMs / 1000,
    downtimeBudgetLeftSeconds: ((1 - target) * owedMs - downMs) / 1000,
  };
}
