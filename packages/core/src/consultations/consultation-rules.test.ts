import { describe, expect, it } from 'vitest';
import { getCalendarPreset } from '../calendar/presets.ts';
import { consultationPolicySchema } from './consultation-policy.ts';
import {
  acceptDueAt,
  canTransition,
  contactDueAt,
  contactMet,
  contactWarnings,
  ineligibility,
  median,
  nextConsultant,
  routeAfterRefusal,
  runningDeadline,
  type ConsultantProfile,
} from './consultation-rules.ts';

const calendar = getCalendarPreset('sa-business');
const policy = consultationPolicySchema.parse({});
const at = (isoText: string) => Date.parse(isoText);

describe('acceptDueAt', () => {
  it.each([
    ['within one day', '2026-03-02T11:00:00+03:00', '2026-03-02T15:00:00+03:00'],
    ['across the Fri–Sat weekend', '2026-03-05T16:00:00+03:00', '2026-03-08T11:00:00+03:00'],
    ['across Eid al-Fitr (19–22 March 2026)', '2026-03-18T16:00:00+03:00', '2026-03-23T11:00:00+03:00'],
    ['offered at night starts at the next opening', '2026-03-02T22:00:00+03:00', '2026-03-03T13:00:00+03:00'],
  ])('%s', (_name, offered, due) => {
    expect(acceptDueAt({ calendar, policy, offeredAtMs: at(offered) })).toBe(at(due));
  });
});

describe('contactDueAt', () => {
  it('is 24 hours of open time (2⅔ days of 9 h), not one business day', () => {
    // Mon 11:00 → 7 h Monday, 9 h Tuesday, 8 h Wednesday.
    expect(contactDueAt({ calendar, policy, acceptedAtMs: at('2026-03-02T11:00:00+03:00') })).toBe(
      at('2026-03-04T17:00:00+03:00'),
    );
  });
});

describe('contactWarnings', () => {
  it('puts the 75 % warning at 18 business hours', () => {
    expect(contactWarnings({ calendar, policy, acceptedAtMs: at('2026-03-02T11:00:00+03:00') })).toEqual([
      { threshold: 75, atMs: at('2026-03-04T11:00:00+03:00') },
    ]);
  });
});

const profile = (userId: string, over: Partial<ConsultantProfile> = {}): ConsultantProfile => ({
  userId,
  specialties: ['tax'],
  languages: ['ar', 'en'],
  capacity: 2,
  available: true,
  awayUntilMs: null,
  ...over,
});
const need = { specialty: 'Tax', language: 'en' };
const nowMs = at('2026-03-02T11:00:00+03:00');

describe('ineligibility', () => {
  it.each([
    ['qualified', profile('a'), 0, [], null],
    ['declined before', profile('a'), 0, ['a'], 'excluded'],
    ['other specialty', profile('a', { specialties: ['law'] }), 0, [], 'specialty'],
    ['other language', profile('a', { languages: ['fr'] }), 0, [], 'language'],
    ['away indefinitely', profile('a', { available: false }), 0, [], 'away'],
    ['away until later', profile('a', { available: false, awayUntilMs: nowMs + 1 }), 0, [], 'away'],
    ['back from away', profile('a', { available: false, awayUntilMs: nowMs }), 0, [], null],
    ['at capacity', profile('a'), 2, [], 'at-capacity'],
  ] as const)('%s', (_name, p, openCount, excluded, expected) => {
    expect(ineligibility({ profile: p, need, openCount, excluded: new Set(excluded), nowMs })).toBe(expected);
  });
});

describe('nextConsultant', () => {
  it('picks the eligible consultant with the most room, never an excluded one', () => {
    const candidates = [
      { profile: profile('a', { capacity: 10 }), openCount: 0 },
      { profile: profile('b', { capacity: 10 }), openCount: 3 },
      { profile: profile('c', { capacity: 10 }), openCount: 1 },
    ];
    expect(nextConsultant({ candidates, need, excluded: new Set(['a']), nowMs })).toBe('c');
    expect(nextConsultant({ candidates, need, excluded: new Set(['a', 'b', 'c']), nowMs })).toBeNull();
  });
});

