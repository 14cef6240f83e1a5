import { compileCalendar } from '../calendar/business-calendar.ts';
import type { BusinessCalendar } from '../calendar/calendar.types.ts';
import { getCalendarPreset, isCalendarPresetId } from '../calendar/presets.ts';
import type { SlaPolicy } from './policy.schema.ts';
import { SlaError } from './sla-error.ts';

/** Calendar id → compiled calendar; throws SlaError 'UNKNOWN_CALENDAR' for an id it does not know. */
export type CalendarResolver = (calendarId: string) => BusinessCalendar;

/**
 * Resolves the policy's own calendars, the engine's presets, and `extra` calendars (a contract's
 * extended hours, say). Each policy calendar is compiled once per resolver.
 */
export function policyCalendarResolver(
  policy: SlaPolicy,
  extra: Readonly<Record<string, BusinessCalendar>> = {},
): CalendarResolver {
  const compiled = new Map<string, BusinessCalendar>();
  return (calendarId) => {
    if (Object.hasOwn(extra, calendarId)) return extra[calendarId]!;
    const spec = Object.hasOwn(policy.calendars, calendarId) ? policy.calendars[calendarId] : undefined;
    if (spec) {
      let calendar = compiled.get(calendarId);
      if (!calendar) {
        calendar = compileCalendar(spec);
        compiled.set(calendarId, calendar);
      }
      return calendar;
    }
    if (isCalendarPresetId(calendarId)) return getCalendarPreset(calendarId);
    throw new SlaError('UNKNOWN_CALENDAR', `unknown calendar '${calendarId}'`);
  };
}

/** The calendar a rule names, after a contract's override (`sur-mesure-extended` → the contract's own hours). */
export function effectiveCalendarId(
  calendarId: string,
  overrides: Readonly<Record<string, string>> | undefined,
): string {
  return overrides !== undefined && Object.hasOwn(overrides, calendarId)
    ? overrides[calendarId]!
    : calendarId;
}

/** Whether a calendar key is a slot each contract fills (`contractCalendars`) and no override fills it here. */
export function isUnfilledContractCalendar(
  policy: Pick<SlaPolicy, 'contractCalendars'>,
  calendarId: string,
  overrides: Readonly<Record<string, string>> | undefined,
): boolean {
  return (
    policy.contractCalendars.includes(calendarId) &&
    !(overrides !== undefined && Object.hasOwn(overrides, calendarId))
  );
}

/**
 * The calendar a policy rule counts on, for a given contract. A contract slot without an override fails rather than
 * falling back to whatever the policy wrote there: "Les horaires étendus sont définis spécifiquement dans le contrat
 * particulier" (hosting-be §3), so no placeholder may decide a deadline.
 */
export function contractCalendarId(
  policy: Pick<SlaPolicy, 'id' | 'contractCalendars'>,
  calendarId: string,
  overrides: Readonly<Record<string, string>> | undefined,
): string {
  if (isUnfilledContractCalendar(policy, calendarId, overrides)) {
    throw new SlaError(
      'CONTRACT_CALENDAR_REQUIRED',
      `calendar '${calendarId}' of policy ${policy.id} is set by each contract: give the contract's calendar (calendarOverrides['${calendarId}'], CLI --calendar)`,
    );
  }
  return effectiveCalendarId(calendarId, overrides);
}
