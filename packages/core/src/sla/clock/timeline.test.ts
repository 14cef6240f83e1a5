import { describe, expect, it } from 'vitest';
import { formatInstant } from '../../calendar/zoned-time.ts';
import { getPolicyPreset } from '../policy-presets.ts';
import { parseSlaPolicy } from '../policy.schema.ts';
import { at, clockOf, clocksAt, created } from '../sla-test-helpers.ts';
import type { TicketEvent, TicketStatus } from '../ticket-event.ts';

const HOUR = 3_600_000;
const be = (ms: number | null) => (ms === null ? null : formatInstant(ms, 'Europe/Brussels'));
const sa = (ms: number | null) => (ms === null ? null : formatInstant(ms, 'Asia/Riyadh'));
const status = (iso: string, s: TicketStatus): TicketEvent => ({
  type: 'status-changed',
  atMs: at(iso),
  status: s,
});
const event = (
  type: 'agent-replied' | 'analysis-started' | 'customer-replied',
  iso: string,
): TicketEvent => ({ type, atMs: at(iso) });

// Monday 16 March 2026, Brussels (+01:00): an ordinary business day, 08:30–17:30.
const MON = (hhmm: string) => `2026-03-16T${hhmm}:00+01:00`;
const TUE = (hhmm: string) => `2026-03-17T${hhmm}:00+01:00`;

describe('computeClocks: pause and resume', () => {
  // A policy whose GTI pauses like every other clock (the hosting preset's never does, see below).
  const pausingGti = parseSlaPolicy({ ...getPolicyPreset('hosting-be'), metricPauseStatuses: {} });
  const history = [
    created(MON('09:00'), 'pro', 'P1'),
    status(MON('10:00'), 'pending-customer'),
    event('customer-replied', MON('14:00')),
  ];

  it.each([
    // now, state, used hours, due
    { now: MON('09:30'), state: 'running', usedH: 0.5, due: MON('13:00') },
    // Paused: the due instant is the one the clock would have if it resumed now.
    { now: MON('12:00'), state: 'paused', usedH: 1, due: MON('15:00') },
    { now: MON('15:00'), state: 'running', usedH: 2, due: MON('17:00') },
  ])('at $now: $state, $usedH h used, due $due', ({ now, state, usedH, due }) => {
    const clock = clockOf(clocksAt(pausingGti, history, now), 'intervention');
    expect(clock.state).toBe(state);
    expect(clock.usedMs).toBe(usedH * HOUR);
    expect(be(clock.dueAtMs)).toBe(due);
    expect(clock.remainingMs).toBe(4 * HOUR - usedH * HOUR);
  });

  it('resumes on a status change out of the pause statuses, and traces the pause', () => {
    const events = [
      created(MON('09:00'), 'pro', 'P1'),
      status(MON('10:00'), 'pending-customer'),
      status(MON('11:00'), 'open'),
    ];
    const clock = clockOf(clocksAt(pausingGti, events, MON('12:00')), 'intervention');
    expect([clock.state, clock.usedMs, be(clock.dueAtMs)]).toEqual(['running', 2 * HOUR, MON('14:00')]);
    expect(clock.trace).toContain(
      'Mon 2026-03-16 10:00 +01:00 paused until Mon 2026-03-16 11:00 +01:00 (status pending-customer; resumed by status open)',
    );
  });

  it('pauses every clock the policy pauses, resolution included', () => {
    const clock = clockOf(clocksAt('hosting-be', history, MON('12:00')), 'resolution');
    expect([clock.state, clock.usedMs]).toEqual(['paused', HOUR]);
  });

  it('hosting-be: the GTI never pauses ("le début de son analyse" waits on no one), and its trace shows no pause', () => {
    const clocks = clocksAt('hosting-be', history, MON('12:00'));
    const gti = clockOf(clocks, 'intervention');
    expect([gti.state, gti.usedMs, be(gti.dueAtMs)]).toEqual(['running', 3 * HOUR, MON('13:00')]);
    expect(gti.trace.some((line) => line.includes('paused'))).toBe(false);
    expect(clockOf(clocks, 'resolution').state).toBe('paused');
  });

  it('follows the policy pause statuses (none: a pending ticket keeps counting)', () => {
    const policy = parseSlaPolicy({ ...getPolicyPreset('hosting-be'), pauseStatuses: [] });
    const clock = clockOf(clocksAt(policy, history, MON('12:00')), 'resolution');
    expect([clock.state, clock.usedMs]).toEqual(['running', 3 * HOUR]);
  });
});

