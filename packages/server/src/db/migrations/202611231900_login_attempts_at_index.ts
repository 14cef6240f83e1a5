import type { Kysely } from 'kysely';

// Every sign-in deletes the attempts older than the rate-limit window; without an index leading with `at` that
// delete scanned the whole table (which 15 minutes of guessing can fill with tens of thousands of rows).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('login_attempts_at_idx').on('login_attempts').column('at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('login_attempts_at_idx').execute();
}
