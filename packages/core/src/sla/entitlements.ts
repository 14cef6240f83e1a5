import { effectiveCalendarId, type CalendarResolver } from './calendar-resolver.ts';
import type { BillingMode, QueueClass, SlaChannelRule, SlaPolicy, SlaQueue } from './policy.schema.ts';
import { findPlan, findTargetRule } from './policy-lookup.ts';
import type { ChannelId, PriorityId, TicketCategory } from './ticket-event.ts';

export type ChannelCheck =
  | { allowed: true }
  | {
      allowed: false;
      reason: 'CHANNEL_NOT_IN_PLAN' | 'CHANNEL_CLOSED_NOW' | 'CHANNEL_PRIORITY_NOT_ALLOWED';
      /** Channels of the plan that accept this priority and are open at that instant. */
      allowedChannels: ChannelId[];
      message: string;
    };

function acceptsPriority(rule: SlaChannelRule, priority: PriorityId): boolean {
  return rule.priorities === '*' || rule.priorities.includes(priority);
}

/** May a client on `plan` report a `priority` ticket through `channel` at `atMs`? */
export function checkChannel(input: {
  policy: SlaPolicy;
  plan: string;
  channel: ChannelId;
  priority: PriorityId;
  atMs: number;
  calendars: CalendarResolver;
  calendarOverrides?: Readonly<Record<string, string>>;
}): ChannelCheck {
  const plan = findPlan(input.policy, input.plan);
  const isOpen = (rule: SlaChannelRule) =>
    input.calendars(effectiveCalendarId(rule.calendar, input.calendarOverrides)).isOpen(input.atMs);
  const allowedChannels = plan.channels
    .filter((rule) => acceptsPriority(rule, input.priority) && isOpen(rule))
    .map((rule) => rule.channel);
  const alternatives =
    allowedChannels.length > 0 ? `use ${allowedChannels.join(', ')}` : 'no channel is open now';

  const rule = plan.channels.find((r) => r.channel === input.channel);
  if (!rule) {
    return {
      allowed: false,
      reason: 'CHANNEL_NOT_IN_PLAN',
      allowedChannels,
      message: `The ${plan.name.en} plan does not include the ${input.channel} channel: ${alternatives}.`,
    };
  }
  if (!acceptsPriority(rule, input.priority)) {
    const accepted = rule.priorities === '*' ? '' : ` (only ${rule.priorities.join(', ')})`;
    return {
      allowed: false,
      reason: 'CHANNEL_PRIORITY_NOT_ALLOWED',
      allowedChannels,
      message: `On the ${plan.name.en} plan the ${input.channel} channel is not for ${input.priority} requests${accepted}: ${alternatives}.`,
    };
  }
  if (!isOpen(rule)) {
    return {
      allowed: false,
      reason: 'CHANNEL_CLOSED_NOW',
      allowedChannels,
      message: `The ${input.channel} channel is closed at this time (calendar ${effectiveCalendarId(rule.calendar, input.calendarOverrides)}): ${alternatives}.`,
    };
  }
  return { allowed: true };
}

/** The queue a ticket joins: the target rule's for that priority (P3 → standard), else the plan's. */
export function queueClass(policy: SlaPolicy, plan: string, priority?: PriorityId): QueueClass {
  const planQueue = findPlan(policy, plan).queue;
  if (priority === undefined) return planQueue;
  for (const metric of policy.metrics) {
    const rule = findTargetRule(policy, { plan, priority, metric });
    if (rule.queue !== undefined) return rule.queue;
  }
  return planQueue;
}

function queueOf(policy: SlaPolicy, cls: QueueClass): SlaQueue {
  // The schema refuses a plan or rule naming an undefined queue.
  return (cls === 'priority' ? policy.queues.priority : undefined) ?? policy.queues.standard;
}

/**
 * When work on a ticket may start in its queue. The standard queue of the hosting agreement handles a
 * request "from the next business day": the first opening on a later local date than the arrival's
 * (a Saturday report → Monday's opening; a Monday 07:00 report → Tuesday's). Other queues: arrival.
 */
export function queueStartMs(input: {
  policy: SlaPolicy;
  plan: string;
  priority?: PriorityId;
  createdAtMs: number;
  calendars: CalendarResolver;
  calendarOverrides?: Readonly<Record<string, string>>;
}): number {
  const queue = queueOf(input.policy, queueClass(input.policy, input.plan, input.priority));
  if (!queue.startsNextBusinessDay) return input.createdAtMs;
  const calendar = input.calendars(effectiveCalendarId(queue.calendar, input.calendarOverrides));
  const arrivalDate = calendar.localDate(input.createdAtMs);
  let atMs = calendar.nextOpen(input.createdAtMs);
  // A day may have several open intervals (a lunch break): skip to the next close until the date changes.
  while (calendar.localDate(atMs) <= arrivalDate) atMs = calendar.nextOpen(calendar.nextClose(atMs));
  return atMs;
}

export type BillingDecision =
  | { billable: false; coveredBy: 'agreement' | 'maintenance-contract' }
  | { billable: true; mode: BillingMode; hourlyRate: { amount: number; currency: string } | null };

/**
 * Hosting vs application scope: an application ticket without a maintenance contract is billed
 * (quote, or time-and-materials at the rate in force). A contract may choose the mode and rate.
 */
export function billingFor(input: {
  policy: SlaPolicy;
  category: TicketCategory;
  maintenanceContract: boolean;
  mode?: BillingMode;
  hourlyRate?: { amount: number; currency: string } | null;
}): BillingDecision {
  const { billing } = input.policy;
  if (billing.coveredCategories.includes(input.category)) return { billable: false, coveredBy: 'agreement' };
  if (input.maintenanceContract && billing.maintenanceContractCovers.includes(input.category)) {
    return { billable: false, coveredBy: 'maintenance-contract' };
  }
  return {
    billable: true,
    mode: input.mode ?? billing.otherwise.mode,
    hourlyRate: input.hourlyRate === undefined ? billing.otherwise.hourlyRate : input.hourlyRate,
  };
}
