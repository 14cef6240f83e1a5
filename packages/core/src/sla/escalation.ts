import { z } from 'zod';
import { METRIC_IDS, PRIORITY_IDS, type MetricId, type PriorityId } from './ticket-event.ts';

/** Who an escalation tells. `assignee` falls back to the agents while the ticket has none. */
export const ESCALATION_AUDIENCES = ['assignee', 'agents', 'admins', 'requester'] as const;
export type EscalationAudience = (typeof ESCALATION_AUDIENCES)[number];

/**
 * An escalation rule: when a clock reaches a warning threshold (`75`, `90`: the policy's `warningThresholds`) or
 * its breach, or when a ticket is created (`created`), tell people and optionally raise the priority. Filters left
 * out match everything.
 */
export const escalationRuleSchema = z.strictObject({
  at: z.union([z.number().gt(0).lt(100), z.literal('breach'), z.literal('created')]),
  metrics: z.array(z.enum(METRIC_IDS)).min(1).optional(),
  priorities: z.array(z.enum(PRIORITY_IDS)).min(1).optional(),
  plans: z.array(z.string().min(1)).min(1).optional(),
  notify: z.array(z.enum(ESCALATION_AUDIENCES)).min(1),
  raisePriority: z.enum(PRIORITY_IDS).optional(),
  note: z.string().optional(),
});
export type EscalationRule = z.infer<typeof escalationRuleSchema>;

/** The moment an escalation is looked up for. */
export interface EscalationMoment {
  readonly at: number | 'breach' | 'created';
  readonly metric?: MetricId | undefined;
  readonly priority: PriorityId;
  readonly plan: string;
}

/** The rules that apply at this moment, in policy order. */
export function escalationsAt(rules: readonly EscalationRule[], moment: EscalationMoment): EscalationRule[] {
  return rules.filter(
    (rule) =>
      rule.at === moment.at &&
      (rule.metrics === undefined || (moment.metric !== undefined && rule.metrics.includes(moment.metric))) &&
      (rule.priorities === undefined || rule.priorities.includes(moment.priority)) &&
      (rule.plans === undefined || rule.plans.includes(moment.plan)),
  );
}

/** Everyone the applicable rules name (each once), and the highest priority any of them raises to. */
export function escalationOutcome(
  rules: readonly EscalationRule[],
  moment: EscalationMoment,
): { notify: EscalationAudience[]; raisePriority: PriorityId | null } {
  const applicable = escalationsAt(rules, moment);
  const notify = [...new Set(applicable.flatMap((r) => r.notify))];
  const raised = applicable
    .map((r) => r.raisePriority)
    .filter((p): p is PriorityId => p !== undefined)
    .sort((a, b) => PRIORITY_IDS.indexOf(a) - PRIORITY_IDS.indexOf(b));
  const target = raised[0];
  // Only ever up: a rule never lowers a ticket's priority.
  const raisePriority =
    target !== undefined && PRIORITY_IDS.indexOf(target) < PRIORITY_IDS.indexOf(moment.priority)
      ? target
      : null;
  return { notify, raisePriority };
}