describe('computeClocks: what stops intervention and first response', () => {
  it('analysis-started stops the hosting GTI clock', () => {
    const clock = clockOf(
      clocksAt(
        'hosting-be',
        [created(MON('09:00'), 'pro', 'P1'), event('analysis-started', MON('10:00'))],
        MON('16:00'),
      ),
      'intervention',
    );
    expect([clock.state, clock.usedMs, be(clock.stoppedAtMs), be(clock.dueAtMs)]).toEqual([
      'met',
      HOUR,
      MON('10:00'),
      MON('13:00'),
    ]);
    expect(clock.percentUsed).toBe(25);
  });

  it('a reply is not the start of the analysis: agent-replied leaves the GTI running (§1, « le début de son analyse »)', () => {
    const events = [created(MON('09:00'), 'pro', 'P1'), event('agent-replied', MON('10:00'))];
    const clock = clockOf(clocksAt('hosting-be', events, MON('11:00')), 'intervention');
    expect([clock.state, clock.usedMs, clock.stoppedAtMs]).toEqual(['running', 2 * HOUR, null]);
    const later = clockOf(clocksAt('hosting-be', events, MON('14:00')), 'intervention');
    expect([later.state, be(later.breachedAtMs)]).toEqual(['breached', MON('13:00')]);
  });

  it('only the first analysis-started counts: a later one (another agent) changes nothing', () => {
    const first = [created(MON('09:00'), 'pro', 'P1'), event('analysis-started', MON('10:00'))];
    const twice = [...first, status(MON('11:00'), 'resolved'), status(MON('12:00'), 'open')];
    const again = [...twice, event('analysis-started', MON('15:00'))];
    const once = clockOf(clocksAt('hosting-be', twice, TUE('09:00')), 'intervention');
    const repeated = clockOf(clocksAt('hosting-be', again, TUE('09:00')), 'intervention');
    expect(repeated).toEqual(once);
    expect([repeated.state, be(repeated.stoppedAtMs)]).toEqual(['met', MON('10:00')]);
  });

  it('analysis-started does not answer the customer: the consulting first-response clock keeps running', () => {
    const start = '2026-03-15T09:00:00+03:00';
    const events = [created(start, 'standard', 'P1'), event('analysis-started', '2026-03-15T09:20:00+03:00')];
    const clocks = clocksAt('consulting-sa', events, '2026-03-15T09:40:00+03:00');
    expect(clockOf(clocks, 'firstResponse').state).toBe('running');
    const replied = clocksAt(
      'consulting-sa',
      [...events, event('agent-replied', '2026-03-15T09:50:00+03:00')],
      '2026-03-15T11:00:00+03:00',
    );
    expect(clockOf(replied, 'firstResponse')).toMatchObject({ state: 'met', usedMs: 50 * 60_000 });
  });

  it('a reply exactly at the due instant meets the target; one minute later breaches it', () => {
    const start = [created(MON('09:00'), 'pro', 'P1')];
    expect(
      clockOf(
        clocksAt('hosting-be', [...start, event('analysis-started', MON('13:00'))], TUE('09:00')),
        'intervention',
      ).state,
    ).toBe('met');
    const late = clockOf(
      clocksAt('hosting-be', [...start, event('analysis-started', MON('13:01'))], TUE('09:00')),
      'intervention',
    );
    expect([late.state, be(late.breachedAtMs), be(late.stoppedAtMs)]).toEqual([
      'breached',
      MON('13:00'),
      MON('13:01'),
    ]);
  });

  it('the deadline is the closing time: after 17:30 a clock due at 17:30 is breached though no business time passed', () => {
    const clock = clockOf(
      clocksAt('hosting-be', [created(MON('13:30'), 'pro', 'P1')], MON('18:00')),
      'intervention',
    );
    expect([clock.state, be(clock.breachedAtMs), clock.usedMs, clock.remainingMs]).toEqual([
      'breached',
      MON('17:30'),
      4 * HOUR,
      0,
    ]);
  });

  it('resolving the ticket before any reply stops the first clocks, and says so', () => {
    const clock = clockOf(
      clocksAt(
        'hosting-be',
        [created(MON('09:00'), 'pro', 'P1'), status(MON('09:30'), 'resolved')],
        MON('12:00'),
      ),
      'intervention',
    );
    expect(clock.state).toBe('met');
    expect(clock.trace).toContain(
      'Mon 2026-03-16 09:30 +01:00 stopped: ticket resolved before the analysis started',
    );
  });
});

