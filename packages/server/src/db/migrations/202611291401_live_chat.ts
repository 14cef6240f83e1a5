import type { Kysely } from 'kysely';

// Live chat and chatbot (issue #15). A chat belongs to the client who opened it; `mode` says who answers now (bot,
// waiting for an agent, agent, closed); `last_seq` numbers its messages so readers ask for "after n" and a take is
// one conditional update. Typing indicators are instants in the row, so every instance sees them. Presence rows say
// which agents have the chat console open and available, until `expires_at` (the console's heartbeat moves it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('chats')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('bot_state', 'text', (c) => c.notNull())
    .addColumn('waiting_until', 'bigint')
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addColumn('ticket_id', 'text')
    .addColumn('ticket_claimed_at', 'bigint')
    .addColumn('client_typing_until', 'bigint')
    .addColumn('agent_typing_until', 'bigint')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('chats_workspace_mode_idx')
    .on('chats')
    .columns(['workspace_id', 'mode'])
    .execute();
  await db.schema.createIndex('chats_client_idx').on('chats').columns(['client_id', 'started_at']).execute();

  await db.schema
    .createTable('chat_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('articles_json', 'text', (c) => c.notNull())
    .addColumn('attachment_json', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('chat_messages_chat_seq_unique', ['chat_id', 'seq'])
    .execute();

  await db.schema
    .createTable('chat_presence')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('available', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_presence_pk', ['workspace_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('chat_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id').onDelete('cascade'))
    .addColumn('wait_seconds', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['chat_settings', 'chat_presence', 'chat_messages', 'chats'])
    await db.schema.dropTable(table).execute();
}
