import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant, uuid } from '../http/schemas.ts';
import { INBOUND_STATUSES } from '../mail-inbound/inbound-mail.repository.ts';
import type { InboundMailService } from '../mail-inbound/inbound-mail.service.ts';

const inboundStatus = z.enum(INBOUND_STATUSES);

const inboundMailSchema = z
  .object({
    id: z.string(),
    source: z.enum(['smtp', 'import']),
    status: inboundStatus,
    reason: z.string().nullable(),
    from: z.string().nullable(),
    envelopeFrom: z.string().nullable(),
    subject: z.string().nullable(),
    messageId: z.string().nullable(),
    sizeBytes: z.number().int(),
    ticketId: z.string().nullable(),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    portalReplySentAt: instant.nullable(),
    receivedAt: instant,
    processedAt: instant.nullable(),
  })
  .meta({ id: 'InboundMail' });

const inboundMailDetailSchema = inboundMailSchema
  .extend({
    to: z.array(z.string()),
    cc: z.array(z.string()),
    sentAt: instant.nullable().meta({ description: "the message's own Date header" }),
    text: z.string().meta({
      description:
        'the text only (an HTML-only message converted), control and bidi-override characters removed',
    }),
    textTruncated: z.boolean(),
    attachments: z.array(
      z.object({
        filename: z.string(),
        contentType: z.string(),
        sizeBytes: z.number().int(),
        kept: z.boolean().meta({ description: 'whether a ticket accepts its type' }),
      }),
    ),
    actions: z.array(
      z.object({
        action: z.enum(['replay', 'attach', 'discard']),
        outcome: z.string(),
        ticketId: z.string().nullable(),
        by: z.string().nullable(),
        at: instant,
      }),
    ),
  })
  .meta({ id: 'InboundMailDetail' });

const outcomeSchema = z
  .object({
    id: z.string(),
    status: inboundStatus,
    reason: z.string().nullable(),
    ticketId: z.string().nullable(),
  })
  .meta({ id: 'InboundMailOutcome' });

export function inboundMailRoutes(inbound: InboundMailService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/inbound-mail',
      {
        schema: {
          tags: ['inbound-mail'],
          summary:
            "The workspace's inbound e-mail, newest first: `held` ones (unknown sender, mismatch…) await staff",
          querystring: z.strictObject({
            status: inboundStatus.optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(inboundMailSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({ items: await inbound.list(actorOf(request), request.query) }),
    );

    app.get(
      '/inbound-mail/:id',
      {
        schema: {
          tags: ['inbound-mail'],
          summary:
            'One inbound message to read (staff): its text, attachments listed, what staff did with it',
          params: idParams,
          response: { 200: inboundMailDetailSchema, ...errorResponses(403, 404) },
        },
      },
      async (request) => inbound.get(actorOf(request), request.params.id),
    );

    app.post(
      '/inbound-mail/:id/attach',
      {
        schema: {
          tags: ['inbound-mail'],
          summary:
            'Add a held or failed message to a ticket as a comment by the staff member, with its attachments (audited)',
          params: idParams,
          body: z.strictObject({
            ticketId: uuid,
            visibility: z.enum(['public', 'internal']).default('internal'),
          }),
          response: { 200: outcomeSchema, ...errorResponses(400, 403, 404, 422) },
        },
      },
      async (request) => inbound.attach(actorOf(request), request.params.id, request.body),
    );

    app.delete(
      '/inbound-mail/:id',
      {
        schema: {
          tags: ['inbound-mail'],
          summary:
            'Discard a held or failed message: its row and raw copy deleted, the action audited (staff)',
          params: idParams,
          response: { 204: z.null(), ...errorResponses(403, 404, 422) },
        },
      },
      async (request, reply) => {
        await inbound.discard(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/inbound-mail/:id/replay',
      {
        schema: {
          tags: ['inbound-mail'],
          summary: 'Process a failed or held message again from its stored raw copy (staff; audited)',
          params: idParams,
          response: { 200: outcomeSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request) => inbound.replay(actorOf(request), request.params.id),
    );
  };
}
