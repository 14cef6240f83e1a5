import { describe, expect, it } from 'vitest';
import { escalationOutcome, escalationsAt, type EscalationRule } from './escalation.ts';
import { getPolicyPreset } from './policy-presets.ts';
import { parseSlaPolicy } from './policy.schema.ts';

const rules: EscalationRule[] = [
  { at: 'created', priorities: ['P1'], notify: ['agents'] },
  { at: 75, notify: ['assignee'] },
  { at: 90, metrics: ['intervention'], plans: ['pro'], notify: ['admins'], raisePriority: 'P1' },
  { at: 90, notify: ['assignee'], raisePriority: 'P3' },
  { at: 'breach', notify: ['assignee', 'admins'] },
];

describe('escalationsAt', () => {
  it.each([
    [{ at: 'created' as const, priority: 'P1' as const, plan: 'pro' }, [0]],
    [{ at: 'created' as const, priority: 'P2' as const, plan: 'pro' }, []],
    [{ at: 90, metric: 'intervention' as const, priority: 'P2' as const, plan: 'pro' }, [2, 3]],
    [{ at: 90, metric: 'resolution' as const, priority: 'P2' as const, plan: 'pro' }, [3]],
    [{ at: 90, metric: 'intervention' as const, priority: 'P2' as const, plan: 'start' }, [3]],
    [{ at: 'breach' as const, metric: 'resolution' as const, priority: 'P4' as const, plan: 'x' }, [4]],
  ])('%o matches rules %o', (moment, expected) => {
    expect(escalationsAt(rules, moment)).toEqual(expected.map((i) => rules[i]));
  });
});

describe('escalationOutcome', () => {
  it('names each audience once and only ever raises the priority', () => {
    expect(escalationOutcome(rules, { at: 90, metric: 'intervention', priority: 'P2', plan: 'pro' })).toEqual(
      { notify: ['admins', 'assignee'], raisePriority: 'P1' },
    );
    // P3 is lower than P2: no raise.
    expect(escalationOutcome(rules, { at: 90, metric: 'resolution', priority: 'P2', plan: 'pro' })).toEqual({
      notify: ['assignee'],
      raisePriority: null,
    });
  });

  it('both presets tell every agent of a new P1 and the admins of a breach', () => {
    for (const id of ['hosting-be', 'consulting-sa'] as const) {
      const policy = getPolicyPreset(id);
      expect(
        escalationOutcome(policy.escalations, { at: 'created', priority: 'P1', plan: policy.plans[0]!.id })
          .notify,
      ).toEqual(['agents']);
      expect(
        escalationOutcome(policy.escalations, {
          at: 'breach',
          metric: policy.metrics[0],
          priority: 'P2',
          plan: policy.plans[0]!.id,
        }).notify,
      ).toContain('admins');
    }
  });

  it('the policy schema refuses a rule at a threshold no warning fires at, or for an unknown plan', () => {
    const base = getPolicyPreset('hosting-be');
    expect(() => parseSlaPolicy({ ...base, escalations: [{ at: 80, notify: ['admins'] }] })).toThrow(/80%/);
    expect(() =>
      parseSlaPolicy({ ...base, escalations: [{ at: 'breach', plans: ['gold'], notify: ['admins'] }] }),
    ).toThrow(/unknown plan 'gold'/);
  });
});
