import { sql, type Kysely } from 'kysely';

// A ticket keeps the contract calendar it was opened under, like its plan and policy version: a later contract
// must not rewrite the business time already elapsed on it. Existing tickets take the extended calendar of the
// contract that was in force when they were created (the latest one created at or before them).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tickets').addColumn('extended_calendar_key', 'text').execute();
  await sql`
    update tickets set extended_calendar_key = (
      select c.extended_calendar_key from contracts c
      where c.workspace_id = tickets.workspace_id
        and c.organization_id = tickets.organization_id
        and c.created_at <= tickets.created_at
      order by c.created_at desc, c.id desc
      limit 1
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tickets').dropColumn('extended_calendar_key').execute();
}
