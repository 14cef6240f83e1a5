import { z } from 'zod';
import { CalendarError } from '../calendar/calendar-error.ts';
import { parseInstant } from '../calendar/zoned-time.ts';
import { formatIssuePath, formatZodError } from '../validation.ts';
import { SlaError } from './sla-error.ts';
import {
  CHANNEL_IDS,
  PRIORITY_IDS,
  TICKET_CATEGORIES,
  TICKET_STATUSES,
  type TicketEvent,
} from './ticket-event.ts';

const at = z.string().min(1);

/** A ticket event as written in JSON: an ISO `at` instead of `atMs`. */
export const ticketEventJsonSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('created'),
      at,
      plan: z.string().min(1),
      priority: z.enum(PRIORITY_IDS),
      category: z.enum(TICKET_CATEGORIES),
      channel: z.enum(CHANNEL_IDS),
    })
    .strict(),
  z.object({ type: z.literal('priority-changed'), at, priority: z.enum(PRIORITY_IDS) }).strict(),
  z.object({ type: z.literal('plan-changed'), at, plan: z.string().min(1) }).strict(),
  z.object({ type: z.literal('category-changed'), at, category: z.enum(TICKET_CATEGORIES) }).strict(),
  z.object({ type: z.literal('status-changed'), at, status: z.enum(TICKET_STATUSES) }).strict(),
  z.object({ type: z.literal('agent-replied'), at }).strict(),
  z.object({ type: z.literal('analysis-started'), at }).strict(),
  z.object({ type: z.literal('customer-replied'), at }).strict(),
]);
export type TicketEventJson = z.infer<typeof ticketEventJsonSchema>;
export const ticketEventsJsonSchema = z.array(ticketEventJsonSchema);

/**
 * Parses a JSON event list (e.g. `accord sla explain --events FILE`). An `at` without an offset is a
 * wall time in `timeZone` (the policy's). Errors name the field: `events[2].at: …`.
 */
export function parseTicketEventsJson(input: unknown, timeZone: string): TicketEvent[] {
  const result = ticketEventsJsonSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ ...i, path: ['events', ...i.path] }));
    throw new SlaError('INVALID_EVENTS', `invalid events: ${formatZodError(new z.ZodError(issues))}`);
  }
  return result.data.map((json, index) => {
    let atMs: number;
    try {
      atMs = parseInstant(json.at, timeZone);
    } catch (error) {
      if (error instanceof CalendarError) {
        throw new SlaError(
          'INVALID_EVENTS',
          `invalid events: ${formatIssuePath(['events', index, 'at'])}: ${error.message}`,
        );
      }
      throw error;
    }
    const { at: _at, ...rest } = json;
    return { ...rest, atMs } as TicketEvent;
  });
}
