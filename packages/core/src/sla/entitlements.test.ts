import { describe, expect, it } from 'vitest';
import { formatInstant } from '../calendar/zoned-time.ts';
import { policyCalendarResolver } from './calendar-resolver.ts';
import { billingFor, checkChannel, queueClass, queueStartMs } from './entitlements.ts';
import { getPolicyPreset } from './policy-presets.ts';
import { at } from './sla-test-helpers.ts';
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
      expected: { allowed: true },
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

describe('billingFor', () => {
  it.each([
    {
      policy: hosting,
      category: 'hosting',
      maintenanceContract: false,
      expected: { billable: false, coveredBy: 'agreement' },
    },
    {
      policy: hosting,
      category: 'application',
      maintenanceContract: true,
      expected: { billable: false, coveredBy: 'maintenance-contract' },
    },
    {
      policy: hosting,
      category: 'application',
      maintenanceContract: false,
      expected: { billable: true, mode: 'quote', hourlyRate: null },
    },
    {
      policy: consulting,
      category: 'application',
      maintenanceContract: false,
      expected: { billable: false, coveredBy: 'agreement' },
    },
  ] as const)(
    '$policy.id $category, maintenance $maintenanceContract',
    ({ policy, category, maintenanceContract, expected }) => {
      expect(billingFor({ policy, category, maintenanceContract })).toEqual(expected);
    },
  );

  it('takes the contract’s mode and rate', () => {
    const rate = { amount: 95, currency: 'EUR' };
    expect(
      billingFor({
        policy: hosting,
        category: 'application',
        maintenanceContract: false,
        mode: 'time-and-materials',
        hourlyRate: rate,
      }),
    ).toEqual({
      billable: true,
      mode: 'time-and-materials',
      hourlyRate: rate,
    });
  });
});
