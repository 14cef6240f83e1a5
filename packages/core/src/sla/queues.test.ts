import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstant } from '../calendar/zoned-time.ts';
import { policyCalendarResolver } from './calendar-resolver.ts';
import { queueClass, queueSortKey, queueStartMs } from './queues.ts';
import { parseSlaPolicy } from './policy.schema.ts';
import { getPolicyPreset } from './policy-presets.ts';
import { at } from './sla-test-helpers.ts';
import type { PriorityId } from './ticket-event.ts';

const hosting = getPolicyPreset('hosting-be');
const consulting = getPolicyPreset('consulting-sa');

describe('queueClass', () => {
  it.each([
    { plan: 'start', priority: undefined, expected: 'standard' },
    { plan: 'classique', priority: 'P1', expected: 'standard' },
    { plan: 'pro', priority: undefined, expected: 'priority' },
    { plan: 'pro', priority: 'P1', expected: 'priority' },
    { plan: 'sur-mesure', priority: 'P2', expected: 'priority' },
    // P3 follows the standard schedule whatever the plan
    { plan: 'pro', priority: 'P3', expected: 'standard' },
    { plan: 'sur-mesure', priority: 'P3', expected: 'standard' },
  ] as const)('$plan $priority → $expected', ({ plan, priority, expected }) => {
    expect(queueClass(hosting, plan, priority)).toBe(expected);
  });
});

describe('queueStartMs', () => {
  it.each([
    // standard queue: from the next business day, at its opening
    {
      plan: 'start',
      priority: 'P1',
      created: '2026-03-16T10:00:00+01:00',
      expected: '2026-03-17T08:30:00+01:00',
    },
    {
      plan: 'start',
      priority: 'P1',
      created: '2026-03-16T07:00:00+01:00',
      expected: '2026-03-17T08:30:00+01:00',
    },
    {
      plan: 'classique',
      priority: 'P2',
      created: '2026-03-21T10:00:00+01:00',
      expected: '2026-03-23T08:30:00+01:00',
    },
    // Friday before Easter: Monday is a holiday
    {
      plan: 'start',
      priority: 'P1',
      created: '2026-04-03T15:00:00+02:00',
      expected: '2026-04-07T08:30:00+02:00',
    },
    {
      plan: 'pro',
      priority: 'P3',
      created: '2026-04-03T15:00:00+02:00',
      expected: '2026-04-07T08:30:00+02:00',
    },
    // priority queue: at arrival
    {
      plan: 'pro',
      priority: 'P1',
      created: '2026-04-03T15:00:00+02:00',
      expected: '2026-04-03T15:00:00+02:00',
    },
  ] as const)('$plan $priority created $created → $expected', ({ plan, priority, created, expected }) => {
    const startMs = queueStartMs({
      policy: hosting,
      plan,
      priority,
      createdAtMs: at(created),
      calendars: policyCalendarResolver(hosting),
    });
    expect(formatInstant(startMs, 'Europe/Brussels')).toBe(expected);
  });

  it('the consulting queue starts at arrival', () => {
    const createdAtMs = at('2026-03-13T15:00:00+03:00');
    expect(
      queueStartMs({
        policy: consulting,
        plan: 'standard',
        priority: 'P4',
        createdAtMs,
        calendars: policyCalendarResolver(consulting),
      }),
    ).toBe(createdAtMs);
  });
});

