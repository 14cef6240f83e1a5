import { describe, expect, it } from 'vitest';
import { formatInstant } from '../../calendar/zoned-time.ts';
import { at, clockOf, clocksAt, created } from '../sla-test-helpers.ts';
import type { TicketEvent } from '../ticket-event.ts';

const HOUR = 3_600_000;
const be = (ms: number | null) => (ms === null ? null : formatInstant(ms, 'Europe/Brussels'));
const event = (
  type: 'agent-replied' | 'analysis-started' | 'customer-replied',
  iso: string,
): TicketEvent => ({ type, atMs: at(iso) });

// Monday 16 March 2026, Brussels (+01:00): an ordinary business day, 08:30–17:30.
const MON = (hhmm: string) => `2026-03-16T${hhmm}:00+01:00`;
const TUE = (hhmm: string) => `2026-03-17T${hhmm}:00+01:00`;

describe('computeClocks: priority and plan changes recompute from the original start', () => {
  it('an upgrade P3 → P1 an hour in: the P1 target counts from creation', () => {
    const events = [
      created(MON('09:00'), 'pro', 'P3'),
      { type: 'priority-changed', atMs: at(MON('10:00')), priority: 'P1' } as const,
    ];
    const clock = clockOf(clocksAt('hosting-be', events, MON('11:00')), 'intervention');
    expect([clock.priority, clock.target, be(clock.dueAtMs), clock.usedMs, clock.state]).toEqual([
      'P1',
      'PT4H',
      MON('13:00'),
      2 * HOUR,
      'running',
    ]);
    expect(clock.trace).toContainEqual(
      expect.stringMatching(
        /^Mon 2026-03-16 10:00 \+01:00 priority changed P3 → P1: target recomputed from the start: PT4H on be-business — Pro: GTI < 4 business hours, for blocking incidents \(§3\)\. GTI = « Délai maximum/,
      ),
    );
  });

  it('an upgrade after the new target is already used up breaches at the change', () => {
    const events = [
      created(MON('09:00'), 'pro', 'P3'),
      { type: 'priority-changed', atMs: at(TUE('09:00')), priority: 'P1' } as const,
    ];
    const clock = clockOf(clocksAt('hosting-be', events, TUE('09:30')), 'intervention');
    expect([clock.state, be(clock.breachedAtMs), be(clock.dueAtMs)]).toEqual([
      'breached',
      TUE('09:00'),
      MON('13:00'),
    ]);
  });

  it('a downgrade after a breach keeps the breach recorded', () => {
    const events = [
      created(MON('09:00'), 'pro', 'P1'),
      { type: 'priority-changed', atMs: at(MON('14:00')), priority: 'P3' } as const,
    ];
    const clock = clockOf(clocksAt('hosting-be', events, MON('15:00')), 'intervention');
    expect([clock.state, clock.target, be(clock.breachedAtMs)]).toEqual(['breached', 'PT48H', MON('13:00')]);
    expect(clock.remainingMs).toBe(42 * HOUR);
    expect(clock.trace).toContain(
      'Mon 2026-03-16 13:00 +01:00 breach recorded: target PT4H (pro, P1) was due Mon 2026-03-16 13:00 +01:00',
    );
  });

  it('a downgrade before the breach simply extends the target', () => {
    const events = [
      created(MON('09:00'), 'pro', 'P1'),
      { type: 'priority-changed', atMs: at(MON('12:00')), priority: 'P2' } as const,
    ];
    const clock = clockOf(clocksAt('hosting-be', events, MON('15:00')), 'intervention');
    expect([clock.state, clock.target, clock.breachedAtMs, be(clock.dueAtMs)]).toEqual([
      'running',
      'PT24H',
      null,
      '2026-03-18T15:00:00+01:00',
    ]);
  });

  it('a plan change also recomputes: Start → Pro turns 48 h into 4 h from creation', () => {
    const events = [
      created(MON('09:00'), 'start', 'P1'),
      { type: 'plan-changed', atMs: at(MON('10:00')), plan: 'pro' } as const,
    ];
    const clock = clockOf(clocksAt('hosting-be', events, MON('10:30')), 'intervention');
    expect([clock.plan, clock.target, be(clock.dueAtMs)]).toEqual(['pro', 'PT4H', MON('13:00')]);
  });

  it('a change at exactly now applies at once', () => {
    const events = [
      created(MON('09:00'), 'pro', 'P3'),
      { type: 'priority-changed', atMs: at(MON('10:00')), priority: 'P1' } as const,
    ];
    expect(clockOf(clocksAt('hosting-be', events, MON('10:00')), 'intervention').target).toBe('PT4H');
  });

  it('a change after the clock stopped does not touch it', () => {
    const events = [
      created(MON('09:00'), 'pro', 'P3'),
      event('analysis-started', MON('10:00')),
      { type: 'priority-changed', atMs: at(MON('16:00')), priority: 'P1' } as const,
    ];
    const clock = clockOf(clocksAt('hosting-be', events, TUE('09:00')), 'intervention');
    expect([clock.state, clock.priority, clock.target]).toEqual(['met', 'P3', 'PT48H']);
  });
});

describe('computeClocks: warnings', () => {
  it.each([
    { now: MON('11:55'), threshold: null, next: MON('12:00') },
    { now: MON('12:00'), threshold: 75, next: MON('12:36') },
    { now: MON('12:40'), threshold: 90, next: null },
    { now: MON('13:00'), threshold: 90, next: null },
  ])('at $now: threshold $threshold, next warning $next', ({ now, threshold, next }) => {
    const clock = clockOf(clocksAt('hosting-be', [created(MON('09:00'), 'pro', 'P1')], now), 'intervention');
    expect(clock.warningThreshold).toBe(threshold);
    expect(be(clock.nextWarningAtMs)).toBe(next);
  });
});
