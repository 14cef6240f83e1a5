import { sendDownload } from '../http/download.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { fileName, idParams, instant, uuid } from '../http/schemas.ts';
import type { Services } from '../services.ts';
import { MAX_ATTACHMENT_BYTES } from '../tickets/attachment.service.ts';

const attachmentSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    filename: z.string(),
    contentType: z.string(),
    sizeBytes: z.int(),
    uploaderId: z.string(),
    visibility: z.enum(['public', 'internal']).describe('internal: staff only (clients never see it)'),
    createdAt: instant,
  })
  .meta({ id: 'Attachment' });

// Base64 inflates by 4/3; leave room for the JSON around it.
const ATTACHMENT_BODY_LIMIT = Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 64 * 1024;

export function attachmentRoutes({ attachments }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/tickets/:id/attachments',
      {
        bodyLimit: ATTACHMENT_BODY_LIMIT,
        schema: {
          tags: ['attachments'],
          summary: `Attach a file (base64, ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB at most; images, PDF, text, CSV, JSON, ZIP)`,
          params: idParams,
          body: z.strictObject({
            filename: fileName,
            contentType: z.string().min(1).max(100),
            contentBase64: z.base64({ message: 'expected base64 content' }),
            visibility: z
              .enum(['public', 'internal'])
              .optional()
              .describe('internal: for staff only (default public)'),
          }),
          response: { 201: attachmentSchema, ...errorResponses(403, 404, 413, 415, 422) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await attachments.add(actorOf(request), request.params.id, request.body)),
    );

    app.get(
      '/tickets/:id/attachments',
      {
        schema: {
          tags: ['attachments'],
          summary: 'Attachments of a ticket',
          params: idParams,
          response: { 200: z.object({ items: z.array(attachmentSchema) }), ...errorResponses(404) },
        },
      },
      async (request) => ({ items: await attachments.list(actorOf(request), request.params.id) }),
    );

    app.get(
      '/tickets/:id/attachments/:attachmentId',
      {
        schema: {
          tags: ['attachments'],
          summary: 'Download an attachment',
          params: z.strictObject({ id: uuid, attachmentId: uuid }),
          response: { 200: z.any().describe('The file bytes'), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const file = await attachments.content(
          actorOf(request),
          request.params.id,
          request.params.attachmentId,
        );
        return sendDownload(reply, file);
      },
    );
  };
}
