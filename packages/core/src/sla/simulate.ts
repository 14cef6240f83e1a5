import { computeClocks } from './clock/index.ts';
import type { ClockState, ComputeClocksInput } from './clock/clock.types.ts';
import type { MetricId, PriorityId } from './ticket-event.ts';

/**
 * Policy what-if, the pure half: a ticket's clocks as they stand today (`current`) beside the same ticket replayed
 * under a draft policy (`proposed`, computed by `computeClocks` itself, so the what-if runs the live rules and not a
 * second implementation), tallied per plan × priority × metric, with the clocks that would change. The tally keeps
 * counts and a bounded list, never the tickets: a caller streams a hundred thousand of them through it.
 */

/** What the what-if compares of one clock. */
export interface SimulatedClock {
  readonly metric: MetricId;
  readonly state: ClockState;
  readonly dueAtMs: number | null;
}

export interface SimulatedTicket {
  readonly ticketId: string;
  /** The ticket's plan and priority as they are now: the row of the table it is counted in. */
  readonly plan: string;
  readonly priority: PriorityId;
  readonly current: readonly SimulatedClock[];
  readonly proposed: readonly SimulatedClock[];
}

export interface StateCounts {
  clocks: number;
  met: number;
  breached: number;
  running: number;
  paused: number;
}

/** One clock whose due instant or state the draft changes. */
export interface ClockChange {
  readonly ticketId: string;
  readonly metric: MetricId;
  /** Null: no target (or, for a metric only one side measures, no such clock). */
  readonly currentDueAtMs: number | null;
  readonly proposedDueAtMs: number | null;
  readonly currentState: ClockState | null;
  readonly proposedState: ClockState | null;
  /** proposed − current due instant; null when either side has none (a target added or removed). */
  readonly movedMs: number | null;
}

export interface SimulationRow<K> {
  readonly key: K;
  readonly current: StateCounts;
  readonly proposed: StateCounts;
  /** Clocks of this row the draft changes (due instant or state). */
  readonly changed: number;
  /** Of those, due later (more time) and earlier (less time) under the draft. */
  readonly later: number;
  readonly earlier: number;
}

export interface SimulationSummary {
  readonly tickets: number;
  readonly current: StateCounts;
  readonly proposed: StateCounts;
  readonly byPlan: readonly SimulationRow<{ plan: string }>[];
  readonly byPriority: readonly SimulationRow<{ priority: PriorityId }>[];
  readonly byMetric: readonly SimulationRow<{ metric: MetricId }>[];
  /** Plan × priority × metric, the table an operator reads. */
  readonly cells: readonly SimulationRow<{ plan: string; priority: PriorityId; metric: MetricId }>[];
  /** How many clocks the draft changes in all. */
  readonly changedClocks: number;
  /** The first `changedLimit` of them, the due instants that move most first (a target added or removed first). */
  readonly changed: readonly ClockChange[];
}

/** A ticket's history replayed at `nowMs` under a (draft) policy: `computeClocks`, trimmed to what the what-if compares. */
export function replayClocks(input: Omit<ComputeClocksInput, 'trace'>): SimulatedClock[] {
  return computeClocks({ ...input, trace: false }).map((c) => ({
    metric: c.metric,
    state: c.state,
    dueAtMs: c.dueAtMs,
  }));
}

const emptyCounts = (): StateCounts => ({ clocks: 0, met: 0, breached: 0, running: 0, paused: 0 });

function count(counts: StateCounts, state: ClockState | null): void {
  if (state === null) return;
  counts.clocks += 1;
  counts[state] += 1;
}

interface MutableRow<K> {
  key: K;
  current: StateCounts;
  proposed: StateCounts;
  changed: number;
  later: number;
  earlier: number;
}

function newRow<K>(rows: Map<string, MutableRow<K>>, id: string, key: K): MutableRow<K> {
  const row = { key, current: emptyCounts(), proposed: emptyCounts(), changed: 0, later: 0, earlier: 0 };
  rows.set(id, row);
  return row;
}

function tallyRow<K>(
  row: MutableRow<K>,
  was: ClockState | null,
  would: ClockState | null,
  change: ClockChange | undefined,
): void {
  count(row.current, was);
  count(row.proposed, would);
  if (change === undefined) return;
  row.changed += 1;
  if (change.movedMs !== null && change.movedMs > 0) row.later += 1;
  if (change.movedMs !== null && change.movedMs < 0) row.earlier += 1;
}

function clockOf(clocks: readonly SimulatedClock[], metric: MetricId): SimulatedClock | undefined {
  for (const clock of clocks) if (clock.metric === metric) return clock;
  return undefined;
}

/** How far a change moves, for ordering: a target added or removed outranks any shift, a state-only change none. */
function magnitude(change: ClockChange): number {
  if (change.movedMs !== null) return Math.abs(change.movedMs);
  return change.currentDueAtMs === change.proposedDueAtMs ? 0 : Number.POSITIVE_INFINITY;
}

