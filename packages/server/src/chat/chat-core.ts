/** The chat's seam to `@accord/core`: the policy's channel rules and calendars decide when humans answer. */
export {
  effectiveCalendarId,
  findPlan,
  isUnfilledContractCalendar,
  type BusinessCalendar,
} from '@accord/core';