describe('routeAfterRefusal', () => {
  it.each([
    ['board', 'x', true, { state: 'open', alertAdmins: false }],
    ['board', null, false, { state: 'open', alertAdmins: true }],
    ['next-consultant', 'x', true, { state: 'offered', consultantId: 'x', alertAdmins: false }],
    ['next-consultant', null, false, { state: 'open', alertAdmins: true }],
  ] as const)('%s, next %s', (onExpiry, next, boardHasTaker, expected) => {
    expect(routeAfterRefusal({ onExpiry, next, boardHasTaker })).toEqual(expected);
  });
});

describe('contactMet', () => {
  it.each([
    [100, 100, 50, true],
    [100, 101, 200, false],
    [100, null, 100, null],
    [100, null, 101, false],
  ])('due %s, contacted %s, now %s → %s', (due, contacted, now, expected) => {
    expect(contactMet(due, contacted, now)).toBe(expected);
  });
});

describe('canTransition', () => {
  it.each([
    ['offered', 'accept', true],
    ['open', 'accept', false],
    ['open', 'claim', true],
    ['accepted', 'claim', false],
    ['closed', 'contact', false],
  ] as const)('%s → %s', (state, action, expected) => {
    expect(canTransition(state, action)).toBe(expected);
  });
});

describe('median', () => {
  it.each([
    [[], null],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('%j → %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe('consultationPolicySchema', () => {
  it('refuses a zero or malformed duration and an unknown route', () => {
    expect(consultationPolicySchema.safeParse({ acceptWithin: 'PT0H' }).success).toBe(false);
    expect(consultationPolicySchema.safeParse({ contactWithin: '24h' }).success).toBe(false);
    expect(consultationPolicySchema.safeParse({ onExpiry: 'nowhere' }).success).toBe(false);
  });
});

describe('runningDeadline', () => {
  const accept = at('2026-03-02T15:00:00+03:00');
  const contact = at('2026-03-04T17:00:00+03:00');
  it.each([
    [
      'offered, open hours: counting, 3 h left',
      'offered',
      '2026-03-02T12:00:00+03:00',
      'accept',
      3,
      true,
      '2026-03-02T18:00:00+03:00',
    ],
    [
      'offered, past due: negative business time',
      'offered',
      '2026-03-02T16:30:00+03:00',
      'accept',
      -1.5,
      true,
      '2026-03-02T18:00:00+03:00',
    ],
    [
      'accepted, at night: standing still until 09:00',
      'accepted',
      '2026-03-03T22:00:00+03:00',
      'contact',
      8,
      false,
      '2026-03-04T09:00:00+03:00',
    ],
    [
      'accepted, Friday (weekend), overdue since Wednesday 17:00',
      'accepted',
      '2026-03-06T10:00:00+03:00',
      'contact',
      -10,
      false,
      '2026-03-08T09:00:00+03:00',
    ],
  ] as const)('%s', (_name, state, now, metric, remainingHours, countingNow, nextChange) => {
    const d = runningDeadline({
      calendar,
      state,
      acceptDueAtMs: accept,
      contactDueAtMs: contact,
      nowMs: at(now),
    });
    expect(d).toEqual({
      metric,
      dueAtMs: metric === 'accept' ? accept : contact,
      remainingMs: remainingHours * 3_600_000,
      countingNow,
      nextChangeAtMs: at(nextChange),
    });
  });
  it.each(['open', 'contacted', 'closed', 'cancelled'] as const)('none while %s', (state) => {
    expect(
      runningDeadline({ calendar, state, acceptDueAtMs: accept, contactDueAtMs: contact, nowMs: accept }),
    ).toBeNull();
  });
});
