import type { Kysely } from 'kysely';

// Consultation requests' message thread (issue #13): the client and the consultant who took the request write to each
// other here. The consultant's first message is their first contact ("ou le premier message au client compte").
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('consultation_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('consultation_id', 'text', (c) =>
      c.notNull().references('consultations.id').onDelete('cascade'),
    )
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addUniqueConstraint('consultation_messages_seq_unique', ['consultation_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('consultation_messages').execute();
}
