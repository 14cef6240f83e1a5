import { PostgresAdapter } from 'kysely';
import type { Db } from '../db/database.ts';

/*
 * Ticket creation and calendar edits of one workspace exclude each other on PostgreSQL through the workspace row:
 * a creation holds it shared (`lockShared` below) from its calendars check to its commit, an edit takes it alone
 * (NO KEY UPDATE: the key-share locks of other writes' foreign keys do not wait for it). So a ticket is created
 * either before an edit, and found by the edit's recompute, or after it, with the new calendar. SQLite runs one write
 * transaction at a time: nothing to lock there.
 */

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The workspace's current policy version and calendars as stored now, in one query, with a signature that changes
 * with any calendar. Takes the database or a transaction: a ticket change checks, inside its own transaction, that
 * the context it computed clocks with is still the stored one (see ticket.service.ts). `lockShared`: also hold the
 * workspace row shared until the transaction ends (a ticket creation).
 */
export async function readWorkspaceCalendars(
  db: Db,
  workspaceId: string,
  options: { lockShared?: boolean } = {},
) {
  const rows = await db
    .selectFrom('workspaces')
    .leftJoin('calendars', 'calendars.workspace_id', 'workspaces.id')
    .select([
      'workspaces.policy_version as policyVersion',
      'calendars.key as key',
      'calendars.spec_json as spec',
    ])
    .where('workspaces.id', '=', workspaceId)
    .orderBy('calendars.key')
    .$if(options.lockShared === true && isPostgres(db), (qb) => qb.forShare('workspaces'))
    .execute();
  const calendars: { key: string; spec_json: string }[] = [];
  for (const row of rows)
    if (row.key !== null && row.spec !== null) calendars.push({ key: row.key, spec_json: row.spec });
  return {
    policyVersion: rows[0]?.policyVersion ?? null,
    rows: calendars,
    signature: JSON.stringify(calendars.map((r) => [r.key, r.spec_json])),
  };
}

export type WorkspaceCalendars = Awaited<ReturnType<typeof readWorkspaceCalendars>>;

/** A calendar edit's side of the lock described above. */
export async function lockWorkspaceExclusive(trx: Db, workspaceId: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId).forNoKeyUpdate().execute();
}
