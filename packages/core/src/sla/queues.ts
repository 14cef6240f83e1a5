import { contractCalendarId, type CalendarResolver } from './calendar-resolver.ts';
import type { QueueClass, SlaPolicy, SlaQueue } from './policy.schema.ts';
import { findPlan, findTargetRule } from './policy-lookup.ts';
import type { PriorityId } from './ticket-event.ts';

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
  const calendar = input.calendars(contractCalendarId(input.policy, queue.calendar, input.calendarOverrides));
  const arrivalDate = calendar.localDate(input.createdAtMs);
  let atMs = calendar.nextOpen(input.createdAtMs);
  // A day may have several open intervals (a lunch break): skip to the next close until the date changes.
  while (calendar.localDate(atMs) <= arrivalDate) atMs = calendar.nextOpen(calendar.nextClose(atMs));
  return atMs;
}

const KEY_DIGITS = 15;
const pad = (n: number) => String(Math.max(0, Math.trunc(n))).padStart(KEY_DIGITS, '0');
const NO_DUE = '9'.repeat(KEY_DIGITS);

/**
 * A string that sorts (byte order, ascending) as the policy serves tickets, so a store can keep it and ORDER BY it:
 * the priority queue ahead of the standard one ("traité en priorité sur la file d'attente standard"), then each
 * queue by its own `order`: `fifo` by arrival ("selon l'ordre d'arrivée"), `priority` by the policy's priority order
 * (P1 first), then the earliest due instant (none last), then arrival. Ties end on the arrival instant; callers add
 * their own id for a total order.
 */
export function queueSortKey(
  policy: SlaPolicy,
  ticket: { queueClass: QueueClass; priority: PriorityId; createdAtMs: number; dueAtMs: number | null },
): string {
  const queue = queueOf(policy, ticket.queueClass);
  // A policy without a priority queue sends everything to the standard one (queueOf), so rank by the queue served.
  const queueRank = queue === policy.queues.priority ? 0 : 1;
  if (queue.order === 'fifo') return `${queueRank}:${pad(0)}:${pad(0)}:${pad(ticket.createdAtMs)}`;
  const priorityRank = policy.priorities.findIndex((p) => p.id === ticket.priority);
  const due = ticket.dueAtMs === null ? NO_DUE : pad(ticket.dueAtMs);
  return `${queueRank}:${pad(priorityRank < 0 ? policy.priorities.length : priorityRank)}:${due}:${pad(ticket.createdAtMs)}`;
}
