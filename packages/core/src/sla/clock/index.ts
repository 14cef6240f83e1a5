import { billingFor } from '../billing.ts';
import type { MetricId } from '../ticket-event.ts';
import type { ClockState, ComputeClocksInput, SlaClock } from './clock.types.ts';
import { clockFigures, firstBreach, targetOf, type RunPosition } from './figures.ts';
import { eventsUpTo, replay, type Regime, type Run, type Timeline } from './timeline.ts';
import { clockTrace, regimeAndPauseNotes } from './trace.ts';

export type { CalendarResolver } from '../calendar-resolver.ts';
export type { ClockState, ComputeClocksInput, SlaClock } from './clock.types.ts';
export type { TraceEntry } from './trace.ts';

/** The regime in force when the run started, then each change while it could still count. */
function regimesOf(timeline: Timeline, run: Run, untilMs: number): Regime[] {
  const startIndex = timeline.regimes.findLastIndex((r) => r.fromMs <= run.startedAtMs);
  // A change at `now` applies at once; a change at the very instant a clock stopped comes too late for it.
  return timeline.regimes.filter(
    (r, i) => i === startIndex || (i > startIndex && (run.active ? r.fromMs <= untilMs : r.fromMs < untilMs)),
  );
}

function evaluateRun(
  input: ComputeClocksInput,
  timeline: Timeline,
  run: Run,
  cycle: number | null,
): SlaClock {
  const { policy, nowMs } = input;
  const untilMs = run.active ? nowMs : (run.stoppedAtMs ?? nowMs);
  const pos: RunPosition = {
    spans: run.spans,
    untilMs,
    running: run.active && !run.paused,
    active: run.active,
    nowMs,
  };
  const targets = regimesOf(timeline, run, untilMs).map((regime) => targetOf(input, run.metric, regime));
  const first = targets[0]!;
  const final = targets.at(-1)!;
  const withTrace = input.trace !== false;

  const breach = firstBreach(pos, targets, withTrace);
  const figures = clockFigures(pos, final, breach.breachedAtMs, policy.warningThresholds);
  const state: ClockState =
    breach.breachedAtMs !== null ? 'breached' : !run.active ? 'met' : run.paused ? 'paused' : 'running';
  const maintenanceContract = input.maintenanceContract ?? false;
  const billing = billingFor({ policy, category: final.regime.category, maintenanceContract });

  const clock: SlaClock = {
    metric: run.metric,
    state,
    plan: final.regime.plan,
    priority: final.regime.priority,
    target: final.rule.duration,
    calendarId: final.calendarId,
    startedAtMs: run.startedAtMs,
    ...figures,
    breachedAtMs: breach.breachedAtMs,
    stoppedAtMs: run.active ? null : untilMs,
    billing,
    trace: [],
    traceEntries: [],
  };
  if (!withTrace) return clock;
  const notes = [...run.notes, ...breach.notes, ...regimeAndPauseNotes(run, targets, untilMs, final)];
  clock.traceEntries = clockTrace({
    policy,
    clock,
    run,
    first,
    final,
    notes,
    untilMs,
    nowMs,
    cycle,
    billing,
    maintenanceContract,
  });
  clock.trace = clock.traceEntries.map((e) => e.line);
  return clock;
}

/**
 * The SLA clocks of one ticket at `now`, one per metric of the policy, derived only from the events at
 * or before `now` (pure and deterministic). `nextResponse` appears once a customer has replied after an
 * agent's reply; it reports the latest such cycle and summarises the earlier ones in its trace.
 */
export function computeClocks(input: ComputeClocksInput): SlaClock[] {
  const timeline = replay(input.policy, eventsUpTo(input.events, input.nowMs));
  const clocks = timeline.runs.map((run) => evaluateRun(input, timeline, run, null));
  const cycles = timeline.nextResponseRuns.map((run, i) => evaluateRun(input, timeline, run, i + 1));
  const latest = cycles.at(-1);
  if (latest && input.trace === false) clocks.push(latest);
  else if (latest) {
    const earlier = cycles
      .slice(0, -1)
      .map((c, i) => `earlier reply #${i + 1}: ${c.trace.at(-1) ?? c.state}`);
    latest.trace.splice(3, 0, ...earlier);
    latest.traceEntries.splice(3, 0, ...earlier.map((line) => ({ atMs: null, text: line, line })));
    clocks.push(latest);
  }
  const order = (m: MetricId) => input.policy.metrics.indexOf(m);
  return clocks.sort((a, b) => order(a.metric) - order(b.metric));
}
