import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { iso, isoOrNull } from '../access.ts';
import { ROLES } from '../auth/actor.ts';
import { SESSION_TTL_MS } from '../auth/auth.service.ts';
import { errorResponses } from '../errors.ts';
import { actorFor } from '../auth/auth.service.ts';
import { identityOf, SESSION_COOKIE, WORKSPACE_HEADER } from '../http/request-context.ts';
import { instant, uuid } from '../http/schemas.ts';
import type { Services } from '../services.ts';

const membershipSchema = z.object({
  workspace: z.string(),
  workspaceName: z.string(),
  role: z.enum(ROLES),
  organizationId: z.string().nullable(),
});

const tokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: instant,
  expiresAt: instant.nullable(),
  revokedAt: instant.nullable(),
});

export function authRoutes({ auth }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/auth/login',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Sign in; answers a bearer token and sets an httpOnly session cookie',
          body: z.strictObject({ email: z.email().max(320), password: z.string().min(1).max(256) }),
          response: {
            200: z.object({ token: z.string(), expiresAt: instant, userId: z.string() }),
            ...errorResponses(429),
          },
        },
      },
      async (request, reply) => {
        const session = await auth.login({ ...request.body, ip: request.ip });
        reply.setCookie(SESSION_COOKIE, session.token, {
          httpOnly: true,
          sameSite: 'lax',
          path: '/',
          secure: request.protocol === 'https',
          maxAge: SESSION_TTL_MS / 1000,
        });
        return { token: session.token, expiresAt: iso(session.expiresAtMs), userId: session.userId };
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          tags: ['auth'],
          summary: 'Revoke the current session or token',
          response: { 204: z.null(), ...errorResponses() },
        },
      },
      async (request, reply) => {
        await auth.logout(identityOf(request));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'The signed-in user, their workspaces and roles',
          response: {
            200: z.object({
              id: z.string(),
              email: z.string(),
              name: z.string(),
              memberships: z.array(membershipSchema),
              current: membershipSchema
                .nullable()
                .describe('The workspace this request acts in (X-Accord-Workspace or the only one)'),
            }),
            ...errorResponses(404),
          },
        },
      },
      async (request) => {
        const identity = identityOf(request);
        const memberships = identity.memberships.map((m) => ({
          workspace: m.workspaceSlug,
          workspaceName: m.workspaceName,
          role: m.role,
          organizationId: m.organizationId,
        }));
        const header = request.headers[WORKSPACE_HEADER];
        let current = null;
        if (header !== undefined || identity.memberships.length === 1) {
          const actor = actorFor(identity, Array.isArray(header) ? header[0] : header);
          current =
            memberships.find(
              (m) =>
                identity.memberships.find((x) => x.workspaceId === actor.workspaceId)?.workspaceSlug ===
                m.workspace,
            ) ?? null;
        }
        return { id: identity.userId, email: identity.email, name: identity.name, memberships, current };
      },
    );

    app.post(
      '/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create a personal API token (shown once)',
          body: z.strictObject({
            name: z.string().min(1).max(100),
            expiresInDays: z.int().min(1).max(3650).optional(),
          }),
          response: { 201: tokenSchema.extend({ token: z.string() }), ...errorResponses(422) },
        },
      },
      async (request, reply) => {
        const created = await auth.createApiToken(identityOf(request), request.body);
        return reply.code(201).send({
          id: created.id,
          name: created.name,
          token: created.token,
          createdAt: iso(created.createdAtMs),
          expiresAt: isoOrNull(created.expiresAtMs),
          revokedAt: null,
        });
      },
    );

    app.get(
      '/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'My API tokens',
          response: { 200: z.object({ items: z.array(tokenSchema) }), ...errorResponses() },
        },
      },
      async (request) => {
        const tokens = await auth.listApiTokens(identityOf(request));
        return {
          items: tokens.map((t) => ({
            id: t.id,
            name: t.name,
            createdAt: iso(t.createdAtMs),
            expiresAt: isoOrNull(t.expiresAtMs),
            revokedAt: isoOrNull(t.revokedAtMs),
          })),
        };
      },
    );

    app.delete(
      '/tokens/:id',
      {
        schema: {
          tags: ['auth'],
          summary: 'Revoke an API token',
          params: z.strictObject({ id: uuid }),
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        await auth.revokeApiToken(identityOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
