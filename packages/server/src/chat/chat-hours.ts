import type { HelpLanguage } from '../help/help-core.ts';
import { calendarOverridesFor, type PolicyContext } from '../sla/sla-clock.service.ts';
import {
  effectiveCalendarId,
  findPlan,
  isUnfilledContractCalendar,
  type BusinessCalendar,
} from './chat-core.ts';

export interface ChatChannels {
  /** The calendar of the plan's `chat` channel (human agents), or null when the plan has no live chat. */
  readonly human: BusinessCalendar | null;
  /** Does the plan include the 24/7 `chatbot` channel? */
  readonly bot: boolean;
}

/** The plan's chat channels as the policy defines them (consulting-sa: chat on `sa-business`, chatbot always open). */
export function chatChannels(
  ctx: PolicyContext,
  input: { plan: string; extendedCalendarKey: string | null },
): ChatChannels {
  const plan = findPlan(ctx.policy, input.plan);
  const overrides = calendarOverridesFor(ctx.policy, input.extendedCalendarKey);
  const rule = plan.channels.find((c) => c.channel === 'chat');
  const human =
    rule === undefined || isUnfilledContractCalendar(ctx.policy, rule.calendar, overrides)
      ? null
      : ctx.calendars(effectiveCalendarId(rule.calendar, overrides));
  return { human, bot: plan.channels.some((c) => c.channel === 'chatbot') };
}

/** When humans answer next: now if open, else the calendar's next opening; null when never (no live chat). */
export function humansBackAt(human: BusinessCalendar | null, nowMs: number): number | null {
  if (human === null) return null;
  try {
    return human.nextOpen(nowMs);
  } catch {
    return null;
  }
}

const LOCALES: Record<HelpLanguage, string> = { fr: 'fr-FR', en: 'en-GB', ar: 'ar' };
const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * "Sunday 09:00" in the client's language and zone; a date is added when it is a week or more away. Gregorian
 * calendar and Latin digits in Arabic too, as the platform writes its hours.
 */
export function formatOpening(atMs: number, nowMs: number, language: HelpLanguage, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    timeZone,
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    calendar: 'gregory',
    numberingSystem: 'latn',
    ...(atMs - nowMs >= WEEK_MS ? { day: 'numeric', month: 'long' } : {}),
  };
  return new Intl.DateTimeFormat(LOCALES[language], options).format(atMs);
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
