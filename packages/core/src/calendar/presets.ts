import { compileCalendar } from './business-calendar.ts';
import { parseCalendarSpec, type CalendarSpec, type CalendarSpecInput } from './calendar-spec.ts';
import type { BusinessCalendar } from './calendar.types.ts';

const BE_DAY: Array<[string, string]> = [['08:30', '17:30']];
const SA_DAY: Array<[string, string]> = [['09:00', '18:00']];
const ALL_DAY: Array<[string, string]> = [['00:00', '24:00']];

const PRESET_INPUTS = {
  /** Hosting agreement (seed 000): "du lundi au vendredi, de 08h30 à 17h30, hors jours fériés en Belgique". */
  'be-business': {
    name: 'Belgian business hours',
    timeZone: 'Europe/Brussels',
    week: { mon: BE_DAY, tue: BE_DAY, wed: BE_DAY, thu: BE_DAY, fri: BE_DAY },
    holidays: [{ country: 'BE' }],
    businessDay: 'PT9H',
  },
  /**
   * Consultation agreement (seed 004): "du dimanche au jeudi, de 9h00 à 18h00 (heure d'Arabie Saoudite)".
   * Saudi official holidays from date-holidays: Founding Day, Eid al-Fitr, Eid al-Adha, National Day, as
   * whole local dates. The exact Eid closure days are announced each year: override them with
   * `closed` / `special` in a calendar of your own.
   */
  'sa-business': {
    name: 'Saudi business hours',
    timeZone: 'Asia/Riyadh',
    week: { sun: SA_DAY, mon: SA_DAY, tue: SA_DAY, wed: SA_DAY, thu: SA_DAY },
    holidays: [{ country: 'SA' }],
    businessDay: 'PT9H',
  },
  /** 24/7, for the chatbot and help centre, and for targets in wall-clock time. */
  'always-open': {
    name: 'Always open (24/7)',
    timeZone: 'UTC',
    week: {
      mon: ALL_DAY,
      tue: ALL_DAY,
      wed: ALL_DAY,
      thu: ALL_DAY,
      fri: ALL_DAY,
      sat: ALL_DAY,
      sun: ALL_DAY,
    },
    businessDay: 'PT24H',
  },
} satisfies Record<string, CalendarSpecInput>;

export type CalendarPresetId = keyof typeof PRESET_INPUTS;
export const CALENDAR_PRESET_IDS = Object.keys(PRESET_INPUTS) as CalendarPresetId[];

const parsed = new Map<CalendarPresetId, CalendarSpec>();

function presetSpec(id: CalendarPresetId): CalendarSpec {
  let spec = parsed.get(id);
  if (!spec) {
    spec = parseCalendarSpec(PRESET_INPUTS[id]);
    parsed.set(id, spec);
  }
  return spec;
}

/**
 * Each preset is validated the first time it is read, not when the module loads: a command that answers on one
 * preset (`accord calendar due --calendar be-business`) does not pay for checking the others' zones and holidays.
 */
export const CALENDAR_PRESETS: Readonly<Record<CalendarPresetId, CalendarSpec>> = Object.defineProperties(
  {},
  Object.fromEntries(CALENDAR_PRESET_IDS.map((id) => [id, { enumerable: true, get: () => presetSpec(id) }])),
) as Record<CalendarPresetId, CalendarSpec>;

export function isCalendarPresetId(id: string): id is CalendarPresetId {
  return Object.hasOwn(PRESET_INPUTS, id);
}

const compiled = new Map<CalendarPresetId, BusinessCalendar>();

/** The compiled preset, built once: its year cache is shared by every caller. */
export function getCalendarPreset(id: CalendarPresetId): BusinessCalendar {
  let calendar = compiled.get(id);
  if (!calendar) {
    calendar = compileCalendar(CALENDAR_PRESETS[id]);
    compiled.set(id, calendar);
  }
  return calendar;
}
