import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Actor, Identity } from './actor.ts';
import type { AuthRepository } from './auth.repository.ts';
import { UNKNOWN_USER_HASH, verifyPassword } from './password.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
export const SESSION_TTL_MS = 30 * DAY_MS;
/** Failed logins tolerated per email (and, more loosely, per client address) within the window. */
export const LOGIN_LIMITS = { windowMs: 15 * MINUTE_MS, perEmail: 5, perIp: 50 } as const;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export interface AuthServiceDeps {
  readonly auth: AuthRepository;
  readonly clock: Clock;
}

export function createAuthService({ auth, clock }: AuthServiceDeps) {
  return {
    /** Rate-limited in the database so the limit holds across server instances. */
    async login(input: { email: string; password: string; ip: string }) {
      const email = input.email.trim().toLowerCase();
      const nowMs = clock.nowMs();
      const sinceMs = nowMs - LOGIN_LIMITS.windowMs;
      // Count-then-verify lets parallel guesses all pass the check during the slow hash: the attempt is recorded
      // as failed first and counted with the others, so at most `perEmail` guesses are ever verified per window.
      const attemptId = newId();
      await auth.recordAttempt({ id: attemptId, email, ip: input.ip, success: false, atMs: nowMs });
      const [byEmail, byIp] = await Promise.all([
        auth.countFailedAttempts({ email, sinceMs }),
        auth.countFailedAttempts({ ip: input.ip, sinceMs }),
      ]);
      if (byEmail > LOGIN_LIMITS.perEmail || byIp > LOGIN_LIMITS.perIp) {
        // A refused attempt was never verified: it does not extend the lockout.
        await auth.deleteAttempt(attemptId);
        throw new DomainError(
          'TOO_MANY_ATTEMPTS',
          'too many failed sign-in attempts; try again in 15 minutes',
        );
      }
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
      const found = await auth.findIdentityByTokenHash(hashToken(token));
      const session = found?.session;
      const nowMs = clock.nowMs();
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
      return {
        userId: session.userId,
        email: session.email,
        name: session.name,
        sessionId: session.sessionId,
        memberships,
      };
    },

    async logout(identity: Identity): Promise<void> {
      await auth.revokeSession({
        sessionId: identity.sessionId,
        userId: identity.userId,
        atMs: clock.nowMs(),
      });
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
      const revoked = await auth.revokeSession({
        sessionId: tokenId,
        userId: identity.userId,
        atMs: clock.nowMs(),
        kind: 'api',
      });
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
