import type { Kysely } from 'kysely';

// Consultation requests reach their own people: live events addressed to named users (the client, the consultant it
// was offered to, the consultants qualified for a board request), and in-app notifications that name the request
// they are about, so a click opens it.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per addressee of an event whose audience is `users`. Keyed by user first: a reader's stream looks its
  // own rows up by (user, seq), whether the planner probes per event or reads that user's rows once.
  await db.schema
    .createTable('live_event_recipients')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('live_event_recipients_pk', ['user_id', 'seq'])
    .execute();
  // Pruning follows the events' own pruning, by sequence.
  await db.schema
    .createIndex('live_event_recipients_seq_idx')
    .on('live_event_recipients')
    .column('seq')
    .execute();
  await db.schema.alterTable('notifications').addColumn('consultation_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('consultation_id').execute();
  await db.schema.dropTable('live_event_recipients').execute();
}
