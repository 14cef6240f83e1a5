import { describe, expect, it } from 'vitest';
import { EMPTY_FILTERS, normalizeFilters, queueQuery, searchable } from './queue-filters.ts';

const NOW = Date.parse('2026-03-09T08:00:00Z');

describe('queueQuery', () => {
  it.each([
    [{}, { limit: 200 }],
    [
      { queue: 'priority', assignee: 'me' },
      { limit: 200, queue: 'priority', assignee: 'me' },
    ],
    [
      { status: ['new', 'open'], priority: ['P1'] },
      { limit: 200, status: 'new,open', priority: 'P1' },
    ],
    [{ breachingWithinHours: 2 }, { limit: 200, breachingBefore: '2026-03-09T10:00:00.000Z' }],
    [{ breachingWithinHours: 0 }, { limit: 200, breachingBefore: '2026-03-09T08:00:00.000Z' }],
    [{ text: '  web-3 down ' }, { limit: 200, q: 'web-3 down' }],
    [{ text: '*** ' }, { limit: 200 }],
    [
      { organizationId: 'o1', tag: 'storage' },
      { limit: 200, organizationId: 'o1', tag: 'storage' },
    ],
  ] as const)('%j', (filters, query) => {
    expect(queueQuery({ ...EMPTY_FILTERS, ...filters } as never, NOW)).toEqual(query);
  });
});

describe('normalizeFilters', () => {
  it('reads an older saved view with today’s defaults', () => {
    expect(
      normalizeFilters({ queue: 'standard', assignee: 'none', status: ['pending-customer', 'new'] }),
    ).toEqual({ ...EMPTY_FILTERS, queue: 'standard', assignee: 'none', status: ['new'] });
    expect(normalizeFilters('junk')).toEqual(EMPTY_FILTERS);
  });
});

describe('searchable', () => {
  it.each([
    ['disk', true],
    ['خادم', true],
    ['-- !', false],
    ['', false],
  ])('%j → %j', (text, expected) => expect(searchable(text)).toBe(expected));
});
