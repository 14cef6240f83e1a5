import { describe, expect, it } from 'vitest';
import { formatInstant } from '../../calendar/zoned-time.ts';
import { clockOf, clocksAt, created } from '../sla-test-helpers.ts';

describe('computeClocks: traces name the closed days skipped', () => {
  it('lists the weekend and Easter Monday for a Pro P1 opened on the Friday before Easter', () => {
    const start = '2026-04-03T15:00:00+02:00';
    const clock = clockOf(clocksAt('hosting-be', [created(start, 'pro', 'P1')], start), 'intervention');
    expect(formatInstant(clock.dueAtMs!, 'Europe/Brussels')).toBe('2026-04-07T10:00:00+02:00');
    expect(clock.trace).toEqual([
      'policy hosting-be v1; plan pro, priority P1 (Critical)',
      "target: PT4H on be-business — Pro: GTI < 4 business hours, for blocking incidents (§3). GTI = « Délai maximum s'écoulant entre la notification de l'incident par le Client et le début de son analyse par notre équipe technique » (§1)",
      'started Fri 2026-04-03 15:00 +02:00 (ticket created)',
      'Sat 2026-04-04 closed: weekly day off',
      'Sun 2026-04-05 closed: weekly day off',
      'Mon 2026-04-06 closed: Easter Monday',
      'running at Fri 2026-04-03 15:00 +02:00; 0m used of 4h (0%); due Tue 2026-04-07 10:00 +02:00',
    ]);
  });

  it('names the Saudi holiday in a consulting trace', () => {
    const start = '2026-03-18T15:00:00+03:00';
    const clock = clockOf(clocksAt('consulting-sa', [created(start, 'standard', 'P1')], start), 'resolution');
    expect(clock.trace).toContain('Thu 2026-03-19 closed: End of Ramadan (Eid al-Fitr)');
    expect(clock.trace).toContain('Sun 2026-03-22 closed: End of Ramadan (Eid al-Fitr)');
  });
});
