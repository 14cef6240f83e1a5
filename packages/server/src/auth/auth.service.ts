import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { rateLimitKeyOf } from './client-address.ts';
import { newId } from '../ids.ts';
import type { Actor, Identity } from './actor.ts';
import type { AuthRepository } from './auth.repository.ts';
import { createIdentityCache, type IdentityCache } from './identity-cache.ts';
import { UNKNOWN_USER_HASH, verifyPassword } from './password.ts';

const SECOND_MS = 1000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
export const SESSION_TTL_MS = 30 * DAY_MS;

/**
 * Sign-in throttling. No account is ever locked: a failure counts against the (account, client address) pair that
 * made it, so someone guessing from elsewhere never keeps the owner out. A pair gets `freeFailures` failures within
 * the window; after that each attempt from it waits `baseDelayMs`, doubled per further failure, up to `maxDelayMs`
 * (answered 429 with Retry-After). One address gets `perIp` failures within the window across all accounts, against
 * spraying many accounts from one place. Rows older than the window are purged.
 */
export const LOGIN_LIMITS = {
  windowMs: 60 * MINUTE_MS,
  freeFailures: 5,
  baseDelayMs: SECOND_MS,
  maxDelayMs: 15 * MINUTE_MS,
  perIp: 50,
} as const;

/** How long a pair that has already failed `failures` times waits before its next attempt. */
export function loginDelayMs(failures: number): number {
  const extra = failures - LOGIN_LIMITS.freeFailures;
  if (extra < 0) return 0;
  return Math.min(LOGIN_LIMITS.maxDelayMs, LOGIN_LIMITS.baseDelayMs * 2 ** Math.min(extra, 30));
}

function tooManyAttempts(retryAtMs: number, nowMs: number): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil((retryAtMs - nowMs) / SECOND_MS));
  return new DomainError(
    'TOO_MANY_ATTEMPTS',
    `too many failed sign-in attempts from this address; try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}

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
    /** Throttled in the database (LOGIN_LIMITS) so the limits hold across server instances. */
    async login(input: { email: string; password: string; ip: string }) {
      const email = input.email.trim().toLowerCase();
      const ip = rateLimitKeyOf(input.ip);
      const nowMs = clock.nowMs();
      const sinceMs = nowMs - LOGIN_LIMITS.windowMs;
      // Count-then-verify lets parallel guesses all pass the check during the slow hash: the attempt is recorded
      // as failed first and counted with the others, so parallel guesses see each other and none skips the wait.
      const attemptId = newId();
      await auth.recordAttempt({ id: attemptId, email, ip, success: false, atMs: nowMs });
      const [pair, byIp] = await Promise.all([
        auth.pairFailures({ email, ip, sinceMs, besidesId: attemptId }),
        auth.addressFailures({ ip, sinceMs }),
      ]);
      const pairRetryAtMs = pair.lastAtMs === null ? nowMs : pair.lastAtMs + loginDelayMs(pair.count);
      const ipRetryAtMs =
        byIp.count > LOGIN_LIMITS.perIp && byIp.oldestAtMs !== null
          ? byIp.oldestAtMs + LOGIN_LIMITS.windowMs
          : nowMs;
      if (pairRetryAtMs > nowMs || ipRetryAtMs > nowMs) {
        // A refused attempt was never verified: it does not lengthen the wait.
        await auth.deleteAttempt(attemptId);
        throw tooManyAttempts(Math.max(pairRetryAtMs, ipRetryAtMs), nowMs);
      }
      // The table holds only what a window can count: a sign-in that goes on to the (slow) password hash clears the
      // rest, through the index on `at`. A refused attempt does not: it costs a guesser nothing to send.
      await auth.purgeAttemptsBefore(sinceMs);
      const user = await auth.findUserByEmail(email);
      const [ok, usable] = await Promise.all([
        verifyPassword(input.password, user?.password_hash ?? UNKNOWN_USER_HASH),
        user === undefined ? false : auth.hasUsableMembership(user.id),
      ]);
      // No workspace left (every membership disabled) answers like a wrong password: nothing tells which it was.
      const success = ok && usable && user !== undefined && user.disabled_at === null;
      if (!success || !user) throw new DomainError('INVALID_CREDENTIALS', 'wrong email or password');
      await auth.markAttemptSucceeded(attemptId);
      await auth.clearPairFailures({ email, ip });
      // A new account made by an admin joins its workspace at its first sign-in (see user.service.ts `create`).
      if ((await auth.acceptSignInInvitations(user.id)) > 0) identities.forgetAll();
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
      // A token of an account no workspace lets in would only wait for a membership to come back.
      if (identity.memberships.length === 0)
        throw new DomainError('FORBIDDEN', 'this account belongs to no workspace');
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
