import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import type { Background } from '../notifications/notifications.module.ts';
import { PREFERENCE_CHANNELS, PREFERENCE_EVENTS } from '../notifications/preferences.ts';

const preferenceSchema = z
  .object({
    eventType: z
      .enum(PREFERENCE_EVENTS)
      .describe('`sla.breached.p1`: a breach on a P1 ticket; `consultation`: every consultation message'),
    channel: z.enum(PREFERENCE_CHANNELS),
    enabled: z.boolean(),
    locked: z.boolean().describe('Cannot be turned off by this user (P1 breaches, for staff)'),
  })
  .meta({ id: 'NotificationPreference' });

const matrixSchema = z.object({ items: z.array(preferenceSchema) });

export function notificationPreferenceRoutes({ preferences }: Background): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/me/notification-preferences',
      {
        schema: {
          tags: ['notifications'],
          summary: 'My notification preferences in this workspace: every event type × channel',
          response: { 200: matrixSchema, ...errorResponses() },
        },
      },
      async (request) => ({ items: await preferences.get(actorOf(request)) }),
    );

    app.put(
      '/me/notification-preferences',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Change my notification preferences (the cells sent; the others keep their value)',
          body: z.strictObject({
            items: z
              .array(
                z.strictObject({
                  eventType: z.enum(PREFERENCE_EVENTS),
                  channel: z.enum(PREFERENCE_CHANNELS),
                  enabled: z.boolean(),
                }),
              )
              .max(PREFERENCE_EVENTS.length * PREFERENCE_CHANNELS.length)
              // One value per cell: a cell sent twice (possibly with two values) is a mistake, not a last-wins.
              .refine(
                (items) => new Set(items.map((i) => `${i.eventType} ${i.channel}`)).size === items.length,
                { message: 'each (eventType, channel) cell may appear once' },
              ),
          }),
          response: { 200: matrixSchema, ...errorResponses(422) },
        },
      },
      async (request) => ({ items: await preferences.put(actorOf(request), request.body.items) }),
    );
  };
}
