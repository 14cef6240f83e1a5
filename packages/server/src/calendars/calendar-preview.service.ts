import { addBusinessDuration, compileCalendar, parseBusinessDuration } from '@accord/core';
import { iso, requireRole } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { validateCalendarSpec } from '../sla/sla-clock.service.ts';

const DAY_MS = 86_400_000;

export interface CalendarPreviewInput {
  readonly spec: unknown;
  /** Start of the preview; default now. */
  readonly fromMs?: number | undefined;
  readonly days: number;
  /** An ISO business duration: when a ticket opened at `fromMs` would be due on this calendar. */
  readonly add?: string | undefined;
}

/**
 * What a calendar being edited means before it is saved: its open intervals over the next days (the editor's week
 * preview) and "what would be due if opened now". The calendar arithmetic stays in core; the browser only draws.
 */
export function createCalendarPreviewService({ clock }: { clock: Clock }) {
  return {
    preview(actor: Actor, input: CalendarPreviewInput) {
      requireRole(actor, ['admin', 'agent'], 'preview calendars');
      const spec = validateCalendarSpec(input.spec);
      const calendar = compileCalendar(spec);
      const fromMs = input.fromMs ?? clock.nowMs();
      const toMs = fromMs + input.days * DAY_MS;
      let dueAt: string | null = null;
      if (input.add !== undefined) {
        try {
          parseBusinessDuration(input.add);
          dueAt = iso(addBusinessDuration(calendar, fromMs, input.add));
        } catch (error) {
          throw new DomainError(
            'VALIDATION_FAILED',
            error instanceof Error ? error.message : 'bad duration',
            {
              field: 'add',
            },
          );
        }
      }
      return {
        timeZone: spec.timeZone,
        from: iso(fromMs),
        to: iso(toMs),
        open: calendar.openIntervals(fromMs, toMs).map((i) => ({ start: iso(i.startMs), end: iso(i.endMs) })),
        dueAt,
      };
    },
  };
}
