import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeClocks } from './clock/index.ts';
import { getPolicyPreset } from './policy-presets.ts';
import { parseSlaPolicy } from './policy.schema.ts';
import { at, created, testCalendars } from './sla-test-helpers.ts';
import { TICKET_STATUSES, type TicketEventType, type TicketStatus } from './ticket-event.ts';
import {
  allowedTransitions,
  assertTransition,
  isClockPaused,
  isDoneStatus,
  stopsClock,
  type WorkflowRole,
} from './workflow.ts';

const status = fc.constantFrom(...TICKET_STATUSES);
const role = fc.constantFrom<WorkflowRole>('staff', 'requester');

describe('allowedTransitions', () => {
  it.each([
    { from: 'new', role: 'staff', allowed: ['open', 'pending-customer', 'resolved'] },
    { from: 'open', role: 'staff', allowed: ['pending-customer', 'resolved'] },
    { from: 'pending-customer', role: 'staff', allowed: ['open', 'resolved'] },
    { from: 'resolved', role: 'staff', allowed: ['open', 'closed'] },
    { from: 'closed', role: 'staff', allowed: [] },
    { from: 'open', role: 'requester', allowed: [] },
    { from: 'resolved', role: 'requester', allowed: ['open', 'closed'] },
  ] as const)('$role: $from → $allowed', ({ from, role, allowed }) => {
    expect(allowedTransitions(from, role)).toEqual(allowed);
  });

  it('a requester can do nothing staff cannot, nobody leaves closed, and no status moves to itself', () => {
    fc.assert(
      fc.property(status, (from) => {
        for (const to of allowedTransitions(from, 'requester'))
          expect(allowedTransitions(from, 'staff')).toContain(to);
        expect(allowedTransitions(from, 'staff')).not.toContain(from);
        expect(allowedTransitions('closed', 'staff')).toEqual([]);
      }),
    );
  });
});

describe('assertTransition', () => {
  it('throws INVALID_TRANSITION exactly for the moves allowedTransitions leaves out, naming the allowed ones', () => {
    fc.assert(
      fc.property(status, status, role, (from, to, who) => {
        const allowed = allowedTransitions(from, who);
        if (allowed.includes(to)) expect(() => assertTransition(from, to, who)).not.toThrow();
        else
          expect(() => assertTransition(from, to, who)).toThrow(
            expect.objectContaining({
              code: 'INVALID_TRANSITION',
              message: `cannot move a ${from} ticket to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
            }),
          );
      }),
    );
  });
});

describe('isClockPaused', () => {
  const hosting = getPolicyPreset('hosting-be');

  it.each([
    { metric: 'intervention', status: 'pending-customer', paused: false },
    { metric: 'resolution', status: 'pending-customer', paused: true },
    { metric: 'resolution', status: 'open', paused: false },
  ] as const)('hosting-be: $metric in $status → paused $paused', ({ metric, status, paused }) => {
    expect(isClockPaused(hosting, metric, status)).toBe(paused);
  });

  it('is what computeClocks replays: a ticket moved to a status pauses exactly the clocks the rule names', () => {
    const pausable = TICKET_STATUSES.filter((s) => !isDoneStatus(s));
    const statuses = fc.subarray([...pausable]);
    fc.assert(
      fc.property(
        statuses,
        fc.option(statuses, { nil: undefined }),
        fc.constantFrom(...pausable),
        (pauseStatuses, gtiStatuses, moveTo) => {
          const policy = parseSlaPolicy({
            ...hosting,
            pauseStatuses,
            metricPauseStatuses: gtiStatuses === undefined ? {} : { intervention: gtiStatuses },
          });
          const events = [
            created('2026-03-16T09:00:00+01:00', 'pro', 'P1'),
            { type: 'status-changed' as const, atMs: at('2026-03-16T09:30:00+01:00'), status: moveTo },
          ];
          const clocks = computeClocks({
            policy,
            events,
            nowMs: at('2026-03-16T10:00:00+01:00'),
            calendars: testCalendars(policy),
            trace: false,
          });
          for (const clock of clocks)
            expect(clock.state === 'paused').toBe(
              isClockPaused(policy, clock.metric, moveTo as TicketStatus),
            );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('stopsClock', () => {
  it.each([
    { metric: 'intervention', stops: ['analysis-started'] },
    { metric: 'firstResponse', stops: ['agent-replied'] },
    { metric: 'nextResponse', stops: ['agent-replied'] },
    { metric: 'resolution', stops: [] },
  ] as const)('$metric stops at $stops', ({ metric, stops }) => {
    const types: TicketEventType[] = [
      'created',
      'priority-changed',
      'plan-changed',
      'category-changed',
      'status-changed',
      'agent-replied',
      'analysis-started',
      'customer-replied',
    ];
    expect(types.filter((t) => stopsClock(metric, t))).toEqual(stops);
  });
});
