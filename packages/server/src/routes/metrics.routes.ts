import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors.ts';
import type { Background } from '../notifications/notifications.module.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** Compares digests, so neither the token's content nor its length leaks through timing. */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/** The socket's own peer address (not X-Forwarded-For: a proxy header is what a remote client would forge). */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * GET /metrics in Prometheus text format, and the HTTP duration histogram. Registered on the root instance (not
 * encapsulated) so the timing hook sees every route.
 */
export function registerMetrics(app: FastifyInstance, { metrics, config }: Background): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (config.metricsToken !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
      if (match?.[1] === undefined || !tokenMatches(match[1], config.metricsToken))
        throw new DomainError('UNAUTHENTICATED', 'metrics need Authorization: Bearer $ACCORD_METRICS_TOKEN');
    } else if (!isLoopbackPeer(request.socket.remoteAddress)) {
      throw new DomainError(
        'FORBIDDEN',
        'metrics are served to loopback clients only unless ACCORD_METRICS_TOKEN is set',
      );
    }
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).send(text);
  });
}
