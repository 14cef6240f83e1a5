import type { Transaction } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database, LiveEventTable } from '../db/schema.ts';

/** Who a stream serves, as SQL filters: staff see the whole workspace, others a part of it (see live-scope.ts). */
export interface LiveScope {
  readonly workspaceId: string;
  readonly staff: boolean;
  /** Clients: their organization's tickets. */
  readonly organizationId: string | null;
  /** Consultants and clients without an organization: the tickets they requested. */
  readonly requesterId: string | null;
  /** The reader: events of audience `users` reach them when they are among its recipients. */
  readonly userId: string;
}

/** An event to append; with audience `users`, `recipients` names who besides staff receives it. */
export type NewLiveEvent = Omit<LiveEventTable, 'seq'> & { readonly recipients?: readonly string[] };

/**
 * The events after `afterSeq` the scope may see, oldest first: one range scan of the workspace's events by
 * (workspace_id, seq); a non-staff reader's events of audience `users` are those with a recipient row of theirs,
 * probed by the recipients' primary key (user_id, seq).
 */
export function readAfterQuery(db: Db, scope: LiveScope, afterSeq: number, limit: number) {
  return db
    .selectFrom('live_events')
    .selectAll('live_events')
    .where('live_events.workspace_id', '=', scope.workspaceId)
    .where('live_events.seq', '>', afterSeq)
    .$if(!scope.staff, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb.and([
            eb('live_events.audience', '=', 'all'),
            scope.organizationId !== null
              ? eb('live_events.organization_id', '=', scope.organizationId)
              : eb('live_events.requester_id', '=', scope.requesterId ?? ''),
          ]),
          eb.and([
            eb('live_events.audience', '=', 'users'),
            eb.exists(
              eb
                .selectFrom('live_event_recipients as r')
                .select('r.seq')
                .where('r.user_id', '=', scope.userId)
                .whereRef('r.seq', '=', 'live_events.seq'),
            ),
          ]),
        ]),
      ),
    )
    .orderBy('live_events.seq')
    .limit(limit);
}

/**
 * Appends events with sequence numbers from the one counter row. The `UPDATE … RETURNING` locks that row until the
 * transaction ends, so transactions taking numbers commit in number order: a reader of `seq > last` never sees 7
 * before a 6 that is still in flight (a PostgreSQL sequence would hand out numbers that commit out of order).
 */
export async function appendLiveEvents(
  trx: Transaction<Database>,
  events: readonly NewLiveEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const row = await trx
    .updateTable('live_sequence')
    .set((eb) => ({ value: eb('value', '+', events.length) }))
    .where('name', '=', 'live')
    .returning('value')
    .executeTakeFirstOrThrow();
  const first = Number(row.value) - events.length + 1;
  await trx
    .insertInto('live_events')
    .values(events.map(({ recipients: _recipients, ...e }, i) => ({ ...e, seq: first + i })))
    .onConflict((oc) => oc.column('outbox_id').doNothing())
    .execute();
  const recipients = events.flatMap((e, i) =>
    e.audience === 'users'
      ? [...new Set(e.recipients ?? [])].map((user_id) => ({ user_id, seq: first + i }))
      : [],
  );
  // A repeated outbox row inserted no event above; its recipient rows name a sequence number no event has.
  if (recipients.length > 0)
    await trx
      .insertInto('live_event_recipients')
      .values(recipients)
      .onConflict((oc) => oc.columns(['user_id', 'seq']).doNothing())
      .execute();
}

async function readLatestSeq(db: Db): Promise<number> {
  const row = await db
    .selectFrom('live_sequence')
    .select('value')
    .where('name', '=', 'live')
    .executeTakeFirst();
  return Number(row?.value ?? 0);
}

async function readOldestSeq(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom('live_events')
    .select((eb) => eb.fn.min('seq').as('seq'))
    .executeTakeFirst();
  return row?.seq === null || row?.seq === undefined ? null : Number(row.seq);
}

export function createLiveEventRepository(db: Db) {
  return {
    latestSeq: () => readLatestSeq(db),
    oldestSeq: () => readOldestSeq(db),

    /** The events after `afterSeq` the scope may see, oldest first. */
    async readAfter(scope: LiveScope, afterSeq: number, limit: number): Promise<LiveEventTable[]> {
      const rows = await readAfterQuery(db, scope, afterSeq, limit).execute();
      return rows.map((r) => ({ ...r, seq: Number(r.seq), created_at: Number(r.created_at) }));
    },

    /** Events older than `beforeMs` are dropped: a reader that far behind reloads instead (a `reset` event). */
    async prune(beforeMs: number): Promise<void> {
      await db.deleteFrom('live_events').where('created_at', '<', beforeMs).execute();
      // Recipients of events gone (and of none: a repeated outbox row's), by the sequence index. The latest number is
      // read first: an event appended meanwhile has a higher one than the bound, even when no event was left.
      const latest = await readLatestSeq(db);
      const oldest = await readOldestSeq(db);
      await db
        .deleteFrom('live_event_recipients')
        .where('seq', '<', oldest ?? latest + 1)
        .execute();
    },
  };
}

export type LiveEventRepository = ReturnType<typeof createLiveEventRepository>;
