import { sql, type Kysely } from 'kysely';

/**
 * Indexes every ticket write paid for and no read used. Each index is one more B-tree a transaction changes, and
 * SQLite's commit writes every changed page; a ticket change rewrites its clock rows and a new ticket inserts its
 * jobs, so these were paid on every write.
 * - `ticket_sla (state, due_at)` and `ticket_sla (workspace_id, state, due_at)`: due and breaching tickets are found
 *   through `tickets.next_due_at`, which the write path keeps; the dashboard's breach counts have their own partial
 *   index (`ticket_sla_breached_idx`).
 * - `jobs (state, lease_until)`: only a claimed job (running, or waiting to retry) has a lease, and the claim of
 *   expired leases asks `lease_until <= now`, which implies `lease_until is not null` on both dialects. A pending job,
 *   the one every new ticket writes six of, no longer enters the index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ticket_sla_state_due_idx').execute();
  await db.schema.dropIndex('ticket_sla_workspace_state_due_idx').execute();
  await db.schema.dropIndex('jobs_state_lease_idx').execute();
  await sql`create index jobs_state_lease_idx on jobs (state, lease_until) where lease_until is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_state_lease_idx').execute();
  await db.schema.createIndex('jobs_state_lease_idx').on('jobs').columns(['state', 'lease_until']).execute();
  await db.schema
    .createIndex('ticket_sla_workspace_state_due_idx')
    .on('ticket_sla')
    .columns(['workspace_id', 'state', 'due_at'])
    .execute();
  await db.schema
    .createIndex('ticket_sla_state_due_idx')
    .on('ticket_sla')
    .columns(['state', 'due_at'])
    .execute();
}
