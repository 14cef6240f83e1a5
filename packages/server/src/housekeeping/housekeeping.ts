import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { JobHandler } from '../scheduler/scheduler.ts';
import {
  FINAL_DELIVERY_STATUSES,
  FINAL_JOB_STATES,
  insertHousekeepingJob,
  pruneDeliveriesQuery,
  pruneJobsQuery,
  pruneOutboxQuery,
} from './housekeeping.repository.ts';
import { wholeDaysFromEnv } from '../env-days.ts';

/**
 * Housekeeping of the tables that otherwise grow forever: finished `jobs`, sent `outbox` rows, final `deliveries`.
 * One scheduler job per hour (`housekeeping.prune`, key per hour), so with any number of instances on one database
 * exactly one of them runs each hour's prune (a key is unique and runs at most once). Each run deletes in bounded
 * statements; a run that stops with rows left schedules a follow-up a few seconds later instead of holding SQLite's
 * one write lock (and the scheduler's transaction) for the whole backlog.
 */
export const HOUSEKEEPING_KIND = 'housekeeping.prune';

export type PrunedTable = 'jobs' | 'outbox' | 'deliveries';

/** How long finished rows are kept (whole days). */
export interface HousekeepingConfig {
  /** Jobs done, dead or skipped (ACCORD_JOBS_RETENTION_DAYS). */
  readonly jobsDays: number;
  /** Dispatched outbox rows and final deliveries (ACCORD_OUTBOX_RETENTION_DAYS; the webhooks page lists these). */
  readonly outboxDays: number;
}

export const DEFAULT_HOUSEKEEPING: HousekeepingConfig = { jobsDays: 90, outboxDays: 30 };

const DAY_MS = 86_400_000;
export const HOUSEKEEPING_PERIOD_MS = 3_600_000;
/** Rows per delete statement. */
const BATCH_ROWS = 1_000;
/** Statements per filter (table and state) per run: a run deletes at most 6 × 3 × 1,000 rows. */
const STATEMENTS_PER_FILTER = 3;
/** A run that left rows behind comes back this much later, letting other writers in between. */
const CONTINUE_AFTER_MS = 5_000;

/** Reads and checks the retention settings; a bad value stops the server at start with the variable's name. */
export function housekeepingConfigFromEnv(env: NodeJS.ProcessEnv): HousekeepingConfig {
  const days = (name: string, fallback: number) => wholeDaysFromEnv(env, name, fallback);
  return {
    jobsDays: days('ACCORD_JOBS_RETENTION_DAYS', DEFAULT_HOUSEKEEPING.jobsDays),
    outboxDays: days('ACCORD_OUTBOX_RETENTION_DAYS', DEFAULT_HOUSEKEEPING.outboxDays),
  };
}

/** Which run of which hour a housekeeping job is: run 0 is the hour's own, later runs continue a backlog. */
export interface HousekeepingRun {
  readonly periodMs: number;
  readonly run: number;
  readonly dueAtMs: number;
}

export function housekeepingKey(run: Pick<HousekeepingRun, 'periodMs' | 'run'>): string {
  return run.run === 0
    ? `${HOUSEKEEPING_KIND}:${run.periodMs}`
    : `${HOUSEKEEPING_KIND}:${run.periodMs}:${run.run}`;
}

/** The hour `nowMs` falls in: its run 0, due at the hour's start. */
export function currentHousekeepingRun(nowMs: number): HousekeepingRun {
  const periodMs = Math.floor(nowMs / HOUSEKEEPING_PERIOD_MS) * HOUSEKEEPING_PERIOD_MS;
  return { periodMs, run: 0, dueAtMs: periodMs };
}

/**
 * What follows a run at `nowMs`: the next hour's run 0 when nothing is left, else a follow-up soon. A follow-up that
 * crosses into a new hour becomes that hour's run 0: if an instance starting in that hour already scheduled it, the
 * insert does nothing and the two chains are one again.
 */
