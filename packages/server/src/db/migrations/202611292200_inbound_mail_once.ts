import type { Kysely } from 'kysely';

// Inbound e-mail applied once: each effect of a message (its ticket or reply, each attachment) is marked here in the
// transaction of the ticket change that makes it. The key is unique, so a replay after a crash finds what already
// committed and finishes the rest instead of opening a second ticket or appending a second reply.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inbound_mail_effects')
    .addColumn('inbound_id', 'text', (c) => c.notNull())
    .addColumn('effect', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbound_mail_effects_pk', ['inbound_id', 'effect'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('inbound_mail_effects').execute();
}
