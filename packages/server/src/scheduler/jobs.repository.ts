import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database, JobTable } from '../db/schema.ts';
import type { DialectName } from '../db/dialect.ts';
import { newId } from '../ids.ts';
import { rowParams, runPrepared } from '../db/prepared.ts';

/**
 * The `jobs` table. A row is `pending` until a worker claims it (`running`, with a lease); then `done`, or `retry`
 * (waiting for its backoff, the wait stored in `lease_until`), or `dead` after its last attempt. `attempts` counts
 * claims and doubles as a fencing token: only the claim that set it may finish the job. A pending job that a
 * recompute withdraws after its due instant had passed is `skipped` (with `skip_reason`, `fired_at` null): it was owed
 * and never fired, and the row says so. A skipped job is never claimed.
 */
export type JobState = 'pending' | 'running' | 'retry' | 'done' | 'dead' | 'skipped';

/**
 * Why a due job was withdrawn unfired. A closed set (it labels `accord_jobs_skipped`): `clock-breached` for a warning
 * whose clock breached before it fired (the breach alert supersedes it), `recomputed` for any other recompute that no
 * longer computes the deadline (the clock stopped or paused, its target changed).
 */
export type SkipReason = 'clock-breached' | 'recomputed';

export interface JobSpec {
  readonly kind: string;
  /** Unique across the table: a key fires at most once and is never scheduled again once fired. */
  readonly key: string;
  readonly dueAtMs: number;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** A pending job a recompute withdrew after its due instant (see `SkipReason`). */
export interface WithdrawnJob {
  readonly kind: string;
  readonly key: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface ReplaceJobsInput {
  readonly workspaceId: string;
  /** The thing the jobs are about (a ticket id). */
  readonly subjectId: string;
  /** The kinds this call owns for the subject: its pending jobs of these kinds not in `jobs` are withdrawn. */
  readonly kinds: readonly string[];
  readonly jobs: readonly JobSpec[];
  /** The write's instant: a withdrawn job due at or before it was owed, and is kept as skipped. */
  readonly nowMs: number;
  /** Why a due job was withdrawn; `recomputed` when not given. */
  readonly skipReason?: (job: WithdrawnJob) => SkipReason;
}

export interface ClaimedJob {
  readonly id: string;
  readonly workspaceId: string;
  readonly kind: string;
  readonly key: string;
  readonly subjectId: string;
  readonly dueAtMs: number;
  readonly payload: Record<string, unknown>;
  /** This claim's number (1 for the first); the fencing token of `finishJob`/`failJob`. */
  readonly attempts: number;
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The delete of a subject's pending jobs of `kinds` whose key is not in `keptKeys`. It runs on every ticket write, so
 * it must read the subject's rows through `jobs_subject_state_idx`, never the desk's pending jobs
 * (`test/query-plans.test.ts` checks the plan on both dialects). `replaceJobs` first marks the overdue ones skipped
 * (`skipOverdueJobs`), so what this deletes was never due.
 */
export function stalePendingJobs(
  db: Db,
  subjectId: string,
  kinds: readonly string[],
  keptKeys: readonly string[],
) {
  return db
    .deleteFrom('jobs')
    .where('subject_id', '=', subjectId)
    .where('state', '=', 'pending')
    .where('kind', 'in', kinds)
    .$if(keptKeys.length > 0, (qb) => qb.where('key', 'not in', keptKeys));
}

/**
 * The same rows as `stalePendingJobs`, those already due at `nowMs` only, marked skipped for `recomputed`; returns
 * them so the caller may name another reason. Same index, same plan (`test/query-plans.test.ts`).
 */
export function skipOverdueJobs(
  db: Db,
  q: { subjectId: string; kinds: readonly string[]; keptKeys: readonly string[]; nowMs: number },
) {
  return (
    db
      .updateTable('jobs')
      .set({ state: 'skipped', skip_reason: 'recomputed' satisfies SkipReason })
      .where('subject_id', '=', q.subjectId)
      .where('state', '=', 'pending')
      .where('kind', 'in', q.kinds)
      .$if(q.keptKeys.length > 0, (qb) => qb.where('key', 'not in', q.keptKeys))
      // `due_at + 0`: not a column the planner can seek by, so SQLite keeps to the subject index instead of walking
      // (state, due_at), every overdue pending job of the desk (many, right after an outage).
      .where((eb) => eb(eb('due_at', '+', 0), '<=', q.nowMs))
      .returning(['id', 'kind', 'key', 'payload_json'])
  );
}

/** The row of a new pending job (never attempted, never fired). */
export function pendingJobRow(job: {
  workspaceId: string;
  subjectId: string;
  kind: string;
  key: string;
  dueAtMs: number;
  payload: unknown;
  nowMs: number;
}): Insertable<JobTable> {
  return {
    id: newId(),
    workspace_id: job.workspaceId,
    kind: job.kind,
    key: job.key,
    subject_id: job.subjectId,
    due_at: job.dueAtMs,
    payload_json: JSON.stringify(job.payload),
    state: 'pending',
    attempts: 0,
    lease_until: null,
    last_error: null,
    fired_at: null,
    lateness_ms: null,
    created_at: job.nowMs,
    skip_reason: null,
  };
}

/**
 * Makes the subject's pending jobs of `kinds` exactly `jobs`, inside the caller's transaction: pending jobs whose key
 * is gone are withdrawn, new keys inserted, kept keys moved to their new due instant. A key that already ran (running,
 * retry, done, dead) is left alone and never inserted again, so a recompute can never fire a deadline twice.
 *
 * Every deadline that came due is accounted for: a withdrawn job already due at `nowMs` was owed and never fired, so it
 * is kept as `skipped` with its reason; one not yet due is deleted (it was never owed). A skipped key computed again
 * later (the clock counts again past its line) is scheduled anew: it never fired, so "fires at most once" still holds,
 * and it ends fired or skipped again. A kept job that is overdue keeps the instant it first came due while the
 * recompute still finds it due (core gives `nowMs` for a line already crossed), so its lateness counts from then.
 */
export async function replaceJobs(trx: Db, input: ReplaceJobsInput): Promise<void> {
  const kinds = new Set(input.kinds);
  for (const job of input.jobs) {
    if (!kinds.has(job.kind))
      throw new Error(`replaceJobs: kind '${job.kind}' is not among ${[...kinds].join(', ')}`);
  }
  const { nowMs } = input;
  if (kinds.size > 0) {
    const stale = { subjectId: input.subjectId, kinds: [...kinds], keptKeys: input.jobs.map((j) => j.key) };
    const skipped = await skipOverdueJobs(trx, { ...stale, nowMs }).execute();
    await nameSkipReasons(trx, skipped, input.skipReason);
    await stalePendingJobs(trx, stale.subjectId, stale.kinds, stale.keptKeys).execute();
  }
  if (input.jobs.length === 0) return;
  await trx
    .insertInto('jobs')
    .values(
      input.jobs.map((job) =>
        pendingJobRow({ ...job, workspaceId: input.workspaceId, subjectId: input.subjectId, nowMs }),
      ),
    )
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({
          due_at: eb
            .case()
            .when(
              eb.and([
                eb('jobs.state', '=', 'pending'),
                eb('jobs.due_at', '<=', nowMs),
                eb('excluded.due_at', '<=', nowMs),
              ]),
            )
            .then(eb.ref('jobs.due_at'))
            .else(eb.ref('excluded.due_at'))
            .end(),
          payload_json: eb.ref('excluded.payload_json'),
          // A skipped key computed again is pending anew (a pending one stays so); it never ran, attempts are 0.
          state: 'pending',
          skip_reason: null,
        }))
        .where('jobs.state', 'in', ['pending', 'skipped'] satisfies JobState[]),
    )
    .execute();
}

/** The caller's reason for each job just skipped, where it is not the default `recomputed` (one update per reason). */
async function nameSkipReasons(
  trx: Db,
  skipped: readonly { id: string; kind: string; key: string; payload_json: string }[],
  reasonOf: ReplaceJobsInput['skipReason'],
): Promise<void> {
  if (reasonOf === undefined || skipped.length === 0) return;
  const byReason = new Map<SkipReason, string[]>();
  for (const row of skipped) {
    const reason = reasonOf({
      kind: row.kind,
      key: row.key,
      payload: JSON.parse(row.payload_json) as Record<string, unknown>,
    });
    if (reason === 'recomputed') continue;
    byReason.set(reason, [...(byReason.get(reason) ?? []), row.id]);
  }
  for (const [reason, ids] of byReason)
    await trx.updateTable('jobs').set({ skip_reason: reason }).where('id', 'in', ids).execute();
}

/** One claim statement: up to `count` jobs in `states` whose `column` has passed, in that column's order. */
export function claimQuery(
  db: Db,
  dialect: DialectName,
  q: {
    states: readonly string[];
    column: 'due_at' | 'lease_until';
    nowMs: number;
    leaseMs: number;
    count: number;
    /** Running jobs this claim already took (the expired ones): they do not keep their subject's due jobs back. */
    heldIds?: readonly string[];
    /**
     * A running job whose lease ran out keeps its subject's due jobs back too (PostgreSQL): set while this claim did
     * not look for expired claims, so that a subject's later jobs do not fire before its stranded one is taken over.
     */
    strandedHold?: boolean;
  },
) {
  const heldIds = q.heldIds ?? [];
  const due = (limit: number) =>
    db
      .selectFrom('jobs as j')
      .where('j.state', 'in', [...q.states])
      .where(`j.${q.column}`, '<=', q.nowMs)
      .orderBy(`j.${q.column}`)
      .limit(limit);
  return db
    .updateTable('jobs')
    .set((eb) => ({ state: 'running', lease_until: q.nowMs + q.leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) =>
      dialect === 'sqlite'
        ? due(q.count).select('j.id')
        : // The due rows first, in due order, locked, skipping those another worker is claiming; of those, not a
          // subject another claim is running (its lease still holds): that claim's transaction locks the subject and
          // this one would wait for it, so a subject's due jobs are left to one claim at a time. The candidates are
          // twice the batch, so a few busy subjects do not shorten it; the rows left out stay locked (other workers
          // skip them) until the claim's transaction commits, right after. The subject test is a scalar subquery on
          // at most those candidates, each probed by the subject index: as one NOT EXISTS beside the due scan,
          // PostgreSQL either hashed every running job found through (state, lease) (in a burst that index holds an
          // entry for each job claimed since the last vacuum, and a bitmap scan never marks them dead) or, misjudging
          // how many rows pass, gathered and sorted every due job (bench:jobs, docs/performance.md).
          eb
            .selectFrom(
              due(q.count * 2)
                .select(['j.id', 'j.subject_id', `j.${q.column} as at`])
                .forUpdate()
                .skipLocked()
                .as('c'),
            )
            .select('c.id')
            .where((cb) =>
              cb(
                cb
                  .selectFrom('jobs as r')
                  .select('r.id')
                  .whereRef('r.subject_id', '=', 'c.subject_id')
                  .where('r.state', '=', 'running')
                  .$if(q.strandedHold !== true, (rq) => rq.where('r.lease_until', '>', q.nowMs))
                  .$if(heldIds.length > 0, (rq) => rq.where('r.id', 'not in', heldIds))
                  .limit(1),
                'is',
                null,
              ),
            )
            .orderBy('c.at')
            .limit(q.count),
    )
    .returningAll();
}

/**
 * Claims up to `limit` jobs that are due: first those whose claim ran out (running or retrying past their lease),
 * then pending ones in due order. Each is one statement along its own index, ordered by it, so a claim reads `limit`
 * rows however many are due: with both conditions in one OR, SQLite gathered every due job and sorted them for each
 * batch, and a backlog of 100,000 jobs drained at a fraction of the pace of a small one (bench:jobs).
 * PostgreSQL: the inner select locks the rows it picks and skips rows another worker is claiming, so concurrent
 * workers never claim one row together; it also leaves the due jobs of a subject another claim is running (lease
 * still valid) to later, so two instances' batches do not queue on one ticket's lock. A subject's jobs held by a
 * crashed worker keep its other due jobs back until that lease runs out and the job is taken over.
 * SQLite: one writer at a time, each statement is atomic on its own.
 */
export async function claimJobs(
  db: Db,
  dialect: DialectName,
  {
    nowMs,
    leaseMs,
    limit,
    expired: takeOver = true,
  }: {
    nowMs: number;
    leaseMs: number;
    limit: number;
    /**
     * Whether to look for running jobs whose claim ran out (the scheduler does so every few seconds, not every
     * batch); retries whose wait is over are always taken first.
     */
    expired?: boolean;
  },
): Promise<ClaimedJob[]> {
  const claimBoth = async (q: Db) => {
    const claim = (
      states: readonly string[],
      column: 'due_at' | 'lease_until',
      count: number,
      heldIds?: readonly string[],
    ) =>
      claimQuery(q, dialect, {
        states,
        column,
        nowMs,
        leaseMs,
        count,
        heldIds,
        strandedHold: !takeOver,
      }).execute();
    const expired = await claim(takeOver ? ['running', 'retry'] : ['retry'], 'lease_until', limit);
    const due =
      expired.length < limit
        ? await claim(
            ['pending'],
            'due_at',
            limit - expired.length,
            expired.map((r) => r.id),
          )
        : [];
    return [...expired, ...due];
  };
  // PostgreSQL: without bitmap scans. Every claim and finish leaves a dead entry in each index on `state` until the
  // next vacuum, tens of thousands in a burst; an index scan marks the dead ones it meets so the next claim skips
  // them, a bitmap scan visits their heap pages again on every claim. The planner, counting on its statistics, took
  // bitmap scans for the running jobs of a subject and for expired leases, and each claim cost tens of
  // milliseconds (bench:jobs, docs/performance.md).
  const rows =
    dialect === 'postgres' && !db.isTransaction
      ? await db.transaction().execute(async (trx) => {
          await sql`set local enable_bitmapscan = off`.execute(trx);
          return claimBoth(trx);
        })
      : await claimBoth(db);
  return rows
    .map((r) => ({
      id: r.id,
      workspaceId: r.workspace_id,
      kind: r.kind,
      key: r.key,
      subjectId: r.subject_id,
      dueAtMs: Number(r.due_at),
      payload: JSON.parse(r.payload_json) as Record<string, unknown>,
      attempts: Number(r.attempts),
    }))
    .sort((a, b) => a.dueAtMs - b.dueAtMs);
}

/** Marks the claim done; false when this claim lost the job (its lease expired and another worker took it). */
export async function finishJob(
  trx: Db,
  job: ClaimedJob,
  { nowMs, state = 'done', error }: { nowMs: number; state?: 'done' | 'dead'; error?: string },
): Promise<boolean> {
  const result = await trx
    .updateTable('jobs')
    .set({
      state,
      lease_until: null,
      fired_at: state === 'done' ? nowMs : null,
      lateness_ms: state === 'done' ? Math.max(0, nowMs - job.dueAtMs) : null,
      ...(error === undefined ? {} : { last_error: error }),
    })
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Marks a batch of claims done in one statement; returns the ids this worker still owned (a claim whose lease
 * expired and was taken over does not match its attempt number any more).
 */
export async function finishJobs(trx: Db, jobs: readonly ClaimedJob[], nowMs: number): Promise<Set<string>> {
  if (jobs.length === 0) return new Set();
  const rows = await trx
    .updateTable('jobs')
    .set((eb) => ({
      state: 'done',
      lease_until: null,
      fired_at: nowMs,
      lateness_ms: eb(eb.val(nowMs), '-', eb.ref('due_at')),
    }))
    // By key, fenced by the attempt number (a takeover's claim bumps it) and by the state: a batch whose commit
    // succeeded but whose reply was lost reruns its jobs one by one, and finds them done. The state is tested as an
    // expression no index covers: as a column test, PostgreSQL combined the keys with the (state, due) index's
    // 'running' entries, in a burst mostly dead versions of jobs already finished (bench:jobs, docs/performance.md).
    .where(
      'id',
      'in',
      jobs.map((j) => j.id),
    )
    .where(sql<string>`(state || '')`, '=', 'running')
    .where((eb) => eb.or(jobs.map((j) => eb.and([eb('id', '=', j.id), eb('attempts', '=', j.attempts)]))))
    .returning('id')
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** A failed attempt waits `retryAtMs` (stored as the lease end) before it may be claimed again. */
export async function retryJob(
  trx: Db,
  job: ClaimedJob,
  { retryAtMs, error }: { retryAtMs: number; error: string },
) {
  const result = await trx
    .updateTable('jobs')
    .set({ state: 'retry', lease_until: retryAtMs, last_error: error })
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Counts for /metrics: jobs skipped (withdrawn after they came due, never fired), by kind and reason. Read from the
 * table rather than counted where they are skipped: a skip happens inside a write's transaction, which may still roll
 * back or be redone, and every instance then reports the same figures.
 */
export async function countSkippedJobs(db: Db): Promise<{ kind: string; reason: string; count: number }[]> {
  const rows = await db
    .selectFrom('jobs')
    .select((eb) => ['kind', 'skip_reason', eb.fn.countAll<number>().as('count')])
    .where('state', '=', 'skipped' satisfies JobState)
    .groupBy(['kind', 'skip_reason'])
    .execute();
  return rows.map((r) => ({ kind: r.kind, reason: r.skip_reason ?? 'recomputed', count: Number(r.count) }));
}

/** Counts for /metrics: jobs due now and not yet fired, by kind. */
export async function countDueJobs(db: Db, nowMs: number): Promise<{ kind: string; count: number }[]> {
  const rows = await db
    .selectFrom('jobs')
    .select((eb) => ['kind', eb.fn.countAll<number>().as('count')])
    .where('state', 'in', ['pending', 'running', 'retry'])
    .where('due_at', '<=', nowMs)
    .groupBy('kind')
    .execute();
  return rows.map((r) => ({ kind: r.kind, count: Number(r.count) }));
}

/**
 * Inserts new pending jobs whose keys cannot exist yet (they carry a subject created in this transaction): one
 * prepared multi-row statement per row count, no conflict handling. Anything else goes through `replaceJobs`.
 */
export async function insertNewJobs(trx: Db, rows: readonly Insertable<JobTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await runPrepared(
    trx,
    `jobs.insertNew:${rows.length}`,
    (p) =>
      trx.insertInto('jobs').values(
        rows.map((_, i) => ({
          id: p<string>(`${i}.id`),
          workspace_id: p<string>(`${i}.workspace_id`),
          kind: p<string>(`${i}.kind`),
          key: p<string>(`${i}.key`),
          subject_id: p<string>(`${i}.subject_id`),
          due_at: p<number>(`${i}.due_at`),
          payload_json: p<string>(`${i}.payload_json`),
          state: p<string>(`${i}.state`),
          attempts: p<number>(`${i}.attempts`),
          lease_until: p<number | null>(`${i}.lease_until`),
          last_error: p<string | null>(`${i}.last_error`),
          fired_at: p<number | null>(`${i}.fired_at`),
          lateness_ms: p<number | null>(`${i}.lateness_ms`),
          created_at: p<number>(`${i}.created_at`),
          skip_reason: p<string | null>(`${i}.skip_reason`),
        })),
      ),
    rowParams(rows),
  );
}
