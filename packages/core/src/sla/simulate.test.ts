import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCalendar } from '../calendar/business-calendar.ts';
import { parseCalendarSpec } from '../calendar/calendar-spec.ts';
import { CALENDAR_PRESETS } from '../calendar/presets.ts';
import { formatEpochDay, localEpochDay, zoneOffset } from '../calendar/zoned-time.ts';
import { computeClocks } from './clock/index.ts';
import { policyCalendarResolver } from './calendar-resolver.ts';
import { getPolicyPreset, SLA_POLICY_PRESET_IDS } from './policy-presets.ts';
import { parseSlaPolicy, type SlaPolicy } from './policy.schema.ts';
import { projectClock } from './projection.ts';
import {
  clockChange,
  compareChanges,
  createSimulationTally,
  replayClocks,
  type ClockChange,
  type SimulatedClock,
} from './simulate.ts';
import { at, TEST_CONTRACT_CALENDAR, TEST_CONTRACT_OVERRIDES } from './sla-test-helpers.ts';
import {
  TICKET_CATEGORIES,
  TICKET_STATUSES,
  type PriorityId,
  type TicketEvent,
  type TicketStatus,
} from './ticket-event.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const YEAR_START = at('2026-01-01T00:00:00Z');

type Step =
  | { kind: 'priority' | 'plan' | 'status' | 'category'; pick: number }
  | { kind: 'agent-replied' | 'analysis-started' | 'customer-replied' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom('priority', 'plan', 'status', 'category'), pick: fc.nat() }),
  fc.record({ kind: fc.constantFrom('agent-replied', 'analysis-started', 'customer-replied') }),
) as fc.Arbitrary<Step>;

interface Ticket {
  policyId: (typeof SLA_POLICY_PRESET_IDS)[number];
  events: TicketEvent[];
  status: TicketStatus;
  lastMs: number;
  maintenanceContract: boolean;
}

/** A random, valid history of a few business days (as the live write path would have stored it). */
const ticketArb: fc.Arbitrary<Ticket> = fc
  .record({
    policyId: fc.constantFrom(...SLA_POLICY_PRESET_IDS),
    startMinute: fc.integer({ min: 0, max: 300 * 24 * 60 }),
    plan: fc.nat(),
    priority: fc.nat(),
    maintenanceContract: fc.boolean(),
    steps: fc.array(fc.record({ gapMinutes: fc.integer({ min: 1, max: 3 * 24 * 60 }), step: stepArb }), {
      maxLength: 8,
    }),
  })
  .map(({ policyId, startMinute, plan, priority, maintenanceContract, steps }) => {
    const policy = getPolicyPreset(policyId);
    const pickPriority = (n: number): PriorityId => policy.priorities[n % policy.priorities.length]!.id;
    const pickPlan = (n: number) => policy.plans[n % policy.plans.length]!.id;
    let atMs = YEAR_START + startMinute * MINUTE;
    let status: TicketStatus = 'new';
    const events: TicketEvent[] = [
      {
        type: 'created',
        atMs,
        plan: pickPlan(plan),
        priority: pickPriority(priority),
        category: 'hosting',
        channel: 'ticket',
      },
    ];
    for (const { gapMinutes, step } of steps) {
      atMs += gapMinutes * MINUTE;
      if (step.kind === 'priority')
        events.push({ type: 'priority-changed', atMs, priority: pickPriority(step.pick) });
      else if (step.kind === 'plan') events.push({ type: 'plan-changed', atMs, plan: pickPlan(step.pick) });
      else if (step.kind === 'category')
        events.push({
          type: 'category-changed',
          atMs,
          category: TICKET_CATEGORIES[step.pick % TICKET_CATEGORIES.length]!,
        });
      else if (step.kind === 'status') {
        status = TICKET_STATUSES[step.pick % TICKET_STATUSES.length]!;
        events.push({ type: 'status-changed', atMs, status });
      } else {
        events.push({ type: step.kind, atMs });
        // As the write path does: a customer's reply to a ticket waiting on them sends it back to the team.
        if (step.kind === 'customer-replied' && status === 'pending-customer') {
          status = 'open';
          events.push({ type: 'status-changed', atMs, status });
        }
      }
    }
    return { policyId, events, status, lastMs: atMs, maintenanceContract };
  });

const laterArb = fc.integer({ min: 0, max: 20 * 24 * 60 });

/** The calendars a test workspace has: its contract's extended hours, and whatever a draft overrides. */
const resolverFor = (policy: SlaPolicy, drafts: Record<string, ReturnType<typeof compileCalendar>> = {}) =>
  policyCalendarResolver(policy, { 'test-contract-extended': TEST_CONTRACT_CALENDAR, ...drafts });

