import type { Db } from '../db/database.ts';
import { runPrepared } from '../db/prepared.ts';
import type { Role } from './actor.ts';

export interface SessionWithUser {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  expiresAt: number | null;
  revokedAt: number | null;
  disabledAt: number | null;
}

export function createAuthRepository(db: Db) {
  return {
    findUserByEmail: (email: string) =>
      db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),

    /** Failures of one (email, address) pair since `sinceMs`, besides the attempt being judged, and the last one. */
    pairFailures: async (opts: {
      email: string;
      ip: string;
      sinceMs: number;
      besidesId: string;
    }): Promise<{ count: number; lastAtMs: number | null }> => {
      const row = await db
        .selectFrom('login_attempts')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('at').as('last')])
        .where('email', '=', opts.email)
        .where('ip', '=', opts.ip)
        .where('at', '>=', opts.sinceMs)
        .where('success', '=', 0)
        .where('id', '!=', opts.besidesId)
        .executeTakeFirstOrThrow();
      return { count: Number(row.n), lastAtMs: row.last === null ? null : Number(row.last) };
    },

    /** Failures from one address since `sinceMs`, across emails, and the oldest of them. */
    addressFailures: async (opts: {
      ip: string;
      sinceMs: number;
    }): Promise<{ count: number; oldestAtMs: number | null }> => {
      const row = await db
        .selectFrom('login_attempts')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('at').as('oldest')])
        .where('ip', '=', opts.ip)
        .where('at', '>=', opts.sinceMs)
        .where('success', '=', 0)
        .executeTakeFirstOrThrow();
      return { count: Number(row.n), oldestAtMs: row.oldest === null ? null : Number(row.oldest) };
    },

    /** The owner got in from this address: their earlier typos there no longer slow them down. */
    clearPairFailures: async (opts: { email: string; ip: string }): Promise<void> => {
      await db
        .deleteFrom('login_attempts')
        .where('email', '=', opts.email)
        .where('ip', '=', opts.ip)
        .where('success', '=', 0)
        .execute();
    },

    /** A membership that is not disabled (active, or an invitation its holder can still take up). */
    hasUsableMembership: async (userId: string): Promise<boolean> =>
      (await db
        .selectFrom('memberships')
        .select('workspace_id')
        .where('user_id', '=', userId)
        .where('disabled_at', 'is', null)
        .executeTakeFirst()) !== undefined,

    /** Joins the workspaces that made this account (pending until its first sign-in); how many it joined. */
    acceptSignInInvitations: async (userId: string): Promise<number> => {
      const result = await db
        .updateTable('memberships')
        .set({ invitation: null, invited_name: null })
        .where('user_id', '=', userId)
        .where('invitation', '=', 'sign-in')
        .where('disabled_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    recordAttempt: async (attempt: {
      id: string;
      email: string;
      ip: string;
      success: boolean;
      atMs: number;
    }): Promise<void> => {
      await db
        .insertInto('login_attempts')
        .values({
          id: attempt.id,
          email: attempt.email,
          ip: attempt.ip,
          success: attempt.success ? 1 : 0,
          at: attempt.atMs,
        })
        .execute();
    },

    /** Attempts older than any window counts: nothing reads them again. */
    purgeAttemptsBefore: async (atMs: number): Promise<void> => {
      await db.deleteFrom('login_attempts').where('at', '<', atMs).execute();
    },

    deleteAttempt: async (id: string): Promise<void> => {
      await db.deleteFrom('login_attempts').where('id', '=', id).execute();
    },

    markAttemptSucceeded: async (id: string): Promise<void> => {
      await db.updateTable('login_attempts').set({ success: 1 }).where('id', '=', id).execute();
    },

    insertSession: async (session: {
      id: string;
      userId: string;
      tokenHash: string;
      kind: 'session' | 'api';
      name: string;
      createdAtMs: number;
      expiresAtMs: number | null;
    }): Promise<void> => {
      await db
        .insertInto('sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          token_hash: session.tokenHash,
          kind: session.kind,
          name: session.name,
          created_at: session.createdAtMs,
          expires_at: session.expiresAtMs,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
    },

    /** The session, its user and their memberships in one round trip (every API request runs this). */
    findIdentityByTokenHash: async (
      tokenHash: string,
    ): Promise<
      | {
          session: SessionWithUser;
          memberships: {
            workspaceId: string;
            workspaceSlug: string;
            workspaceName: string;
            role: Role;
            organizationId: string | null;
          }[];
        }
      | undefined
    > => {
      const { rows } = await runPrepared(
        db,
        'auth.identityByTokenHash',
        (p) =>
          db
            .selectFrom('sessions')
            .innerJoin('users', 'users.id', 'sessions.user_id')
            .leftJoin('memberships', 'memberships.user_id', 'users.id')
            .leftJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
            .select([
              'sessions.id as sessionId',
              'users.id as userId',
              'users.email as email',
              'users.name as name',
              'sessions.expires_at as expiresAt',
              'sessions.revoked_at as revokedAt',
              'users.disabled_at as disabledAt',
              'memberships.workspace_id as workspaceId',
              'workspaces.slug as workspaceSlug',
              'workspaces.name as workspaceName',
              'memberships.role as role',
              'memberships.organization_id as organizationId',
              'memberships.disabled_at as membershipDisabledAt',
              'memberships.invitation as invitation',
            ])
            .where('sessions.token_hash', '=', p<string>('tokenHash'))
            .orderBy('workspaces.slug'),
        { tokenHash },
      );
      const first = rows[0];
      if (!first) return undefined;
      const { sessionId, userId, email, name, expiresAt, revokedAt, disabledAt } = first;
      return {
        session: { sessionId, userId, email, name, expiresAt, revokedAt, disabledAt },
        memberships: rows.flatMap((r) =>
          // A membership disabled by its workspace's admin, or not yet joined, is as good as none.
          r.workspaceId === null ||
          r.workspaceSlug === null ||
          r.workspaceName === null ||
          r.role === null ||
          r.membershipDisabledAt !== null ||
          r.invitation !== null
            ? []
            : [
                {
                  workspaceId: r.workspaceId,
                  workspaceSlug: r.workspaceSlug,
                  workspaceName: r.workspaceName,
                  role: r.role as Role,
                  organizationId: r.organizationId,
                },
              ],
        ),
      };
    },

    listMemberships: (userId: string) =>
      db
        .selectFrom('memberships')
        .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
        .select([
          'memberships.workspace_id as workspaceId',
          'workspaces.slug as workspaceSlug',
          'workspaces.name as workspaceName',
          'memberships.role as role',
          'memberships.organization_id as organizationId',
        ])
        .where('memberships.user_id', '=', userId)
        .where('memberships.disabled_at', 'is', null)
        .where('memberships.invitation', 'is', null)
        .orderBy('workspaces.slug')
        .execute() as Promise<
        {
          workspaceId: string;
          workspaceSlug: string;
          workspaceName: string;
          role: Role;
          organizationId: string | null;
        }[]
      >,

    revokeSession: async (opts: {
      sessionId: string;
      userId: string;
      atMs: number;
      kind?: 'session' | 'api';
    }): Promise<boolean> => {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: opts.atMs })
        .where('id', '=', opts.sessionId)
        .where('user_id', '=', opts.userId)
        .where('revoked_at', 'is', null)
        .$if(opts.kind !== undefined, (qb) => qb.where('kind', '=', opts.kind ?? 'api'))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    listApiTokens: (userId: string) =>
      db
        .selectFrom('sessions')
        .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
        .where('user_id', '=', userId)
        .where('kind', '=', 'api')
        .orderBy('created_at', 'desc')
        .execute(),
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
