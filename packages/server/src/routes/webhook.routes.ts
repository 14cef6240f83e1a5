import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant } from '../http/schemas.ts';
import type { Background } from '../notifications/notifications.module.ts';
import { WEBHOOK_EVENT_TYPES } from '../notifications/webhook.service.ts';

const webhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledAt: instant.nullable(),
    disabledReason: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'Webhook' });

const deliverySchema = z
  .object({
    id: z.string().meta({ description: 'the webhook-id header of every attempt' }),
    eventType: z.string(),
    status: z.enum(['pending', 'sending', 'sent', 'dead']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdAt: instant,
    sentAt: instant.nullable(),
    nextAttemptAt: instant.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

export function webhookRoutes({ webhooks }: Background): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/webhooks',
      {
        config: { secretResponse: true },
        schema: {
          tags: ['webhooks'],
          summary: 'Subscribe a URL to events (admin); the signing secret is shown in this response only',
          body: z.strictObject({
            url: z.url({ protocol: /^https?$/ }).max(2000),
            events: z
              .array(z.enum([...WEBHOOK_EVENT_TYPES, '*']))
              .min(1)
              .max(20),
            description: z.string().trim().max(500).optional(),
          }),
          response: {
            201: webhookSchema.extend({ secret: z.string() }).meta({ id: 'WebhookCreated' }),
            ...errorResponses(403, 422),
          },
        },
      },
      async (request, reply) => reply.code(201).send(await webhooks.create(actorOf(request), request.body)),
    );

    app.get(
      '/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: "The workspace's webhooks (admin), without their secrets",
          response: { 200: z.object({ items: z.array(webhookSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({ items: await webhooks.list(actorOf(request)) }),
    );

    app.delete(
      '/webhooks/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Delete a webhook (admin); its pending deliveries are dropped',
          params: idParams,
          response: { 204: z.null(), ...errorResponses(403, 404) },
        },
      },
      async (request, reply) => {
        await webhooks.remove(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/webhooks/:id/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'The latest deliveries of a webhook, newest first (admin)',
          params: idParams,
          response: { 200: z.object({ items: z.array(deliverySchema) }), ...errorResponses(403, 404) },
        },
      },
      async (request) => ({ items: await webhooks.deliveries(actorOf(request), request.params.id) }),
    );
  };
}
