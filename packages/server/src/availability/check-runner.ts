import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { dialectOf } from '../db/dialect.ts';
import type { JobHandler } from '../scheduler/scheduler.ts';
import { replaceJobs } from '../scheduler/jobs.repository.ts';
import { createWakeableLoop } from '../scheduler/loop.ts';
import {
  classifyCheck,
  nextMonitorState,
  rollingBaselineMs,
  type CheckOutcome,
  type CheckStatus,
  type MonitorMemory,
  type MonitorState,
  type StateClass,
} from './availability-core.ts';
import type { Checkers, CheckResult } from './checkers.ts';
import type { Incidents } from './incidents.ts';
import type { ClaimedRun, MonitorRepository, MonitorRow } from './monitor.repository.ts';
import type { RollupJob } from './rollup-job.ts';
import type { TlsWarnings } from './tls-warnings.ts';

export const MONITOR_CHECK_KIND = 'monitor.check';
/** Results the slow baseline is the median of. */
const BASELINE_SAMPLES = 20;

/** The monitor's next check job: keyed by monitor and instant, so each interval's check fires once, ever. */
export async function scheduleNextCheck(
  trx: Db,
  monitor: Pick<MonitorRow, 'id' | 'workspace_id' | 'interval_seconds'>,
  { dueAtMs, nowMs }: { dueAtMs: number; nowMs: number },
): Promise<void> {
  await replaceJobs(trx, {
    workspaceId: monitor.workspace_id,
    subjectId: monitor.id,
    kinds: [MONITOR_CHECK_KIND],
    jobs: [
      {
        kind: MONITOR_CHECK_KIND,
        key: `${MONITOR_CHECK_KIND}:${monitor.id}:${dueAtMs}`,
        dueAtMs,
        payload: {},
      },
    ],
    nowMs,
  });
}

/** A deleted monitor's pending check is dropped with it. */
export async function unscheduleChecks(
  trx: Db,
  monitor: Pick<MonitorRow, 'id' | 'workspace_id'>,
  nowMs: number,
) {
  await replaceJobs(trx, {
    workspaceId: monitor.workspace_id,
    subjectId: monitor.id,
    kinds: [MONITOR_CHECK_KIND],
    jobs: [],
    nowMs,
  });
}

/**
 * The scheduler's side (inside its transaction, exactly once per job): hands the check over to the check runners as a
 * `monitor_runs` row and schedules the next one an interval later. The network call cannot run here: a handler's
 * transaction must only write to the database. Keeping the cadence from the due instant (not from now) keeps checks
 * from drifting; after a long stop the next one is due now, not a backlog of missed ones.
 */
export function createMonitorJobHandler({
  monitors,
  clock,
  rollups,
}: {
  monitors: MonitorRepository;
  clock: Clock;
  /** Rolls the monitor's settled results up and prunes (rollup-job.ts: why here). */
  rollups: RollupJob;
}): JobHandler {
  return async ({ job, trx }) => {
    const monitor = await monitors.findById(trx, job.subjectId);
    if (monitor === undefined) return;
    const nowMs = clock.nowMs();
    await monitors.insertRun(trx, monitor.id, job.dueAtMs);
    const intervalMs = monitor.interval_seconds * 1000;
    let nextMs = job.dueAtMs + intervalMs;
    if (nextMs <= nowMs) nextMs = nowMs + intervalMs;
    await scheduleNextCheck(trx, monitor, { dueAtMs: nextMs, nowMs });
    await rollups.run(trx, monitor, nowMs);
  };
}

export interface RecordInput {
  readonly monitor: MonitorRow;
  readonly atMs: number;
  readonly outcome: CheckOutcome;
  readonly tlsExpiresAtMs?: number | null;
  /** Heartbeats: a push is an answer, its absence a `down`, whatever the latency. */
  readonly status?: CheckStatus;
}

export interface CheckRunnerDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly monitors: MonitorRepository;
  readonly checkers: Checkers;
  readonly incidents: Incidents;
  readonly tlsWarnings: TlsWarnings;
  readonly inMaintenance: (monitor: MonitorRow, atMs: number) => Promise<boolean>;
  /** Checks in flight at once on this instance. */
  readonly concurrency?: number;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  readonly pollMs?: number;
  readonly onChecked?: (run: ClaimedRun, latenessMs: number) => void;
}

/**
 * The check runners' side. Each instance claims runs with a lease (one statement; SKIP LOCKED on PostgreSQL), performs
 * the checks outside any transaction with bounded concurrency, then records each result in a transaction that deletes
 * the run fenced by the claim's number. So two instances never check the same monitor for the same interval: the job
 * fires once (scheduler), the run is claimed by one instance at a time, and only the claim that holds it records. A
 * runner that dies mid-check loses its lease; another checks again (at most one result is stored).
 */
