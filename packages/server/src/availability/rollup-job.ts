import type { Db } from '../db/database.ts';
import {
  ceilToBucket,
  coarsenBuckets,
  DAY_MS,
  floorToBucket,
  HOUR_MS,
  MINUTE_MS,
  rollCutMs,
  rollupBuckets,
  samplesToSegments,
  type CheckStatus,
} from './availability-core.ts';
import type { MonitorRow } from './monitor.repository.ts';
import { rollupRepository as rollups } from './rollup.repository.ts';
import { wholeDaysFromEnv } from '../env-days.ts';

/** How long each level is kept (whole days; the day level is kept for good). */
export interface RetentionConfig {
  readonly rawDays: number;
  readonly minuteDays: number;
  readonly hourDays: number;
}

export const DEFAULT_RETENTION: RetentionConfig = { rawDays: 30, minuteDays: 45, hourDays: 800 };

const DAY = 86_400_000;
/** A check is recorded when it ends: its result may arrive up to its timeout after its instant, plus this margin. */
const SETTLE_MS = 120_000;
/** A monitor is rolled when this much is waiting, so a 30 s monitor is rolled every few checks, not every one. */
const ROLL_EVERY_MS = 5 * MINUTE_MS;
/**
 * Results read by one roll: a long backlog (the first roll of an old monitor) is caught up over the next checks, one
 * step each, so the scheduler's transaction (up to 50 jobs, SQLite's one writer) stays short.
 */
const ROLL_BATCH = 1_000;
/** Raw results deleted by one prune, for the same reason. */
const PRUNE_BATCH = 1_000;

/** How long a result is believed: two intervals plus the timeout (one missed check is not a gap, two are). */
export function maxGapMsOf(monitor: Pick<MonitorRow, 'interval_seconds' | 'timeout_seconds'>): number {
  return (2 * monitor.interval_seconds + monitor.timeout_seconds) * 1000;
}

/**
 * Rolls a monitor's raw results up and prunes what its retention lets go, inside the scheduler's transaction of the
 * monitor's check job. Why a job and not the transaction that records each result: a result's time depends on the
 * next one (it stands until then), so a bucket is only final once later results are in; rolling settled minutes
 * from the raw results and *replacing* their rows makes a roll idempotent (a replayed job, two instances, a result
 * that came late within the settle margin cannot count twice), and keeps the hot path (one insert per check) as it
 * was. Why the check job: it already fires once per monitor and interval on the durable scheduler, on one instance,
 * with a transaction that commits with it; a separate kind would need bootstrapping for every existing monitor.
 */