/** Most moved first; ties by ticket then metric, so the list does not depend on the order tickets arrive in. */
export function compareChanges(a: ClockChange, b: ClockChange): number {
  const byMagnitude = magnitude(b) - magnitude(a);
  if (byMagnitude !== 0 && !Number.isNaN(byMagnitude)) return byMagnitude;
  if (a.ticketId !== b.ticketId) return a.ticketId < b.ticketId ? -1 : 1;
  return a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0;
}

/** The change of one metric between the two sides, or undefined when it reads the same. */
export function clockChange(
  ticketId: string,
  metric: MetricId,
  current: SimulatedClock | undefined,
  proposed: SimulatedClock | undefined,
): ClockChange | undefined {
  const currentDueAtMs = current?.dueAtMs ?? null;
  const proposedDueAtMs = proposed?.dueAtMs ?? null;
  const currentState = current?.state ?? null;
  const proposedState = proposed?.state ?? null;
  if (currentDueAtMs === proposedDueAtMs && currentState === proposedState) return undefined;
  return {
    ticketId,
    metric,
    currentDueAtMs,
    proposedDueAtMs,
    currentState,
    proposedState,
    movedMs: currentDueAtMs !== null && proposedDueAtMs !== null ? proposedDueAtMs - currentDueAtMs : null,
  };
}

function frozenRows<K>(rows: Map<string, MutableRow<K>>): SimulationRow<K>[] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => ({ ...row }));
}

/**
 * Tallies simulated tickets, one at a time. Memory grows with the number of table rows and `changedLimit`, not with
 * the number of tickets: the list of changes is cut back to its best `changedLimit` whenever it doubles.
 */
export function createSimulationTally(options: { changedLimit?: number } = {}) {
  const limit = options.changedLimit ?? 500;
  let tickets = 0;
  let changedClocks = 0;
  let changes: ClockChange[] = [];
  const current = emptyCounts();
  const proposed = emptyCounts();
  const byPlan = new Map<string, MutableRow<{ plan: string }>>();
  const byPriority = new Map<string, MutableRow<{ priority: PriorityId }>>();
  const byMetric = new Map<string, MutableRow<{ metric: MetricId }>>();
  const cells = new Map<string, MutableRow<{ plan: string; priority: PriorityId; metric: MetricId }>>();

  function tallyClock(
    ticket: SimulatedTicket,
    planRow: MutableRow<{ plan: string }>,
    priorityRow: MutableRow<{ priority: PriorityId }>,
    metric: MetricId,
    before: SimulatedClock | undefined,
    after: SimulatedClock | undefined,
  ): void {
    const { ticketId, plan, priority } = ticket;
    const metricRow = byMetric.get(metric) ?? newRow(byMetric, metric, { metric });
    const cellKey = `${plan}\u0000${priority}\u0000${metric}`;
    const cellRow = cells.get(cellKey) ?? newRow(cells, cellKey, { plan, priority, metric });
    const change = clockChange(ticketId, metric, before, after);
    const was = before?.state ?? null;
    const would = after?.state ?? null;
    count(current, was);
    count(proposed, would);
    tallyRow(planRow, was, would, change);
    tallyRow(priorityRow, was, would, change);
    tallyRow(metricRow, was, would, change);
    tallyRow(cellRow, was, would, change);
    if (change !== undefined) {
      changedClocks += 1;
      keep(change);
    }
  }

  function keep(change: ClockChange): void {
    changes.push(change);
    if (changes.length >= 2 * limit) changes = changes.sort(compareChanges).slice(0, limit);
  }

  return {
    add(ticket: SimulatedTicket): void {
      tickets += 1;
      const { plan, priority, current: before, proposed: after } = ticket;
      // Plain loops and no per-clock closures: this runs for every clock of every ticket of the window.
      const planRow = byPlan.get(plan) ?? newRow(byPlan, plan, { plan });
      const priorityRow = byPriority.get(priority) ?? newRow(byPriority, priority, { priority });
      for (const clock of before)
        tallyClock(ticket, planRow, priorityRow, clock.metric, clock, clockOf(after, clock.metric));
      for (const clock of after)
        if (clockOf(before, clock.metric) === undefined)
          tallyClock(ticket, planRow, priorityRow, clock.metric, undefined, clock);
    },

    summary(): SimulationSummary {
      return {
        tickets,
        current: { ...current },
        proposed: { ...proposed },
        byPlan: frozenRows(byPlan),
        byPriority: frozenRows(byPriority),
        byMetric: frozenRows(byMetric),
        cells: frozenRows(cells),
        changedClocks,
        changed: [...changes].sort(compareChanges).slice(0, limit),
      };
    },
  };
}

export type SimulationTally = ReturnType<typeof createSimulationTally>;
