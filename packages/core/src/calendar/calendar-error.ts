export type CalendarErrorCode =
  'INVALID_CALENDAR' | 'INVALID_DURATION' | 'INVALID_INSTANT' | 'INSTANT_OUT_OF_RANGE' | 'NO_OPEN_TIME';

/** Every failure of the business-time engine: a stable code for programs, a message for people. */
export class CalendarError extends Error {
  override readonly name = 'CalendarError';
  constructor(
    readonly code: CalendarErrorCode,
    message: string,
  ) {
    super(message);
  }
}
