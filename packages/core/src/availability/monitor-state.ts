/** One check's verdict. `slow` answered correctly but too late; `error` answered wrongly (5xx, bad status, keyword). */
export const CHECK_STATUSES = ['up', 'down', 'error', 'slow'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** A monitor's confirmed state; `unknown` until the first `confirmations` results agree. */
export type MonitorState = CheckStatus | 'unknown';

/**
 * Results are confirmed by class, not by exact status: a site that alternates between refusing connections and
 * answering 500 is failing all along, and must not stay unconfirmed because no two results are identical.
 */
export type StateClass = 'up' | 'failing' | 'slow';

export function classOf(status: CheckStatus): StateClass {
  if (status === 'down' || status === 'error') return 'failing';
  return status;
}

export interface MonitorMemory {
  readonly state: MonitorState;
  /** Class of the latest unconfirmed run of results, or null when the latest result agreed with the state. */
  readonly candidate: StateClass | null;
  /** How many consecutive results of `candidate` have been seen. */
  readonly streak: number;
}

export const INITIAL_MEMORY: MonitorMemory = { state: 'unknown', candidate: null, streak: 0 };

export interface StateStep {
  readonly memory: MonitorMemory;
  /** Set when the confirmed state changed with this result. */
  readonly transition: { readonly from: MonitorState; readonly to: CheckStatus } | null;
}

/**
 * Folds one result into a monitor's memory: the state moves only after `confirmations` consecutive results of the
 * same class (no flapping). Within the confirmed class the latest status is kept (down → error stays failing, and
 * is not a transition).
 */
export function nextMonitorState({
  memory,
  status,
  confirmations,
}: {
  memory: MonitorMemory;
  status: CheckStatus;
  confirmations: number;
}): StateStep {
  const needed = Math.max(1, Math.floor(confirmations));
  const cls = classOf(status);
  if (memory.state !== 'unknown' && classOf(memory.state) === cls)
    return { memory: { state: status, candidate: null, streak: 0 }, transition: null };
  const streak = memory.candidate === cls ? memory.streak + 1 : 1;
  if (streak >= needed)
    return {
      memory: { state: status, candidate: null, streak: 0 },
      transition: { from: memory.state, to: status },
    };
  return { memory: { state: memory.state, candidate: cls, streak }, transition: null };
}

/** A check's raw outcome, before the verdict. */
export type CheckOutcome =
  | { readonly kind: 'no-answer'; readonly detail: string }
  | { readonly kind: 'answer'; readonly ok: boolean; readonly latencyMs: number; readonly detail: string };

/** Above this many times the rolling baseline (and at least `BASELINE_MIN_EXTRA_MS` above it), a check is slow. */
export const BASELINE_FACTOR = 4;
export const BASELINE_MIN_EXTRA_MS = 500;

/**
 * The verdict of one check: no answer is `down`, a wrong answer `error`, a right one `slow` above `slowMs`, or, when
 * the monitor sets no `slowMs`, far above its own baseline (a site that always takes 2 s is not slow at 2 s).
 */
export function classifyCheck({
  outcome,
  slowMs,
  baselineMs,
}: {
  outcome: CheckOutcome;
  slowMs: number | null;
  baselineMs: number | null;
}): CheckStatus {
  if (outcome.kind === 'no-answer') return 'down';
  if (!outcome.ok) return 'error';
  if (slowMs !== null) return outcome.latencyMs > slowMs ? 'slow' : 'up';
  if (baselineMs === null) return 'up';
  const limit = Math.max(baselineMs * BASELINE_FACTOR, baselineMs + BASELINE_MIN_EXTRA_MS);
  return outcome.latencyMs > limit ? 'slow' : 'up';
}

/** Median latency of recent good answers: the baseline `classifyCheck` compares with; null with too few. */
export function rollingBaselineMs(latenciesMs: readonly number[], minSamples = 5): number | null {
  if (latenciesMs.length < minSamples) return null;
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return value ?? null;
}
