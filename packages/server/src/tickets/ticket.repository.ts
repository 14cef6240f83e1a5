import { PostgresAdapter, sql, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CommentTable, TicketEventTable, TicketSlaTable, TicketTable } from '../db/schema.ts';
import { runPrepared } from '../db/prepared.ts';
import { newId } from '../ids.ts';

export type TicketRow = Selectable<TicketTable>;
export type TicketEventRow = Selectable<TicketEventTable>;
export type TicketSlaRow = Selectable<TicketSlaTable>;
export type CommentRow = Selectable<CommentTable>;

const PERSISTED_SLA_COLUMNS = [
  'ticket_id',
  'metric',
  'state',
  'target',
  'calendar_id',
  'due_at',
  'breached_at',
  'stopped_at',
  'used_ms',
  'target_ms',
  'computed_at',
] as const satisfies readonly (keyof TicketSlaRow)[];
export type PersistedSlaRow = Pick<TicketSlaRow, (typeof PERSISTED_SLA_COLUMNS)[number]>;

export const TICKET_SORTS = [
  'createdAt',
  '-createdAt',
  'updatedAt',
  '-updatedAt',
  'priority',
  '-priority',
  'dueAt',
  '-dueAt',
] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

/** Far beyond any real instant: tickets without a counting clock sort after those with one. */
const NO_DUE_MS = 8_000_000_000_000_000;

/** What a list cursor's key is for a sort: an instant (epoch ms, at most NO_DUE_MS) or a priority id. */
export function sortKeyKind(sort: TicketSort): 'instant' | 'priority' {
  return sort.replace('-', '') === 'priority' ? 'priority' : 'instant';
}

/** The largest instant a cursor can carry (the due key of tickets without a counting clock). */
export const MAX_SORT_INSTANT_MS = NO_DUE_MS;

export interface TicketListOptions {
  workspaceId: string;
  organizationId?: string | undefined;
  statuses?: readonly string[] | undefined;
  priorities?: readonly string[] | undefined;
  assigneeId?: string | null | undefined;
  tag?: string | undefined;
  /** Tickets with a counting (running or breached, not stopped) clock due at or before this instant. */
  breachingBeforeMs?: number | undefined;
  sort: TicketSort;
  after?: { key: string | number; id: string } | undefined;
  limit: number;
}

export interface NewEvent {
  type: string;
  payload: Record<string, unknown>;
}

function sortColumn(sort: TicketSort) {
  switch (sort.replace('-', '')) {
    case 'updatedAt':
      return sql<number>`tickets.updated_at`;
    case 'priority':
      return sql<string>`tickets.priority`;
    case 'dueAt':
      return sql<number>`coalesce(tickets.next_due_at, ${sql.lit(NO_DUE_MS)})`;
    default:
      return sql<number>`tickets.created_at`;
  }
}

/** Page sizes a list query is compiled for (a page asks for one more row than it shows, to know if more follow). */
const LIMIT_STEPS = [11, 26, 51, 101] as const;

/** What a list query returns per ticket: enough to know its current version and to cut a cursor after it. */
export const TICKET_KEY_COLUMNS = [
  'tickets.id',
  'tickets.version',
  'tickets.created_at',
  'tickets.updated_at',
  'tickets.priority',
  'tickets.next_due_at',
] as const;
export type TicketKeyRow = Pick<
  TicketRow,
  'id' | 'version' | 'created_at' | 'updated_at' | 'priority' | 'next_due_at'
>;

export function sortKeyOf(row: TicketKeyRow, sort: TicketSort): string | number {
  switch (sort.replace('-', '')) {
    case 'updatedAt':
      return row.updated_at;
    case 'priority':
      return row.priority;
    case 'dueAt':
      return row.next_due_at ?? NO_DUE_MS;
    default:
      return row.created_at;
  }
}

