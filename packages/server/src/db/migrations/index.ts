import type { Migration } from 'kysely';
import * as initial from './202611231330_initial.ts';
import * as ticketSlaTarget from './202611231400_ticket_sla_target.ts';
import * as ticketExtendedCalendar from './202611231500_ticket_extended_calendar.ts';
import * as membershipDisabled from './202611231600_membership_disabled.ts';
import * as contractLookupIndex from './202611231800_contract_lookup_index.ts';
import * as loginAttemptsAtIndex from './202611231900_login_attempts_at_index.ts';

/** Static map (works bundled); names sort by their `YYYYMMDDHHmm_` prefix. One file per change. */
export const migrations: Record<string, Migration> = {
  '202611231330_initial': initial,
  '202611231400_ticket_sla_target': ticketSlaTarget,
  '202611231500_ticket_extended_calendar': ticketExtendedCalendar,
  '202611231600_membership_disabled': membershipDisabled,
  '202611231800_contract_lookup_index': contractLookupIndex,
  '202611231900_login_attempts_at_index': loginAttemptsAtIndex,
};
