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
