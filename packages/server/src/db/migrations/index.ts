import type { Migration } from 'kysely';
import * as initial from './202611231330_initial.ts';
import * as ticketSlaTarget from './202611231400_ticket_sla_target.ts';
import * as ticketExtendedCalendar from './202611231500_ticket_extended_calendar.ts';
import * as membershipDisabled from './202611231600_membership_disabled.ts';
import * as contractLookupIndex from './202611231800_contract_lookup_index.ts';
import * as loginAttemptsAtIndex from './202611231900_login_attempts_at_index.ts';
import * as ticketPinnedTerms from './202611291300_ticket_pinned_terms.ts';
import * as security from './202611291310_security.ts';
import * as policyReviews from './202611291320_policy_reviews.ts';
import * as jobsAndNotifications from './202611291330_jobs_and_notifications.ts';
import * as helpCentre from './202611291400_help_centre.ts';
import * as liveChat from './202611291401_live_chat.ts';
import * as chatAttachments from './202611291402_chat_attachments.ts';
import * as consultations from './202611291420_consultations.ts';
import * as availability from './202611291440_availability.ts';
import * as ticketQueueKey from './202611291450_ticket_queue_key.ts';
import * as jobsSubjectStateIndex from './202611291500_jobs_subject_state_index.ts';
import * as consultationMessages from './202611291700_consultation_messages.ts';
import * as contractAvailabilityTarget from './202611291730_contract_availability_target.ts';
import * as ticketSearch from './202611291750_ticket_search.ts';
import * as livePushPreferences from './202611291800_live_push_preferences.ts';
import * as inboundMail from './202611291810_inbound_mail.ts';
import * as monitorRollups from './202611292010_monitor_rollups.ts';
import * as consultationAudience from './202611292020_consultation_audience.ts';
import * as inboundMailActions from './202611292030_inbound_mail_actions.ts';
import * as ticketListIndexes from './202611292040_ticket_list_indexes.ts';
import * as inboundMailOnce from './202611292200_inbound_mail_once.ts';
import * as jobsSkipped from './202611292210_jobs_skipped.ts';
import * as writePathIndexes from './202611300110_write_path_indexes.ts';
import * as wholeWarningThresholds from './202611300600_whole_warning_thresholds.ts';

/** Static map (works bundled); names sort by their `YYYYMMDDHHmm_` prefix. One file per change. */
export const migrations: Record<string, Migration> = {
  '202611231330_initial': initial,
  '202611231400_ticket_sla_target': ticketSlaTarget,
  '202611231500_ticket_extended_calendar': ticketExtendedCalendar,
  '202611231600_membership_disabled': membershipDisabled,
  '202611231800_contract_lookup_index': contractLookupIndex,
  '202611231900_login_attempts_at_index': loginAttemptsAtIndex,
  '202611291300_ticket_pinned_terms': ticketPinnedTerms,
  '202611291310_security': security,
  '202611291320_policy_reviews': policyReviews,
  '202611291330_jobs_and_notifications': jobsAndNotifications,
  '202611291400_help_centre': helpCentre,
  '202611291401_live_chat': liveChat,
  '202611291402_chat_attachments': chatAttachments,
  '202611291420_consultations': consultations,
  '202611291440_availability': availability,
  '202611291450_ticket_queue_key': ticketQueueKey,
  '202611291500_jobs_subject_state_index': jobsSubjectStateIndex,
  '202611291700_consultation_messages': consultationMessages,
  '202611291730_contract_availability_target': contractAvailabilityTarget,
  '202611291750_ticket_search': ticketSearch,
  '202611291800_live_push_preferences': livePushPreferences,
  '202611291810_inbound_mail': inboundMail,
  '202611292010_monitor_rollups': monitorRollups,
  '202611292020_consultation_audience': consultationAudience,
  '202611292030_inbound_mail_actions': inboundMailActions,
  '202611292040_ticket_list_indexes': ticketListIndexes,
  '202611292200_inbound_mail_once': inboundMailOnce,
  '202611292210_jobs_skipped': jobsSkipped,
  '202611300110_write_path_indexes': writePathIndexes,
  '202611300600_whole_warning_thresholds': wholeWarningThresholds,
};
