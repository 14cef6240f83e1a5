import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getPolicyPreset, SLA_POLICY_PRESET_IDS } from '../policy-presets.ts';
import { at, clocksAt } from '../sla-test-helpers.ts';
import { pauseStatusesOf } from '../workflow.ts';
import { TICKET_CATEGORIES, TICKET_STATUSES, type PriorityId, type TicketEvent } from '../ticket-event.ts';

const MINUTE = 60_000;
const YEAR_START = at('2026-01-01T00:00:00Z');
const YEAR_MINUTES = 330 * 24 * 60;

type Step =
  | { kind: 'priority'; pick: number }
  | { kind: 'plan'; pick: number }
  | { kind: 'status'; pick: number }
  | { kind: 'category'; pick: number }
  | { kind: 'agent-replied' | 'analysis-started' | 'customer-replied' };

const stepArb = (withStatus: boolean): fc.Arbitrary<Step> =>
  fc.oneof(
    fc.record({ kind: fc.constant('priority' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('plan' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('category' as const), pick: fc.nat() }),
    fc.record({
      kind: fc.constantFrom(
        'agent-replied' as const,
        'analysis-started' as const,
        'customer-replied' as const,
      ),
    }),
    ...(withStatus ? [fc.record({ kind: fc.constant('status' as const), pick: fc.nat() })] : []),
  );

interface Ticket {
  policyId: (typeof SLA_POLICY_PRESET_IDS)[number];
  events: TicketEvent[];
  lastMs: number;
}

/** A random but valid history: created, then steps a few minutes to a few business days apart. */
function ticketArb(withStatus = true): fc.Arbitrary<Ticket> {
  return fc
    .record({
      policyId: fc.constantFrom(...SLA_POLICY_PRESET_IDS),
      startMinute: fc.integer({ min: 0, max: YEAR_MINUTES }),
      plan: fc.nat(),
      priority: fc.nat(),
      steps: fc.array(
        fc.record({ gapMinutes: fc.integer({ min: 1, max: 4 * 24 * 60 }), step: stepArb(withStatus) }),
        { maxLength: 10 },
      ),
    })
    .map(({ policyId, startMinute, plan, priority, steps }) => {
      const policy = getPolicyPreset(policyId);
      const pickPriority = (n: number): PriorityId => policy.priorities[n % policy.priorities.length]!.id;
      const pickPlan = (n: number) => policy.plans[n % policy.plans.length]!.id;
      let atMs = YEAR_START + startMinute * MINUTE;
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
        else if (step.kind === 'status')
          events.push({
            type: 'status-changed',
            atMs,
            status: TICKET_STATUSES[step.pick % TICKET_STATUSES.length]!,
          });
        else events.push({ type: step.kind, atMs });
      }
      return { policyId, events, lastMs: atMs };
    });
}

const offsetArb = fc.integer({ min: 0, max: 10 * 24 * 60 });

describe('computeClocks properties', () => {
  it('is deterministic: same events and now give the same clocks, whatever the input order', () => {
    fc.assert(
      fc.property(ticketArb(), offsetArb, fc.nat(), ({ policyId, events, lastMs }, offset, seed) => {
        const nowMs = lastMs + offset * MINUTE;
        const shuffled = [...events].sort(
          (a, b) => ((a.atMs * 7919 + seed) % 13) - ((b.atMs * 7919 + seed) % 13),
        );
        const first = clocksAt(policyId, events, nowMs);
        expect(clocksAt(policyId, structuredClone(events), nowMs)).toEqual(first);
        expect(clocksAt(policyId, shuffled, nowMs)).toEqual(first);
      }),
      { numRuns: 150 },
    );
  });

  it('computes the same clocks without the trace (trace: false only leaves it empty)', () => {
    fc.assert(
      fc.property(
        ticketArb(),
        offsetArb,
        fc.boolean(),
        ({ policyId, events, lastMs }, offset, maintenanceContract) => {
          // Also instants inside the history, where later events are not yet known.
          const nowMs =
            events[0]!.atMs + ((offset * MINUTE) % (lastMs - events[0]!.atMs + 10 * 24 * 60 * MINUTE));
          const traced = clocksAt(policyId, events, nowMs, { maintenanceContract });
          const untraced = clocksAt(policyId, events, nowMs, { maintenanceContract, trace: false });
          expect(traced.every((c) => c.trace.length > 0)).toBe(true);
          expect(untraced.every((c) => c.trace.length === 0)).toBe(true);
          expect(untraced).toEqual(traced.map((c) => ({ ...c, trace: [], traceEntries: [] })));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is monotonic: a later now never un-breaches, and the first breach instant never moves', () => {
    fc.assert(
      fc.property(ticketArb(), offsetArb, offsetArb, ({ policyId, events, lastMs }, a, b) => {
        // Both instants may fall inside the history: later events then arrive in between.
        const span = lastMs - events[0]!.atMs;
        const nowA = events[0]!.atMs + ((Math.min(a, b) * MINUTE) % (span + 10 * 24 * 60 * MINUTE));
        const nowB = Math.max(
          nowA,
          events[0]!.atMs + ((Math.max(a, b) * MINUTE) % (span + 10 * 24 * 60 * MINUTE)),
        );
        const earlier = clocksAt(policyId, events, nowA);
        const later = clocksAt(policyId, events, nowB);
        for (const clock of earlier) {
          if (clock.state !== 'breached') continue;
          const after = later.find((c) => c.metric === clock.metric)!;
          expect(after.state).toBe('breached');
          expect(after.breachedAtMs).toBe(clock.breachedAtMs);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('pausing never makes a due instant earlier nor adds used time', () => {
    fc.assert(
      fc.property(
        ticketArb(false),
        fc.integer({ min: 0, max: 6 * 24 * 60 }),
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        offsetArb,
        ({ policyId, events, lastMs }, pauseAt, pauseMinutes, offset) => {
          const fromMs = events[0]!.atMs + pauseAt * MINUTE;
          const paused: TicketEvent[] = [
            ...events,
            { type: 'status-changed', atMs: fromMs, status: 'pending-customer' },
            { type: 'customer-replied', atMs: fromMs + pauseMinutes * MINUTE },
          ];
          const nowMs = Math.max(lastMs, fromMs) + offset * MINUTE;
          const without = clocksAt(policyId, events, nowMs);
          const withPause = clocksAt(policyId, paused, nowMs);
          for (const clock of without) {
            const other = withPause.find((c) => c.metric === clock.metric)!;
            expect(other.usedMs).toBeLessThanOrEqual(clock.usedMs);
            if (clock.dueAtMs !== null && other.dueAtMs !== null)
              expect(other.dueAtMs).toBeGreaterThanOrEqual(clock.dueAtMs);
            if (clock.breachedAtMs !== null && other.breachedAtMs !== null) {
              expect(other.breachedAtMs).toBeGreaterThanOrEqual(clock.breachedAtMs);
            }
            if (clock.state !== 'breached') expect(other.state).not.toBe('breached');
            // A metric the policy never pauses (hosting-be's GTI) does not notice the wait at all.
            if (pauseStatusesOf(getPolicyPreset(policyId), clock.metric).length === 0)
              expect({ ...other, trace: [], traceEntries: [] }).toEqual({
                ...clock,
                trace: [],
                traceEntries: [],
              });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
