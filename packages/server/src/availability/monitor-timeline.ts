import type { Db } from '../db/database.ts';
import {
  addTotals,
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  planRollupReads,
  samplesToSegments,
  shareOf,
  stateTotals,
  ZERO_TOTALS,
  type CheckStatus,
  type Interval,
  type ReadPiece,
  type StateTotals,
} from './availability-core.ts';
import type { MonitorRow } from './monitor.repository.ts';
import { rollupRepository as rollups } from './rollup.repository.ts';
import { maxGapMsOf, type RetentionConfig } from './rollup-job.ts';

const DAY = 86_400_000;

/**
 * The time a monitor spent in each status over kept spans (the window less maintenance and exclusions): rolled-up
 * buckets for what was rolled, raw results for the recent part and for edges no minute fills (core planRollupReads).
 * A year reads about 365 day rows and a few hundred hour and minute rows, not a million results.
 */
export function createMonitorTimeline({ db, retention }: { db: Db; retention: RetentionConfig }) {
  /** Raw results' timeline over `piece`, with the result standing when it begins. */
  async function rawTotals(monitor: MonitorRow, piece: Interval): Promise<StateTotals> {
    const { before, rows } = await rollups.resultsAround(db, monitor.id, {
      fromMs: piece.startMs,
      toMs: piece.endMs,
      limit: 1_000_000,
    });
    const samples = [...(before === undefined ? [] : [before]), ...rows].map((r) => ({
      atMs: Number(r.at),
      status: r.status as CheckStatus,
    }));
    const segments = samplesToSegments({ samples, maxGapMs: maxGapMsOf(monitor), untilMs: piece.endMs });
    return stateTotals(segments, piece);
  }

  async function pieceTotals(monitor: MonitorRow, piece: ReadPiece): Promise<StateTotals> {
    if (piece.source === 'raw') return rawTotals(monitor, piece);
    if (piece.source === 'rollup')
      return rollups.sum(db, {
        monitorId: monitor.id,
        bucketMs: piece.bucketMs,
        fromMs: piece.startMs,
        toMs: piece.endMs,
      });
    const bucket = await rollups.sum(db, {
      monitorId: monitor.id,
      bucketMs: piece.bucketMs,
      fromMs: piece.bucketStartMs,
      toMs: piece.bucketStartMs + 1,
    });
    return shareOf(bucket, piece);
  }

  /** The reads `totals` makes. */
  function plan(monitor: MonitorRow, kept: readonly Interval[], nowMs: number): ReadPiece[] {
    return planRollupReads({
      kept,
      rolledUntilMs: monitor.rolled_until === null ? -Infinity : Number(monitor.rolled_until),
      levels: [
        // What the prune may already have deleted is not read (rollup-job.ts prunes at most this far).
        { bucketMs: MINUTE_MS, fromMs: nowMs - retention.minuteDays * DAY },
        { bucketMs: HOUR_MS, fromMs: nowMs - retention.hourDays * DAY },
        { bucketMs: DAY_MS, fromMs: 0 },
      ],
      rawFromMs: nowMs - retention.rawDays * DAY + maxGapMsOf(monitor),
    });
  }

  return {
    plan,
    async totals(monitor: MonitorRow, kept: readonly Interval[], nowMs: number): Promise<StateTotals> {
      let totals = ZERO_TOTALS;
      for (const piece of plan(monitor, kept, nowMs))
        totals = addTotals(totals, await pieceTotals(monitor, piece));
      return totals;
    },
  };
}

export type MonitorTimeline = ReturnType<typeof createMonitorTimeline>;