describe('queueSortKey', () => {
  const key = (
    policy: typeof hosting,
    queueClass: 'standard' | 'priority',
    priority: PriorityId,
    created: string,
    due: string | null,
  ) =>
    queueSortKey(policy, {
      queueClass,
      priority,
      createdAtMs: at(created),
      dueAtMs: due === null ? null : at(due),
    });
  const order = (rows: { name: string; key: string }[]) =>
    [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((r) => r.name);

  it('consulting-sa (one queue, order priority): P1 before P2 before P3 before P4, then by due instant', () => {
    const rows = [
      { name: 'P4', key: key(consulting, 'standard', 'P4', '2026-03-15T09:00:00+03:00', null) },
      {
        name: 'P2 due later',
        key: key(consulting, 'standard', 'P2', '2026-03-15T09:00:00+03:00', '2026-03-16T13:00:00+03:00'),
      },
      {
        name: 'P3',
        key: key(consulting, 'standard', 'P3', '2026-03-15T08:00:00+03:00', '2026-03-16T09:00:00+03:00'),
      },
      {
        name: 'P2 due sooner',
        key: key(consulting, 'standard', 'P2', '2026-03-15T10:00:00+03:00', '2026-03-16T11:00:00+03:00'),
      },
      {
        name: 'P1',
        key: key(consulting, 'standard', 'P1', '2026-03-15T11:00:00+03:00', '2026-03-15T12:00:00+03:00'),
      },
    ];
    expect(order(rows)).toEqual(['P1', 'P2 due sooner', 'P2 due later', 'P3', 'P4']);
  });

  it('hosting-be: the priority queue (Pro) ahead of the standard one, the standard queue in arrival order (fifo)', () => {
    const rows = [
      {
        name: 'start P1, arrived 2nd',
        key: key(hosting, 'standard', 'P1', '2026-03-16T10:00:00+01:00', '2026-03-18T10:00:00+01:00'),
      },
      {
        name: 'classique P3, arrived 1st',
        key: key(hosting, 'standard', 'P3', '2026-03-16T09:00:00+01:00', '2026-03-20T09:00:00+01:00'),
      },
      {
        name: 'pro P2',
        key: key(hosting, 'priority', 'P2', '2026-03-16T08:00:00+01:00', '2026-03-18T08:00:00+01:00'),
      },
      {
        name: 'pro P1',
        key: key(hosting, 'priority', 'P1', '2026-03-16T11:00:00+01:00', '2026-03-16T15:00:00+01:00'),
      },
    ];
    expect(order(rows)).toEqual(['pro P1', 'pro P2', 'classique P3, arrived 1st', 'start P1, arrived 2nd']);
  });

  it('follows the policy: a standard queue switched to order priority sorts by priority', () => {
    const byPriority = parseSlaPolicy({
      ...hosting,
      queues: { ...hosting.queues, standard: { ...hosting.queues.standard, order: 'priority' } },
    });
    const early = key(byPriority, 'standard', 'P3', '2026-03-16T09:00:00+01:00', null);
    const late = key(byPriority, 'standard', 'P1', '2026-03-16T10:00:00+01:00', null);
    expect(late < early).toBe(true);
    expect(
      key(hosting, 'standard', 'P1', '2026-03-16T10:00:00+01:00', null) >
        key(hosting, 'standard', 'P3', '2026-03-16T09:00:00+01:00', null),
    ).toBe(true);
  });

  it('sorts as the comparator it encodes (property)', () => {
    const ticket = fc.record({
      policy: fc.constantFrom(hosting, consulting),
      queueClass: fc.constantFrom('standard' as const, 'priority' as const),
      priority: fc.constantFrom<PriorityId>('P1', 'P2', 'P3'),
      createdAtMs: fc.integer({ min: 0, max: 8_000_000_000_000 }),
      dueAtMs: fc.option(fc.integer({ min: 0, max: 8_000_000_000_000 })),
    });
    fc.assert(
      fc.property(ticket, ticket, (a, b) => {
        const policy = a.policy;
        const rank = (t: typeof a) => {
          const queue =
            t.queueClass === 'priority' && policy.queues.priority
              ? policy.queues.priority
              : policy.queues.standard;
          const tuple = [queue === policy.queues.priority ? 0 : 1];
          if (queue.order === 'priority')
            tuple.push(['P1', 'P2', 'P3', 'P4'].indexOf(t.priority), t.dueAtMs ?? Number.MAX_SAFE_INTEGER);
          return [...tuple, t.createdAtMs];
        };
        const [ra, rb] = [rank(a), rank(b)];
        const cmp = ra.reduce((acc, x, i) => acc || Math.sign(x - rb[i]!), 0);
        const ka = queueSortKey(policy, a);
        const kb = queueSortKey(policy, b);
        expect(Math.sign(ka < kb ? -1 : ka > kb ? 1 : 0)).toBe(cmp);
      }),
      { numRuns: 500 },
    );
  });
});
