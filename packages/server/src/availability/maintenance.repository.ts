import type { Insertable, Kysely } from 'kysely';
import type { AvailabilityExclusionTable, Database, MaintenanceWindowTable } from '../db/schema.ts';

export type MaintenanceRow = MaintenanceWindowTable;
export type ExclusionRow = AvailabilityExclusionTable;

/** `maintenance_windows` and `availability_exclusions` (Kysely only). */
export function createMaintenanceRepository(db: Kysely<Database>) {
  return {
    insertWindow: (row: Insertable<MaintenanceWindowTable>) =>
      db.insertInto('maintenance_windows').values(row).execute(),
    findWindow: (workspaceId: string, id: string) =>
      db
        .selectFrom('maintenance_windows')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst(),
    deleteWindow: (id: string) => db.deleteFrom('maintenance_windows').where('id', '=', id).execute(),
    /** The workspace's windows; with an organization, its own and those naming monitors (filtered by the caller). */
    windows: (workspaceId: string, organizationId?: string): Promise<MaintenanceRow[]> =>
      db
        .selectFrom('maintenance_windows')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .$if(organizationId !== undefined, (qb) =>
          qb.where((w) =>
            w.or([w('organization_id', '=', organizationId ?? ''), w('organization_id', 'is', null)]),
          ),
        )
        .orderBy('starts_at')
        .execute(),

    insertExclusion: (row: Insertable<AvailabilityExclusionTable>) =>
      db.insertInto('availability_exclusions').values(row).execute(),
    exclusions: (
      workspaceId: string,
      options: { organizationId?: string; fromMs?: number; toMs?: number } = {},
    ) =>
      db
        .selectFrom('availability_exclusions')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .$if(options.organizationId !== undefined, (qb) =>
          qb.where((w) =>
            w.or([w('organization_id', '=', options.organizationId ?? ''), w('organization_id', 'is', null)]),
          ),
        )
        .$if(options.toMs !== undefined, (qb) => qb.where('from_at', '<', options.toMs ?? 0))
        .$if(options.fromMs !== undefined, (qb) => qb.where('to_at', '>', options.fromMs ?? 0))
        .orderBy('from_at')
        .execute(),
  };
}

export type MaintenanceRepository = ReturnType<typeof createMaintenanceRepository>;