describe('computeClocks: resolution, reopen', () => {
  // Sunday 15 March 2026 in Riyadh, a business day (09:00–18:00). P1 resolution: 4 business hours.
  const SUN = (hhmm: string) => `2026-03-15T${hhmm}:00+03:00`;
  const events = [
    created(SUN('09:00'), 'standard', 'P1'),
    event('agent-replied', SUN('09:30')),
    status(SUN('11:00'), 'resolved'),
    status(SUN('12:00'), 'open'),
  ];

  it('is met while resolved, with the deadline it met', () => {
    const clock = clockOf(clocksAt('consulting-sa', events.slice(0, 3), SUN('11:30')), 'resolution');
    expect([clock.state, sa(clock.stoppedAtMs), clock.usedMs, sa(clock.dueAtMs)]).toEqual([
      'met',
      SUN('11:00'),
      2 * HOUR,
      SUN('13:00'),
    ]);
  });

  it('counts on from the time already used after a reopen', () => {
    const clock = clockOf(clocksAt('consulting-sa', events, SUN('13:00')), 'resolution');
    expect([clock.state, clock.usedMs, sa(clock.dueAtMs), clock.stoppedAtMs]).toEqual([
      'running',
      3 * HOUR,
      SUN('14:00'),
      null,
    ]);
    expect(clock.trace).toContain(
      'Sun 2026-03-15 12:00 +03:00 reopened (status open): counting resumes from the time already used',
    );
  });

  it('a breach before the resolution stays after a reopen', () => {
    const late = [
      created(SUN('09:00'), 'standard', 'P1'),
      status(SUN('14:00'), 'resolved'),
      status(SUN('15:00'), 'open'),
    ];
    const clock = clockOf(clocksAt('consulting-sa', late, SUN('15:30')), 'resolution');
    expect([clock.state, sa(clock.breachedAtMs)]).toEqual(['breached', SUN('13:00')]);
  });

  it('reopening does not restart the first-response clock', () => {
    expect(clockOf(clocksAt('consulting-sa', events, SUN('13:00')), 'firstResponse')).toMatchObject({
      state: 'met',
      usedMs: 30 * 60_000,
    });
  });

  it('P4 resolution has no target: it counts time but never breaches', () => {
    const clock = clockOf(
      clocksAt('consulting-sa', [created(SUN('09:00'), 'standard', 'P4')], '2026-06-01T12:00:00+03:00'),
      'resolution',
    );
    expect([clock.state, clock.target, clock.dueAtMs, clock.percentUsed, clock.breachedAtMs]).toEqual([
      'running',
      null,
      null,
      null,
      null,
    ]);
    expect(clock.usedMs).toBeGreaterThan(0);
  });
});

describe('computeClocks: nextResponse (a policy that measures it)', () => {
  const policy = parseSlaPolicy({
    ...getPolicyPreset('consulting-sa'),
    metrics: ['firstResponse', 'resolution', 'nextResponse'],
    targets: [
      ...getPolicyPreset('consulting-sa').targets,
      { plans: '*', priorities: '*', metric: 'nextResponse', duration: 'PT2H', calendar: 'sa-business' },
    ],
  });
  const SUN = (hhmm: string) => `2026-03-15T${hhmm}:00+03:00`;

  it('appears once a customer replies after an agent, and reports the latest cycle', () => {
    const base = [created(SUN('09:00'), 'standard', 'P2'), event('customer-replied', SUN('09:10'))];
    expect(clocksAt(policy, base, SUN('10:00')).map((c) => c.metric)).toEqual([
      'firstResponse',
      'resolution',
    ]);

    const cycles = [
      ...base,
      event('agent-replied', SUN('09:30')),
      event('customer-replied', SUN('10:00')),
      event('agent-replied', SUN('13:00')), // 3 h: breached cycle 1
      event('customer-replied', SUN('14:00')),
    ];
    const clock = clockOf(clocksAt(policy, cycles, SUN('15:00')), 'nextResponse');
    expect([clock.state, sa(clock.startedAtMs), sa(clock.dueAtMs), clock.usedMs]).toEqual([
      'running',
      SUN('14:00'),
      SUN('16:00'),
      HOUR,
    ]);
    expect(
      clock.trace.some((line) =>
        line.startsWith('earlier reply #1: breached at Sun 2026-03-15 12:00 +03:00'),
      ),
    ).toBe(true);
  });
});
