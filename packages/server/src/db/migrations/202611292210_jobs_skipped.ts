import { sql, type Kysely } from 'kysely';

/**
 * A job withdrawn by a recompute after its due instant had passed is kept as `state = 'skipped'` (it was owed and
 * never fired: the row is the record of that). Why it was withdrawn goes in its own column rather than `last_error`:
 * a skip is not a failed attempt, and a short closed vocabulary ('clock-breached', 'recomputed') can be counted and
 * labelled without parsing an error text. `state` has no CHECK constraint (the states are named in
 * scheduler/jobs.repository.ts), so the new state needs nothing else here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('skip_reason', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // The code before this migration deletes withdrawn jobs and would never revive a skipped row: none may remain.
  await sql`delete from jobs where state = 'skipped'`.execute(db);
  await db.schema.alterTable('jobs').dropColumn('skip_reason').execute();
}
