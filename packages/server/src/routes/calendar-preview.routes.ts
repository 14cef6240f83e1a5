import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { createCalendarPreviewService } from '../calendars/calendar-preview.service.ts';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { instant, instantInput } from '../http/schemas.ts';

/** `POST /calendars/preview`: the calendar editor's week preview, computed by the server from an unsaved spec. */
export function calendarPreviewRoutes({ clock }: { clock: Clock }): FastifyPluginAsyncZod {
  const previews = createCalendarPreviewService({ clock });
  return async (app) => {
    app.post(
      '/calendars/preview',
      {
        schema: {
          tags: ['calendars'],
          summary:
            'Open intervals of a calendar spec (saved or not) over the coming days, and a due instant (staff)',
          body: z.strictObject({
            spec: z.record(z.string(), z.unknown()),
            from: instantInput.optional().describe('Start of the preview; default now'),
            days: z.int().min(1).max(31).default(7),
            add: z
              .string()
              .max(40)
              .optional()
              .describe('ISO business duration (PT4H, P1D): when a ticket opened at `from` would be due'),
          }),
          response: {
            200: z.object({
              timeZone: z.string(),
              from: instant,
              to: instant,
              open: z.array(z.object({ start: instant, end: instant })),
              dueAt: instant.nullable(),
            }),
            ...errorResponses(403, 422),
          },
        },
      },
      async (request) =>
        previews.preview(actorOf(request), {
          spec: request.body.spec,
          fromMs: request.body.from === undefined ? undefined : Date.parse(request.body.from),
          days: request.body.days,
          add: request.body.add,
        }),
    );
  };
}
