import type { SlaPolicy } from '../policy.schema.ts';
import { findPlan, findPriority } from '../policy-lookup.ts';
import { SlaError } from '../sla-error.ts';
import type { MetricId, PriorityId, TicketCategory, TicketEvent, TicketStatus } from '../ticket-event.ts';
import { isClockPaused, isDoneStatus, stopsClock } from '../workflow.ts';

/** A stretch of real time during which a clock counts; `endMs` null = still counting at `now`. */
export interface Span {
  startMs: number;
  endMs: number | null;
}

export interface Note {
  atMs: number;
  text: string;
}

export interface Pause {
  fromMs: number;
  toMs: number | null;
  status: TicketStatus;
  resumedBy: string | null;
}

/** One metric's life: started, counting spans, pauses, stopped (and for `resolution`, maybe reopened). */
export interface Run {
  metric: MetricId;
  startedAtMs: number;
  active: boolean;
  paused: boolean;
  stoppedAtMs: number | null;
  spans: Span[];
  pauses: Pause[];
  notes: Note[];
}

/** The plan, priority and category in force from `fromMs`: what decides a clock's target. */
export interface Regime {
  fromMs: number;
  plan: string;
  priority: PriorityId;
  category: TicketCategory;
  cause: string;
}

export interface Timeline {
  regimes: Regime[];
  runs: Run[];
  /** nextResponse: one run per customer reply awaiting an agent reply. */
  nextResponseRuns: Run[];
}

/** Events at or before `now`, in time order (stable for equal instants); the first must be `created`. */
export function eventsUpTo(events: readonly TicketEvent[], nowMs: number): TicketEvent[] {
  events.forEach((e, i) => {
    if (!Number.isFinite(e.atMs))
      throw new SlaError('INVALID_EVENTS', `events[${i}].atMs: not a finite instant`);
  });
  const known = events
    .map((event, index) => ({ event, index }))
    .filter(({ event }) => event.atMs <= nowMs)
    .sort((a, b) => a.event.atMs - b.event.atMs || a.index - b.index)
    .map(({ event }) => event);
  const first = known[0];
  if (!first || first.type !== 'created') {
    throw new SlaError(
      'INVALID_EVENTS',
      first ? `the first event must be 'created', not '${first.type}'` : 'no created event at or before now',
    );
  }
  if (known.slice(1).some((e) => e.type === 'created')) {
    throw new SlaError('INVALID_EVENTS', "a ticket has exactly one 'created' event");
  }
  return known;
}

const STOP_TEXT: Readonly<Record<MetricId, string>> = {
  intervention: 'stopped: analysis started by an agent',
  firstResponse: 'met by the first agent reply',
  nextResponse: 'stopped by an agent reply',
  resolution: 'stopped',
};

function newRun(metric: MetricId, atMs: number): Run {
  return {
    metric,
    startedAtMs: atMs,
    active: true,
    paused: false,
    stoppedAtMs: null,
    spans: [],
    pauses: [],
    notes: [],
  };
}

function stop(run: Run | undefined, atMs: number, text: string): void {
  if (!run || !run.active) return;
  run.active = false;
  run.stoppedAtMs = atMs;
  run.notes.push({ atMs, text });
}

/** Opens or closes each run's counting span to match its state at `atMs`. */
function sync(runs: readonly Run[], atMs: number): void {
  for (const r of runs) {
    const last = r.spans.at(-1);
    const open = last !== undefined && last.endMs === null;
    const counting = r.active && !r.paused;
    if (counting && !open) r.spans.push({ startMs: atMs, endMs: null });
    if (!counting && open) last.endMs = atMs;
  }
}

function resume(run: Run, atMs: number, by: string): void {
  const pause = run.pauses.at(-1);
  if (pause) {
    pause.toMs = atMs;
    pause.resumedBy = by;
  }
  run.paused = false;
}

