import type { FastifyRequest } from 'fastify';
import type { Actor, Identity } from '../auth/actor.ts';
import { actorFor } from '../auth/auth.service.ts';
import { DomainError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | null;
    idempotency: { actorId: string; key: string; replayed: boolean } | null;
  }
  interface FastifyContextConfig {
    /** Routes reachable without signing in. */
    public?: boolean;
    /**
     * The response carries a secret (a session or API token): never kept for an Idempotency-Key replay, never
     * cached (`Cache-Control: no-store`).
     */
    secretResponse?: boolean;
  }
}

export const SESSION_COOKIE = 'accord_session';
export const WORKSPACE_HEADER = 'x-accord-workspace';

export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw new DomainError('UNAUTHENTICATED', 'sign-in required');
  return request.identity;
}

export function actorOf(request: FastifyRequest): Actor {
  const header = request.headers[WORKSPACE_HEADER];
  return actorFor(identityOf(request), Array.isArray(header) ? header[0] : header);
}

/** The version a writer read: `If-Match: "3"` (or W/"3"), else the body's `version`. */
export function expectedVersion(
  request: FastifyRequest,
  bodyVersion: number | undefined,
): number | undefined {
  const header = request.headers['if-match'];
  if (typeof header === 'string' && header.trim() !== '') {
    const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
    if (!match)
      throw new DomainError('VALIDATION_FAILED', 'If-Match must be the ETag of the ticket, e.g. "3"');
    const fromHeader = Number(match[1]);
    if (bodyVersion !== undefined && bodyVersion !== fromHeader)
      throw new DomainError('VALIDATION_FAILED', 'If-Match and body version disagree');
    return fromHeader;
  }
  return bodyVersion;
}

export function etag(version: number): string {
  return `"${version}"`;
}
