import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { runPrepared } from '../db/prepared.ts';

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
 * What identifies one stored state of a workspace's calendars: each calendar's key, row id and `updated_at`, which
 * every edit moves strictly forward (see `putCalendar`). Built from those columns alone, so a check need not read the
 * specs (holiday lists included) of every calendar, which a workspace with one calendar per Sur Mesure client would
 * make the larger part of each ticket creation.
 */
function calendarsStamp(
  rows: readonly { key: string | null; id: string | null; updatedAt: number | null }[],
): string {
  let stamp = '';
  for (const row of rows)
    if (row.key !== null) stamp += `${row.key}\u0000${row.id}\u0000${row.updatedAt}\u0001`;
  return stamp;
}

/** The workspace row joined to its calendars, by key: what both reads below select from. */
function workspaceCalendars(db: Db, workspaceId: string) {
  return db
    .selectFrom('workspaces')
    .leftJoin('calendars', 'calendars.workspace_id', 'workspaces.id')
    .select([
      'workspaces.policy_version as policyVersion',
      'calendars.key as key',
      'calendars.id as id',
      'calendars.updated_at as updatedAt',
    ])
    .where('workspaces.id', '=', workspaceId)
    .orderBy('calendars.key');
}

/**
 * The workspace's current policy version and calendars as stored now, in one query, with the signature of their
 * state (`calendarsStamp`).
 */
export async function readWorkspaceCalendars(db: Db, workspaceId: string) {
  const rows = await workspaceCalendars(db, workspaceId).select('calendars.spec_json as spec').execute();
  const calendars: { key: string; spec_json: string }[] = [];
  for (const row of rows)
    if (row.key !== null && row.spec !== null) calendars.push({ key: row.key, spec_json: row.spec });
  return {
    policyVersion: rows[0]?.policyVersion ?? null,
    rows: calendars,
    signature: calendarsStamp(rows),
  };
}

/**
 * The workspace's policy version and the signature of its calendars as stored now, without their specs. Takes the
 * database or a transaction: a ticket change checks, inside its own transaction, that the context it computed clocks
 * with is still the stored one (see ticket.service.ts). `lockShared`: also hold the workspace row shared until the
 * transaction ends (a ticket creation).
 */
export async function readCalendarsStamp(
  db: Db,
  workspaceId: string,
  options: { lockShared?: boolean } = {},
) {
  const lock = options.lockShared === true && isPostgres(db);
  const { rows } = await runPrepared(
    db,
    `workspaces.calendarsStamp:${lock}`,
    (p) => workspaceCalendars(db, p<string>('workspaceId')).$if(lock, (qb) => qb.forShare('workspaces')),
    { workspaceId },
  );
  return { policyVersion: rows[0]?.policyVersion ?? null, signature: calendarsStamp(rows) };
}

export type WorkspaceCalendars = Awaited<ReturnType<typeof readWorkspaceCalendars>>;

/** A calendar edit's side of the lock described above. */
export async function lockWorkspaceExclusive(trx: Db, workspaceId: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx.selectFrom('workspaces').select('id').where('id', '=', workspaceId).forNoKeyUpdate().execute();
}

/** The workspace's own calendars (contracts' extended hours), by key. */
export function createCalendarRepository(db: Db) {
  return {
    list: (workspaceId: string) =>
      db.selectFrom('calendars').selectAll().where('workspace_id', '=', workspaceId).orderBy('key').execute(),

    find: (workspaceId: string, key: string) =>
      db
        .selectFrom('calendars')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .executeTakeFirst(),

    /**
     * Creates or replaces a calendar inside the caller's transaction. `updated_at` moves strictly forward on every
     * edit, even two in one millisecond: (id, updated_at) then names one stored state of the calendar, which is what
     * ticket changes check their context against. The same name and spec again (a retry) is no edit: ticket changes
     * in flight keep their context.
     */
    upsert: async (
      trx: Db,
      input: { id: string; workspaceId: string; key: string; name: string; specJson: string; nowMs: number },
    ): Promise<void> => {
      await trx
        .insertInto('calendars')
        .values({
          id: input.id,
          workspace_id: input.workspaceId,
          key: input.key,
          name: input.name,
          spec_json: input.specJson,
          created_at: input.nowMs,
          updated_at: input.nowMs,
        })
        .onConflict((oc) =>
          oc
            .columns(['workspace_id', 'key'])
            .doUpdateSet({
              name: input.name,
              spec_json: input.specJson,
              updated_at: sql<number>`case when calendars.updated_at >= ${input.nowMs} then calendars.updated_at + 1 else ${input.nowMs} end`,
            })
            .where(
              sql<boolean>`calendars.spec_json <> excluded.spec_json or calendars.name <> excluded.name`,
            ),
        )
        .execute();
    },
  };
}
