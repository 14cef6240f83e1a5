import type { Kysely } from 'kysely';

// "Ce SLA sera révisé tous les 6 mois": who adopted each policy version, and every review recorded against the version
// in force (who, when, what was noted, and the next review date it set in the policy's zone).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('policy_versions').addColumn('adopted_by', 'text').execute();
  await db.schema
    .createTable('policy_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('reviewed_at', 'bigint', (c) => c.notNull())
    .addColumn('reviewed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('next_review_date', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('policy_reviews_workspace_idx')
    .on('policy_reviews')
    .columns(['workspace_id', 'version', 'reviewed_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('policy_reviews').execute();
  await db.schema.alterTable('policy_versions').dropColumn('adopted_by').execute();
}
