export type SlaErrorCode =
  | 'INVALID_POLICY'
  | 'UNKNOWN_POLICY_PRESET'
  | 'UNKNOWN_PLAN'
  | 'UNKNOWN_PRIORITY'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_CALENDAR'
  | 'INVALID_EVENTS'
  /** A rule names a calendar slot each contract must fill (Sur Mesure's extended hours) and none was given. */
  | 'CONTRACT_CALENDAR_REQUIRED'
  /** A status change the ticket workflow does not allow. */
  | 'INVALID_TRANSITION';

/** Every failure of the SLA core: a stable code for programs, a message that names the bad field for people. */
export class SlaError extends Error {
  override readonly name = 'SlaError';
  constructor(
    readonly code: SlaErrorCode,
    message: string,
  ) {
    super(message);
  }
}
