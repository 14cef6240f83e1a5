import type { Kysely } from 'kysely';
import { binaryColumnType } from '../dialect.ts';

// Files sent in a chat (a screenshot of the error): kept with the chat, announced by the message that carries them
// (`chat_messages.attachment_json`), readable by the chat's client and the workspace's staff.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chat_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('uploader_id', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('data', binaryColumnType(db), (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('chat_attachments_chat_idx')
    .on('chat_attachments')
    .columns(['chat_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('chat_attachments').execute();
}
