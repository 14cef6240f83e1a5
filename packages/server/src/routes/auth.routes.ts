import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { iso, isoOrNull } from '../access.ts';
import { ROLES } from '../auth/actor.ts';
import { SESSION_TTL_MS } from '../auth/auth.service.ts';
import { DomainError, errorResponses } from '../errors.ts';
import { actorFor } from '../auth/auth.service.ts';
import { identityOf, SESSION_COOKIE, WORKSPACE_HEADER } from '../http/request-context.ts';
import { instant, text, uuid } from '../http/schemas.ts';
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

/** The same attributes to set and to clear the cookie (a browser matches them); `Secure` whenever TLS was seen. */
function sessionCookieOptions(protocol: string) {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: protocol === 'https' } as const;
}

export function authRoutes({ auth, users }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/auth/login',
      {
        config: { public: true, secretResponse: true },
        schema: {
          tags: ['auth'],
          summary: 'Sign in; answers a bearer token and sets an httpOnly session cookie',
          body: z.strictObject({ email: z.email().max(320), password: text().min(1).max(256) }),
          response: {
            200: z.object({ token: z.string(), expiresAt: instant, userId: z.string() }),
            ...errorResponses(415, 429),
          },
        },
      },
      async (request, reply) => {
        const session = await auth.login({ ...request.body, ip: request.ip }).catch((error: unknown) => {
          const retryAfter = error instanceof DomainError ? error.details?.['retryAfterSeconds'] : undefined;
          if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
          throw error;
        });
        reply.setCookie(SESSION_COOKIE, session.token, {
          ...sessionCookieOptions(request.protocol),
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
        reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(request.protocol));
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
              language: z
                .enum(['en', 'fr', 'ar'])
                .nullable()
                .describe("The user's own language; null: the workspace's"),
              timeZone: z.string().nullable().describe("The user's own IANA zone; null: the workspace's"),
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
        const settings = await users.settings(identity);
        return {
          id: identity.userId,
          email: identity.email,
          name: identity.name,
          memberships,
          language: settings.language as 'en' | 'fr' | 'ar' | null,
          timeZone: settings.timeZone,
          current,
        };
      },
    );

    app.post(
      '/tokens',
      {
        config: { secretResponse: true },
        schema: {
          tags: ['auth'],
          summary: 'Create a personal API token (shown once)',
          body: z.strictObject({
            name: text().min(1).max(100),
            expiresInDays: z.int().min(1).max(3650).optional(),
          }),
          response: { 201: tokenSchema.extend({ token: z.string() }), ...errorResponses(403, 409, 422) },
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
