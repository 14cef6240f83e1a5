import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant } from '../http/schemas.ts';
import type { Background } from '../notifications/notifications.module.ts';

const notificationSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    ticketId: z.string().nullable(),
    consultationId: z.string().nullable().describe('The consultation request it is about'),
    title: z.string(),
    body: z.string(),
    createdAt: instant,
    readAt: instant.nullable(),
  })
  .meta({ id: 'Notification' });

export function notificationRoutes({ notifications }: Background): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/notifications',
      {
        schema: {
          tags: ['notifications'],
          summary: "The signed-in user's notifications in this workspace, unread first",
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
          response: { 200: z.object({ items: z.array(notificationSchema) }), ...errorResponses() },
        },
      },
      async (request) => ({ items: await notifications.list(actorOf(request), request.query) }),
    );

    app.post(
      '/notifications/:id/read',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Mark a notification read',
          params: idParams,
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        await notifications.markRead(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
