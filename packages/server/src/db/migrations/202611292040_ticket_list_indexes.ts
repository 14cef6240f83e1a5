import type { Kysely } from 'kysely';

/**
 * A list filtered by organization (every client's own list, an agent's list of one client) or by requester (a
 * consultant's, a client without an organization) is ordered by creation instant, then id. With `id` in the index the
 * walk follows that order and stops at the page's end; without it, SQLite sorted every ticket of a large client, and
 * the requester had no index at all (the whole workspace was read).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tickets_workspace_org_idx').execute();
  await db.schema
    .createIndex('tickets_workspace_org_idx')
    .on('tickets')
    .columns(['workspace_id', 'organization_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('tickets_workspace_requester_idx')
    .on('tickets')
    .columns(['workspace_id', 'requester_id', 'created_at', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tickets_workspace_requester_idx').execute();
  await db.schema.dropIndex('tickets_workspace_org_idx').execute();
  await db.schema
    .createIndex('tickets_workspace_org_idx')
    .on('tickets')
    .columns(['workspace_id', 'organization_id', 'created_at'])
    .execute();
}
