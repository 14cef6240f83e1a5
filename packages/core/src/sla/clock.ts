import type { BusinessCalendar } from '../calendar/calendar.types.ts';
import { businessDurationMs, parseBusinessDuration } from '../calendar/duration.ts';
import { effectiveCalendarId, type CalendarResolver } from './calendar-resolver.ts';
import { formatClosedDay, formatHumanDuration, formatTraceInstant } from './clock-format.ts';
import { billingFor, type BillingDecision } from './entitlements.ts';
import type { SlaPolicy } from './policy.schema.ts';
import { findPlan, findPriority, findTargetRule } from './policy-lookup.ts';
import { SlaError } from './sla-error.ts';
import type { MetricId, PriorityId, TicketCategory, TicketEvent, TicketStatus } from './ticket-event.ts';

export type { CalendarResolver } from './calendar-resolver.ts';

export type ClockState = 'running' | 'paused' | 'met' | 'breached';

export interface SlaClock {
  metric: MetricId;
  /** `breached` once a breach is recorded, even if the clock later stops or its target grows. */
  state: ClockState;
  /** Plan and priority whose target applies (for a stopped clock: those in force when it stopped). */
  plan: string;
  priority: PriorityId;
  /** ISO business duration; null = no target ("per roadmap", or the agreement sets none). */
  target: string | null;
  calendarId: string;
  startedAtMs: number;
  /** Null without a target. While paused: the due instant if the clock resumed now. Once met: the deadline it met. */
  dueAtMs: number | null;
  /** Business time counted so far, on the target's calendar. */
  usedMs: number;
  /** ≤ 0 once the target is used up. */
  remainingMs: number | null;
  percentUsed: number | null;
  /** Highest warning threshold reached (e.g. 75, 90), null if none. */
  warningThreshold: number | null;
  /** When the clock will reach its next warning threshold if it keeps running (for reminder jobs). */
  nextWarningAtMs: number | null;
  /** First breach instant; stays recorded through priority changes, stops and reopens. */
  breachedAtMs: number | null;
  /** When the clock stopped (met or breached and finished); null while it can still count. */
  stoppedAtMs: number | null;
  /** How an application ticket is billed under the policy's scope rules. */
  billing: BillingDecision;
  trace: string[];
}

export interface ComputeClocksInput {
  policy: SlaPolicy;
  events: readonly TicketEvent[];
  nowMs: number;
  calendars: CalendarResolver;
  /** A contract's own calendars, e.g. `{ 'sur-mesure-extended': 'contract-42-hours' }`. */
  calendarOverrides?: Readonly<Record<string, string>>;
  /** Whether the client has a maintenance contract (application tickets are then covered). */
  maintenanceContract?: boolean;
  /**
   * `false` skips the human trace (`trace: []`): formatting it is most of the cost of a computation, and callers that
   * only persist the clocks (the server, on every ticket change) never show it. The clocks are identical either way.
   */
  trace?: boolean;
}

/** A stretch of real time during which a clock counts; `endMs` null = still counting at `now`. */
interface Span {
  startMs: number;
  endMs: number | null;
}

interface Note {
  atMs: number;
  text: string;
}

/** One metric's life: started, counting spans, stopped (and for `resolution`, maybe reopened). */
interface Run {
  metric: MetricId;
  startedAtMs: number;
  active: boolean;
  stoppedAtMs: number | null;
  spans: Span[];
  notes: Note[];
}

interface Regime {
  fromMs: number;
  plan: string;
  priority: PriorityId;
  cause: string;
}

interface Pause {
  fromMs: number;
  toMs: number | null;
  status: TicketStatus;
  resumedBy: string | null;
}

const isDone = (status: TicketStatus) => status === 'resolved' || status === 'closed';

