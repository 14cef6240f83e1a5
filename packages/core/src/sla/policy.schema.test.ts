import { describe, expect, it } from 'vitest';
import { getPolicyPreset, SLA_POLICY_PRESET_IDS } from './policy-presets.ts';
import { addMonthsToDate, parseSlaPolicy, reviewStatus } from './policy.schema.ts';
import { findTargetRule } from './policy-lookup.ts';
import { at } from './sla-test-helpers.ts';
import { SlaError } from './sla-error.ts';

const hosting = getPolicyPreset('hosting-be');

/** The hosting preset as a user's JSON file would hold it, with one change. */
function variant(change: (json: Record<string, unknown>) => void): unknown {
  const json = JSON.parse(JSON.stringify(hosting)) as Record<string, unknown>;
  change(json);
  return json;
}

function errorOf(input: unknown): SlaError {
  try {
    parseSlaPolicy(input);
  } catch (error) {
    if (error instanceof SlaError) return error;
    throw error;
  }
  throw new Error('expected parseSlaPolicy to throw');
}

describe('presets', () => {
  it.each(SLA_POLICY_PRESET_IDS)('%s passes the schema and survives a JSON round trip', (id) => {
    const policy = getPolicyPreset(id);
    expect(parseSlaPolicy(JSON.parse(JSON.stringify(policy)))).toEqual(policy);
  });

  // Presets are read without the schema (policy-presets.ts): each must already be what the schema returns.
  it.each(SLA_POLICY_PRESET_IDS)('%s is written whole: the schema adds and changes nothing', (id) => {
    const policy = getPolicyPreset(id);
    expect(parseSlaPolicy(policy)).toStrictEqual(policy);
    expect(Object.isFrozen(policy.targets[0])).toBe(true);
  });

  it('refuses an unknown preset', () => {
    expect(() => getPolicyPreset('gold')).toThrow(expect.objectContaining({ code: 'UNKNOWN_POLICY_PRESET' }));
  });

  it('carries the seeds’ priority guidance', () => {
    expect(hosting.priorities.map((p) => [p.id, p.label.fr, p.blocking])).toEqual([
      ['P1', 'Critique', true],
      ['P2', 'Élevée', false],
      ['P3', 'Moyenne/Basse', false],
    ]);
    expect(hosting.priorities[0]!.examples.en).toContain('Shopping cart blocked');
    expect(getPolicyPreset('consulting-sa').priorities.map((p) => p.label.en)).toEqual([
      'Critical',
      'High',
      'Medium',
      'Low',
    ]);
  });

  it('P3 is one rule for every plan (the standard schedule), not four copies', () => {
    const rules = ['start', 'classique', 'pro', 'sur-mesure'].map((plan) =>
      findTargetRule(hosting, { plan, priority: 'P3', metric: 'intervention' }),
    );
    expect(new Set(rules).size).toBe(1);
    expect(rules[0]).toMatchObject({ plans: '*', duration: 'PT48H', queue: 'standard' });
  });
});

describe('review date', () => {
  it.each([
    ['2026-09-01', 6, '2027-03-01'],
    ['2026-08-31', 6, '2027-02-28'],
    ['2027-08-31', 6, '2028-02-29'],
    ['2026-01-15', 12, '2027-01-15'],
  ] as const)('%s + %i months = %s', (from, months, expected) => {
    expect(addMonthsToDate(from, months)).toBe(expected);
  });

  it('defaults to effectiveFrom + 6 months, or takes an explicit date', () => {
    expect(getPolicyPreset('consulting-sa').reviewDate).toBe('2027-03-01');
    const explicit = parseSlaPolicy(variant((j) => Object.assign(j, { reviewDate: '2026-12-31' })));
    expect(explicit.reviewDate).toBe('2026-12-31');
  });

  it.each([
    // the review is due on its date (Riyadh), overdue from the next local day
    { now: '2027-03-01T20:59:59Z', overdue: false, daysOverdue: 0 },
    { now: '2027-03-01T21:00:00Z', overdue: true, daysOverdue: 1 },
    { now: '2027-04-01T12:00:00Z', overdue: true, daysOverdue: 31 },
  ])('consulting-sa at $now: overdue $overdue', ({ now, overdue, daysOverdue }) => {
    expect(reviewStatus(getPolicyPreset('consulting-sa'), at(now))).toEqual({
      reviewDate: '2027-03-01',
      overdue,
      daysOverdue,
    });
  });
});

