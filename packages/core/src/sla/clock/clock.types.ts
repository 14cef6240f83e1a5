import type { TraceEntry } from './trace.ts';
import type { BillingDecision } from '../billing.ts';
import type { CalendarResolver } from '../calendar-resolver.ts';
import type { SlaPolicy } from '../policy.schema.ts';
import type { MetricId, PriorityId, TicketEvent } from '../ticket-event.ts';

export type ClockState = 'running' | 'paused' | 'met' | 'breached';

export interface SlaClock {
  metric: MetricId;
  /** `breached` once a breach is recorded, even if the clock later stops or its target grows. */
  state: ClockState;
  /** Plan and priority whose target applies (for a stopped clock: those in force when it stopped). */
  plan: string;
  priority: PriorityId;
  /** ISO business duration; null = no target ("per roadmap", or the agreement sets none). */
  target: string | null;
  calendarId: string;
  startedAtMs: number;
  /** Null without a target. While paused: the due instant if the clock resumed now. Once met: the deadline it met. */
  dueAtMs: number | null;
  /** Business time counted so far, on the target's calendar. */
  usedMs: number;
  /** ≤ 0 once the target is used up. */
  remainingMs: number | null;
  percentUsed: number | null;
  /** Highest warning threshold reached (e.g. 75, 90), null if none. */
  warningThreshold: number | null;
  /** When the clock will reach its next warning threshold if it keeps running (for reminder jobs). */
  nextWarningAtMs: number | null;
  /** First breach instant; stays recorded through priority changes, stops and reopens. */
  breachedAtMs: number | null;
  /** When the clock stopped (met or breached and finished); null while it can still count. */
  stoppedAtMs: number | null;
  /** How the ticket is billed under the policy's scope rules (for the category in force). */
  billing: BillingDecision;
  trace: string[];
  /** The same lines with the instant each is about, for pages (`GET /tickets/{id}/sla`). */
  traceEntries: TraceEntry[];
}

export interface ComputeClocksInput {
  policy: SlaPolicy;
  events: readonly TicketEvent[];
  nowMs: number;
  calendars: CalendarResolver;
  /** A contract's own calendars, e.g. `{ 'sur-mesure-extended': 'contract-42-hours' }`. */
  calendarOverrides?: Readonly<Record<string, string>>;
  /** Whether the client has a maintenance contract (application tickets are then covered, with its targets). */
  maintenanceContract?: boolean;
  /**
   * `false` skips the human trace (`trace: []`): formatting it is most of the cost of a computation, and callers that
   * only persist the clocks (the server, on every ticket change) never show it. The clocks are identical either way.
   */
  trace?: boolean;
}
