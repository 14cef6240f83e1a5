import { describe, expect, it } from 'vitest';
import { ticketSearchTerms } from './ticket-search.ts';

describe('ticketSearchTerms', () => {
  it.each([
    ['Site down', ['site', 'down']],
    ['  Réseau  ÉCRAN ', ['reseau', 'ecran']],
    ['web-3: 503!', ['web', '3', '503']],
    ['john@acme.be', ['john', 'acme', 'be']],
    ['خادم البريد', ['خادم', 'البريد']],
    ['"; drop table tickets; --', ['drop', 'table', 'tickets']],
    ['*** ---', []],
    ['a a a', ['a']],
    ['1 2 3 4 5 6 7 8 9 10', ['1', '2', '3', '4', '5', '6', '7', '8']],
  ])('%j → %j', (query, terms) => {
    expect(ticketSearchTerms(query)).toEqual(terms);
  });
});
