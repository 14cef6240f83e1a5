import { describe, expect, it } from 'vitest';
import { policyCalendarResolver } from './calendar-resolver.ts';
import { checkChannel } from './channels.ts';
import { getPolicyPreset } from './policy-presets.ts';
import { at, TEST_CONTRACT_OVERRIDES, testCalendars } from './sla-test-helpers.ts';
import type { ChannelId, PriorityId } from './ticket-event.ts';

const hosting = getPolicyPreset('hosting-be');
const consulting = getPolicyPreset('consulting-sa');

describe('checkChannel', () => {
  const MON_10 = '2026-03-16T10:00:00+01:00';
  const SAT_10 = '2026-03-21T10:00:00+01:00';
  it.each([
    // hosting: the plan table
    {
      policy: hosting,
      plan: 'start',
      channel: 'ticket',
      priority: 'P1',
      when: SAT_10,
      expected: { allowed: true },
    },
    {
      policy: hosting,
      plan: 'start',
      channel: 'email',
      priority: 'P1',
      when: MON_10,
      expected: { reason: 'CHANNEL_NOT_IN_PLAN', allowedChannels: ['ticket'] },
    },
    {
      policy: hosting,
      plan: 'start',
      channel: 'phone',
      priority: 'P1',
      when: MON_10,
      expected: { reason: 'CHANNEL_NOT_IN_PLAN', allowedChannels: ['ticket'] },
    },
    {
      policy: hosting,
      plan: 'classique',
      channel: 'email',
      priority: 'P3',
      when: SAT_10,
      expected: { allowed: true },
    },
    // Pro phone: business hours, critical incidents only
    {
      policy: hosting,
      plan: 'pro',
      channel: 'phone',
      priority: 'P1',
      when: MON_10,
      expected: { allowed: true },
    },
    {
      policy: hosting,
      plan: 'pro',
      channel: 'phone',
      priority: 'P2',
      when: MON_10,
      expected: { reason: 'CHANNEL_PRIORITY_NOT_ALLOWED', allowedChannels: ['ticket', 'email'] },
    },
    {
      policy: hosting,
      plan: 'pro',
      channel: 'phone',
      priority: 'P1',
      when: SAT_10,
      expected: { reason: 'CHANNEL_CLOSED_NOW', allowedChannels: ['ticket', 'email'] },
    },
    {
      policy: hosting,
      plan: 'pro',
      channel: 'phone',
      priority: 'P1',
      when: '2026-04-06T10:00:00+02:00',
      expected: { reason: 'CHANNEL_CLOSED_NOW' },
    },
    // Sur Mesure direct line: the placeholder extended hours (Mon–Sat 07:00–22:00)
    {
      policy: hosting,
      plan: 'sur-mesure',
      channel: 'direct-line',
      priority: 'P2',
      when: SAT_10,
      // No contract given: the direct line's hours are the contract's, so it is not open (no placeholder hours).
      expected: { reason: 'CHANNEL_CLOSED_NOW', allowedChannels: ['ticket', 'email'] },
    },
    {
      policy: hosting,
      plan: 'sur-mesure',
      channel: 'direct-line',
      priority: 'P1',
      when: '2026-03-22T10:00:00+01:00',
      expected: { reason: 'CHANNEL_CLOSED_NOW', allowedChannels: ['ticket', 'email'] },
    },
    // consulting: live chat in Saudi business hours, chatbot 24/7
    {
      policy: consulting,
      plan: 'standard',
      channel: 'chat',
      priority: 'P2',
      when: '2026-03-15T10:00:00+03:00',
      expected: { allowed: true },
    },
    {
      policy: consulting,
      plan: 'standard',
      channel: 'chat',
      priority: 'P2',
      when: '2026-03-13T10:00:00+03:00',
      expected: { reason: 'CHANNEL_CLOSED_NOW', allowedChannels: ['ticket', 'chatbot'] },
    },
    {
      policy: consulting,
      plan: 'standard',
      channel: 'chatbot',
      priority: 'P4',
      when: '2026-03-13T03:00:00+03:00',
      expected: { allowed: true },
    },
    {
      policy: consulting,
      plan: 'standard',
      channel: 'phone',
      priority: 'P1',
      when: '2026-03-15T10:00:00+03:00',
      expected: { reason: 'CHANNEL_NOT_IN_PLAN', allowedChannels: ['ticket', 'chat', 'chatbot'] },
    },
  ] as const)(
    '$policy.id $plan via $channel ($priority) at $when',
    ({ policy, plan, channel, priority, when, expected }) => {
      const result = checkChannel({
        policy,
        plan,
        channel: channel as ChannelId,
        priority: priority as PriorityId,
        atMs: at(when),
        calendars: policyCalendarResolver(policy),
      });
      expect(result).toMatchObject(expected);
      if (!result.allowed) expect(result.message).toMatch(/\S/);
    },
  );

  it("opens the Sur Mesure direct line during the contract's own extended hours", () => {
    const check = (when: string) =>
      checkChannel({
        policy: hosting,
        plan: 'sur-mesure',
        channel: 'direct-line',
        priority: 'P2',
        atMs: at(when),
        calendars: testCalendars(hosting),
        calendarOverrides: TEST_CONTRACT_OVERRIDES,
      });
    expect(check(SAT_10)).toEqual({ allowed: true });
    expect(check('2026-03-21T23:00:00+01:00')).toMatchObject({ reason: 'CHANNEL_CLOSED_NOW' });
    const none = checkChannel({
      policy: hosting,
      plan: 'sur-mesure',
      channel: 'direct-line',
      priority: 'P2',
      atMs: at(SAT_10),
      calendars: testCalendars(hosting),
    });
    expect(none).toMatchObject({
      message:
        'The direct-line channel keeps hours set by each contract (calendar sur-mesure-extended) and none are on file: use ticket, email.',
    });
  });

  it('names the allowed channels in its message', () => {
    const result = checkChannel({
      policy: hosting,
      plan: 'start',
      channel: 'phone',
      priority: 'P1',
      atMs: at(MON_10),
      calendars: policyCalendarResolver(hosting),
    });
    expect(result).toMatchObject({
      message: 'The Start plan does not include the phone channel: use ticket.',
    });
  });

  it("uses a contract's calendar for the direct line", () => {
    const result = checkChannel({
      policy: hosting,
      plan: 'sur-mesure',
      channel: 'direct-line',
      priority: 'P1',
      atMs: at('2026-03-22T03:00:00+01:00'),
      calendars: policyCalendarResolver(hosting),
      calendarOverrides: { 'sur-mesure-extended': 'always-open' },
    });
    expect(result).toEqual({ allowed: true });
  });
});
