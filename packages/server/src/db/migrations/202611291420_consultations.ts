import type { Kysely } from 'kysely';

// Consultation requests (issue #13). A consultant's profile is keyed by (workspace, user). A request is one row whose
// `state` moves offered → accepted → contacted → closed, or open (the claim board) → accepted…; a claim is one
// conditional UPDATE on `state = 'open'`. Its history is `consultation_events`; `consultation_exclusions` holds the
// consultants who declined it or let it expire, so it is never offered to, listed for or claimable by them again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('consultant_profiles')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('specialties_json', 'text', (c) => c.notNull())
    .addColumn('languages_json', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('available', 'integer', (c) => c.notNull())
    .addColumn('away_until', 'bigint')
    .addColumn('bio', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('consultant_profiles_pk', ['workspace_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('consultations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('organization_id', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('specialty', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('consultant_id', 'text')
    .addColumn('offered_at', 'bigint')
    .addColumn('accept_due_at', 'bigint')
    .addColumn('accepted_at', 'bigint')
    .addColumn('contact_due_at', 'bigint')
    .addColumn('contacted_at', 'bigint')
    .addColumn('contact_kind', 'text')
    .addColumn('ended_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('consultations_board_idx')
    .on('consultations')
    .columns(['workspace_id', 'state', 'created_at'])
    .execute();
  await db.schema
    .createIndex('consultations_consultant_idx')
    .on('consultations')
    .columns(['consultant_id', 'state'])
    .execute();
  await db.schema
    .createIndex('consultations_client_idx')
    .on('consultations')
    .columns(['client_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('consultation_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('consultation_id', 'text', (c) =>
      c.notNull().references('consultations.id').onDelete('cascade'),
    )
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('consultant_id', 'text')
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addUniqueConstraint('consultation_events_seq_unique', ['consultation_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('consultation_events_report_idx')
    .on('consultation_events')
    .columns(['workspace_id', 'at'])
    .execute();

  await db.schema
    .createTable('consultation_exclusions')
    .addColumn('consultation_id', 'text', (c) =>
      c.notNull().references('consultations.id').onDelete('cascade'),
    )
    .addColumn('consultant_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('consultation_exclusions_pk', ['consultation_id', 'consultant_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'consultation_exclusions',
    'consultation_events',
    'consultations',
    'consultant_profiles',
  ])
    await db.schema.dropTable(table).execute();
}
