import type { Migration } from 'kysely';
import * as initial from './202611231330_initial.ts';
import * as ticketSlaTarget from './202611231400_ticket_sla_target.ts';

/** Static map (works bundled); names sort by their `YYYYMMDDHHmm_` prefix. One file per change. */
export const migrations: Record<string, Migration> = {
  '202611231330_initial': initial,
  '202611231400_ticket_sla_target': ticketSlaTarget,
};
