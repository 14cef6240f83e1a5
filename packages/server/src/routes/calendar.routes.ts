import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { instant } from '../http/schemas.ts';
import type { Services } from '../services.ts';

const calendarKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'lower-case letters, digits and dashes (at most 64)' });
const calendarSchema = z
  .object({ key: z.string(), name: z.string(), spec: z.record(z.string(), z.unknown()), updatedAt: instant })
  .meta({ id: 'Calendar' });

export function calendarRoutes({ workspaces }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/calendars',
      {
        schema: {
          tags: ['calendars'],
          summary: 'Workspace calendars (e.g. contracts’ extended hours) and the preset ids',
          response: {
            200: z.object({ presets: z.array(z.string()), calendars: z.array(calendarSchema) }),
            ...errorResponses(403),
          },
        },
      },
      async (request) => workspaces.listCalendars(actorOf(request)),
    );

    app.get(
      '/calendars/:key',
      {
        schema: {
          tags: ['calendars'],
          summary: 'One workspace calendar',
          params: z.strictObject({ key: calendarKey }),
          response: { 200: calendarSchema, ...errorResponses(403, 404) },
        },
      },
      async (request) => workspaces.getCalendar(actorOf(request), request.params.key),
    );

    app.put(
      '/calendars/:key',
      {
        schema: {
          tags: ['calendars'],
          summary: 'Create or replace a workspace calendar (admin)',
          params: z.strictObject({ key: calendarKey }),
          body: z.strictObject({
            name: z.string().trim().min(1).max(200),
            spec: z.record(z.string(), z.unknown()),
          }),
          response: { 200: calendarSchema, ...errorResponses(403, 422) },
        },
      },
      async (request) => workspaces.putCalendar(actorOf(request), request.params.key, request.body),
    );
  };
}
