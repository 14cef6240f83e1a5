import { sql, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { runPrepared } from '../db/prepared.ts';
import type { ContractTable, OrganizationTable } from '../db/schema.ts';

export type OrganizationRow = Selectable<OrganizationTable>;
export type ContractRow = Selectable<ContractTable>;

export function createOrganizationRepository(db: Db) {
  return {
    list: (opts: { workspaceId: string; organizationId?: string | undefined }) =>
      db
        .selectFrom('organizations')
        .selectAll()
        .where('workspace_id', '=', opts.workspaceId)
        .$if(opts.organizationId !== undefined, (qb) => qb.where('id', '=', opts.organizationId ?? ''))
        .orderBy('name')
        .execute(),

    find: async (workspaceId: string, id: string) => {
      const { rows } = await runPrepared(
        db,
        'organizations.find',
        (p) =>
          db
            .selectFrom('organizations')
            .selectAll()
            .where('workspace_id', '=', p<string>('workspaceId'))
            .where('id', '=', p<string>('id')),
        { workspaceId, id },
      );
      return rows[0];
    },

    findByName: (workspaceId: string, name: string) =>
      db
        .selectFrom('organizations')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('name', '=', name)
        .executeTakeFirst(),

    insert: async (row: OrganizationRow): Promise<void> => {
      await db.insertInto('organizations').values(row).execute();
    },

    update: async (
      workspaceId: string,
      id: string,
      patch: Partial<Pick<OrganizationRow, 'name' | 'contacts_json' | 'sites_json'>>,
    ): Promise<void> => {
      if (Object.keys(patch).length === 0) return;
      await db
        .updateTable('organizations')
        .set(patch)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .execute();
    },

    /** The contract in force is the most recent one. */
    currentContract: async (workspaceId: string, organizationId: string) => {
      const { rows } = await runPrepared(
        db,
        'contracts.current',
        (p) =>
          db
            .selectFrom('contracts')
            .selectAll()
            .where('workspace_id', '=', p<string>('workspaceId'))
            .where('organization_id', '=', p<string>('organizationId'))
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            // A literal: SQLite plans a bound LIMIT for any count, and ran this lookup slower that way.
            .limit(sql.lit(1)),
        { workspaceId, organizationId },
      );
      return rows[0];
    },

    /** The contract in force per organization (all of the workspace's, or only `organizationIds`'). */
    currentContracts: async (
      workspaceId: string,
      organizationIds?: readonly string[],
    ): Promise<Map<string, ContractRow>> => {
      if (organizationIds !== undefined && organizationIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('contracts')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .$if(organizationIds !== undefined, (qb) => qb.where('organization_id', 'in', organizationIds ?? []))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return new Map(rows.map((r) => [r.organization_id, r]));
    },

    listContracts: (workspaceId: string, organizationId: string) =>
      db
        .selectFrom('contracts')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('organization_id', '=', organizationId)
        .orderBy('created_at', 'desc')
        .execute(),

    calendarExists: async (workspaceId: string, key: string): Promise<boolean> =>
      (await db
        .selectFrom('calendars')
        .select('key')
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .executeTakeFirst()) !== undefined,

    insertContract: async (row: ContractRow): Promise<void> => {
      await db.insertInto('contracts').values(row).execute();
    },
  };
}

export type OrganizationRepository = ReturnType<typeof createOrganizationRepository>;
