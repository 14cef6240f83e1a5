import type { Kysely } from 'kysely';

// What staff did with held inbound e-mail (issue #11): replay, attach to a ticket, discard. A discarded message's row
// and raw copy are deleted; this audit row (who, when, what the message was held for) is what remains of it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inbound_mail_actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('inbound_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text')
    .addColumn('held_reason', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('inbound_mail_actions_inbound_idx')
    .on('inbound_mail_actions')
    .columns(['inbound_id', 'at'])
    .execute();
  await db.schema
    .createIndex('inbound_mail_actions_workspace_idx')
    .on('inbound_mail_actions')
    .columns(['workspace_id', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('inbound_mail_actions').execute();
}