export function createRollupJob(retention: RetentionConfig) {
  /** Rolls `[rolled_until, cut)`: minutes from the raw results, hours from their minutes, days from their hours. */
  async function roll(trx: Db, monitor: MonitorRow, nowMs: number): Promise<number | null> {
    let cut = rollCutMs({ nowMs, settleMs: monitor.timeout_seconds * 1000 + SETTLE_MS });
    const rolled = monitor.rolled_until === null ? null : Number(monitor.rolled_until);
    if (rolled !== null && cut - rolled < ROLL_EVERY_MS) return rolled;
    const first = rolled ?? (await rollups.firstResultAt(trx, monitor.id));
    if (first === null) return null;
    const from = floorToBucket(first, MINUTE_MS);
    if (cut <= from) return rolled;
    const { before, rows } = await rollups.resultsAround(trx, monitor.id, {
      fromMs: from,
      toMs: cut,
      limit: ROLL_BATCH + 1,
    });
    const overflow = rows[ROLL_BATCH];
    if (overflow !== undefined)
      cut = Math.max(from + MINUTE_MS, floorToBucket(Number(overflow.at), MINUTE_MS));
    const results = rows
      .map((r) => ({
        atMs: Number(r.at),
        status: r.status as CheckStatus,
        latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
      }))
      .filter((r) => r.atMs < cut);
    const samples = [
      ...(before === undefined ? [] : [{ atMs: Number(before.at), status: before.status as CheckStatus }]),
      ...results,
    ];
    const segments = samplesToSegments({ samples, maxGapMs: maxGapMsOf(monitor), untilMs: cut });
    const range = { monitorId: monitor.id, fromMs: from, toMs: cut };
    await rollups.replace(
      trx,
      { ...range, bucketMs: MINUTE_MS },
      rollupBuckets({ segments, results, range: { startMs: from, endMs: cut }, bucketMs: MINUTE_MS }),
    );
    // Each coarser bucket touched is rebuilt whole from the finer level (its earlier part was rolled before).
    for (const [fine, coarse] of [
      [MINUTE_MS, HOUR_MS],
      [HOUR_MS, DAY_MS],
    ] as const) {
      const span = {
        monitorId: monitor.id,
        fromMs: floorToBucket(from, coarse),
        toMs: ceilToBucket(cut, coarse),
      };
      const finer = await rollups.list(trx, { ...span, bucketMs: fine });
      await rollups.replace(trx, { ...span, bucketMs: coarse }, coarsenBuckets(finer, coarse));
    }
    await trx.updateTable('monitors').set({ rolled_until: cut }).where('id', '=', monitor.id).execute();
    return cut;
  }

  /**
   * Deletes what the retention lets go, never what the figures still need: raw results only once rolled up (and not
   * the last one before the rolled edge, which the next roll starts from), finer buckets only once the coarser ones
   * that hold them are complete (a whole UTC day before the rolled edge).
   */
  async function prune(trx: Db, monitor: MonitorRow, rolledUntilMs: number | null, nowMs: number) {
    if (rolledUntilMs === null) return;
    const rolledDay = floorToBucket(rolledUntilMs, DAY_MS);
    await rollups.pruneResultsBefore(
      trx,
      monitor.id,
      Math.min(nowMs - retention.rawDays * DAY, rolledUntilMs - maxGapMsOf(monitor)),
      PRUNE_BATCH,
    );
    await rollups.pruneBefore(
      trx,
      monitor.id,
      MINUTE_MS,
      Math.min(nowMs - retention.minuteDays * DAY, rolledDay),
    );
    await rollups.pruneBefore(
      trx,
      monitor.id,
      HOUR_MS,
      Math.min(nowMs - retention.hourDays * DAY, rolledDay),
    );
  }

  return {
    retention,
    roll,
    prune,
    /** The check job's share: roll, then prune. */
    async run(trx: Db, monitor: MonitorRow, nowMs: number) {
      const before = monitor.rolled_until === null ? null : Number(monitor.rolled_until);
      const rolledUntilMs = await roll(trx, monitor, nowMs);
      // Pruning follows a roll: between rolls (most checks) the job costs one comparison and no statement.
      if (rolledUntilMs !== before) await prune(trx, monitor, rolledUntilMs, nowMs);
    },
  };
}

export type RollupJob = ReturnType<typeof createRollupJob>;

/** Reads and checks the retention settings; a bad value stops the server at start with the variable's name. */
export function retentionFromEnv(env: NodeJS.ProcessEnv): RetentionConfig {
  const days = (name: string, fallback: number) => wholeDaysFromEnv(env, name, fallback);
  const rawDays = days('ACCORD_MONITOR_RAW_RETENTION_DAYS', DEFAULT_RETENTION.rawDays);
  const minuteDays = days(
    'ACCORD_MONITOR_MINUTE_RETENTION_DAYS',
    Math.max(DEFAULT_RETENTION.minuteDays, rawDays),
  );
  const hourDays = days(
    'ACCORD_MONITOR_HOUR_RETENTION_DAYS',
    Math.max(DEFAULT_RETENTION.hourDays, minuteDays),
  );
  // A finer level outliving a coarser one would be pointless, and the reads assume the coarser one is there.
  if (minuteDays < rawDays)
    throw new Error(
      `ACCORD_MONITOR_MINUTE_RETENTION_DAYS (${minuteDays}) must be at least ACCORD_MONITOR_RAW_RETENTION_DAYS (${rawDays})`,
    );
  if (hourDays < minuteDays)
    throw new Error(
      `ACCORD_MONITOR_HOUR_RETENTION_DAYS (${hourDays}) must be at least ACCORD_MONITOR_MINUTE_RETENTION_DAYS (${minuteDays})`,
    );
  return { rawDays, minuteDays, hourDays };
}
