import type { Kysely } from 'kysely';

/**
 * Rescheduling a ticket's jobs deletes its pending ones (`subject_id`, `kind`, `state`). With the index on
 * (subject_id, kind), SQLite's planner chose the (state, lease_until) index instead, reading every pending job of
 * the desk on every ticket write: the cost of a write grew with the number of open tickets. With `state` in the
 * subject index, the three equalities win and the delete touches the ticket's own rows only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_subject_idx').execute();
  await db.schema
    .createIndex('jobs_subject_state_idx')
    .on('jobs')
    .columns(['subject_id', 'state', 'kind'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_subject_state_idx').execute();
  await db.schema.createIndex('jobs_subject_idx').on('jobs').columns(['subject_id', 'kind']).execute();
}
