import { deepFreeze } from '../deep-freeze.ts';
import { compileCalendar } from './business-calendar.ts';
import type { CalendarSpec } from './calendar-spec.ts';
import type { BusinessCalendar } from './calendar.types.ts';

const BE_DAY: Array<[string, string]> = [['08:30', '17:30']];
const SA_DAY: Array<[string, string]> = [['09:00', '18:00']];
const ALL_DAY: Array<[string, string]> = [['00:00', '24:00']];

/*
 * Written whole, as the schema returns them (calendar-spec.ts; calendar-spec.test.ts checks that parsing changes nothing):
 * reading a preset validates nothing at run time, so the engine answers on a preset without loading the schema.
 */
const PRESETS = {
  /** Hosting agreement (seed 000): "du lundi au vendredi, de 08h30 à 17h30, hors jours fériés en Belgique". */
  'be-business': {
    name: 'Belgian business hours',
    timeZone: 'Europe/Brussels',
    week: { mon: BE_DAY, tue: BE_DAY, wed: BE_DAY, thu: BE_DAY, fri: BE_DAY },
    holidays: [{ country: 'BE' }],
    closed: [],
    special: {},
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
    closed: [],
    special: {},
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
    holidays: [],
    closed: [],
    special: {},
    businessDay: 'PT24H',
  },
} satisfies Record<string, CalendarSpec>;

export type CalendarPresetId = keyof typeof PRESETS;
export const CALENDAR_PRESET_IDS = Object.keys(PRESETS) as CalendarPresetId[];

export const CALENDAR_PRESETS: Readonly<Record<CalendarPresetId, CalendarSpec>> = deepFreeze(PRESETS);

export function isCalendarPresetId(id: string): id is CalendarPresetId {
  return Object.hasOwn(PRESETS, id);
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
