import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MonitorRollupTable } from '../db/schema.ts';
import type { RollupBucket, StateTotals } from './availability-core.ts';

type Db = Kysely<Database> | Transaction<Database>;

function toRow(monitorId: string, b: RollupBucket): MonitorRollupTable {
  return {
    monitor_id: monitorId,
    bucket_ms: b.bucketMs,
    bucket_at: b.startMs,
    up_ms: b.upMs,
    slow_ms: b.slowMs,
    down_ms: b.downMs,
    error_ms: b.errorMs,
    up_count: b.upCount,
    slow_count: b.slowCount,
    down_count: b.downCount,
    error_count: b.errorCount,
    latency_sum_ms: b.latencySumMs,
    latency_count: b.latencyCount,
    latency_max_ms: b.latencyMaxMs,
  };
}

function toBucket(r: MonitorRollupTable): RollupBucket {
  return {
    bucketMs: Number(r.bucket_ms),
    startMs: Number(r.bucket_at),
    upMs: Number(r.up_ms),
    slowMs: Number(r.slow_ms),
    downMs: Number(r.down_ms),
    errorMs: Number(r.error_ms),
    upCount: Number(r.up_count),
    slowCount: Number(r.slow_count),
    downCount: Number(r.down_count),
    errorCount: Number(r.error_count),
    latencySumMs: Number(r.latency_sum_ms),
    latencyCount: Number(r.latency_count),
    latencyMaxMs: r.latency_max_ms === null ? null : Number(r.latency_max_ms),
  };
}

/** A rollup level's range of one monitor: `[fromMs, toMs)` of bucket starts. */
export interface BucketRange {
  readonly monitorId: string;
  readonly bucketMs: number;
  readonly fromMs: number;
  readonly toMs: number;
}

/** The sum of the state time in a range of buckets: the figures' read (one range of the primary key). */
export function sumQuery(db: Db, range: BucketRange) {
  return db
    .selectFrom('monitor_rollups')
    .select([
      sql<string | number | null>`sum(up_ms)`.as('up'),
      sql<string | number | null>`sum(slow_ms)`.as('slow'),
      sql<string | number | null>`sum(down_ms)`.as('down'),
      sql<string | number | null>`sum(error_ms)`.as('error'),
    ])
    .where('monitor_id', '=', range.monitorId)
    .where('bucket_ms', '=', range.bucketMs)
    .where('bucket_at', '>=', range.fromMs)
    .where('bucket_at', '<', range.toMs);
}

/** The `monitor_rollups` table (Kysely only; the rules are in core's rollup.ts and rollup-job.ts). */
export const rollupRepository = {
  /** Replaces a level's buckets over a range by `buckets`: a roll run twice writes the same rows, never sums twice. */
  async replace(trx: Db, range: BucketRange, buckets: readonly RollupBucket[]) {
    await trx
      .deleteFrom('monitor_rollups')
      .where('monitor_id', '=', range.monitorId)
      .where('bucket_ms', '=', range.bucketMs)
      .where('bucket_at', '>=', range.fromMs)
      .where('bucket_at', '<', range.toMs)
      .execute();
    // Chunks keep each statement under SQLite's bound-parameter limit.
    for (let i = 0; i < buckets.length; i += 500)
      await trx
        .insertInto('monitor_rollups')
        .values(buckets.slice(i, i + 500).map((b) => toRow(range.monitorId, b)))
        .execute();
  },

  async list(db: Db, range: BucketRange): Promise<RollupBucket[]> {
    const rows = await db
      .selectFrom('monitor_rollups')
      .selectAll()
      .where('monitor_id', '=', range.monitorId)
      .where('bucket_ms', '=', range.bucketMs)
      .where('bucket_at', '>=', range.fromMs)
      .where('bucket_at', '<', range.toMs)
      .orderBy('bucket_at')
      .execute();
    return rows.map(toBucket);
  },

  async sum(db: Db, range: BucketRange): Promise<StateTotals> {
    const row = await sumQuery(db, range).executeTakeFirst();
    return {
      upMs: Number(row?.up ?? 0),
      slowMs: Number(row?.slow ?? 0),
      downMs: Number(row?.down ?? 0),
      errorMs: Number(row?.error ?? 0),
    };
  },

  /** Raw results of `[fromMs, toMs)`, oldest first, at most `limit`, with the latest one before (read in `trx`). */
  async resultsAround(trx: Db, monitorId: string, range: { fromMs: number; toMs: number; limit: number }) {
    const select = () =>
      trx
        .selectFrom('monitor_results')
        .select(['at', 'status', 'latency_ms'])
        .where('monitor_id', '=', monitorId);
    const before = await select()
      .where('at', '<', range.fromMs)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const rows = await select()
      .where('at', '>=', range.fromMs)
      .where('at', '<', range.toMs)
      .orderBy('at')
      .limit(range.limit)
      .execute();
    return { before, rows };
  },

  async firstResultAt(trx: Db, monitorId: string): Promise<number | null> {
    const row = await trx
      .selectFrom('monitor_results')
      .select('at')
      .where('monitor_id', '=', monitorId)
      .orderBy('at')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : Number(row.at);
  },

  /** Deletes a level's buckets that start before `beforeMs`. */
  async pruneBefore(trx: Db, monitorId: string, bucketMs: number, beforeMs: number) {
    await trx
      .deleteFrom('monitor_rollups')
      .where('monitor_id', '=', monitorId)
      .where('bucket_ms', '=', bucketMs)
      .where('bucket_at', '<', beforeMs)
      .execute();
  },

  /** Deletes raw results before `beforeMs`, at most `limit` of them (a first prune of a long history goes in steps). */
  async pruneResultsBefore(trx: Db, monitorId: string, beforeMs: number, limit: number): Promise<number> {
    const result = await trx
      .deleteFrom('monitor_results')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('monitor_results')
          .select('id')
          .where('monitor_id', '=', monitorId)
          .where('at', '<', beforeMs)
          .orderBy('at')
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};
