import { sql, type Kysely } from 'kysely';

// A ticket keeps the billing terms of the contract it was opened under (maintenance contract, hourly rate,
// currency), like its plan, policy version and extended calendar: a later contract must not change what an open
// ticket is billed. Existing tickets take the terms of the contract in force when they were created.
// Attachments gain an internal flag: a file staff attach for each other is not the client's to download.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tickets')
    .addColumn('maintenance_contract', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('tickets')
    .addColumn('hourly_rate_cents', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('tickets')
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('EUR'))
    .execute();
  for (const column of ['maintenance_contract', 'hourly_rate_cents', 'currency'] as const) {
    await sql`
      update tickets set ${sql.ref(column)} = coalesce((
        select c.${sql.ref(column)} from contracts c
        where c.workspace_id = tickets.workspace_id
          and c.organization_id = tickets.organization_id
          and c.created_at <= tickets.created_at
        order by c.created_at desc, c.id desc
        limit 1
      ), tickets.${sql.ref(column)})`.execute(db);
  }
  await db.schema
    .alterTable('attachments')
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('public'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('attachments').dropColumn('visibility').execute();
  for (const column of ['currency', 'hourly_rate_cents', 'maintenance_contract'])
    await db.schema.alterTable('tickets').dropColumn(column).execute();
}