export function createTicketRepository(db: Db) {
  return {
    /** The database or transaction this repository runs on, for checks shared with other repositories. */
    db,

    find: async (workspaceId: string, id: string): Promise<TicketRow | undefined> => {
      const { rows } = await runPrepared(
        db,
        'tickets.find',
        (p) =>
          db
            .selectFrom('tickets')
            .selectAll()
            .where('workspace_id', '=', p<string>('workspaceId'))
            .where('id', '=', p<string>('id')),
        { workspaceId, id },
        { readCache: true },
      );
      return rows[0];
    },

    /** The current version of each of some tickets (id → version; missing ids are left out). */
    versionsOf: async (ids: readonly string[]): Promise<Map<string, number>> => {
      if (ids.length === 0) return new Map();
      const { rows } = await runPrepared(
        db,
        `tickets.versionsOf:${ids.length}`,
        (p) =>
          db
            .selectFrom('tickets')
            .select(['id', 'version'])
            .where('id', 'in', p.list<string>('ids', ids.length)),
        { ids },
      );
      return new Map(rows.map((r) => [r.id, r.version]));
    },

    /** The whole rows of some tickets of a workspace (any order; missing ids are left out). */
    findMany: async (workspaceId: string, ids: readonly string[]): Promise<TicketRow[]> => {
      if (ids.length === 0) return [];
      const { rows } = await runPrepared(
        db,
        `tickets.findMany:${ids.length}`,
        (p) =>
          db
            .selectFrom('tickets')
            .selectAll()
            .where('workspace_id', '=', p<string>('workspaceId'))
            .where('id', 'in', p.list<string>('ids', ids.length)),
        { workspaceId, ids },
      );
      return rows;
    },

    /** The keys of a page of tickets (see TicketSnapshotCache: the rest of each ticket is read only when needed). */
    list: async (opts: TicketListOptions): Promise<TicketKeyRow[]> => {
      // A literal LIMIT halves this query on SQLite (27 → 14 µs for a page of 7 here); rounding it up to a few sizes
      // keeps the number of compiled shapes small whatever `limit` callers send.
      const sqlLimit = LIMIT_STEPS.find((step) => step >= opts.limit) ?? opts.limit;
      const column = sortColumn(opts.sort);
      const desc = opts.sort.startsWith('-');
      const statuses = opts.statuses ?? [];
      const priorities = opts.priorities ?? [];
      const assignee = opts.assigneeId === null ? 'none' : opts.assigneeId === undefined ? 'any' : 'one';
      // Everything that changes the SQL; the values themselves are bound.
      const shape = [
        'tickets.list',
        opts.sort,
        opts.organizationId !== undefined,
        statuses.length,
        priorities.length,
        assignee,
        opts.tag !== undefined,
        opts.breachingBeforeMs !== undefined,
        opts.after !== undefined,
        sqlLimit,
      ].join(':');
      const { rows } = await runPrepared(
        db,
        shape,
        (p) =>
          db
            .selectFrom('tickets')
            .select(TICKET_KEY_COLUMNS)
            .where('tickets.workspace_id', '=', p<string>('workspaceId'))
            .$if(opts.organizationId !== undefined, (qb) =>
              qb.where('tickets.organization_id', '=', p<string>('organizationId')),
            )
            .$if(statuses.length > 0, (qb) =>
              qb.where('tickets.status', 'in', p.list<string>('statuses', statuses.length)),
            )
            .$if(priorities.length > 0, (qb) =>
              qb.where('tickets.priority', 'in', p.list<string>('priorities', priorities.length)),
            )
            .$if(assignee === 'none', (qb) => qb.where('tickets.assignee_id', 'is', null))
            .$if(assignee === 'one', (qb) => qb.where('tickets.assignee_id', '=', p<string>('assigneeId')))
            .$if(opts.tag !== undefined, (qb) =>
              qb.where((eb) =>
                eb.exists(
                  eb
                    .selectFrom('ticket_tags')
                    .select('ticket_tags.tag')
                    .whereRef('ticket_tags.ticket_id', '=', 'tickets.id')
                    .where('ticket_tags.tag', '=', p<string>('tag')),
                ),
              ),
            )
            .$if(opts.breachingBeforeMs !== undefined, (qb) =>
              qb.where((eb) =>
                eb.exists(
                  eb
                    .selectFrom('ticket_sla')
                    .select('ticket_sla.metric')
                    .whereRef('ticket_sla.ticket_id', '=', 'tickets.id')
                    // A breached clock keeps counting until it stops: the most overdue tickets stay in view.
                    .where('ticket_sla.state', 'in', ['running', 'breached'])
                    .where('ticket_sla.stopped_at', 'is', null)
                    .where('ticket_sla.due_at', '<=', p<number>('breachingBeforeMs')),
                ),
              ),
            )
            .$if(opts.after !== undefined, (qb) => {
              const key = p<string | number>('afterKey');
              const id = p<string>('afterId');
              return desc
                ? qb.where(sql<boolean>`(${column} < ${key} or (${column} = ${key} and tickets.id < ${id}))`)
                : qb.where(sql<boolean>`(${column} > ${key} or (${column} = ${key} and tickets.id > ${id}))`);
            })
            .orderBy(column, desc ? 'desc' : 'asc')
            .orderBy('tickets.id', desc ? 'desc' : 'asc')
            .limit(sql.lit(sqlLimit)),
        {
          workspaceId: opts.workspaceId,
          organizationId: opts.organizationId,
          statuses,
          priorities,
          assigneeId: opts.assigneeId,
          tag: opts.tag,
          breachingBeforeMs: opts.breachingBeforeMs,
          afterKey: opts.after?.key,
          afterId: opts.after?.id,
        },
        { readCache: true },
      );
      return rows.length > opts.limit ? rows.slice(0, opts.limit) : rows;
    },

    /** Agents' queue: priority contracts first by due instant, then the standard queue in arrival order from its start. */
    queue: (opts: {
      workspaceId: string;
      queueClass?: string | undefined;
      assigneeId?: string | null | undefined;
      limit: number;
    }) =>
      db
        .selectFrom('tickets')
        .selectAll()
        .where('workspace_id', '=', opts.workspaceId)
        .where('status', 'in', ['new', 'open'])
        .$if(opts.queueClass !== undefined, (qb) => qb.where('queue_class', '=', opts.queueClass ?? ''))
        .$if(opts.assigneeId === null, (qb) => qb.where('assignee_id', 'is', null))
        .$if(typeof opts.assigneeId === 'string', (qb) => qb.where('assignee_id', '=', opts.assigneeId ?? ''))
        .orderBy(sql`case when queue_class = 'priority' then 0 else 1 end`)
        .orderBy(
          sql`case when queue_class = 'priority' then coalesce(next_due_at, ${sql.lit(NO_DUE_MS)}) else queue_start_at end`,
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(opts.limit)
        .execute(),

    insert: async (row: TicketRow): Promise<void> => {
      await runPrepared(
        db,
        'tickets.insert',
        (p) =>
          db.insertInto('tickets').values({
            id: p('id'),
            workspace_id: p('workspace_id'),
            organization_id: p('organization_id'),
            requester_id: p('requester_id'),
            assignee_id: p('assignee_id'),
            subject: p('subject'),
            description: p('description'),
            category: p('category'),
            priority: p('priority'),
            channel: p('channel'),
            status: p('status'),
            plan: p('plan'),
            policy_version: p('policy_version'),
            queue_class: p('queue_class'),
            queue_start_at: p('queue_start_at'),
            next_due_at: p('next_due_at'),
            billing_mode: p('billing_mode'),
            extended_calendar_key: p('extended_calendar_key'),
            version: p('version'),
            created_at: p('created_at'),
            updated_at: p('updated_at'),
          }),
        row,
      );
    },

    /** Optimistic concurrency: applies only if the stored version is still `expectedVersion`. */
    updateIfVersion: async (
      id: string,
      expectedVersion: number,
      patch: Updateable<TicketTable>,
    ): Promise<boolean> => {
      const result = await db
        .updateTable('tickets')
        .set({ ...patch, version: sql<number>`version + 1` })
        .where('id', '=', id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /**
     * The ticket row, locked until the transaction ends, for a change that decides from its current state (a
     * comment's status move). PostgreSQL needs `FOR UPDATE`; SQLite runs one write transaction at a time (one
     * connection), so a plain read inside it is already current. Call it inside `inTicketTransaction` only.
     */
    lockForChange: async (workspaceId: string, id: string): Promise<TicketRow | undefined> =>
      db
        .selectFrom('tickets')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .$if(db.getExecutor().adapter instanceof PostgresAdapter, (qb) => qb.forUpdate())
        .executeTakeFirst(),

    /** Unconditional change (a comment, an attachment): still bumps the version and takes the row lock. */
    touch: async (id: string, patch: Updateable<TicketTable>): Promise<void> => {
      await db
        .updateTable('tickets')
        .set({ ...patch, version: sql<number>`version + 1` })
        .where('id', '=', id)
        .execute();
    },

    /**
     * A change that rewrote stored data of the ticket without a change of its own (clocks recomputed after a calendar
     * edit): the version still moves, as every reader and cache keys on it.
     */
    bumpVersion: async (id: string): Promise<void> => {
      await db
        .updateTable('tickets')
        .set({ version: sql<number>`version + 1` })
        .where('id', '=', id)
        .execute();
    },

    setNextDue: async (id: string, nextDueAtMs: number | null): Promise<void> => {
      await db.updateTable('tickets').set({ next_due_at: nextDueAtMs }).where('id', '=', id).execute();
    },

    /** Appends after the last sequence number; callers hold the ticket row lock (they updated it first). */
    appendEvents: async (
      ticket: { id: string; workspace_id: string },
      events: readonly NewEvent[],
      actorId: string | null,
      atMs: number,
      options: { firstSeq?: number } = {},
    ): Promise<void> => {
      if (events.length === 0) return;
      let start = options.firstSeq;
      if (start === undefined) {
        const last = await db
          .selectFrom('ticket_events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('ticket_id', '=', ticket.id)
          .executeTakeFirst();
        start = Number(last?.seq ?? 0) + 1;
      }
      const params: Record<string, unknown> = {
        ticketId: ticket.id,
        workspaceId: ticket.workspace_id,
        actorId,
        atMs,
        ids: events.map(() => newId()),
        seqs: events.map((_, i) => start + i),
        types: events.map((e) => e.type),
        payloads: events.map((e) => JSON.stringify(e.payload)),
      };
      await runPrepared(
        db,
        `ticket_events.insert:${events.length}`,
        (p) => {
          const [ids, seqs, types, payloads] = [
            p.list<string>('ids', events.length),
            p.list<number>('seqs', events.length),
            p.list<string>('types', events.length),
            p.list<string>('payloads', events.length),
          ];
          return db.insertInto('ticket_events').values(
            events.map((_, i) => ({
              id: ids[i] ?? '',
              ticket_id: p<string>('ticketId'),
              workspace_id: p<string>('workspaceId'),
              seq: seqs[i] ?? 0,
              type: types[i] ?? '',
              payload_json: payloads[i] ?? '',
              actor_id: p<string | null>('actorId'),
              at: p<number>('atMs'),
            })),
          );
        },
        params,
      );
    },

    events: async (ticketId: string): Promise<TicketEventRow[]> => {
      const { rows } = await runPrepared(
        db,
        'ticket_events.ofTicket',
        (p) =>
          db
            .selectFrom('ticket_events')
            .selectAll()
            .where('ticket_id', '=', p<string>('ticketId'))
            .orderBy('seq'),
        { ticketId },
      );
      return rows;
    },

    eventsFor: async (ticketIds: readonly string[]): Promise<Map<string, TicketEventRow[]>> => {
      const out = new Map<string, TicketEventRow[]>();
      if (ticketIds.length === 0) return out;
      const rows = await db
        .selectFrom('ticket_events')
        .selectAll()
        .where('ticket_id', 'in', ticketIds)
        .orderBy('ticket_id')
        .orderBy('seq')
        .execute();
      for (const row of rows) {
        const list = out.get(row.ticket_id) ?? [];
        list.push(row);
        out.set(row.ticket_id, list);
      }
      return out;
    },

    /** What reads need to advance the persisted clocks to now (every column read costs on a page of tickets). */
    slaFor: async (ticketIds: readonly string[]): Promise<Map<string, PersistedSlaRow[]>> => {
      const out = new Map<string, PersistedSlaRow[]>();
      if (ticketIds.length === 0) return out;
      const { rows } = await runPrepared(
        db,
        `ticket_sla.of:${ticketIds.length}`,
        (p) =>
          db
            .selectFrom('ticket_sla')
            .select(PERSISTED_SLA_COLUMNS)
            .where('ticket_id', 'in', p.list<string>('ids', ticketIds.length)),
        { ids: ticketIds },
      );
      for (const row of rows) {
        const list = out.get(row.ticket_id);
        if (list === undefined) out.set(row.ticket_id, [row]);
        else list.push(row);
      }
      return out;
    },

    insertSla: async (rows: readonly TicketSlaRow[]): Promise<void> => {
      if (rows.length === 0) return;
      const params: Record<string, unknown> = {};
      rows.forEach((row, i) => {
        for (const [column, value] of Object.entries(row)) params[`${i}.${column}`] = value;
      });
      await runPrepared(
        db,
        `ticket_sla.insert:${rows.length}`,
        (p) =>
          db.insertInto('ticket_sla').values(
            rows.map((_, i) => ({
              ticket_id: p<string>(`${i}.ticket_id`),
              workspace_id: p<string>(`${i}.workspace_id`),
              metric: p<string>(`${i}.metric`),
              state: p<string>(`${i}.state`),
              target: p<string | null>(`${i}.target`),
              calendar_id: p<string>(`${i}.calendar_id`),
              started_at: p<number>(`${i}.started_at`),
              due_at: p<number | null>(`${i}.due_at`),
              breached_at: p<number | null>(`${i}.breached_at`),
              stopped_at: p<number | null>(`${i}.stopped_at`),
              used_ms: p<number>(`${i}.used_ms`),
              target_ms: p<number | null>(`${i}.target_ms`),
              warning_threshold: p<number | null>(`${i}.warning_threshold`),
              computed_at: p<number>(`${i}.computed_at`),
            })),
          ),
        params,
      );
    },

    replaceSla: async (ticketId: string, rows: readonly TicketSlaRow[]): Promise<void> => {
      await db.deleteFrom('ticket_sla').where('ticket_id', '=', ticketId).execute();
      if (rows.length > 0)
        await db
          .insertInto('ticket_sla')
          .values([...rows])
          .execute();
    },

    /** `fresh`: a new ticket, nothing to delete first. */
    setTags: async (
      ticket: { id: string; workspace_id: string },
      tags: readonly string[],
      options: { fresh?: boolean } = {},
    ): Promise<void> => {
      if (options.fresh !== true)
        await db.deleteFrom('ticket_tags').where('ticket_id', '=', ticket.id).execute();
      if (tags.length > 0) {
        await db
          .insertInto('ticket_tags')
          .values(tags.map((tag) => ({ ticket_id: ticket.id, workspace_id: ticket.workspace_id, tag })))
          .execute();
      }
    },

    tagsFor: async (ticketIds: readonly string[]): Promise<Map<string, string[]>> => {
      const out = new Map<string, string[]>();
      if (ticketIds.length === 0) return out;
      const { rows } = await runPrepared(
        db,
        `ticket_tags.of:${ticketIds.length}`,
        (p) =>
          db
            .selectFrom('ticket_tags')
            .select(['ticket_id', 'tag'])
            .where('ticket_id', 'in', p.list<string>('ids', ticketIds.length))
            .orderBy('tag'),
        { ids: ticketIds },
      );
      for (const row of rows) {
        const list = out.get(row.ticket_id);
        if (list === undefined) out.set(row.ticket_id, [row.tag]);
        else list.push(row.tag);
      }
      return out;
    },

    tagCounts: (workspaceId: string) =>
      db
        .selectFrom('ticket_tags')
        .select(['tag', (eb) => eb.fn.countAll<number>().as('count')])
        .where('workspace_id', '=', workspaceId)
        .groupBy('tag')
        .orderBy('tag')
        .execute(),

    insertComment: async (row: CommentRow): Promise<void> => {
      await db.insertInto('comments').values(row).execute();
    },

    comments: (ticketId: string, includeInternal: boolean) =>
      db
        .selectFrom('comments')
        .selectAll()
        .where('ticket_id', '=', ticketId)
        .$if(!includeInternal, (qb) => qb.where('visibility', '=', 'public'))
        .orderBy('created_at')
        .orderBy('id')
        .execute(),

    /** The outbox row is written with the event, so a notification cannot be lost between commit and send. */
    enqueueOutbox: async (row: {
      workspaceId: string;
      idempotencyKey: string;
      topic: string;
      payload: Record<string, unknown>;
      atMs: number;
    }): Promise<void> => {
      await runPrepared(
        db,
        'outbox.insert',
        (p) =>
          db.insertInto('outbox').values({
            id: p<string>('id'),
            workspace_id: p<string>('workspaceId'),
            idempotency_key: p<string>('idempotencyKey'),
            topic: p<string>('topic'),
            payload_json: p<string>('payloadJson'),
            status: 'pending',
            attempts: 0,
            available_at: p<number>('atMs'),
            created_at: p<number>('atMs'),
            sent_at: null,
          }),
        {
          id: newId(),
          workspaceId: row.workspaceId,
          idempotencyKey: row.idempotencyKey,
          topic: row.topic,
          payloadJson: JSON.stringify(row.payload),
          atMs: row.atMs,
        },
      );
    },

    isStaffMember: async (workspaceId: string, userId: string): Promise<boolean> => {
      const row = await db
        .selectFrom('memberships')
        .select('role')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .where('role', 'in', ['admin', 'agent', 'consultant'])
        .executeTakeFirst();
      return row !== undefined;
    },

    hasAcceptedQuote: async (ticketId: string): Promise<boolean> => {
      const row = await db
        .selectFrom('quotes')
        .select('id')
        .where('ticket_id', '=', ticketId)
        .where('status', '=', 'accepted')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type TicketRepository = ReturnType<typeof createTicketRepository>;

/** Runs `fn` in one transaction with a repository bound to it. */
export function inTicketTransaction<T>(db: Db, fn: (repo: TicketRepository) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => fn(createTicketRepository(trx)));
}
