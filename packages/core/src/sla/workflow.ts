import type { SlaPolicy } from './policy.schema.ts';
import { SlaError } from './sla-error.ts';
import type { MetricId, TicketEventType, TicketStatus } from './ticket-event.ts';

/** Who moves the ticket: staff (agents, admins) or the requester (the client who reported it). */
export type WorkflowRole = 'staff' | 'requester';

const STAFF_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ['open', 'pending-customer', 'resolved'],
  open: ['pending-customer', 'resolved'],
  'pending-customer': ['open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: [],
};

/** What a requester may do to their own ticket: reopen or close a resolved one. */
const REQUESTER_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: [],
  open: [],
  'pending-customer': [],
  resolved: ['open', 'closed'],
  closed: [],
};

/** The statuses a ticket in `from` may move to, for this role. */
export function allowedTransitions(from: TicketStatus, role: WorkflowRole): readonly TicketStatus[] {
  return (role === 'requester' ? REQUESTER_TRANSITIONS : STAFF_TRANSITIONS)[from];
}

/** Throws `INVALID_TRANSITION` (naming the allowed moves) unless `role` may move a `from` ticket to `to`. */
export function assertTransition(from: TicketStatus, to: TicketStatus, role: WorkflowRole): void {
  const allowed = allowedTransitions(from, role);
  if (allowed.includes(to)) return;
  throw new SlaError(
    'INVALID_TRANSITION',
    `cannot move a ${from} ticket to ${to}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
  );
}

/** Resolved and closed tickets stop every clock; leaving them reopens `resolution` only. */
export function isDoneStatus(status: TicketStatus): boolean {
  return status === 'resolved' || status === 'closed';
}

/** What the pause rule reads of a policy (a stored policy or a test's hand-made one). */
export type PauseRules = Pick<SlaPolicy, 'pauseStatuses' | 'metricPauseStatuses'>;

/** The statuses that pause this metric's clock: its own list if the policy gives one, else `pauseStatuses`. */
export function pauseStatusesOf(policy: PauseRules, metric: MetricId): readonly TicketStatus[] {
  return policy.metricPauseStatuses[metric] ?? policy.pauseStatuses;
}

/**
 * THE pause rule: whether `metric`'s clock is paused while the ticket is in `status`. Replaying a history
 * (computeClocks) and advancing a stored clock to now (projectClock) both ask this, so they cannot disagree.
 * hosting-be's GTI never pauses: it measures the time to the start of the analysis, which waits on no one.
 */
export function isClockPaused(policy: PauseRules, metric: MetricId, status: TicketStatus): boolean {
  return pauseStatusesOf(policy, metric).includes(status);
}

/**
 * The events that stop each metric's clock (before resolution, which stops them all). `intervention` is the GTI:
 * "le début de son analyse par notre équipe technique" — only `analysis-started`; a reply is not the analysis.
 * `firstResponse` (and each `nextResponse` cycle) stops at an agent's public reply. `resolution` stops on status.
 */
const STOP_EVENTS: Readonly<Record<MetricId, readonly TicketEventType[]>> = {
  intervention: ['analysis-started'],
  firstResponse: ['agent-replied'],
  nextResponse: ['agent-replied'],
  resolution: [],
};

/** Whether an event of this type stops a running clock of this metric. */
export function stopsClock(metric: MetricId, eventType: TicketEventType): boolean {
  return STOP_EVENTS[metric].includes(eventType);
}
