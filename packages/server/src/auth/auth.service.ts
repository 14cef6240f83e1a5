import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { rateLimitKeyOf } from './client-address.ts';
import { newId } from '../ids.ts';
import type { Actor, Identity } from './actor.ts';
import type { AuthRepository } from './auth.repository.ts';
import { createIdentityCache, type IdentityCache } from './identity-cache.ts';
import { UNKNOWN_USER_HASH, verifyPassword } from './password.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
export const SESSION_TTL_MS = 30 * DAY_MS;
/**
 * Failed logins tolerated within the window. The tight limit is per (email, client address): a guesser is throttled
 * while the account's owner, signing in from elsewhere, is not locked out by someone else's wrong passwords. Per
 * address across emails stops one client from spraying many accounts; the loose per-email ceiling across all
 * addresses only slows guessing spread over many addresses (reaching it does lock the account for the window).
 */
export const LOGIN_LIMITS = { windowMs: 15 * MINUTE_MS, perEmailAndIp: 5, perIp: 50, perEmail: 100 } as const;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** What `newToken` makes: a session (`acs_`) or API (`act_`) prefix and 32 random bytes in base64url. */
const TOKEN_FORMAT = /^ac[st]_[A-Za-z0-9_-]{43}$/;

function newToken(prefix: 'acs' | 'act'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export interface AuthServiceDeps {
  readonly auth: AuthRepository;
  readonly clock: Clock;
  /** Recently resolved tokens (see identity-cache.ts); none by default. */
  readonly identities?: IdentityCache;
}

export function createAuthService({ auth, clock, identities = createIdentityCache(0) }: AuthServiceDeps) {
  return {
    /** Rate-limited in the database so the limit holds across server instances. */
    async login(input: { email: string; password: string; ip: string }) {
      const email = input.email.trim().toLowerCase();
      const ip = rateLimitKeyOf(input.ip);
      const nowMs = clock.nowMs();
      const sinceMs = nowMs - LOGIN_LIMITS.windowMs;
      // Count-then-verify lets parallel guesses all pass the check during the slow hash: the attempt is recorded
      // as failed first and counted with the others, so no limit is ever exceeded by verified guesses per window.
      const attemptId = newId();
      await auth.recordAttempt({ id: attemptId, email, ip, success: false, atMs: nowMs });
      const [byEmailAndIp, byIp, byEmail] = await Promise.all([
        auth.countFailedAttempts({ email, ip, sinceMs }),
        auth.countFailedAttempts({ ip, sinceMs }),
        auth.countFailedAttempts({ email, sinceMs }),
      ]);
      if (
        byEmailAndIp > LOGIN_LIMITS.perEmailAndIp ||
        byIp > LOGIN_LIMITS.perIp ||
        byEmail > LOGIN_LIMITS.perEmail
      ) {
        // A refused attempt was never verified: it does not extend the lockout.
        await auth.deleteAttempt(attemptId);
        throw new DomainError(
          'TOO_MANY_ATTEMPTS',
          'too many failed sign-in attempts; try again in 15 minutes',
        );
      }
      // The table holds only what a window can count: a sign-in that goes on to the (slow) password hash clears the
      // rest, through the index on `at`. A refused attempt does not: it costs a guesser nothing to send.
      await auth.purgeAttemptsBefore(sinceMs);
      const user = await auth.findUserByEmail(email);
      const ok = await verifyPassword(input.password, user?.password_hash ?? UNKNOWN_USER_HASH);
      const success = ok && user !== undefined && user.disabled_at === null;
      if (!success || !user) throw new DomainError('INVALID_CREDENTIALS', 'wrong email or password');
      await auth.markAttemptSucceeded(attemptId);
      const token = newToken('acs');
      const expiresAtMs = nowMs + SESSION_TTL_MS;
      const sessionId = newId();
      await auth.insertSession({
        id: sessionId,
        userId: user.id,
        tokenHash: hashToken(token),
        kind: 'session',
        name: 'web session',
        createdAtMs: nowMs,
        expiresAtMs,
      });
      return { token, sessionId, expiresAtMs, userId: user.id };
    },

    async authenticate(token: string): Promise<Identity> {
      // Nothing else can be a token: refused before any lookup, so no caller chooses what the cache keeps.
      if (!TOKEN_FORMAT.test(token))
        throw new DomainError(
          'UNAUTHENTICATED',
          'sign-in required: the session or token is missing, expired or revoked',
        );
      const nowMs = clock.nowMs();
      // Keyed by the token itself, which this process holds while the request runs anyway: a hit then costs no
      // SHA-256 (the database only ever sees, and stores, the hash). A copy: the token as cut out of its header is a
      // slice that would keep the whole header alive for as long as the entry lives.
      token = Buffer.from(token, 'latin1').toString('latin1');
      const cached = identities.get(token);
      if (cached !== undefined && (cached.expiresAtMs === null || cached.expiresAtMs > nowMs))
        return cached.identity;
      const generation = identities.generation();
      const found = await auth.findIdentityByTokenHash(hashToken(token));
      const session = found?.session;
      if (
        !session ||
        session.revokedAt !== null ||
        session.disabledAt !== null ||
        (session.expiresAt !== null && session.expiresAt <= nowMs)
      ) {
        throw new DomainError(
          'UNAUTHENTICATED',
          'sign-in required: the session or token is missing, expired or revoked',
        );
      }
      const memberships = found?.memberships ?? [];
      const identity = {
        userId: session.userId,
        email: session.email,
        name: session.name,
        sessionId: session.sessionId,
        memberships,
      };
      identities.set(token, { identity, expiresAtMs: session.expiresAt }, generation);
      return identity;
    },

    async logout(identity: Identity): Promise<void> {
      try {
        await auth.revokeSession({
          sessionId: identity.sessionId,
          userId: identity.userId,
          atMs: clock.nowMs(),
        });
      } finally {
        identities.forgetAll();
      }
    },

    async createApiToken(identity: Identity, input: { name: string; expiresInDays?: number | undefined }) {
      const nowMs = clock.nowMs();
      const token = newToken('act');
      const id = newId();
      const expiresAtMs = input.expiresInDays === undefined ? null : nowMs + input.expiresInDays * DAY_MS;
      await auth.insertSession({
        id,
        userId: identity.userId,
        tokenHash: hashToken(token),
        kind: 'api',
        name: input.name,
        createdAtMs: nowMs,
        expiresAtMs,
      });
      return { id, name: input.name, token, createdAtMs: nowMs, expiresAtMs };
    },

    async listApiTokens(identity: Identity) {
      const rows = await auth.listApiTokens(identity.userId);
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        createdAtMs: r.created_at,
        expiresAtMs: r.expires_at,
        revokedAtMs: r.revoked_at,
      }));
    },

    async revokeApiToken(identity: Identity, tokenId: string): Promise<void> {
      const revoked = await auth
        .revokeSession({
          sessionId: tokenId,
          userId: identity.userId,
          atMs: clock.nowMs(),
          kind: 'api',
        })
        .finally(() => identities.forgetAll());
      if (!revoked) throw new DomainError('TOKEN_NOT_FOUND', 'no such active API token');
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

/**
 * The workspace a request acts in: the `X-Accord-Workspace` header (slug or id), or the only one the user belongs to.
 * An unknown workspace and one the user is not a member of look the same, so membership is not revealed.
 */
export function actorFor(identity: Identity, workspaceHeader: string | undefined): Actor {
  const { memberships } = identity;
  let membership = memberships.length === 1 && workspaceHeader === undefined ? memberships[0] : undefined;
  if (workspaceHeader !== undefined) {
    membership = memberships.find(
      (m) => m.workspaceSlug === workspaceHeader || m.workspaceId === workspaceHeader,
    );
    if (!membership)
      throw new DomainError('WORKSPACE_NOT_FOUND', `no workspace '${workspaceHeader}' for this account`);
  }
  if (!membership) {
    if (memberships.length === 0) throw new DomainError('FORBIDDEN', 'this account belongs to no workspace');
    throw new DomainError(
      'WORKSPACE_REQUIRED',
      `choose a workspace with the X-Accord-Workspace header: ${memberships.map((m) => m.workspaceSlug).join(', ')}`,
      {
        workspaces: memberships.map((m) => m.workspaceSlug),
      },
    );
  }
  return {
    userId: identity.userId,
    name: identity.name,
    sessionId: identity.sessionId,
    workspaceId: membership.workspaceId,
    role: membership.role,
    organizationId: membership.organizationId,
  };
}
