import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../auth/actor.ts';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant, uuid } from '../http/schemas.ts';
import type { Services } from '../services.ts';

const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    organizationId: z.string().nullable(),
    disabled: z.boolean(),
    disabledAt: instant.nullable(),
    createdAt: instant.describe('When the account joined this workspace'),
  })
  .meta({ id: 'User' });

export function userRoutes({ users }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Users of the workspace (staff)',
          querystring: z.strictObject({ role: z.enum(ROLES).optional(), organizationId: uuid.optional() }),
          response: { 200: z.object({ items: z.array(userSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({ items: await users.list(actorOf(request), request.query) }),
    );

    app.post(
      '/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Create an account in this workspace (admin)',
          description:
            'Accounts are global and memberships per workspace: an email that already has an account (here or in ' +
            'another workspace) is 409 EMAIL_TAKEN. Adding an existing account to another workspace will take its ' +
            "holder's consent (an invitation by e-mail), which is not built yet.",
          body: z.strictObject({
            email: z.email().max(320),
            name: z.string().trim().min(1).max(200),
            password: z.string().min(1).max(256),
            role: z.enum(ROLES),
            organizationId: uuid.nullable().optional(),
          }),
          response: { 201: userSchema, ...errorResponses(403, 404, 409, 422) },
        },
      },
      async (request, reply) => reply.code(201).send(await users.create(actorOf(request), request.body)),
    );

    app.get(
      '/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'One user',
          params: idParams,
          response: { 200: userSchema, ...errorResponses(404) },
        },
      },
      async (request) => users.get(actorOf(request), request.params.id),
    );

    app.patch(
      '/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'Change name, role, organization; disable or re-enable (admin)',
          params: idParams,
          body: z.strictObject({
            name: z.string().trim().min(1).max(200).optional(),
            role: z.enum(ROLES).optional(),
            organizationId: uuid.nullable().optional(),
            disabled: z.boolean().optional(),
          }),
          response: { 200: userSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request) => users.update(actorOf(request), request.params.id, request.body),
    );
  };
}
