import { describe, expect, it } from 'vitest';
import { formatInstant } from '../../calendar/zoned-time.ts';
import { computeClocks } from './index.ts';
import { getPolicyPreset } from '../policy-presets.ts';
import { at, clockOf, clocksAt, created } from '../sla-test-helpers.ts';
import { SlaError } from '../sla-error.ts';
import type { TicketEvent } from '../ticket-event.ts';
import { policyCalendarResolver } from '../calendar-resolver.ts';

const be = (ms: number | null) => (ms === null ? null : formatInstant(ms, 'Europe/Brussels'));
const event = (
  type: 'agent-replied' | 'analysis-started' | 'customer-replied',
  iso: string,
): TicketEvent => ({ type, atMs: at(iso) });

// Monday 16 March 2026, Brussels (+01:00): an ordinary business day, 08:30–17:30.
const MON = (hhmm: string) => `2026-03-16T${hhmm}:00+01:00`;

describe('computeClocks: contract calendars, scope and input rules', () => {
  it('a Sur Mesure contract calendar replaces the extended-hours placeholder', () => {
    const policy = getPolicyPreset('hosting-be');
    const clocks = computeClocks({
      policy,
      events: [created('2026-03-15T03:00:00+01:00', 'sur-mesure', 'P1')], // a Sunday night: placeholder hours are closed
      nowMs: at('2026-03-15T03:00:00+01:00'),
      calendars: policyCalendarResolver(policy),
      calendarOverrides: { 'sur-mesure-extended': 'always-open' },
    });

    const clock = clockOf(clocks, 'intervention');
    expect([clock.calendarId, be(clock.dueAtMs)]).toEqual(['always-open', '2026-03-15T05:00:00+01:00']);
    expect(clock.trace[1]).toContain('always-open (contract calendar replacing sur-mesure-extended)');
  });

  it.each([
    { category: 'hosting', contract: false, billable: false },
    { category: 'application', contract: true, billable: false },
    { category: 'application', contract: false, billable: true },
  ] as const)(
    '$category ticket, maintenance contract $contract → billable $billable',
    ({ category, contract, billable }) => {
      const clock = clockOf(
        clocksAt('hosting-be', [created(MON('09:00'), 'pro', 'P1', { category })], MON('10:00'), {
          maintenanceContract: contract,
        }),
        'intervention',
      );
      expect(clock.billing.billable).toBe(billable);
      expect(clock.trace.some((l) => l.startsWith('scope:'))).toBe(billable);
    },
  );

  it('a Sur Mesure P1 without the contract calendar fails clearly: no placeholder hours decide its GTI (§2)', () => {
    const policy = getPolicyPreset('hosting-be');
    const compute = () =>
      computeClocks({
        policy,
        events: [created(MON('09:00'), 'sur-mesure', 'P1')],
        nowMs: at(MON('10:00')),
        calendars: policyCalendarResolver(policy),
      });
    expect(compute).toThrow(
      expect.objectContaining({
        code: 'CONTRACT_CALENDAR_REQUIRED',
        message: expect.stringContaining(
          "calendar 'sur-mesure-extended' of policy hosting-be is set by each contract",
        ),
      }),
    );
    // A Sur Mesure P2 counts on be-business: no contract hours needed.
    const p2 = computeClocks({
      policy,
      events: [created(MON('09:00'), 'sur-mesure', 'P2')],
      nowMs: at(MON('10:00')),
      calendars: policyCalendarResolver(policy),
    });
    expect(clockOf(p2, 'intervention').target).toBe('PT24H');
  });

  it.each([
    { contract: false, target: null, billable: true },
    { contract: true, target: 'PT4H', billable: false },
  ] as const)(
    'an application bug on Pro, maintenance contract $contract: GTI $target (§5)',
    ({ contract, target, billable }) => {
      const events = [created(MON('09:00'), 'pro', 'P1', { category: 'application' })];
      const clock = clockOf(
        clocksAt('hosting-be', events, MON('15:00'), { maintenanceContract: contract }),
        'intervention',
      );
      expect([clock.target, clock.state, clock.billing.billable]).toEqual([
        target,
        billable ? 'running' : 'breached',
        billable,
      ]);
      expect(clock.trace[1]).toContain(
        contract
          ? 'Maintenance Applicative'
          : "Ces SLA concernent la disponibilité de l'infrastructure d'hébergement",
      );
      if (billable)
        expect(clock.trace).toContain(
          'scope: application ticket outside the agreement and without a maintenance contract: billable (quote)',
        );
    },
  );

  it('follows the category in force: re-filed as an application bug, the hosting GTI no longer applies', () => {
    const events: TicketEvent[] = [
      created(MON('09:00'), 'pro', 'P1'),
      { type: 'category-changed', atMs: at(MON('10:00')), category: 'application' },
    ];
    const clock = clockOf(clocksAt('hosting-be', events, MON('15:00')), 'intervention');
    expect([clock.target, clock.state, clock.breachedAtMs, clock.billing.billable]).toEqual([
      null,
      'running',
      null,
      true,
    ]);
    expect(clock.trace).toContainEqual(
      expect.stringMatching(
        /^Mon 2026-03-16 10:00 \+01:00 category changed hosting → application: target recomputed from the start: no target/,
      ),
    );
    // Back to hosting: the GTI counts from the notification again, over the same time.
    const back = [
      ...events,
      { type: 'category-changed', atMs: at(MON('11:00')), category: 'hosting' } as const,
    ];
    const hosting = clockOf(clocksAt('hosting-be', back, MON('15:00')), 'intervention');
    expect([hosting.target, hosting.state, be(hosting.breachedAtMs)]).toEqual([
      'PT4H',
      'breached',
      MON('13:00'),
    ]);
  });

  it('ignores events after now, does not mutate its input, and sorts by time', () => {
    const events = [event('analysis-started', MON('10:00')), created(MON('09:00'), 'pro', 'P1')];
    const copy = structuredClone(events);
    const before = clockOf(clocksAt('hosting-be', events, MON('09:30')), 'intervention');
    expect([before.state, before.usedMs]).toEqual(['running', 30 * 60_000]);
    expect(clockOf(clocksAt('hosting-be', events, MON('11:00')), 'intervention').state).toBe('met');
    expect(events).toEqual(copy);
  });

  it.each([
    { name: 'no created event', events: [event('agent-replied', MON('09:00'))], code: 'INVALID_EVENTS' },
    {
      name: 'two created events',
      events: [created(MON('09:00'), 'pro', 'P1'), created(MON('09:10'), 'pro', 'P1')],
      code: 'INVALID_EVENTS',
    },
    { name: 'unknown plan', events: [created(MON('09:00'), 'gold', 'P1')], code: 'UNKNOWN_PLAN' },
    {
      name: 'priority outside the policy',
      events: [created(MON('09:00'), 'pro', 'P4')],
      code: 'UNKNOWN_PRIORITY',
    },
    {
      name: 'NaN instant',
      events: [created(MON('09:00'), 'pro', 'P1'), { type: 'agent-replied', atMs: Number.NaN } as const],
      code: 'INVALID_EVENTS',
    },
  ])('refuses $name with SlaError $code', ({ events, code }) => {
    const run = () => clocksAt('hosting-be', events, MON('12:00'));
    expect(run).toThrow(SlaError);
    expect(run).toThrow(expect.objectContaining({ code }));
  });
});
