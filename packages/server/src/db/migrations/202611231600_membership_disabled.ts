import type { Kysely } from 'kysely';

// Disabling an account is a workspace's decision: it lives on the membership, so an admin of one workspace cannot
// lock a shared account out of another (users.disabled_at stays for operator-level bans via the CLI).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('memberships').addColumn('disabled_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('memberships').dropColumn('disabled_at').execute();
}