/** Events at or before `now`, in time order (stable for equal instants); the first must be `created`. */
function eventsUpTo(events: readonly TicketEvent[], nowMs: number): TicketEvent[] {
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

interface Timeline {
  category: TicketCategory;
  regimes: Regime[];
  pauses: Pause[];
  pausedAtNow: boolean;
  runs: Run[];
  /** nextResponse: one run per customer reply awaiting an agent reply. */
  nextResponseRuns: Run[];
}

/** Replays the history: which clocks count when. Pure bookkeeping; no calendar involved yet. */
function replay(policy: SlaPolicy, events: readonly TicketEvent[]): Timeline {
  const created = events[0];
  if (!created || created.type !== 'created') throw new SlaError('INVALID_EVENTS', 'no created event');
  findPlan(policy, created.plan);
  findPriority(policy, created.priority);

  let plan = created.plan;
  let priority = created.priority;
  let status: TicketStatus = 'new';
  let paused = false;
  let agentHasReplied = false;
  const regimes: Regime[] = [{ fromMs: created.atMs, plan, priority, cause: 'created' }];
  const pauses: Pause[] = [];
  const newRun = (metric: MetricId, atMs: number): Run => ({
    metric,
    startedAtMs: atMs,
    active: true,
    stoppedAtMs: null,
    spans: [],
    notes: [],
  });
  const runs = policy.metrics.filter((m) => m !== 'nextResponse').map((m) => newRun(m, created.atMs));
  const nextResponseRuns: Run[] = [];
  const measuresNextResponse = policy.metrics.includes('nextResponse');
  const run = (metric: MetricId) => runs.find((r) => r.metric === metric);
  const currentNext = () => nextResponseRuns.at(-1);

  const stop = (r: Run | undefined, atMs: number, text: string) => {
    if (!r || !r.active) return;
    r.active = false;
    r.stoppedAtMs = atMs;
    r.notes.push({ atMs, text });
  };
  const sync = (atMs: number) => {
    for (const r of [...runs, ...nextResponseRuns]) {
      const last = r.spans.at(-1);
      const open = last !== undefined && last.endMs === null;
      const counting = r.active && !paused;
      if (counting && !open) r.spans.push({ startMs: atMs, endMs: null });
      if (!counting && open) last.endMs = atMs;
    }
  };
  const resume = (atMs: number, by: string) => {
    const pause = pauses.at(-1);
    if (pause) {
      pause.toMs = atMs;
      pause.resumedBy = by;
    }
    paused = false;
  };

  sync(created.atMs);
  for (const event of events.slice(1)) {
    const at = event.atMs;
    switch (event.type) {
      case 'created':
        throw new SlaError('INVALID_EVENTS', "a ticket has exactly one 'created' event");
      case 'priority-changed':
        findPriority(policy, event.priority);
        if (event.priority !== priority) {
          regimes.push({
            fromMs: at,
            plan,
            priority: event.priority,
            cause: `priority changed ${priority} → ${event.priority}`,
          });
          priority = event.priority;
        }
        break;
      case 'plan-changed':
        findPlan(policy, event.plan);
        if (event.plan !== plan) {
          regimes.push({
            fromMs: at,
            plan: event.plan,
            priority,
            cause: `plan changed ${plan} → ${event.plan}`,
          });
          plan = event.plan;
        }
        break;
      case 'status-changed': {
        const was = status;
        status = event.status;
        if (isDone(status) && !isDone(was)) {
          for (const r of runs) {
            stop(
              r,
              at,
              r.metric === 'resolution'
                ? `stopped: ticket ${status}`
                : `stopped: ticket ${status} before any agent reply`,
            );
          }
          stop(currentNext(), at, `stopped: ticket ${status}`);
        } else if (!isDone(status) && isDone(was)) {
          const resolution = run('resolution');
          if (resolution && !resolution.active) {
            resolution.active = true;
            resolution.stoppedAtMs = null;
            resolution.notes.push({
              atMs: at,
              text: `reopened (status ${status}): counting resumes from the time already used`,
            });
          }
        }
        const pauses_ = policy.pauseStatuses.includes(status);
        if (pauses_ && !paused) {
          paused = true;
          pauses.push({ fromMs: at, toMs: null, status, resumedBy: null });
        } else if (!pauses_ && paused) {
          resume(at, `status ${status}`);
        }
        break;
      }
      case 'agent-replied':
        agentHasReplied = true;
        stop(run('firstResponse'), at, 'met by the first agent reply');
        stop(run('intervention'), at, 'stopped by the first agent reply');
        stop(currentNext(), at, 'stopped by an agent reply');
        break;
      case 'analysis-started':
        stop(run('intervention'), at, 'stopped: analysis started by an agent');
        break;
      case 'customer-replied': {
        if (paused) resume(at, 'customer reply');
        const next = currentNext();
        if (measuresNextResponse && agentHasReplied && !isDone(status) && !(next && next.active)) {
          nextResponseRuns.push(newRun('nextResponse', at));
        }
        break;
      }
    }
    sync(at);
  }
  return { category: created.category, regimes, pauses, pausedAtNow: paused, runs, nextResponseRuns };
}

interface Target {
  regime: Regime;
  rule: ReturnType<typeof findTargetRule>;
  calendarId: string;
  calendar: BusinessCalendar;
  targetMs: number | null;
}

function targetOf(input: ComputeClocksInput, metric: MetricId, regime: Regime): Target {
  const rule = findTargetRule(input.policy, { plan: regime.plan, priority: regime.priority, metric });
  const calendarId = effectiveCalendarId(rule.calendar, input.calendarOverrides);
  const calendar = input.calendars(calendarId);
  const targetMs =
    rule.duration === null
      ? null
      : businessDurationMs(parseBusinessDuration(rule.duration), calendar.businessDayMs);
  return { regime, rule, calendarId, calendar, targetMs };
}

interface Walk {
  /** The instant the target is used up, when it falls inside the spans (or the running span). */
  dueAtMs: number | null;
  /** The due instant, when counting went on past it. */
  breachAtMs: number | null;
  /** Target left after the last closed span. */
  remainingMs: number;
}

/**
 * Walks the counting spans up to `untilMs` against a target. A clock is breached when it keeps
 * counting past its due instant — the deadline, even if that is a closing time (17:30) and the
 * business time used is exactly the target.
 */
function walk(
  spans: readonly Span[],
  untilMs: number,
  running: boolean,
  targetMs: number,
  calendar: BusinessCalendar,
): Walk {
  let remainingMs = targetMs;
  for (const span of spans) {
    if (span.startMs > untilMs) break;
    const endMs = Math.min(span.endMs ?? untilMs, untilMs);
    const isRunningSpan = running && span.endMs === null;
    if (endMs <= span.startMs && !isRunningSpan) continue;
    const dueAtMs = calendar.dueAt(span.startMs, remainingMs);
    if (dueAtMs < endMs) return { dueAtMs, breachAtMs: dueAtMs, remainingMs: 0 };
    if (isRunningSpan) return { dueAtMs, breachAtMs: null, remainingMs };
    remainingMs = Math.max(0, remainingMs - calendar.elapsedMs(span.startMs, endMs));
  }
  return { dueAtMs: null, breachAtMs: null, remainingMs };
}

function usedMsOf(spans: readonly Span[], untilMs: number, calendar: BusinessCalendar): number {
  let usedMs = 0;
  for (const span of spans) {
    const endMs = Math.min(span.endMs ?? untilMs, untilMs);
    if (endMs > span.startMs) usedMs += calendar.elapsedMs(span.startMs, endMs);
  }
  return usedMs;
}

const MAX_CLOSED_DAY_LINES = 31;

function describeTarget(t: Target, overridden: boolean): string {
  const calendar = overridden
    ? `${t.calendarId} (contract calendar replacing ${t.rule.calendar})`
    : t.calendarId;
  const note = t.rule.note === undefined ? '' : ` — ${t.rule.note}`;
  return t.rule.duration === null
    ? `no target (calendar ${calendar})${note}`
    : `${t.rule.duration} on ${calendar}${note}`;
}

function evaluateRun(
  input: ComputeClocksInput,
  timeline: Timeline,
  run: Run,
  cycle: number | null,
): SlaClock {
  const { policy, nowMs } = input;
  const untilMs = run.active ? nowMs : (run.stoppedAtMs ?? nowMs);
  const running = run.active && !timeline.pausedAtNow;

  // The regime in force when the run started, then each change while it could still count.
  const startIndex = timeline.regimes.findLastIndex((r) => r.fromMs <= run.startedAtMs);
  // A change at `now` applies at once; a change at the very instant a clock stopped comes too late for it.
  const regimes = timeline.regimes.filter(
    (r, i) => i === startIndex || (i > startIndex && (run.active ? r.fromMs <= untilMs : r.fromMs < untilMs)),
  );
  const targets = regimes.map((regime) => targetOf(input, run.metric, regime));
  const final = targets.at(-1)!;
  const withTrace = input.trace !== false;
  const fmt = (atMs: number) => formatTraceInstant(final.calendar, atMs);
  const notes: Note[] = withTrace ? [...run.notes] : [];

  // A breach under an earlier target stays recorded even if a later target would not be breached.
  let breachedAtMs: number | null = null;
  targets.forEach((t, i) => {
    if (t.targetMs === null) return;
    const next = targets[i + 1];
    const isLast = next === undefined;
    const w = walk(
      run.spans,
      isLast ? untilMs : next.regime.fromMs,
      isLast && running,
      t.targetMs,
      t.calendar,
    );
    if (w.breachAtMs === null || breachedAtMs !== null) return;
    breachedAtMs = Math.max(w.breachAtMs, t.regime.fromMs);
    if (isLast || !withTrace) return;
    notes.push({
      atMs: breachedAtMs,
      text: `breach recorded: target ${t.rule.duration} (${t.regime.plan}, ${t.regime.priority}) was due ${formatTraceInstant(t.calendar, w.breachAtMs)}`,
    });
  });
  for (const t of withTrace ? targets.slice(1) : []) {
    notes.push({
      atMs: t.regime.fromMs,
      text: `${t.regime.cause}: target recomputed from the start: ${describeTarget(t, t.calendarId !== t.rule.calendar)}`,
    });
  }
  for (const pause of withTrace ? timeline.pauses : []) {
    const pauseEnd = pause.toMs ?? Infinity;
    if (pause.fromMs >= untilMs || pauseEnd <= run.startedAtMs) continue;
    const text =
      pause.toMs === null
        ? `paused (status ${pause.status}): waiting on the customer`
        : `paused until ${fmt(pause.toMs)} (status ${pause.status}; resumed by ${pause.resumedBy ?? 'status change'})`;
    notes.push({ atMs: pause.fromMs, text });
  }

  const usedMs = usedMsOf(run.spans, untilMs, final.calendar);
  let dueAtMs: number | null = null;
  let remainingMs: number | null = null;
  let percentUsed: number | null = null;
  let ratio = 0;
  if (final.targetMs !== null) {
    const w = walk(run.spans, untilMs, running, final.targetMs, final.calendar);
    // Not reached inside the spans: the deadline if counting resumed where it stopped (or now, if paused).
    dueAtMs = w.dueAtMs ?? final.calendar.dueAt(run.active ? nowMs : untilMs, w.remainingMs);
    remainingMs = final.targetMs - usedMs;
    ratio = usedMs / final.targetMs;
    percentUsed = Math.round(ratio * 1000) / 10;
  }
  const crossed = policy.warningThresholds.filter((t) => ratio * 100 >= t);
  const warningThreshold = final.targetMs === null ? null : (crossed.at(-1) ?? null);
  const nextThreshold = policy.warningThresholds.find((t) => ratio * 100 < t);
  const nextWarningAtMs =
    running && final.targetMs !== null && breachedAtMs === null && nextThreshold !== undefined
      ? final.calendar.dueAt(nowMs, Math.ceil((nextThreshold / 100) * final.targetMs) - usedMs)
      : null;

  const state: ClockState =
    breachedAtMs !== null ? 'breached' : !run.active ? 'met' : timeline.pausedAtNow ? 'paused' : 'running';
  const billing = billingFor({
    policy,
    category: timeline.category,
    maintenanceContract: input.maintenanceContract ?? false,
  });

  const clock: SlaClock = {
    metric: run.metric,
    state,
    plan: final.regime.plan,
    priority: final.regime.priority,
    target: final.rule.duration,
    calendarId: final.calendarId,
    startedAtMs: run.startedAtMs,
    dueAtMs,
    usedMs,
    remainingMs,
    percentUsed,
    warningThreshold,
    nextWarningAtMs,
    breachedAtMs,
    stoppedAtMs: run.active ? null : untilMs,
    billing,
    trace: [],
  };
  if (!withTrace) return clock;

  const first = targets[0]!;
  const trace: string[] = [
    `policy ${policy.id} v${policy.version}; plan ${first.regime.plan}, priority ${first.regime.priority} (${findPriority(policy, first.regime.priority).label.en})`,
    `target: ${describeTarget(first, first.calendarId !== first.rule.calendar)}`,
    cycle === null
      ? `started ${fmt(run.startedAtMs)} (ticket created)`
      : `started ${fmt(run.startedAtMs)} by customer reply #${cycle}`,
  ];
  if (billing.billable) {
    trace.push(
      `scope: ${timeline.category} ticket outside the agreement${input.maintenanceContract ? '' : ' and without a maintenance contract'}: billable (${billing.mode})`,
    );
  }
  notes.sort((a, b) => a.atMs - b.atMs);
  for (const note of notes) trace.push(`${fmt(note.atMs)} ${note.text}`);

  // Closed days between the start and the later of the due instant and the end of counting.
  const horizonMs = Math.max(untilMs, dueAtMs ?? untilMs);
  const closed = horizonMs > run.startedAtMs ? final.calendar.closedDays(run.startedAtMs, horizonMs) : [];
  for (const day of closed.slice(0, MAX_CLOSED_DAY_LINES)) trace.push(formatClosedDay(day));
  if (closed.length > MAX_CLOSED_DAY_LINES)
    trace.push(`… and ${closed.length - MAX_CLOSED_DAY_LINES} more closed days`);

  const used = `${formatHumanDuration(usedMs)} used`;
  const ofTarget =
    final.targetMs === null ? '' : ` of ${formatHumanDuration(final.targetMs)} (${percentUsed}%)`;
  if (state === 'breached') {
    trace.push(
      `breached at ${fmt(breachedAtMs!)}; ${used}${ofTarget}${run.active ? '' : `; stopped ${fmt(untilMs)}`}`,
    );
  } else if (state === 'met') {
    trace.push(
      `${final.targetMs === null ? 'stopped' : 'met'} ${fmt(untilMs)}; ${used}${ofTarget}${dueAtMs === null ? '' : `; was due ${fmt(dueAtMs)}`}`,
    );
  } else {
    const due =
      dueAtMs === null ? 'no due date' : `due ${fmt(dueAtMs)}${state === 'paused' ? ' if resumed now' : ''}`;
    trace.push(`${state} at ${fmt(nowMs)}; ${used}${ofTarget}; ${due}`);
  }
  clock.trace = trace;
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
    clocks.push(latest);
  }
  const order = (m: MetricId) => input.policy.metrics.indexOf(m);
  return clocks.sort((a, b) => order(a.metric) - order(b.metric));
}
