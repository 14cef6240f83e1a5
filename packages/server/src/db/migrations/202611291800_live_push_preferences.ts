import type { Kysely } from 'kysely';

// Live updates (a durable event log with a global sequence), web push (VAPID keys, subscriptions), notification
// preferences, and each user's own language and time zone.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One counter row, locked by `UPDATE … RETURNING` in the transaction that appends events: transactions that take
  // sequence numbers commit in that order, so a reader tailing `seq > last` never skips one that commits late.
  await db.schema
    .createTable('live_sequence')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('live_sequence' as never)
    .values({ name: 'live', value: 0 } as never)
    .execute();
  await db.schema
    .createTable('live_events')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'text')
    .addColumn('organization_id', 'text')
    .addColumn('requester_id', 'text')
    // all | staff
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('data_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('live_events_workspace_seq_idx')
    .on('live_events')
    .columns(['workspace_id', 'seq'])
    .execute();
  await db.schema.createIndex('live_events_created_idx').on('live_events').columns(['created_at']).execute();

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', [
      'user_id',
      'workspace_id',
      'event_type',
      'channel',
    ])
    .execute();

  await db.schema
    .createTable('push_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('p256dh', 'text', (c) => c.notNull())
    .addColumn('auth', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addUniqueConstraint('push_subscriptions_user_endpoint_unique', ['workspace_id', 'user_id', 'endpoint'])
    .execute();
  await db.schema
    .createIndex('push_subscriptions_user_idx')
    .on('push_subscriptions')
    .columns(['user_id', 'workspace_id'])
    .execute();

  // Server key pairs (VAPID): the public half in clear, the private half sealed with the secret box.
  await db.schema
    .createTable('server_keys')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('users').addColumn('language', 'text').execute();
  await db.schema.alterTable('users').addColumn('time_zone', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('time_zone').execute();
  await db.schema.alterTable('users').dropColumn('language').execute();
  for (const table of [
    'server_keys',
    'push_subscriptions',
    'notification_preferences',
    'live_events',
    'live_sequence',
  ])
    await db.schema.dropTable(table).execute();
}
