import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeClocks } from './clock/index.ts';
import { getPolicyPreset } from './policy-presets.ts';
import { projectClock, type PersistedClock } from './projection.ts';
import { TEST_CONTRACT_OVERRIDES, testCalendars } from './sla-test-helpers.ts';
import type { PriorityId, TicketEvent, TicketStatus } from './ticket-event.ts';
import { isClockPaused } from './workflow.ts';

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
    'application',
    'hosting',
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
    else if (s.event === 'application' || s.event === 'hosting')
      events.push({ type: 'category-changed', atMs, category: s.event });
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

const KEYS = [
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

const ticket = (plans: readonly string[], priorities: readonly PriorityId[]) =>
  fc.record({
    createdAtMs: fc.integer({ min: 0, max: 300 * 24 }).map((h) => YEAR_2026_MS + h * HOUR_MS + 17 * 60_000),
    plan: fc.constantFrom(...plans),
    priority: fc.constantFrom(...priorities),
    steps: fc.array(step, { maxLength: 5 }),
    maintenanceContract: fc.boolean(),
    computeDelayMs: fc.integer({ min: 0, max: 4 * HOUR_MS }),
    laterMs: fc.integer({ min: 0, max: 120 * HOUR_MS }),
  });

describe('projectClock', () => {
  it.each(scenarios)(
    '$preset: advancing persisted clocks to now equals replaying the history through computeClocks',
    ({ preset, plans, priorities }) => {
      const policy = getPolicyPreset(preset);
      const calendars = testCalendars(policy);
      fc.assert(
        fc.property(ticket(plans, priorities), (t) => {
          const events = history(t.createdAtMs, t.plan, t.priority, t.steps);
          const computedAtMs = (events.at(-1)?.atMs ?? t.createdAtMs) + t.computeDelayMs;
          const nowMs = computedAtMs + t.laterMs;
          const input = {
            policy,
            events,
            calendars,
            calendarOverrides: TEST_CONTRACT_OVERRIDES,
            maintenanceContract: t.maintenanceContract,
            trace: false,
          };
          const persisted = computeClocks({ ...input, nowMs: computedAtMs });
          const live = computeClocks({ ...input, nowMs });
          const status = statusAfter(events);
          for (const c of persisted) {
            const stored: PersistedClock = {
              ...c,
              targetMs: c.remainingMs === null ? null : c.usedMs + c.remainingMs,
              computedAtMs,
            };
            const projected = projectClock(stored, {
              nowMs,
              calendar: calendars(c.calendarId),
              status,
              pauseRules: policy,
              warningThresholds: policy.warningThresholds,
            });
            const expected = live.find((l) => l.metric === c.metric);
            if (!expected) throw new Error(`the core lost clock ${c.metric}`);
            expect(Object.fromEntries(KEYS.map((k) => [k, projected[k]]))).toEqual(
              Object.fromEntries(KEYS.map((k) => [k, expected[k]])),
            );
          }
        }),
        { numRuns: 300 },
      );
    },
  );

  it.each(scenarios)(
    '$preset: until nextChangeAt, used time grows with real time when countingNow and stands still otherwise',
    ({ preset, plans, priorities }) => {
      const policy = getPolicyPreset(preset);
      const calendars = testCalendars(policy);
      fc.assert(
        fc.property(ticket(plans, priorities), fc.double({ min: 0, max: 1, noNaN: true }), (t, fraction) => {
          const events = history(t.createdAtMs, t.plan, t.priority, t.steps);
          const nowMs = (events.at(-1)?.atMs ?? t.createdAtMs) + t.laterMs;
          const input = {
            policy,
            events,
            calendars,
            calendarOverrides: TEST_CONTRACT_OVERRIDES,
            maintenanceContract: t.maintenanceContract,
            trace: false,
          };
          for (const c of computeClocks({ ...input, nowMs })) {
            const calendar = calendars(c.calendarId);
            const projected = projectClock(
              {
                ...c,
                targetMs: c.remainingMs === null ? null : c.usedMs + c.remainingMs,
                computedAtMs: nowMs,
              },
              {
                nowMs,
                calendar,
                status: statusAfter(events),
                pauseRules: policy,
                warningThresholds: policy.warningThresholds,
              },
            );
            const canCount = c.stoppedAtMs === null && !isClockPaused(policy, c.metric, statusAfter(events));
            expect(projected.countingNow).toBe(canCount && calendar.isOpen(nowMs));
            if (!canCount || c.target === null) {
              expect(projected.nextChangeAt).toBeNull();
              continue;
            }
            // 24/7 calendars never change: look a week ahead instead.
            const changeAt = projected.nextChangeAt ?? nowMs + 168 * HOUR_MS;
            expect(changeAt).toBeGreaterThan(nowMs);
            if (projected.nextChangeAt !== null)
              expect(calendar.isOpen(projected.nextChangeAt)).toBe(!calendar.isOpen(nowMs));
            const laterMs = nowMs + Math.floor(fraction * (changeAt - nowMs));
            const later = computeClocks({ ...input, nowMs: laterMs }).find((l) => l.metric === c.metric);
            expect(later?.usedMs).toBe(c.usedMs + (projected.countingNow ? laterMs - nowMs : 0));
          }
        }),
        { numRuns: 200 },
      );
    },
  );

  it('hosting-be: a pending-customer ticket keeps counting its GTI but pauses its resolution clock', () => {
    const policy = getPolicyPreset('hosting-be');
    const calendar = calendars('be-business');
    const base = {
      state: 'running' as const,
      calendarId: 'be-business',
      dueAtMs: null,
      breachedAtMs: null,
      stoppedAtMs: null,
      usedMs: 0,
      computedAtMs: Date.parse('2026-03-16T08:00:00Z'),
    };
    const at = {
      nowMs: Date.parse('2026-03-16T10:00:00Z'),
      calendar,
      status: 'pending-customer' as const,
      pauseRules: policy,
      warningThresholds: [],
    };
    const gti = projectClock(
      {
        ...base,
        metric: 'intervention',
        target: 'PT4H',
        targetMs: 4 * HOUR_MS,
        dueAtMs: Date.parse('2026-03-16T12:00:00Z'),
      },
      at,
    );
    const resolution = projectClock({ ...base, metric: 'resolution', target: null, targetMs: null }, at);
    expect([gti.usedMs, gti.countingNow]).toEqual([2 * HOUR_MS, true]);
    expect([resolution.usedMs, resolution.countingNow, resolution.nextChangeAt]).toEqual([0, false, null]);
  });
});

function calendars(id: string) {
  return testCalendars(getPolicyPreset('hosting-be'))(id);
}
