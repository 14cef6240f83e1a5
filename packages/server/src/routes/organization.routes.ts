import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant } from '../http/schemas.ts';
import type { Services } from '../services.ts';
import { contractBody, contractSchema } from './contract.routes.ts';

const contactSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320),
  phone: z.string().max(50).optional(),
});
const site = z.string().trim().min(1).max(253);

const organizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    contacts: z.array(contactSchema),
    sites: z.array(z.string()),
    contract: contractSchema.nullable(),
    createdAt: instant,
  })
  .meta({ id: 'Organization' });

export function organizationRoutes({ organizations }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organizations',
      {
        schema: {
          tags: ['organizations'],
          summary: 'Client organizations (clients see their own)',
          response: { 200: z.object({ items: z.array(organizationSchema) }), ...errorResponses() },
        },
      },
      async (request) => ({ items: await organizations.list(actorOf(request)) }),
    );

    app.post(
      '/organizations',
      {
        schema: {
          tags: ['organizations'],
          summary: 'Create a client organization, optionally with its contract',
          body: z.strictObject({
            name: z.string().trim().min(1).max(200),
            contacts: z.array(contactSchema).max(50).optional(),
            sites: z.array(site).max(200).optional(),
            contract: contractBody.optional(),
          }),
          // 404 CALENDAR_NOT_FOUND: the contract names a calendar the workspace does not have.
          response: { 201: organizationSchema, ...errorResponses(403, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await organizations.create(actorOf(request), request.body)),
    );

    app.get(
      '/organizations/:id',
      {
        schema: {
          tags: ['organizations'],
          summary: 'One organization',
          params: idParams,
          response: { 200: organizationSchema, ...errorResponses(404) },
        },
      },
      async (request) => organizations.get(actorOf(request), request.params.id),
    );

    app.patch(
      '/organizations/:id',
      {
        schema: {
          tags: ['organizations'],
          summary: 'Rename, set contacts or hosted sites',
          params: idParams,
          body: z.strictObject({
            name: z.string().trim().min(1).max(200).optional(),
            contacts: z.array(contactSchema).max(50).optional(),
            sites: z.array(site).max(200).optional(),
          }),
          response: { 200: organizationSchema, ...errorResponses(403, 404, 409) },
        },
      },
      async (request) => organizations.update(actorOf(request), request.params.id, request.body),
    );
  };
}
