import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.ts';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF: a browser attaches the session cookie to requests any site makes, so a cookie-authenticated write must come
 * from a page of this server. `Origin` (sent by browsers on every cross-origin and every unsafe request) must name this
 * server's host — and https when the request came over TLS (or a trusted proxy says so). Without `Origin`,
 * `Sec-Fetch-Site` must be `same-origin` or `none` (typed in the address bar). A request carrying neither is not a
 * browser's cross-site request (browsers send one or the other) and is let through. Bearer tokens are never sent by a
 * browser on its own, so they are not concerned.
 */
export function assertSameOrigin(request: FastifyRequest): void {
  if (!UNSAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (isOwnOrigin(origin, request)) return;
    throw new DomainError(
      'CSRF_REJECTED',
      'cross-site request refused: a write with the session cookie must come from this server’s own pages',
    );
  }
  const site = request.headers['sec-fetch-site'];
  if (site === undefined || site === 'same-origin' || site === 'none') return;
  throw new DomainError(
    'CSRF_REJECTED',
    `cross-site request refused (Sec-Fetch-Site: ${String(site)}): a write with the session cookie must come from this server’s own pages`,
  );
}

function isOwnOrigin(origin: string, request: FastifyRequest): boolean {
  let url: URL;
  try {
    url = new URL(origin); // `null` (sandboxed frames, some redirects) throws: foreign
  } catch {
    return false;
  }
  if (url.host.toLowerCase() !== request.host.toLowerCase()) return false;
  // Compared by host so a TLS-terminating proxy not (yet) trusted keeps same-origin pages working; over TLS, an
  // http page of the same host (a network attacker's injection) is still foreign.
  return request.protocol !== 'https' || url.protocol === 'https:';
}

/**
 * Answers of a signed-in caller, and answers carrying a secret (a new session or API token), are never stored by a
 * browser or a shared cache.
 */
export function registerNoStoreHook(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.identity !== null || request.routeOptions.config.secretResponse === true)
      void reply.header('cache-control', 'no-store');
    return payload;
  });
}

/**
 * Behind a proxy that is not trusted every client shares the proxy's address, so the sign-in throttling counts them
 * together: say so once, the first time a request shows the sign of a proxy.
 */
export function registerUntrustedProxyWarning(app: FastifyInstance, proxyTrusted: boolean): void {
  if (proxyTrusted) return;
  let warned = false;
  app.addHook('onRequest', async (request) => {
    if (warned || request.headers['x-forwarded-for'] === undefined) return;
    warned = true;
    request.log.warn(
      'requests arrive with X-Forwarded-For but ACCORD_TRUST_PROXY is off: every client behind that proxy shares ' +
        'its address for sign-in throttling, and https is not seen for the Secure cookie. Set ACCORD_TRUST_PROXY ' +
        'to the proxy addresses if this server runs behind one.',
    );
  });
}
