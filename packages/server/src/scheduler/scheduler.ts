import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { dialectOf } from '../db/dialect.ts';
import type { Database } from '../db/schema.ts';
import { claimJobs, finishJob, finishJobs, retryJob, type ClaimedJob } from './jobs.repository.ts';
import { createWakeableLoop } from './loop.ts';

/**
 * A handler runs inside a transaction that also marks its job done (fenced by the claim's attempt number): what it
 * writes commits with "done" or not at all, so a crash or a lost lease can never fire a job's writes twice.
 * Handlers must therefore only write to the database; a message to the outside world is an `outbox` row, sent
 * afterwards by the dispatcher (at-least-once, with a stable id).
 */
export type JobHandler = (context: { job: ClaimedJob; trx: Transaction<Database> }) => Promise<void>;

/**
 * Locks the rows a kind's handler will lock (its subjects: a ticket for an SLA job), before the batch touches its
 * jobs' own rows. A ticket change locks its ticket and then upserts that ticket's jobs; a batch that marked a job
 * done first and then waited for the ticket held the lock the change wanted next: on PostgreSQL, a deadlock.
 */
export type SubjectLock = (trx: Transaction<Database>, subjectIds: readonly string[]) => Promise<void>;

export interface SchedulerObserver {
  fired?(job: ClaimedJob, latenessMs: number): void;
  failed?(job: ClaimedJob, error: string, dead: boolean): void;
}

export interface SchedulerOptions {
  readonly db: Db;
  readonly clock: Clock;
  /** Looked up when a job runs, so handlers may be registered after creation. */
  readonly handlers: ReadonlyMap<string, JobHandler>;
  /** Per job kind, what its handler locks first (see SubjectLock); looked up per batch like the handlers. */
  readonly subjectLocks?: ReadonlyMap<string, SubjectLock>;
  /** How long a claim is exclusive; a worker that dies is replaced once it runs out. */
  readonly leaseMs?: number;
  readonly batchSize?: number;
  readonly pollMs?: number;
  readonly maxAttempts?: number;
  /** Jobs run in one transaction (SQLite's other writers wait for it; a failure reruns them one by one). */
  readonly jobsPerTransaction?: number;
  /**
   * Transactions of a claimed batch run at once, each on its own connection, with no subject in two of them.
   * PostgreSQL only (SQLite has one writer); the pool must hold that many connections besides the app's.
   */
  readonly concurrency?: number;
  /** First retry delay; each further failure doubles it, up to `maxBackoffMs`. */
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly observer?: SchedulerObserver;
  readonly onError?: (error: unknown) => void;
}

export interface Scheduler {
  /** Claims and runs one batch of due jobs; the number claimed. Tests drive the scheduler with it. */
  runOnce(): Promise<number>;
  start(): void;
  /** Wakes the loop now (a write scheduled an imminent job); the database stays the source of truth. */
  nudge(): void;
  stop(): Promise<void>;
}

export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * Splits a claimed batch into transactions of about `perTransaction` jobs, a subject's jobs all in one: transactions
 * that run at once then never wait on one another's subjects. Within one, jobs go by subject, then due instant: the
 * handlers lock their subjects in one order in every transaction, so two instances' transactions that share subjects
 * wait on each other at worst, never deadlock, even for a kind without a subject lock; a subject's jobs still run in
 * due order.
 */
export function groupBySubject(jobs: readonly ClaimedJob[], perTransaction: number): ClaimedJob[][] {
  const bySubject = new Map<string, ClaimedJob[]>();
  for (const job of jobs) {
    const own = bySubject.get(job.subjectId);
    if (own === undefined) bySubject.set(job.subjectId, [job]);
    else own.push(job);
  }
  const groups: ClaimedJob[][] = [];
  let group: ClaimedJob[] = [];
  for (const own of bySubject.values()) {
    if (group.length > 0 && group.length + own.length > perTransaction) {
      groups.push(group);
      group = [];
    }
    group.push(...own);
  }
  if (group.length > 0) groups.push(group);
  const order = (a: ClaimedJob, b: ClaimedJob) =>
    a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : a.dueAtMs - b.dueAtMs;
  return groups.map((g) => g.sort(order));
}

