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
}

export function createUserRepository(db: Db) {
  const base = (workspaceId: string) =>
    db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select([
        'users.id as id',
        'users.email as email',
        'users.name as name',
        'memberships.role as role',
        'memberships.organization_id as organizationId',
        // Disabled here (this workspace's decision) or everywhere (an operator's ban).
        sql<number | null>`coalesce(memberships.disabled_at, users.disabled_at)`.as('disabledAt'),
        // This workspace's view of the account: when it joined here, not when it was first created elsewhere.
        'memberships.created_at as createdAt',
      ])
      .where('memberships.workspace_id', '=', workspaceId);

  return {
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
          })
          .execute();
      });
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
