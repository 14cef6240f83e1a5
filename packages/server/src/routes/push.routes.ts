import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant, text } from '../http/schemas.ts';
import type { Background } from '../notifications/notifications.module.ts';

const subscriptionSchema = z
  .object({ id: z.string(), endpoint: z.string(), createdAt: instant })
  .meta({ id: 'PushSubscription' });

export function pushRoutes({ push }: Background): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/push/vapid-public-key',
      {
        schema: {
          tags: ['notifications'],
          summary: "The server's VAPID public key (applicationServerKey for PushManager.subscribe)",
          response: { 200: z.object({ publicKey: z.string() }), ...errorResponses() },
        },
      },
      async () => push.publicKey(),
    );

    app.get(
      '/push/subscriptions',
      {
        schema: {
          tags: ['notifications'],
          summary: 'My push subscriptions in this workspace (one per browser)',
          response: {
            200: z.object({
              items: z.array(subscriptionSchema.extend({ lastError: z.string().nullable() })),
            }),
            ...errorResponses(),
          },
        },
      },
      async (request) => ({ items: await push.list(actorOf(request)) }),
    );

    app.post(
      '/push/subscriptions',
      {
        schema: {
          tags: ['notifications'],
          summary: "Subscribe this browser to push (the PushSubscription's JSON)",
          body: z.object({
            endpoint: z.url().max(2000),
            expirationTime: z.number().nullable().optional(),
            keys: z.object({ p256dh: text().min(1).max(200), auth: text().min(1).max(100) }),
          }),
          response: { 201: subscriptionSchema, ...errorResponses(422) },
        },
      },
      async (request, reply) => {
        const agent = request.headers['user-agent'];
        const created = await push.subscribe(actorOf(request), {
          endpoint: request.body.endpoint,
          keys: request.body.keys,
          userAgent: typeof agent === 'string' ? agent : undefined,
        });
        return reply.code(201).send(created);
      },
    );

    app.delete(
      '/push/subscriptions/:id',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Unsubscribe a browser',
          params: idParams,
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        await push.unsubscribe(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