describe('parseSlaPolicy refuses a bad policy, naming the field', () => {
  it.each([
    {
      name: 'a bad duration',
      change: (j: Record<string, unknown>) =>
        ((j.targets as Array<Record<string, unknown>>)[0]!.duration = '4 hours'),
      message: 'targets[0].duration: expected a positive ISO business duration',
    },
    {
      name: 'a missing rule',
      change: (j: Record<string, unknown>) => (j.targets = (j.targets as unknown[]).slice(1)),
      message: 'targets: no rule for plan start, priority P1, metric intervention',
    },
    {
      name: 'two rules for one case',
      change: (j: Record<string, unknown>) => (j.targets as unknown[]).push((j.targets as unknown[])[0]),
      message:
        'targets[14]: plan start, priority P1, metric intervention, category hosting without a maintenance contract is already set by targets[0]',
    },
    {
      name: 'a category × maintenance-contract case left uncovered',
      change: (j: Record<string, unknown>) =>
        (j.targets = (j.targets as Array<Record<string, unknown>>).filter(
          (t) => !(t.metric === 'intervention' && t.maintenanceContract === false),
        )),
      message:
        'targets: no rule for plan start, priority P1, metric intervention, category application without a maintenance contract',
    },
    {
      name: 'a pause status that stops the clocks, for one metric',
      change: (j: Record<string, unknown>) => (j.metricPauseStatuses = { resolution: ['closed'] }),
      message: "metricPauseStatuses.resolution: 'closed' stops the clocks",
    },
    {
      name: 'per-metric pause statuses for a metric the policy does not measure',
      change: (j: Record<string, unknown>) => (j.metricPauseStatuses = { firstResponse: [] }),
      message: "metricPauseStatuses.firstResponse: metric 'firstResponse' is not listed in metrics",
    },
    {
      name: 'an unknown calendar',
      change: (j: Record<string, unknown>) =>
        ((j.targets as Array<Record<string, unknown>>)[2]!.calendar = 'mars-business'),
      message: "targets[2].calendar: unknown calendar 'mars-business'",
    },
    {
      name: 'an unknown plan in a rule',
      change: (j: Record<string, unknown>) =>
        ((j.targets as Array<Record<string, unknown>>)[0]!.plans = ['gold']),
      message: "targets[0].plans[0]: plan 'gold' is not defined in plans",
    },
    {
      name: 'an unknown field',
      change: (j: Record<string, unknown>) => (j.colour = 'blue'),
      message: 'colour',
    },
    {
      name: 'a bad calendar spec',
      change: (j: Record<string, unknown>) =>
        ((
          (j.calendars as Record<string, Record<string, unknown>>)['sur-mesure-extended']!.week as Record<
            string,
            unknown
          >
        ).mon = [['07:00', '25:00']]),
      message: 'calendars.sur-mesure-extended.week.mon[0][1]',
    },
    {
      name: 'resolved as a pause status',
      change: (j: Record<string, unknown>) => (j.pauseStatuses = ['resolved']),
      message: "pauseStatuses: 'resolved' stops the clocks",
    },
    {
      name: 'unsorted thresholds',
      change: (j: Record<string, unknown>) => (j.warningThresholds = [90, 75]),
      message: 'warningThresholds: expected distinct thresholds in increasing order',
    },
    {
      name: 'a fractional threshold',
      change: (j: Record<string, unknown>) => (j.warningThresholds = [75.5, 90]),
      message: 'warningThresholds[0]',
    },
    {
      name: 'more than ten thresholds',
      change: (j: Record<string, unknown>) =>
        (j.warningThresholds = Array.from({ length: 11 }, (_, i) => 10 + i * 8)),
      message: 'warningThresholds',
    },
    {
      name: 'a bad effective date',
      change: (j: Record<string, unknown>) => (j.effectiveFrom = '2026-02-30'),
      message: 'effectiveFrom: expected a date YYYY-MM-DD',
    },
  ])('$name', ({ change, message }) => {
    const error = errorOf(variant(change));
    expect(error.code).toBe('INVALID_POLICY');
    expect(error.message).toContain(message);
  });

  it('accepts a user policy written from scratch', () => {
    const policy = parseSlaPolicy({
      id: 'my-desk',
      name: 'My desk',
      version: 3,
      effectiveFrom: '2026-01-01',
      timeZone: 'Europe/Paris',
      metrics: ['firstResponse'],
      plans: [
        {
          id: 'basic',
          name: { fr: 'Base', en: 'Basic' },
          queue: 'standard',
          channels: [{ channel: 'email', calendar: 'always-open' }],
        },
      ],
      priorities: [
        {
          id: 'P1',
          label: { fr: 'Urgent', en: 'Urgent' },
          description: { fr: 'Tout est cassé', en: 'Everything is broken' },
        },
      ],
      queues: { standard: { order: 'fifo', startsNextBusinessDay: false, calendar: 'always-open' } },
      targets: [
        { plans: '*', priorities: '*', metric: 'firstResponse', duration: 'PT8H', calendar: 'always-open' },
      ],
      billing: { coveredCategories: ['hosting', 'application'], otherwise: { mode: 'quote' } },
    });
    expect([policy.reviewDate, policy.pauseStatuses, policy.warningThresholds]).toEqual([
      '2026-07-01',
      ['pending-customer'],
      [75, 90],
    ]);
  });
});
