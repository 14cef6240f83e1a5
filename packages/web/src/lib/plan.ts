/** What a plan of the policy document allows (the policy arrives as JSON: read defensively, typed here). */
export interface PlanChannel {
  readonly channel: string;
  readonly priorities: readonly string[] | null;
}
export interface PlanInfo {
  readonly id: string;
  readonly name: { fr?: string; en?: string };
  readonly channels: readonly PlanChannel[];
}

export function planOf(policy: Record<string, unknown>, planId: string): PlanInfo | null {
  const plans = Array.isArray(policy['plans']) ? (policy['plans'] as Record<string, unknown>[]) : [];
  const plan = plans.find((p) => p['id'] === planId);
  if (plan === undefined) return null;
  const channels = Array.isArray(plan['channels']) ? (plan['channels'] as Record<string, unknown>[]) : [];
  return {
    id: planId,
    name: (plan['name'] as PlanInfo['name'] | undefined) ?? {},
    channels: channels.map((c) => ({
      channel: String(c['channel']),
      priorities: Array.isArray(c['priorities']) ? (c['priorities'] as string[]) : null,
    })),
  };
}

/** The channels the plan offers for a priority: a channel the plan lacks is not offered at all. */
export function channelsFor(plan: PlanInfo | null, priority: string): string[] {
  if (plan === null) return ['ticket'];
  return plan.channels
    .filter((c) => c.priorities === null || c.priorities.includes(priority))
    .map((c) => c.channel);
}