/** A status change: resolution stops or reopens everything, then each metric pauses by its own rule. */
function applyStatus(
  policy: SlaPolicy,
  runs: readonly Run[],
  was: TicketStatus,
  status: TicketStatus,
  at: number,
) {
  if (isDoneStatus(status) && !isDoneStatus(was)) {
    for (const r of runs) {
      const why =
        r.metric === 'resolution'
          ? `stopped: ticket ${status}`
          : r.metric === 'intervention'
            ? `stopped: ticket ${status} before the analysis started`
            : r.metric === 'nextResponse'
              ? `stopped: ticket ${status}`
              : `stopped: ticket ${status} before any agent reply`;
      stop(r, at, why);
    }
  } else if (!isDoneStatus(status) && isDoneStatus(was)) {
    const resolution = runs.find((r) => r.metric === 'resolution');
    if (resolution && !resolution.active) {
      resolution.active = true;
      resolution.stoppedAtMs = null;
      resolution.notes.push({
        atMs: at,
        text: `reopened (status ${status}): counting resumes from the time already used`,
      });
    }
  }
  for (const r of runs) {
    const pauses = isClockPaused(policy, r.metric, status);
    if (pauses && !r.paused) {
      r.paused = true;
      r.pauses.push({ fromMs: at, toMs: null, status, resumedBy: null });
    } else if (!pauses && r.paused) {
      resume(r, at, `status ${status}`);
    }
  }
}

/** Replays the history: which clocks count when, under which regime. Pure bookkeeping; no calendar involved yet. */
export function replay(policy: SlaPolicy, events: readonly TicketEvent[]): Timeline {
  const created = events[0];
  if (!created || created.type !== 'created') throw new SlaError('INVALID_EVENTS', 'no created event');
  findPlan(policy, created.plan);
  findPriority(policy, created.priority);

  let { plan, priority, category } = created;
  let status: TicketStatus = 'new';
  let agentHasReplied = false;
  let analysisStartedAtMs: number | null = null;
  const regimes: Regime[] = [{ fromMs: created.atMs, plan, priority, category, cause: 'created' }];
  const runs = policy.metrics.filter((m) => m !== 'nextResponse').map((m) => newRun(m, created.atMs));
  const nextResponseRuns: Run[] = [];
  const measuresNextResponse = policy.metrics.includes('nextResponse');
  const all = () => [...runs, ...nextResponseRuns];
  const regime = (at: number, cause: string) => regimes.push({ fromMs: at, plan, priority, category, cause });

  sync(all(), created.atMs);
  for (const event of events.slice(1)) {
    const at = event.atMs;
    switch (event.type) {
      case 'created':
        throw new SlaError('INVALID_EVENTS', "a ticket has exactly one 'created' event");
      case 'priority-changed':
        findPriority(policy, event.priority);
        if (event.priority !== priority) {
          const was = priority;
          priority = event.priority;
          regime(at, `priority changed ${was} → ${priority}`);
        }
        break;
      case 'plan-changed':
        findPlan(policy, event.plan);
        if (event.plan !== plan) {
          const was = plan;
          plan = event.plan;
          regime(at, `plan changed ${was} → ${plan}`);
        }
        break;
      case 'category-changed':
        if (event.category !== category) {
          const was = category;
          category = event.category;
          regime(at, `category changed ${was} → ${category}`);
        }
        break;
      case 'status-changed': {
        const was = status;
        status = event.status;
        applyStatus(policy, all(), was, status, at);
        break;
      }
      case 'agent-replied':
        agentHasReplied = true;
        for (const r of all()) if (stopsClock(r.metric, event.type)) stop(r, at, STOP_TEXT[r.metric]);
        break;
      case 'analysis-started':
        // Only the first analysis-started counts: the GTI is met once; a later one (another agent) changes nothing.
        if (analysisStartedAtMs !== null) break;
        analysisStartedAtMs = at;
        for (const r of all()) if (stopsClock(r.metric, event.type)) stop(r, at, STOP_TEXT[r.metric]);
        break;
      case 'customer-replied': {
        // A customer reply ends the wait on the customer, whatever the status still says.
        for (const r of all()) if (r.paused) resume(r, at, 'customer reply');
        const next = nextResponseRuns.at(-1);
        if (measuresNextResponse && agentHasReplied && !isDoneStatus(status) && !(next && next.active)) {
          nextResponseRuns.push(newRun('nextResponse', at));
        }
        break;
      }
    }
    sync(all(), at);
  }
  return { regimes, runs, nextResponseRuns };
}
