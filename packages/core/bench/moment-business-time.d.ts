// moment-business-time ships no types; this covers what the benchmark calls.
declare module 'moment-business-time' {
  import type { LocaleSpecification, Moment, MomentInput, unitOfTime } from 'moment';

  interface BusinessMoment extends Moment {
    addWorkingTime(amount: number, unit: unitOfTime.Base): BusinessMoment;
    workingDiff(other: Moment, unit: unitOfTime.Base, precise?: boolean): number;
  }

  interface BusinessLocale extends LocaleSpecification {
    /** Day of week (0 = Sunday) → ['HH:mm:ss', 'HH:mm:ss', …] or null when closed. */
    workinghours?: Record<number, string[] | null>;
    holidays?: string[];
  }

  interface BusinessMomentStatic {
    (input?: MomentInput): BusinessMoment;
    updateLocale(language: string, locale: BusinessLocale): unknown;
    locale(): string;
  }

  const moment: BusinessMomentStatic;
  export default moment;
}