export function nextHousekeepingRun(input: {
  nowMs: number;
  after: Pick<HousekeepingRun, 'periodMs' | 'run'>;
  backlog: boolean;
}): HousekeepingRun {
  const current = currentHousekeepingRun(input.nowMs);
  if (!input.backlog)
    return {
      periodMs: current.periodMs + HOUSEKEEPING_PERIOD_MS,
      run: 0,
      dueAtMs: current.periodMs + HOUSEKEEPING_PERIOD_MS,
    };
  const dueAtMs = input.nowMs + CONTINUE_AFTER_MS;
  return current.periodMs === input.after.periodMs
    ? { periodMs: current.periodMs, run: input.after.run + 1, dueAtMs }
    : { periodMs: current.periodMs, run: 0, dueAtMs };
}

export function scheduleHousekeeping(db: Db, run: HousekeepingRun, nowMs: number): Promise<void> {
  return insertHousekeepingJob(db, {
    kind: HOUSEKEEPING_KIND,
    key: housekeepingKey(run),
    dueAtMs: run.dueAtMs,
    payload: { periodMs: run.periodMs, run: run.run },
    nowMs,
  });
}

export interface HousekeepingObserver {
  pruned?(table: PrunedTable, rows: number): void;
}

export function createHousekeeping({
  clock,
  config,
  observer,
  batchRows = BATCH_ROWS,
  statementsPerFilter = STATEMENTS_PER_FILTER,
}: {
  clock: Clock;
  config: HousekeepingConfig;
  observer?: HousekeepingObserver;
  /** Tests make batches small to see a backlog carried over. */
  batchRows?: number;
  statementsPerFilter?: number;
}) {
  /** Runs one filter's delete until it comes back short or its budget is spent; true when rows may be left. */
  async function drain(
    table: PrunedTable,
    statement: () => Promise<{ numDeletedRows: bigint }>,
  ): Promise<boolean> {
    let total = 0;
    let left = true;
    for (let i = 0; i < statementsPerFilter && left; i++) {
      const deleted = Number((await statement()).numDeletedRows);
      total += deleted;
      left = deleted === batchRows;
    }
    // Counted inside the job's transaction: a run that rolls back (rare: it is then rerun) is counted twice.
    if (total > 0) observer?.pruned?.(table, total);
    return left;
  }

  /** One bounded prune as of `nowMs`, in the caller's transaction; true when some filter stopped with rows left. */
  async function pruneOnce(db: Db, nowMs: number): Promise<boolean> {
    const jobsBeforeMs = nowMs - config.jobsDays * DAY_MS;
    const outboxBeforeMs = nowMs - config.outboxDays * DAY_MS;
    const limit = batchRows;
    let backlog = false;
    for (const state of FINAL_JOB_STATES)
      if (
        await drain('jobs', () =>
          pruneJobsQuery(db, { state, beforeMs: jobsBeforeMs, limit }).executeTakeFirst(),
        )
      )
        backlog = true;
    // Deliveries before their outbox rows: an outbox row goes once no delivery refers to it.
    for (const status of FINAL_DELIVERY_STATUSES)
      if (
        await drain('deliveries', () =>
          pruneDeliveriesQuery(db, { status, beforeMs: outboxBeforeMs, limit }).executeTakeFirst(),
        )
      )
        backlog = true;
    if (
      await drain('outbox', () =>
        pruneOutboxQuery(db, { beforeMs: outboxBeforeMs, limit }).executeTakeFirst(),
      )
    )
      backlog = true;
    return backlog;
  }

  /** The scheduler's handler: prune, then schedule what follows (in the same transaction, so with "done"). */
  const handler: JobHandler = async ({ job, trx }) => {
    const nowMs = clock.nowMs();
    const after = job.payload as { periodMs: number; run: number };
    const backlog = await pruneOnce(trx, nowMs);
    await scheduleHousekeeping(trx, nextHousekeepingRun({ nowMs, after, backlog }), nowMs);
  };

  return {
    config,
    handler,
    pruneOnce,
    /** At start (every instance): the current hour's run, unless it is scheduled or ran already. */
    ensureScheduled: (db: Db, nowMs: number) =>
      scheduleHousekeeping(db, currentHousekeepingRun(nowMs), nowMs),
  };
}

export type Housekeeping = ReturnType<typeof createHousekeeping>;