/** Runs `run` over `items`, at most `limit` at once. */
async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { db, clock, handlers, observer } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 10;
  const jobsPerTransaction = options.jobsPerTransaction ?? 50;
  const baseBackoffMs = options.baseBackoffMs ?? 10_000;
  const maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
  const dialect = dialectOf(db as unknown as Kysely<unknown>);
  // Two by default on PostgreSQL: one transaction's round trips overlap the other's, and a single instance then keeps
  // up with 100,000 deadlines a minute (docs/performance.md, bench:jobs). Two of the pool's connections.
  const concurrency = dialect === 'postgres' ? (options.concurrency ?? 2) : 1;

  async function lockSubjects(trx: Transaction<Database>, jobs: readonly ClaimedJob[]): Promise<void> {
    const byKind = new Map<string, Set<string>>();
    for (const job of jobs) {
      if (options.subjectLocks?.has(job.kind) !== true) continue;
      let ids = byKind.get(job.kind);
      if (ids === undefined) byKind.set(job.kind, (ids = new Set()));
      ids.add(job.subjectId);
    }
    for (const kind of [...byKind.keys()].sort())
      await options.subjectLocks?.get(kind)?.(trx, [...(byKind.get(kind) ?? [])].sort());
  }

  /** What a failed attempt becomes: retried after its backoff, or dead after the last one. */
  async function fail(job: ClaimedJob, error: string): Promise<void> {
    const nowMs = clock.nowMs();
    const dead = job.attempts >= maxAttempts;
    if (dead) await finishJob(db, job, { nowMs, state: 'dead', error });
    else
      await retryJob(db, job, {
        retryAtMs: nowMs + backoffMs(job.attempts, baseBackoffMs, maxBackoffMs),
        error,
      });
    observer?.failed?.(job, error, dead);
  }

  /**
   * Optimistic batches: the jobs are marked done in one statement and their handlers run in the same transaction, so
   * a batch costs one commit. If anything throws, the whole batch rolls back and its jobs run again one per
   * transaction, which isolates the failing one (retried or dead) without holding up the others.
   */
  async function runBatch(jobs: readonly ClaimedJob[]): Promise<void> {
    const nowMs = clock.nowMs();
    let fired = new Set<string>();
    try {
      await db.transaction().execute(async (trx) => {
        // The subjects first, in id order (two workers' batches then lock them in the same order too), then the jobs:
        // the order every ticket change takes them in.
        await lockSubjects(trx, jobs);
        // Marking done first locks the rows: a worker that takes a job over after its lease skips or waits for it.
        fired = await finishJobs(trx, jobs, nowMs);
        for (const job of jobs) {
          if (!fired.has(job.id)) continue;
          const handler = handlers.get(job.kind);
          if (handler === undefined) throw new Error(`no handler for job kind '${job.kind}'`);
          await handler({ job, trx });
        }
      });
    } catch (error) {
      if (jobs.length > 1) {
        for (const job of jobs) await runBatch([job]);
        return;
      }
      const [job] = jobs;
      if (job !== undefined) await fail(job, error instanceof Error ? error.message : String(error));
      return;
    }
    for (const job of jobs) if (fired.has(job.id)) observer?.fired?.(job, Math.max(0, nowMs - job.dueAtMs));
  }

  // PostgreSQL, during a burst (the last batch was full): running jobs whose claim ran out are looked for at most
  // this often. Only a dead worker leaves one, it waited a lease already, and the look is a range of the (state,
  // lease) index that a burst fills with dead entries (every job claimed since the last vacuum), read whole while it
  // has no live row: every batch paid for it (bench:jobs). Meanwhile a stranded job keeps its subject's later jobs
  // back (`strandedHold`). Out of a burst, and always on SQLite (no dead entries), every batch looks. Retries due
  // are taken on every batch. A clock set back (a test's, or the machine's) looks again at once.
  const takeOverEveryMs = Math.min(5_000, leaseMs / 4);
  let lastTakeOverLookMs = -Infinity;
  let lastBatchFull = false;

  async function runOnce(): Promise<number> {
    const nowMs = clock.nowMs();
    const expired =
      dialect === 'sqlite' ||
      !lastBatchFull ||
      !(nowMs >= lastTakeOverLookMs && nowMs < lastTakeOverLookMs + takeOverEveryMs);
    if (expired) lastTakeOverLookMs = nowMs;
    const claimed = await claimJobs(db, dialect, { nowMs, leaseMs, limit: batchSize, expired });
    lastBatchFull = claimed.length >= batchSize;
    const runnable: ClaimedJob[] = [];
    for (const job of claimed) {
      if (job.attempts <= maxAttempts) runnable.push(job);
      else {
        // Claimed again and again without finishing: its workers keep dying on it.
        const error = `claimed ${job.attempts - 1} times without finishing`;
        await finishJob(db, job, { nowMs, state: 'dead', error });
        observer?.failed?.(job, error, true);
      }
    }
    await forEachConcurrently(groupBySubject(runnable, jobsPerTransaction), concurrency, runBatch);
    return claimed.length;
  }

  const loop = createWakeableLoop({
    step: runOnce,
    batchSize,
    pollMs: options.pollMs ?? 1000,
    onError: options.onError ?? ((error) => console.error('accord: scheduler', error)),
  });
  return { runOnce, start: loop.start, nudge: loop.nudge, stop: loop.stop };
}