function replay(policy: SlaPolicy, ticket: Ticket, nowMs: number, drafts = {}): SimulatedClock[] {
  return replayClocks({
    policy,
    events: ticket.events,
    nowMs,
    calendars: resolverFor(policy, drafts),
    calendarOverrides: TEST_CONTRACT_OVERRIDES,
    maintenanceContract: ticket.maintenanceContract,
  });
}

/**
 * What the live system shows at `nowMs`: the clocks computed at the ticket's last change, as the write path stores
 * them, advanced to now with `projectClock`, as every read does.
 */
function liveClocks(policy: SlaPolicy, ticket: Ticket, nowMs: number): SimulatedClock[] {
  const calendars = resolverFor(policy);
  const stored = computeClocks({
    policy,
    events: ticket.events,
    nowMs: ticket.lastMs,
    calendars,
    calendarOverrides: TEST_CONTRACT_OVERRIDES,
    maintenanceContract: ticket.maintenanceContract,
    trace: false,
  });
  return stored.map((c) => {
    const shown = projectClock(
      {
        metric: c.metric,
        state: c.state,
        target: c.target,
        calendarId: c.calendarId,
        dueAtMs: c.dueAtMs,
        breachedAtMs: c.breachedAtMs,
        stoppedAtMs: c.stoppedAtMs,
        usedMs: c.usedMs,
        targetMs: c.remainingMs === null ? null : c.usedMs + c.remainingMs,
        computedAtMs: ticket.lastMs,
      },
      {
        nowMs,
        calendar: calendars(c.calendarId),
        status: ticket.status,
        pauseRules: policy,
        warningThresholds: policy.warningThresholds,
      },
    );
    return { metric: shown.metric, state: shown.state, dueAtMs: shown.dueAtMs };
  });
}

/** Every target of the policy made `factor` times longer (a null target stays without one). */
function longerTargets(policy: SlaPolicy, factors: readonly number[]): SlaPolicy {
  return parseSlaPolicy({
    ...policy,
    targets: policy.targets.map((rule, i) => ({
      ...rule,
      duration:
        rule.duration === null
          ? null
          : rule.duration.replace(/\d+/g, (n) => String(Number(n) * factors[i % factors.length]!)),
    })),
  });
}

