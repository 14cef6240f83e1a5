import type { Kysely } from 'kysely';

// The target in business milliseconds beside each persisted clock, so a clock can be advanced to "now"
// from its row (reads) instead of replaying the whole history through the core (writes do that).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ticket_sla').addColumn('target_ms', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ticket_sla').dropColumn('target_ms').execute();
}
