import { describe, expect, it } from 'vitest';
import { parseTicketEventsJson } from './ticket-event.schema.ts';
import { at } from './sla-test-helpers.ts';

describe('parseTicketEventsJson', () => {
  it('turns ISO `at` into atMs; an `at` without offset is local to the given zone', () => {
    const events = parseTicketEventsJson(
      [
        {
          type: 'created',
          at: '2026-03-16T09:00:00+01:00',
          plan: 'pro',
          priority: 'P1',
          category: 'hosting',
          channel: 'phone',
        },
        { type: 'status-changed', at: '2026-07-01T10:00', status: 'pending-customer' },
      ],
      'Europe/Brussels',
    );
    expect(events).toEqual([
      {
        type: 'created',
        atMs: at('2026-03-16T08:00:00Z'),
        plan: 'pro',
        priority: 'P1',
        category: 'hosting',
        channel: 'phone',
      },
      { type: 'status-changed', atMs: at('2026-07-01T08:00:00Z'), status: 'pending-customer' },
    ]);
  });

  it('reads a category change, and refuses an unknown category', () => {
    const events = parseTicketEventsJson(
      [{ type: 'category-changed', at: '2026-03-16T09:00:00Z', category: 'application' }],
      'UTC',
    );
    expect(events).toEqual([
      { type: 'category-changed', atMs: at('2026-03-16T09:00:00Z'), category: 'application' },
    ]);
    expect(() =>
      parseTicketEventsJson(
        [{ type: 'category-changed', at: '2026-03-16T09:00:00Z', category: 'design' }],
        'UTC',
      ),
    ).toThrow('events[0].category');
  });

  it.each([
    { input: { type: 'created' }, message: 'events: ' },
    { input: [{ type: 'agent-replied', at: '2026-03-16T09:00:00Z', who: 'bob' }], message: 'events[0]' },
    {
      input: [{ type: 'status-changed', at: '2026-03-16T09:00:00Z', status: 'waiting' }],
      message: 'events[0].status',
    },
    { input: [{ type: 'teleported', at: '2026-03-16T09:00:00Z' }], message: 'events[0].type' },
    {
      input: [
        { type: 'agent-replied', at: '2026-03-16T09:00:00Z' },
        { type: 'agent-replied', at: 'yesterday' },
      ],
      message: 'events[1].at',
    },
  ])('names the bad field: $message', ({ input, message }) => {
    expect(() => parseTicketEventsJson(input, 'UTC')).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENTS', message: expect.stringContaining(message) }),
    );
  });
});