describe('replayClocks against the live clocks', () => {
  it('simulating the policy in force reproduces what the live clocks show, for every ticket and metric', () => {
    fc.assert(
      fc.property(ticketArb, laterArb, (ticket, laterMinutes) => {
        const policy = getPolicyPreset(ticket.policyId);
        const nowMs = ticket.lastMs + laterMinutes * MINUTE;
        const current = liveClocks(policy, ticket, nowMs);
        const proposed = replay(policy, ticket, nowMs);
        expect(proposed).toEqual(current);
        const tally = createSimulationTally();
        tally.add({ ticketId: 't', plan: 'p', priority: 'P1', current, proposed });
        expect(tally.summary().changedClocks).toBe(0);
      }),
      { numRuns: 250 },
    );
  });

  it('longer targets never add a breach', () => {
    fc.assert(
      fc.property(
        ticketArb,
        laterArb,
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }),
        (ticket, laterMinutes, factors) => {
          const policy = getPolicyPreset(ticket.policyId);
          const draft = longerTargets(policy, factors);
          const nowMs = ticket.lastMs + laterMinutes * MINUTE;
          const current = replay(policy, ticket, nowMs);
          const proposed = replay(draft, ticket, nowMs);
          for (const after of proposed) {
            const before = current.find((c) => c.metric === after.metric);
            if (after.state === 'breached') expect(before?.state).toBe('breached');
            if (after.dueAtMs !== null && before?.dueAtMs != null)
              expect(after.dueAtMs).toBeGreaterThanOrEqual(before.dueAtMs);
          }
          const tally = createSimulationTally();
          tally.add({ ticketId: 't', plan: 'p', priority: 'P1', current, proposed });
          const { current: was, proposed: would } = tally.summary();
          expect(would.breached).toBeLessThanOrEqual(was.breached);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a closed day added to a calendar never makes a due instant earlier', () => {
    fc.assert(
      fc.property(
        ticketArb,
        laterArb,
        fc.array(fc.integer({ min: -2, max: 20 }), { minLength: 1, maxLength: 3 }),
        (ticket, laterMinutes, dayOffsets) => {
          const policy = getPolicyPreset(ticket.policyId);
          const key = ticket.policyId === 'hosting-be' ? 'be-business' : 'sa-business';
          const spec = CALENDAR_PRESETS[key];
          // Days around the ticket's life, where a closure can matter.
          const zone = zoneOffset(spec.timeZone);
          const closed = dayOffsets.map((d) =>
            formatEpochDay(localEpochDay(zone, ticket.events[0]!.atMs + d * DAY)),
          );
          const edited = compileCalendar(parseCalendarSpec({ ...spec, closed: [...spec.closed, ...closed] }));
          const nowMs = ticket.lastMs + laterMinutes * MINUTE;
          const current = replay(policy, ticket, nowMs);
          const proposed = replay(policy, ticket, nowMs, { [key]: edited });
          for (const after of proposed) {
            const before = current.find((c) => c.metric === after.metric)!;
            expect(after.dueAtMs === null).toBe(before.dueAtMs === null);
            if (after.dueAtMs !== null) expect(after.dueAtMs).toBeGreaterThanOrEqual(before.dueAtMs!);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

const change = (ticketId: string, current: number | null, proposed: number | null): ClockChange =>
  clockChange(
    ticketId,
    'intervention',
    { metric: 'intervention', state: 'running', dueAtMs: current },
    { metric: 'intervention', state: 'running', dueAtMs: proposed },
  )!;

describe('clockChange', () => {
  it.each([
    ['same due, same state', 10, 10, undefined],
    ['later', 10, 25, 15],
    ['earlier', 10, 4, -6],
    ['target removed', 10, null, null],
    ['target added', null, 10, null],
  ])('%s', (_name, before, after, moved) => {
    const result = clockChange(
      't',
      'intervention',
      { metric: 'intervention', state: 'running', dueAtMs: before },
      { metric: 'intervention', state: 'running', dueAtMs: after },
    );
    if (moved === undefined) expect(result).toBeUndefined();
    else expect(result?.movedMs).toBe(moved);
  });

  it('a state change alone is a change, with no move', () => {
    const result = clockChange(
      't',
      'resolution',
      { metric: 'resolution', state: 'running', dueAtMs: 5 },
      { metric: 'resolution', state: 'breached', dueAtMs: 5 },
    );
    expect(result).toMatchObject({ movedMs: 0, currentState: 'running', proposedState: 'breached' });
  });

  it('a metric only one side measures is a change', () => {
    expect(
      clockChange('t', 'nextResponse', undefined, { metric: 'nextResponse', state: 'met', dueAtMs: 9 }),
    ).toMatchObject({ currentState: null, proposedState: 'met', currentDueAtMs: null, movedMs: null });
  });
});

describe('compareChanges', () => {
  it('orders targets added or removed first, then the largest move either way, then by ticket', () => {
    const list = [change('a', 10, 11), change('b', 10, null), change('c', 10, 0), change('d', 10, 20)];
    expect(list.sort(compareChanges).map((c) => c.ticketId)).toEqual(['b', 'c', 'd', 'a']);
  });
});

describe('createSimulationTally', () => {
  const clock = (dueAtMs: number | null, state: SimulatedClock['state'] = 'running'): SimulatedClock => ({
    metric: 'intervention',
    state,
    dueAtMs,
  });

  it('counts per plan, priority, metric and cell, current beside proposed', () => {
    const tally = createSimulationTally();
    tally.add({
      ticketId: 't1',
      plan: 'pro',
      priority: 'P1',
      current: [clock(10, 'breached')],
      proposed: [clock(30, 'met')],
    });
    tally.add({ ticketId: 't2', plan: 'pro', priority: 'P2', current: [clock(5)], proposed: [clock(5)] });
    const summary = tally.summary();
    expect(summary.tickets).toBe(2);
    expect(summary.current).toEqual({ clocks: 2, met: 0, breached: 1, running: 1, paused: 0 });
    expect(summary.proposed).toEqual({ clocks: 2, met: 1, breached: 0, running: 1, paused: 0 });
    expect(summary.byPlan).toEqual([
      expect.objectContaining({ key: { plan: 'pro' }, changed: 1, later: 1, earlier: 0 }),
    ]);
    expect(summary.byPriority.map((r) => [r.key.priority, r.changed])).toEqual([
      ['P1', 1],
      ['P2', 0],
    ]);
    expect(summary.cells).toHaveLength(2);
    expect(summary.changedClocks).toBe(1);
    expect(summary.changed).toEqual([
      {
        ticketId: 't1',
        metric: 'intervention',
        currentDueAtMs: 10,
        proposedDueAtMs: 30,
        currentState: 'breached',
        proposedState: 'met',
        movedMs: 20,
      },
    ]);
  });

  it('keeps only the `changedLimit` most moved, whatever the order tickets arrive in', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (moves, limit) => {
          const tally = createSimulationTally({ changedLimit: limit });
          moves.forEach((m, i) =>
            tally.add({
              ticketId: `t${String(i).padStart(3, '0')}`,
              plan: 'pro',
              priority: 'P1',
              current: [clock(0)],
              proposed: [clock(m)],
            }),
          );
          const { changed, changedClocks } = tally.summary();
          expect(changedClocks).toBe(moves.length);
          expect(changed.map((c) => c.movedMs)).toEqual([...moves].sort((a, b) => b - a).slice(0, limit));
        },
      ),
    );
  });
});
