import {
  effectiveCalendarId,
  isUnfilledContractCalendar,
  type CalendarResolver,
} from './calendar-resolver.ts';
import type { SlaChannelRule, SlaPolicy } from './policy.schema.ts';
import { findPlan } from './policy-lookup.ts';
import type { ChannelId, PriorityId } from './ticket-event.ts';

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
  // Monitoring is not a way for a client to reach support: it is Accord reporting an outage it measured itself, at
  // any hour and for any plan (the hosting SLA covers the infrastructure's availability). The server lets only its
  // monitors use it; clients are refused it at intake.
  if (input.channel === 'monitoring') return { allowed: true };
  const plan = findPlan(input.policy, input.plan);
  // A channel on a contract's own hours (Sur Mesure's direct line) is closed until a contract sets those hours:
  // no placeholder decides when it is staffed.
  const unfilled = (rule: SlaChannelRule) =>
    isUnfilledContractCalendar(input.policy, rule.calendar, input.calendarOverrides);
  const isOpen = (rule: SlaChannelRule) =>
    !unfilled(rule) &&
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
      message: unfilled(rule)
        ? `The ${input.channel} channel keeps hours set by each contract (calendar ${rule.calendar}) and none are on file: ${alternatives}.`
        : `The ${input.channel} channel is closed at this time (calendar ${effectiveCalendarId(rule.calendar, input.calendarOverrides)}): ${alternatives}.`,
    };
  }
  return { allowed: true };
}
