import type { Kysely } from 'kysely';
import { binaryColumnType } from '../dialect.ts';

// Inbound e-mail (issue #11): every message is stored raw before it is processed, so a failure can be replayed and
// nothing a client wrote is lost. `workspace_id` is null until the message is matched to a workspace.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inbound_mail')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('envelope_from', 'text')
    .addColumn('envelope_to_json', 'text', (c) => c.notNull())
    .addColumn('raw', binaryColumnType(db), (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('from_address', 'text')
    .addColumn('subject', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('ticket_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('replied_at', 'bigint')
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('inbound_mail_workspace_status_idx')
    .on('inbound_mail')
    .columns(['workspace_id', 'status', 'received_at'])
    .execute();
  await db.schema
    .createIndex('inbound_mail_message_id_idx')
    .on('inbound_mail')
    .column('message_id')
    .execute();
  await db.schema
    .createIndex('inbound_mail_from_replied_idx')
    .on('inbound_mail')
    .columns(['from_address', 'replied_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('inbound_mail').execute();
}
