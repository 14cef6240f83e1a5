import { z } from 'zod';
import {
  CHANNEL_IDS,
  METRIC_IDS,
  PRIORITY_IDS,
  TICKET_CATEGORIES,
  TICKET_STATUSES,
} from '../sla/sla-core.ts';

export const uuid = z.uuid({ message: 'expected an id (UUID)' });
export const idParams = z.strictObject({ id: uuid });
export const instant = z.string().meta({ format: 'date-time', description: 'UTC instant, ISO-8601' });
export const localDate = z.iso.date({ message: 'expected a date YYYY-MM-DD' });

export const priorityId = z.enum(PRIORITY_IDS);
export const channelId = z.enum(CHANNEL_IDS);
export const ticketStatus = z.enum(TICKET_STATUSES);
export const ticketCategory = z.enum(TICKET_CATEGORIES);
export const metricId = z.enum(METRIC_IDS);

/** `a,b,c` in a query string → a validated list. */
export function commaList<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    )
    .pipe(z.array(z.enum(values)));
}

export const okSchema = z.object({ ok: z.literal(true) });
