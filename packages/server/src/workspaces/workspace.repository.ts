import type { Insertable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { PolicyVersionTable, WorkspaceTable } from '../db/schema.ts';

/** Workspaces and their policy versions. Writes take the caller's transaction. */
export function createWorkspaceRepository(db: Db) {
  return {
    find: (workspaceId: string) =>
      db
        .selectFrom('workspaces')
        .select(['policy_preset', 'slug', 'name'])
        .where('id', '=', workspaceId)
        .executeTakeFirst(),

    idOfSlug: async (slug: string): Promise<string | undefined> =>
      (await db.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst())?.id,

    insert: async (trx: Db, row: Insertable<WorkspaceTable>): Promise<void> => {
      await trx.insertInto('workspaces').values(row).execute();
    },

    policyJson: async (trx: Db, workspaceId: string, version: string): Promise<string | undefined> =>
      (
        await trx
          .selectFrom('policy_versions')
          .select('policy_json')
          .where('workspace_id', '=', workspaceId)
          .where('version', '=', version)
          .executeTakeFirst()
      )?.policy_json,

    insertPolicyVersion: async (trx: Db, row: Insertable<PolicyVersionTable>): Promise<void> => {
      await trx.insertInto('policy_versions').values(row).execute();
    },

    adoptPolicy: async (
      trx: Db,
      workspaceId: string,
      input: { version: string; preset: string | null },
    ): Promise<void> => {
      await trx
        .updateTable('workspaces')
        .set({ policy_version: input.version, policy_preset: input.preset })
        .where('id', '=', workspaceId)
        .execute();
    },
  };
}
