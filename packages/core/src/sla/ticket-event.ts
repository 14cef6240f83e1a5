/**
 * The ticket history the SLA clocks are derived from. The server stores these (append-only) and
 * maps its rows to this shape; the CLI reads them from JSON. Instants are epoch milliseconds.
 */
export const PRIORITY_IDS = ['P1', 'P2', 'P3', 'P4'] as const;
export type PriorityId = (typeof PRIORITY_IDS)[number];

export const METRIC_IDS = ['firstResponse', 'intervention', 'resolution', 'nextResponse'] as const;
export type MetricId = (typeof METRIC_IDS)[number];

/** `monitoring`: a ticket Accord opens itself when a monitor confirms an outage (server availability module). */
export const CHANNEL_IDS = [
  'ticket',
  'email',
  'phone',
  'direct-line',
  'chat',
  'chatbot',
  'monitoring',
] as const;
export type ChannelId = (typeof CHANNEL_IDS)[number];

export const TICKET_STATUSES = ['new', 'open', 'pending-customer', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_CATEGORIES = ['hosting', 'application'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

export type TicketEvent =
  | {
      readonly type: 'created';
      readonly atMs: number;
      readonly plan: string;
      readonly priority: PriorityId;
      readonly category: TicketCategory;
      readonly channel: ChannelId;
    }
  | { readonly type: 'priority-changed'; readonly atMs: number; readonly priority: PriorityId }
  | { readonly type: 'plan-changed'; readonly atMs: number; readonly plan: string }
  /** The ticket was re-filed (hosting ↔ application): targets follow the category in force, like a priority change. */
  | { readonly type: 'category-changed'; readonly atMs: number; readonly category: TicketCategory }
  | { readonly type: 'status-changed'; readonly atMs: number; readonly status: TicketStatus }
  /** A public reply by an agent. Internal notes and automatic acknowledgements are not events of this type. */
  | { readonly type: 'agent-replied'; readonly atMs: number }
  /** An explicit "analysis started" by a qualified agent: the only event that stops the intervention clock (GTI). */
  | { readonly type: 'analysis-started'; readonly atMs: number }
  | { readonly type: 'customer-replied'; readonly atMs: number };

export type TicketEventType = TicketEvent['type'];
