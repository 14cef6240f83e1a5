import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../auth/actor.ts';
import { errorResponses } from '../errors.ts';
import { actorOf, identityOf } from '../http/request-context.ts';
import { idParams, instant, text, uuid } from '../http/schemas.ts';
import type { Services } from '../services.ts';
import { USER_LANGUAGES } from '../users/user.service.ts';

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
    invited: z
      .boolean()
      .describe(
        'Not joined yet: a new account joins at its first sign-in, an existing one when its holder accepts',
      ),
  })
  .meta({ id: 'User' });

const invitationSchema = z.object({
  workspace: z.string(),
  workspaceName: z.string(),
  role: z.enum(ROLES),
  invitedAt: instant,
});
const invitationParams = z.strictObject({ workspace: text().min(1).max(100) });

export function userRoutes({ users }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.patch(
      '/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'Set my language and time zone (null: the workspace default)',
          body: z.strictObject({
            language: z.enum(USER_LANGUAGES).nullable().optional(),
            timeZone: text()
              .min(1)
              .max(64)
              .nullable()
              .optional()
              .describe('An IANA zone, e.g. Europe/Brussels'),
          }),
          response: {
            200: z.object({ language: z.enum(USER_LANGUAGES).nullable(), timeZone: z.string().nullable() }),
            ...errorResponses(),
          },
        },
      },
      async (request) => {
        const settings = await users.updateSettings(identityOf(request), request.body);
        return { ...settings, language: settings.language as (typeof USER_LANGUAGES)[number] | null };
      },
    );

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
            'Accounts are global and memberships per workspace. A new email gets an account with this password; it ' +
            'joins the workspace at its first sign-in. An email whose account is elsewhere gets the same answer ' +
            '(201, invited) and an invitation its holder accepts or declines; nothing of that account changes. ' +
            'Only an account already in this workspace is 409 EMAIL_TAKEN.',
          body: z.strictObject({
            email: z.email().max(320),
            name: text().trim().min(1).max(200),
            password: text().min(1).max(256),
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
            name: text().trim().min(1).max(200).optional(),
            role: z.enum(ROLES).optional(),
            organizationId: uuid.nullable().optional(),
            disabled: z.boolean().optional(),
          }),
          response: { 200: userSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request) => users.update(actorOf(request), request.params.id, request.body),
    );

    app.get(
      '/invitations',
      {
        schema: {
          tags: ['users'],
          summary: 'My pending invitations to other workspaces',
          response: { 200: z.object({ items: z.array(invitationSchema) }), ...errorResponses() },
        },
      },
      async (request) => ({ items: await users.listInvitations(identityOf(request)) }),
    );

    for (const [action, accept] of [
      ['accept', true],
      ['decline', false],
    ] as const) {
      app.post(
        `/invitations/:workspace/${action}`,
        {
          schema: {
            tags: ['users'],
            summary: accept ? 'Join the workspace that invited me' : 'Decline an invitation',
            params: invitationParams,
            response: { 204: z.null(), ...errorResponses(404) },
          },
        },
        async (request, reply) => {
          await users.answerInvitation(identityOf(request), request.params.workspace, accept);
          return reply.code(204).send(null);
        },
      );
    }
  };
}
