import type { Kysely } from 'kysely';

/**
 * Issue #10 (security):
 * - memberships.invitation: a membership that grants nothing until its holder acts. `sign-in` (a new account made by
 *   an admin: joins at its first sign-in with the password it was given) or `consent` (an existing account: its
 *   holder accepts or declines). `invited_name` is the name the admin typed, shown to that workspace until then, so
 *   it never sees the real name of an account that has not joined.
 * - idempotency_keys(created_at): keys are purged after their window, oldest first.
 * - login_attempts(email, ip, at): sign-in delays count per (account, address) pair.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('memberships').addColumn('invitation', 'text').execute();
  await db.schema.alterTable('memberships').addColumn('invited_name', 'text').execute();
  await db.schema
    .createIndex('idempotency_keys_created_at_idx')
    .on('idempotency_keys')
    .column('created_at')
    .execute();
  await db.schema
    .createIndex('login_attempts_email_ip_at_idx')
    .on('login_attempts')
    .columns(['email', 'ip', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('login_attempts_email_ip_at_idx').execute();
  await db.schema.dropIndex('idempotency_keys_created_at_idx').execute();
  await db.schema.alterTable('memberships').dropColumn('invited_name').execute();
  await db.schema.alterTable('memberships').dropColumn('invitation').execute();
}
