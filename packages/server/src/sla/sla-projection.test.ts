import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeClocks,
  getPolicyPreset,
  policyCalendarResolver,
  type PriorityId,
  type TicketEvent,
  type TicketStatus,
} from './sla-core.ts';
import { projectClock } from './sla-projection.ts';

const HOUR_MS = 3_600_000;
const YEAR_2026_MS = Date.parse('2026-01-01T00:00:00Z');

const scenarios = [
  {
    preset: 'hosting-be',
    plans: ['start', 'classique', 'pro', 'sur-mesure'],
    priorities: ['P1', 'P2', 'P3'],
  },
  { preset: 'consulting-sa', plans: ['standard'], priorities: ['P1', 'P2', 'P3', 'P4'] },
] as const;

const step = fc.record({
  afterMs: fc.integer({ min: 0, max: 30 * HOUR_MS }),
  event: fc.constantFrom(
    'agent-replied',
    'analysis-started',
    'customer-replied',
    'pending-customer',
    'open',
    'resolved',
    'P1',
    'P3',
  ),
});

/** The history as the server builds it: `created`, then a few changes (a customer reply while pending reopens). */
function history(
  createdAtMs: number,
  plan: string,
  priority: PriorityId,
  steps: { afterMs: number; event: string }[],
): TicketEvent[] {
  const events: TicketEvent[] = [
    { type: 'created', atMs: createdAtMs, plan, priority, category: 'hosting', channel: 'ticket' },
  ];
  let atMs = createdAtMs;
  for (const s of steps) {
    atMs += s.afterMs;
    if (s.event === 'P1' || s.event === 'P3')
      events.push({ type: 'priority-changed', atMs, priority: s.event });
    else if (s.event === 'pending-customer' || s.event === 'open' || s.event === 'resolved')
      events.push({ type: 'status-changed', atMs, status: s.event });
    else {
      events.push({ type: s.event as 'agent-replied' | 'analysis-started' | 'customer-replied', atMs });
      if (s.event === 'customer-replied' && statusAfter(events) === 'pending-customer')
        events.push({ type: 'status-changed', atMs, status: 'open' });
    }
  }
  return events;
}

function statusAfter(events: readonly TicketEvent[]): TicketStatus {
  let status: TicketStatus = 'new';
  for (const e of events) if (e.type === 'status-changed') status = e.status;
  return status;
}

describe('projectClock', () => {
  it.each(scenarios)(
    '$preset: advancing persisted clocks to now equals replaying the history through the core',
    ({ preset, plans, priorities }) => {
      const policy = getPolicyPreset(preset);
      const calendars = policyCalendarResolver(policy);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 300 * 24 }).map((h) => YEAR_2026_MS + h * HOUR_MS + 17 * 60_000),
          fc.constantFrom(...plans),
          fc.constantFrom(...priorities),
          fc.array(step, { maxLength: 4 }),
          fc.integer({ min: 0, max: 4 * HOUR_MS }),
          fc.integer({ min: 0, max: 120 * HOUR_MS }),
          (createdAtMs, plan, priority, steps, computeDelayMs, laterMs) => {
            const events = history(createdAtMs, plan, priority, steps);
            const computedAtMs = (events.at(-1)?.atMs ?? createdAtMs) + computeDelayMs;
            const nowMs = computedAtMs + laterMs;
            const persisted = computeClocks({ policy, events, nowMs: computedAtMs, calendars });
            const live = computeClocks({ policy, events, nowMs, calendars });
            const paused = (policy.pauseStatuses as readonly string[]).includes(statusAfter(events));
            for (const c of persisted) {
              const projected = projectClock(
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
                  computedAtMs,
                },
                {
                  nowMs,
                  calendar: calendars(c.calendarId),
                  paused,
                  warningThresholds: policy.warningThresholds,
                },
              );
              const expected = live.find((l) => l.metric === c.metric);
              if (!expected) throw new Error(`the core lost clock ${c.metric}`);
              const keys = [
                'metric',
                'state',
                'target',
                'calendarId',
                'dueAtMs',
                'usedMs',
                'remainingMs',
                'percentUsed',
                'warningThreshold',
                'breachedAtMs',
                'stoppedAtMs',
              ] as const;
              expect(projected).toEqual(Object.fromEntries(keys.map((k) => [k, expected[k]])));
            }
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});
