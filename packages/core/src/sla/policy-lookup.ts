import type { SlaPlan, SlaPolicy, SlaPriority, SlaTargetRule } from './policy.schema.ts';
import { SlaError } from './sla-error.ts';
import type { MetricId, PriorityId, TicketCategory } from './ticket-event.ts';

export function findPlan(policy: SlaPolicy, planId: string): SlaPlan {
  const plan = policy.plans.find((p) => p.id === planId);
  if (!plan) {
    throw new SlaError(
      'UNKNOWN_PLAN',
      `plan '${planId}' is not part of policy ${policy.id} (plans: ${policy.plans.map((p) => p.id).join(', ')})`,
    );
  }
  return plan;
}

export function findPriority(policy: SlaPolicy, priorityId: string): SlaPriority {
  const priority = policy.priorities.find((p) => p.id === priorityId);
  if (!priority) {
    throw new SlaError(
      'UNKNOWN_PRIORITY',
      `priority '${priorityId}' is not part of policy ${policy.id} (priorities: ${policy.priorities.map((p) => p.id).join(', ')})`,
    );
  }
  return priority;
}

/**
 * The one rule for plan × priority × metric × category × maintenance contract (the schema guarantees exactly one
 * for listed metrics). Without a category the ticket is a `hosting` one; without a contract flag, none.
 */
export function findTargetRule(
  policy: SlaPolicy,
  input: {
    plan: string;
    priority: PriorityId;
    metric: MetricId;
    category?: TicketCategory;
    maintenanceContract?: boolean;
  },
): SlaTargetRule {
  const category = input.category ?? 'hosting';
  const maintenanceContract = input.maintenanceContract ?? false;
  findPlan(policy, input.plan);
  findPriority(policy, input.priority);
  if (!policy.metrics.includes(input.metric)) {
    throw new SlaError(
      'UNKNOWN_METRIC',
      `metric '${input.metric}' is not measured by policy ${policy.id} (metrics: ${policy.metrics.join(', ')})`,
    );
  }
  const rule = policy.targets.find(
    (r) =>
      r.metric === input.metric &&
      (r.plans === '*' || r.plans.includes(input.plan)) &&
      (r.priorities === '*' || r.priorities.includes(input.priority)) &&
      (r.categories === '*' || r.categories.includes(category)) &&
      (r.maintenanceContract === '*' || r.maintenanceContract === maintenanceContract),
  );
  // Unreachable for a parsed policy; kept so a hand-built object fails clearly.
  if (!rule)
    throw new SlaError(
      'INVALID_POLICY',
      `no target rule for ${input.plan} × ${input.priority} × ${input.metric} × ${category} × ${maintenanceContract ? 'maintenance contract' : 'no maintenance contract'}`,
    );
  return rule;
}