export function createCheckRunner(deps: CheckRunnerDeps) {
  const { db, clock, monitors, checkers, incidents, tlsWarnings, inMaintenance } = deps;
  const concurrency = deps.concurrency ?? 64;
  const batchSize = deps.batchSize ?? 500;
  const leaseMs = deps.leaseMs ?? 120_000;
  const dialect = dialectOf(db as unknown as Kysely<unknown>);

  /** Folds a result into the monitor (state, baseline, result row) inside `trx`; returns the transition, if any. */
  async function store(trx: Db, input: RecordInput) {
    const { monitor, atMs, outcome } = input;
    const status =
      input.status ??
      classifyCheck({
        outcome,
        slowMs: monitor.slow_ms,
        baselineMs: monitor.baseline_ms === null ? null : Number(monitor.baseline_ms),
      });
    const memory: MonitorMemory = {
      state: monitor.state as MonitorState,
      candidate: monitor.candidate as StateClass | null,
      streak: Number(monitor.streak),
    };
    const step = nextMonitorState({ memory, status, confirmations: monitor.confirmations });
    const latencyMs = outcome.kind === 'answer' ? outcome.latencyMs : null;
    await monitors.insertResult(trx, monitor.id, {
      at: atMs,
      status,
      latency_ms: latencyMs,
      detail: outcome.detail,
    });
    const baseline =
      status === 'up' && monitor.slow_ms === null
        ? rollingBaselineMs(await monitors.recentUpLatencies(trx, monitor.id, BASELINE_SAMPLES))
        : monitor.baseline_ms;
    await monitors.update(trx, monitor.id, {
      state: step.memory.state,
      candidate: step.memory.candidate,
      streak: step.memory.streak,
      baseline_ms: baseline === null ? null : Math.round(Number(baseline)),
      last_check_at: atMs,
      ...(input.tlsExpiresAtMs === undefined || input.tlsExpiresAtMs === null
        ? {}
        : { tls_expires_at: input.tlsExpiresAtMs }),
    });
    if (input.tlsExpiresAtMs !== undefined && input.tlsExpiresAtMs !== null)
      await tlsWarnings.onCertificate(trx, monitor, { expiresAtMs: input.tlsExpiresAtMs, atMs });
    return { status, transition: step.transition };
  }

  /** After commit: the incident tickets follow the transition (their own transactions, through the write path). */
  async function follow(input: RecordInput, transition: { from: MonitorState; to: CheckStatus } | null) {
    if (transition === null) return;
    const fresh = (await monitors.get(input.monitor.id)) ?? input.monitor;
    try {
      await incidents.onTransition(fresh, transition, {
        atMs: input.atMs,
        detail: input.outcome.detail,
        inMaintenance: await inMaintenance(fresh, input.atMs),
      });
    } catch (error) {
      // The result is stored either way; a ticket that cannot be opened (an organization without a contract) must
      // not fail the heartbeat push that reported it.
      console.error('accord: monitor incident', fresh.id, error);
    }
  }

  /** Records a result that needs no claim (a heartbeat push). */
  async function record(input: RecordInput) {
    const { transition, status } = await db.transaction().execute((trx) => store(trx, input));
    await follow(input, transition);
    return status;
  }

  async function runOne(run: ClaimedRun): Promise<void> {
    const monitor = await monitors.get(run.monitorId);
    if (monitor === undefined) return;
    const startedMs = clock.nowMs();
    deps.onChecked?.(run, Math.max(0, startedMs - run.dueAtMs));
    if (monitor.kind === 'heartbeat') {
      // Pushes are recorded as they come; the run only says when none came within the interval (plus the timeout's
      // grace), as `down`.
      const lastUpMs = await monitors.lastUpAt(monitor.id);
      const sinceMs = run.dueAtMs - (monitor.interval_seconds + monitor.timeout_seconds) * 1000;
      if (lastUpMs !== null && lastUpMs >= sinceMs) {
        await db.transaction().execute((trx) => monitors.finishRun(trx, run));
        return;
      }
    }
    const result: CheckResult =
      monitor.kind === 'heartbeat'
        ? {
            outcome: { kind: 'no-answer', detail: 'no heartbeat received in the interval' },
            tlsExpiresAtMs: null,
          }
        : await checkers.check({
            kind: monitor.kind === 'tcp' ? 'tcp' : 'http',
            url: monitor.url,
            host: monitor.host,
            port: monitor.port,
            timeoutMs: monitor.timeout_seconds * 1000,
            expectedStatus: monitor.expected_status,
            keyword: monitor.keyword,
          });
    const input: RecordInput = {
      monitor,
      atMs: startedMs,
      outcome: result.outcome,
      tlsExpiresAtMs: result.tlsExpiresAtMs,
    };
    const stored = await db.transaction().execute(async (trx) => {
      if (!(await monitors.finishRun(trx, run))) return null;
      const fresh = (await monitors.findById(trx, monitor.id)) ?? monitor;
      return store(trx, { ...input, monitor: fresh });
    });
    if (stored !== null) await follow(input, stored.transition);
  }

  async function runOnce(): Promise<number> {
    const runs = await monitors.claimRuns(dialect, { nowMs: clock.nowMs(), leaseMs, limit: batchSize });
    let next = 0;
    const worker = async () => {
      while (next < runs.length) {
        const run = runs[next++];
        if (run === undefined) break;
        try {
          await runOne(run);
        } catch (error) {
          // The run keeps its lease and is checked again once it expires.
          console.error('accord: monitor check', run.monitorId, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, runs.length) }, worker));
    return runs.length;
  }

  const loop = createWakeableLoop({
    step: runOnce,
    batchSize,
    pollMs: deps.pollMs ?? 200,
    onError: (error) => console.error('accord: check runner', error),
  });
  return { runOnce, record, start: loop.start, nudge: loop.nudge, stop: loop.stop };
}

export type CheckRunner = ReturnType<typeof createCheckRunner>;
