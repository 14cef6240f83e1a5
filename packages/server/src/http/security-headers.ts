import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * Security headers on every response, docs included (helmet, the maintained set): the CSP is helmet's defaults with
 * `frame-ancestors 'none'`, `form-action 'none'` and no `upgrade-insecure-requests` (a plain-http deployment behind
 * a TLS-terminating proxy must not have its docs' assets rewritten to https); `X-Frame-Options: DENY`;
 * `Referrer-Policy: no-referrer`; nosniff, HSTS and the cross-origin policies.
 *
 * helmet's middleware is built once here. The @fastify/helmet plugin rebuilt it, parsing the CSP directives again, on
 * every request, in two extra hooks: a cost paid by every read (measured in docs/performance.md).
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'frame-ancestors': ["'none'"],
        'form-action': ["'none'"],
        'upgrade-insecure-requests': null,
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', (request, reply, done) => {
    setHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
  });
}
