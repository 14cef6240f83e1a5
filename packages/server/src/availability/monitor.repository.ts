import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { Database, MonitorTable } from '../db/schema.ts';
import type { DialectName } from '../db/dialect.ts';
import { newId } from '../ids.ts';

type Db = Kysely<Database> | Transaction<Database>;
export type MonitorRow = MonitorTable;

export interface ResultRow {
  readonly at: number;
  readonly status: string;
  readonly latency_ms: number | null;
  readonly detail: string;
}

export interface ClaimedRun {
  readonly id: string;
  readonly monitorId: string;
  readonly dueAtMs: number;
  /** The claim's number: only this claim may record the run (a worker past its lease cannot). */
  readonly attempts: number;
}

/** The `monitors`, `monitor_results` and `monitor_runs` tables (Kysely only; the rules are in the services). */
export function createMonitorRepository(db: Kysely<Database>) {
  return {
    find: (trx: Db, workspaceId: string, id: string): Promise<MonitorRow | undefined> =>
      trx
        .selectFrom('monitors')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst(),

    findById: (trx: Db, id: string): Promise<MonitorRow | undefined> =>
      trx.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst(),

    get: (id: string): Promise<MonitorRow | undefined> =>
      db.selectFrom('monitors').selectAll().where('id', '=', id).executeTakeFirst(),

    findByIds: (ids: readonly string[]): Promise<MonitorRow[]> =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('monitors')
            .selectAll()
            .where('id', 'in', [...ids])
            .execute(),

    findByTokenHash: (hash: string): Promise<MonitorRow | undefined> =>
      db.selectFrom('monitors').selectAll().where('heartbeat_token_hash', '=', hash).executeTakeFirst(),

    list: (
      workspaceId: string,
      options: { organizationId?: string | undefined; publicOnly?: boolean } = {},
    ): Promise<MonitorRow[]> =>
      db
        .selectFrom('monitors')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .$if(options.organizationId !== undefined, (qb) =>
          qb.where('organization_id', '=', options.organizationId ?? ''),
        )
        .$if(options.publicOnly === true, (qb) => qb.where('is_public', '=', 1))
        .orderBy('name')
        .orderBy('id')
        .execute(),

    insert: (trx: Db, row: Insertable<MonitorTable>) => trx.insertInto('monitors').values(row).execute(),

    update: (trx: Db, id: string, set: Updateable<MonitorTable>) =>
      trx.updateTable('monitors').set(set).where('id', '=', id).execute(),

    /** Sets an incident column only when it still holds `expected` (two recorders never open two incidents). */
    swapIncident: async (
      column: 'outage_ticket_id' | 'slow_ticket_id',
      id: string,
      expected: string | null,
      next: string | null,
    ): Promise<boolean> => {
      const result = await db
        .updateTable('monitors')
        .set({ [column]: next })
        .where('id', '=', id)
        .where(column, expected === null ? 'is' : '=', expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    delete: (trx: Db, id: string) => trx.deleteFrom('monitors').where('id', '=', id).execute(),

    insertResult: (trx: Db, monitorId: string, result: ResultRow) =>
      trx
        .insertInto('monitor_results')
        .values({ id: newId(), monitor_id: monitorId, ...result })
        .execute(),

    results: (monitorId: string, fromMs: number, toMs: number, limit = 10_000): Promise<ResultRow[]> =>
      db
        .selectFrom('monitor_results')
        .select(['at', 'status', 'latency_ms', 'detail'])
        .where('monitor_id', '=', monitorId)
        .where('at', '>=', fromMs)
        .where('at', '<', toMs)
        .orderBy('at')
        .limit(limit)
        .execute(),

    /** The latest result before `beforeMs`: what the monitor was saying when a window opened. */
    lastResultBefore: (monitorId: string, beforeMs: number): Promise<ResultRow | undefined> =>
      db
        .selectFrom('monitor_results')
        .select(['at', 'status', 'latency_ms', 'detail'])
        .where('monitor_id', '=', monitorId)
        .where('at', '<', beforeMs)
        .orderBy('at', 'desc')
        .limit(1)
        .executeTakeFirst(),

    lastUpAt: async (monitorId: string): Promise<number | null> => {
      const row = await db
        .selectFrom('monitor_results')
        .select('at')
        .where('monitor_id', '=', monitorId)
        .where('status', '=', 'up')
        .orderBy('at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? null : Number(row.at);
    },

    recentUpLatencies: async (trx: Db, monitorId: string, limit: number): Promise<number[]> =>
      (
        await trx
          .selectFrom('monitor_results')
          .select('latency_ms')
          .where('monitor_id', '=', monitorId)
          .where('status', '=', 'up')
          .where('latency_ms', 'is not', null)
          .orderBy('at', 'desc')
          .limit(limit)
          .execute()
      ).map((r) => Number(r.latency_ms)),

    /** A check handed over by the scheduler; a replayed hand-over for the same instant is ignored. */
    insertRun: (trx: Db, monitorId: string, dueAtMs: number) =>
      trx
        .insertInto('monitor_runs')
        .values({ id: newId(), monitor_id: monitorId, due_at: dueAtMs, attempts: 0, lease_until: null })
        .onConflict((oc) => oc.columns(['monitor_id', 'due_at']).doNothing())
        .execute(),

    /**
     * Claims runs nobody holds (never claimed, or past their lease) in one statement; on PostgreSQL the inner select
     * skips rows another instance is claiming, so two instances never claim the same run.
     */
    claimRuns: async (
      dialect: DialectName,
      { nowMs, leaseMs, limit }: { nowMs: number; leaseMs: number; limit: number },
    ): Promise<ClaimedRun[]> => {
      const rows = await db
        .updateTable('monitor_runs')
        .set((eb) => ({ lease_until: nowMs + leaseMs, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('monitor_runs as r')
            .select('r.id')
            .where((w) => w.or([w('r.lease_until', 'is', null), w('r.lease_until', '<=', nowMs)]))
            .orderBy('r.due_at')
            .limit(limit)
            .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked()),
        )
        .returningAll()
        .execute();
      return rows.map((r) => ({
        id: r.id,
        monitorId: r.monitor_id,
        dueAtMs: Number(r.due_at),
        attempts: Number(r.attempts),
      }));
    },

    /** Ends a claimed run; false when the claim was lost (then its result must not be recorded). */
    finishRun: async (trx: Db, run: ClaimedRun): Promise<boolean> => {
      const result = await trx
        .deleteFrom('monitor_runs')
        .where('id', '=', run.id)
        .where('attempts', '=', run.attempts)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    /** Warnings sent about each monitor's current certificate (a renewed one has none yet), tightest last. */
    tlsWarnings: (monitorIds: readonly string[]) =>
      monitorIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('monitor_tls_warnings as w')
            .innerJoin('monitors as m', (join) =>
              join.onRef('m.id', '=', 'w.monitor_id').onRef('m.tls_expires_at', '=', 'w.expires_at'),
            )
            .select(['w.monitor_id', 'w.threshold_days', 'w.warned_at'])
            .where('w.monitor_id', 'in', [...monitorIds])
            .orderBy('w.monitor_id')
            .orderBy('w.threshold_days', 'desc')
            .execute(),

    /** Organization members who can be named requester of an incident ticket (its contacts). */
    organizationContact: async (workspaceId: string, organizationId: string): Promise<string | undefined> =>
      (
        await db
          .selectFrom('memberships')
          .innerJoin('users', 'users.id', 'memberships.user_id')
          .select('memberships.user_id')
          .where('memberships.workspace_id', '=', workspaceId)
          .where('memberships.organization_id', '=', organizationId)
          .where('users.disabled_at', 'is', null)
          .where('memberships.disabled_at', 'is', null)
          .where('memberships.invitation', 'is', null)
          .where('memberships.role', '=', 'client')
          .orderBy('memberships.created_at')
          .limit(1)
          .executeTakeFirst()
      )?.user_id,
  };
}

export type MonitorRepository = ReturnType<typeof createMonitorRepository>;
