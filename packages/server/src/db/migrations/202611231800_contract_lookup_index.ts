import type { Kysely } from 'kysely';

// Opening a ticket reads the organization's current contract (latest created_at, then id). The old index
// (organization_id, created_at) left SQLite sorting the tie-break in a temporary B-tree on every ticket creation
// (a visible share of the request); this one answers the lookup, workspace filter and order from the index alone.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('contracts_workspace_organization_idx')
    .on('contracts')
    .columns(['workspace_id', 'organization_id', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('contracts_organization_idx').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('contracts_organization_idx')
    .on('contracts')
    .columns(['organization_id', 'created_at'])
    .execute();
  await db.schema.dropIndex('contracts_workspace_organization_idx').execute();
}
