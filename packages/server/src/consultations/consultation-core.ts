/** The consultation module's seam to `@accord/core`: every core name it uses passes through here. */
export {
  acceptDueAt,
  canTransition,
  CONSULTATION_LOAD_STATES,
  CONSULTATION_STATES,
  contactDueAt,
  contactWarnings,
  ineligibility,
  isAvailable,
  median,
  nextConsultant,
  parseInstant,
  routeAfterRefusal,
  runningDeadline,
} from '@accord/core';
export type {
  BusinessCalendar,
  ConsultantProfile,
  ConsultationAction,
  ConsultationNeed,
  ConsultationPolicy,
  ConsultationState,
  IneligibleReason,
} from '@accord/core';
