import { CalendarError } from './calendar-error.ts';
import type { BusinessCalendar } from './calendar.types.ts';

/**
 * The first instant after `atMs` where the calendar opens (if closed at `atMs`) or closes (if open): between the
 * two, business time runs at the speed of real time or not at all, so a display can tick without the calendar.
 * Null when nothing changes within the engine's horizon (open 24/7, or never open again).
 */
export function nextTransitionAt(calendar: BusinessCalendar, atMs: number): number | null {
  if (calendar.isOpen(atMs)) {
    const closeMs = calendar.nextClose(atMs);
    return Number.isFinite(closeMs) ? closeMs : null;
  }
  try {
    return calendar.nextOpen(atMs);
  } catch (error) {
    if (error instanceof CalendarError && error.code === 'NO_OPEN_TIME') return null;
    throw error;
  }
}
