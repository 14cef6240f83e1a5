import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { slaDeadlines } from './deadlines.ts';
import { getPolicyPreset } from './policy-presets.ts';
import { at, clocksAt, created, testCalendars } from './sla-test-helpers.ts';
import type { TicketEvent } from './ticket-event.ts';

const hosting = getPolicyPreset('hosting-be');
const consulting = getPolicyPreset('consulting-sa');

function deadlinesAt(policy: typeof hosting, events: TicketEvent[], nowMs: number) {
  return slaDeadlines({
    clocks: clocksAt(policy, events, nowMs),
    calendars: testCalendars(policy),
    warningThresholds: policy.warningThresholds,
    nowMs,
  });
}

describe('slaDeadlines', () => {
  it('puts a Pro P1 GTI’s 75 %, 90 % and breach at 3 h, 3 h 36 and 4 h of Brussels business time', () => {
    // Friday 16:00 Brussels: 1 h 30 left that day, then Monday from 08:30.
    const events = [created('2026-03-27T16:00:00+01:00', 'pro', 'P1')];
    const gti = deadlinesAt(hosting, events, at('2026-03-27T16:00:00+01:00')).filter(
      (d) => d.metric === 'intervention',
    );
    expect(gti.map((d) => [d.kind, d.threshold, new Date(d.atMs).toISOString()])).toEqual([
      ['warning', 75, '2026-03-30T08:00:00.000Z'],
      ['warning', 90, '2026-03-30T08:36:00.000Z'],
      ['breach', 100, '2026-03-30T09:00:00.001Z'],
    ]);
  });

  it('has none for a paused or stopped clock, and fires a line already crossed at once', () => {
    const start = '2026-03-02T09:00:00+01:00';
    const paused: TicketEvent[] = [
      created(start, 'standard', 'P2'),
      { type: 'status-changed', atMs: at('2026-03-02T09:30:00+01:00'), status: 'pending-customer' },
    ];
    const nowMs = at('2026-03-02T10:00:00+01:00');
    expect(deadlinesAt(consulting, paused, nowMs).filter((d) => d.metric === 'firstResponse')).toEqual([]);
    const late = deadlinesAt(hosting, [created(start, 'pro', 'P1')], at('2026-03-02T12:30:00+01:00'));
    const gti = late.filter((d) => d.metric === 'intervention');
    expect(gti.find((d) => d.threshold === 75)?.atMs).toBe(at('2026-03-02T12:30:00+01:00'));
    expect(gti.find((d) => d.kind === 'breach')?.atMs).toBe(at('2026-03-02T13:00:00+01:00') + 1);
  });

  it('keeps the breach a clock reached before it stopped or paused, due at once; nothing else', () => {
    const start = '2026-03-02T09:00:00+01:00';
    // Pro P1 GTI breached at 13:00; analysis starts at 13:20 (stopped), or the client is asked at 13:20 (resolution).
    const stopped: TicketEvent[] = [
      created(start, 'pro', 'P1'),
      { type: 'analysis-started', atMs: at('2026-03-02T13:20:00+01:00') },
    ];
    const nowMs = at('2026-03-02T13:30:00+01:00');
    const gti = deadlinesAt(hosting, stopped, nowMs).filter((d) => d.metric === 'intervention');
    expect(gti).toEqual([
      {
        kind: 'breach',
        metric: 'intervention',
        threshold: 100,
        atMs: nowMs,
        target: 'PT4H',
        dueAtMs: at('2026-03-02T13:00:00+01:00'),
      },
    ]);
    // Stopped in time: nothing at all.
    const inTime: TicketEvent[] = [
      created(start, 'pro', 'P1'),
      { type: 'analysis-started', atMs: at('2026-03-02T12:00:00+01:00') },
    ];
    expect(deadlinesAt(hosting, inTime, nowMs).filter((d) => d.metric === 'intervention')).toEqual([]);
  });

  it('each deadline is where the recomputed clock reaches its line (property, consulting P1–P3)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 * 24 * 20 }),
        fc.constantFrom('P1', 'P2', 'P3') as fc.Arbitrary<'P1' | 'P2' | 'P3'>,
        (minutes, priority) => {
          const createdMs = at('2026-03-01T06:00:00Z') + minutes * 60_000;
          const events = [created(new Date(createdMs).toISOString(), 'standard', priority)];
          for (const d of deadlinesAt(consulting, events, createdMs)) {
            const clock = clocksAt(consulting, events, d.atMs).find((c) => c.metric === d.metric)!;
            if (d.kind === 'breach') expect(clock.state).toBe('breached');
            else expect(clock.percentUsed).toBeCloseTo(d.threshold, 6);
            expect(d.atMs).toBeLessThanOrEqual(d.dueAtMs + 1);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
