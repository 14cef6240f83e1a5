import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export interface UserInWorkspace {
  id: string;
  email: string;
  name: string;
  role: string;
  organizationId: string | null;
  disabledAt: number | null;
  createdAt: number;
  /** Pending until the holder joins (see migration 202611291310): null once they have. */
  invitation: 'sign-in' | 'consent' | null;
}

export function createUserRepository(db: Db) {
  const base = (workspaceId: string) =>
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select([
        'users.id as id',
        'users.email as email',
        // Until the holder joins, this workspace sees the name its admin typed, never the account's own.
        sql<string>`coalesce(memberships.invited_name, users.name)`.as('name'),
        'memberships.role as role',
        'memberships.organization_id as organizationId',
        // Disabled here (this workspace's decision) or everywhere (an operator's ban).
        sql<number | null>`coalesce(memberships.disabled_at, users.disabled_at)`.as('disabledAt'),
        // This workspace's view of the account: when it joined here, not when it was first created elsewhere.
        'memberships.created_at as createdAt',
        'memberships.invitation as invitation',
      ])
      .where('memberships.workspace_id', '=', workspaceId);

  return {
    /** The user's own language and IANA zone (null: the workspace's). */
    settings: (userId: string) =>
      db.selectFrom('users').select(['language', 'time_zone']).where('id', '=', userId).executeTakeFirst(),
    updateSettings: async (userId: string, set: { language?: string | null; time_zone?: string | null }) => {
      if (Object.keys(set).length > 0)
        await db.updateTable('users').set(set).where('id', '=', userId).execute();
    },
    list: (opts: {
      workspaceId: string;
      role?: string | undefined;
      organizationId?: string | undefined;
    }): Promise<UserInWorkspace[]> =>
      base(opts.workspaceId)
        .$if(opts.role !== undefined, (qb) => qb.where('memberships.role', '=', opts.role ?? ''))
        .$if(opts.organizationId !== undefined, (qb) =>
          qb.where('memberships.organization_id', '=', opts.organizationId ?? ''),
        )
        .orderBy('users.email')
        .execute(),

    find: (workspaceId: string, userId: string): Promise<UserInWorkspace | undefined> =>
      base(workspaceId).where('users.id', '=', userId).executeTakeFirst(),

    findByEmail: (email: string) =>
      db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),

    /** The account and its first membership commit together: no account is ever left without a workspace. */
    insertUserWithMembership: async (row: {
      id: string;
      email: string;
      name: string;
      passwordHash: string;
      workspaceId: string;
      role: string;
      organizationId: string | null;
      createdAtMs: number;
    }): Promise<void> => {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('users')
          .values({
            id: row.id,
            email: row.email,
            name: row.name,
            password_hash: row.passwordHash,
            created_at: row.createdAtMs,
            disabled_at: null,
          })
          .execute();
        await trx
          .insertInto('memberships')
          .values({
            user_id: row.id,
            workspace_id: row.workspaceId,
            role: row.role,
            organization_id: row.organizationId,
            created_at: row.createdAtMs,
            invitation: 'sign-in',
            invited_name: row.name,
          })
          .execute();
      });
    },

    /** A membership the existing account's holder must accept; false when the account is already in the workspace. */
    insertInvitation: async (row: {
      userId: string;
      name: string;
      workspaceId: string;
      role: string;
      organizationId: string | null;
      createdAtMs: number;
    }): Promise<boolean> => {
      const result = await db
        .insertInto('memberships')
        .values({
          user_id: row.userId,
          workspace_id: row.workspaceId,
          role: row.role,
          organization_id: row.organizationId,
          created_at: row.createdAtMs,
          invitation: 'consent',
          invited_name: row.name,
        })
        .onConflict((oc) => oc.columns(['user_id', 'workspace_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    /** Invitations waiting for the account's consent (not withdrawn by disabling them). */
    listInvitations: (userId: string) =>
      db
        .selectFrom('memberships')
        .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
        .select([
          'workspaces.slug as workspace',
          'workspaces.name as workspaceName',
          'memberships.role as role',
          'memberships.created_at as invitedAt',
        ])
        .where('memberships.user_id', '=', userId)
        .where('memberships.invitation', '=', 'consent')
        .where('memberships.disabled_at', 'is', null)
        .orderBy('workspaces.slug')
        .execute(),

    /** Accepts (joins) or declines (deletes) a pending invitation to the workspace named by slug; false if none. */
    answerInvitation: async (userId: string, workspaceSlug: string, accept: boolean): Promise<boolean> => {
      const workspace = db.selectFrom('workspaces').select('id').where('slug', '=', workspaceSlug);
      const result = accept
        ? await db
            .updateTable('memberships')
            .set({ invitation: null, invited_name: null })
            .where('user_id', '=', userId)
            .where('workspace_id', 'in', workspace)
            .where('invitation', '=', 'consent')
            .where('disabled_at', 'is', null)
            .executeTakeFirst()
        : await db
            .deleteFrom('memberships')
            .where('user_id', '=', userId)
            .where('workspace_id', 'in', workspace)
            .where('invitation', '=', 'consent')
            .where('disabled_at', 'is', null)
            .executeTakeFirst();
      return Number('numUpdatedRows' in result ? result.numUpdatedRows : result.numDeletedRows) > 0;
    },

    /** How many workspaces besides `workspaceId` the account has joined and is not disabled in. */
    countActiveElsewhere: async (userId: string, workspaceId: string): Promise<number> => {
      const row = await db
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('workspace_id', '!=', workspaceId)
        .where('invitation', 'is', null)
        .where('disabled_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Every session and API token of the account, revoked. */
    revokeSessions: async (userId: string, atMs: number): Promise<void> => {
      await db
        .updateTable('sessions')
        .set({ revoked_at: atMs })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    upsertMembership: async (row: {
      userId: string;
      workspaceId: string;
      role: string;
      organizationId: string | null;
      createdAtMs: number;
    }): Promise<void> => {
      await db
        .insertInto('memberships')
        .values({
          user_id: row.userId,
          workspace_id: row.workspaceId,
          role: row.role,
          organization_id: row.organizationId,
          created_at: row.createdAtMs,
        })
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'workspace_id'])
            .doUpdateSet({ role: row.role, organization_id: row.organizationId }),
        )
        .execute();
    },

    /** The workspaces the user belongs to, besides `workspaceId`. */
    otherWorkspaces: async (userId: string, workspaceId: string): Promise<string[]> =>
      (
        await db
          .selectFrom('memberships')
          .select('workspace_id')
          .where('user_id', '=', userId)
          .where('workspace_id', '!=', workspaceId)
          // An invitation elsewhere that its holder has not accepted gives that workspace no say.
          .where('invitation', 'is', null)
          .execute()
      ).map((r) => r.workspace_id),

    /** Where `userId` is an admin, among `workspaceIds`. */
    adminOf: async (userId: string, workspaceIds: readonly string[]): Promise<string[]> =>
      workspaceIds.length === 0
        ? []
        : (
            await db
              .selectFrom('memberships')
              .select('workspace_id')
              .where('user_id', '=', userId)
              .where('role', '=', 'admin')
              .where('disabled_at', 'is', null)
              .where('workspace_id', 'in', workspaceIds)
              .execute()
          ).map((r) => r.workspace_id),

    setMembershipDisabled: async (
      userId: string,
      workspaceId: string,
      disabledAtMs: number | null,
    ): Promise<void> => {
      await db
        .updateTable('memberships')
        .set({ disabled_at: disabledAtMs })
        .where('user_id', '=', userId)
        .where('workspace_id', '=', workspaceId)
        .execute();
    },

    updateUser: async (
      userId: string,
      patch: { name?: string; disabled_at?: number | null; password_hash?: string },
    ): Promise<void> => {
      if (Object.keys(patch).length === 0) return;
      await db.updateTable('users').set(patch).where('id', '=', userId).execute();
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
