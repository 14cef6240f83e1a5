import type {} from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../auth/auth.service.ts';
import { DomainError } from '../errors.ts';
import { SESSION_COOKIE } from './request-context.ts';
import { assertSameOrigin } from './security.hook.ts';

/** Resolves the caller from `Authorization: Bearer …` or the session cookie; public routes opt out. */
export function registerAuthHook(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('identity', null);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    // Only the API needs a caller; docs, health and unknown routes (404) do not.
    if (request.routeOptions.config.public === true || url === undefined || !url.startsWith('/api/')) return;
    const header = request.headers.authorization;
    let token: string | undefined;
    if (typeof header === 'string' && header !== '') {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match)
        throw new DomainError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
      token = match[1];
    } else {
      token = request.cookies[SESSION_COOKIE];
      // Checked before the session is looked up: a forged request learns nothing about the cookie.
      if (token !== undefined && token !== '') assertSameOrigin(request);
    }
    if (token === undefined || token === '')
      throw new DomainError('UNAUTHENTICATED', 'sign-in required: send a Bearer token or the session cookie');
    request.identity = await auth.authenticate(token);
  });
}
