import { sql, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CommentTable, TicketEventTable, TicketSlaTable, TicketTable } from '../db/schema.ts';
import { newId } from '../ids.ts';

export type TicketRow = Selectable<TicketTable>;
export type TicketEventRow = Selectable<TicketEventTable>;
export type TicketSlaRow = Selectable<TicketSlaTable>;
export type CommentRow = Selectable<CommentTable>;

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

/** Far beyond any real instant: tickets without a running clock sort after those with one. */
const NO_DUE_MS = 8_000_000_000_000_000;

export interface TicketListOptions {
  workspaceId: string;
  organizationId?: string | undefined;
  statuses?: readonly string[] | undefined;
  priorities?: readonly string[] | undefined;
  assigneeId?: string | null | undefined;
  tag?: string | undefined;
  /** Tickets with a running clock due at or before this instant (overdue ones included). */
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

export function sortKeyOf(row: TicketRow, sort: TicketSort): string | number {
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
    find: (workspaceId: string, id: string) =>
      db
        .selectFrom('tickets')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst(),

    list: (opts: TicketListOptions) => {
      const column = sortColumn(opts.sort);
      const desc = opts.sort.startsWith('-');
      return db
        .selectFrom('tickets')
        .selectAll('tickets')
        .where('tickets.workspace_id', '=', opts.workspaceId)
        .$if(opts.organizationId !== undefined, (qb) =>
          qb.where('tickets.organization_id', '=', opts.organizationId ?? ''),
        )
        .$if(opts.statuses !== undefined && opts.statuses.length > 0, (qb) =>
          qb.where('tickets.status', 'in', opts.statuses ?? []),
        )
        .$if(opts.priorities !== undefined && opts.priorities.length > 0, (qb) =>
          qb.where('tickets.priority', 'in', opts.priorities ?? []),
        )
        .$if(opts.assigneeId === null, (qb) => qb.where('tickets.assignee_id', 'is', null))
        .$if(typeof opts.assigneeId === 'string', (qb) =>
          qb.where('tickets.assignee_id', '=', opts.assigneeId ?? ''),
        )
        .$if(opts.tag !== undefined, (qb) =>
          qb.where((eb) =>
            eb.exists(
              eb
                .selectFrom('ticket_tags')
                .select('ticket_tags.tag')
                .whereRef('ticket_tags.ticket_id', '=', 'tickets.id')
                .where('ticket_tags.tag', '=', opts.tag ?? ''),
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
                .where('ticket_sla.state', '=', 'running')
                .where('ticket_sla.due_at', '<=', opts.breachingBeforeMs ?? 0),
            ),
          ),
        )
        .$if(opts.after !== undefined, (qb) => {
          const after = opts.after ?? { key: 0, id: '' };
          return desc
            ? qb.where(
                sql<boolean>`(${column} < ${after.key} or (${column} = ${after.key} and tickets.id < ${after.id}))`,
              )
            : qb.where(
                sql<boolean>`(${column} > ${after.key} or (${column} = ${after.key} and tickets.id > ${after.id}))`,
              );
        })
        .orderBy(column, desc ? 'desc' : 'asc')
        .orderBy('tickets.id', desc ? 'desc' : 'asc')
        .limit(opts.limit)
        .execute();
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
      await db.insertInto('tickets').values(row).execute();
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

    /** Unconditional change (a comment, an attachment): still bumps the version and takes the row lock. */
    touch: async (id: string, patch: Updateable<TicketTable>): Promise<void> => {
      await db
        .updateTable('tickets')
        .set({ ...patch, version: sql<number>`version + 1` })
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
      const firstSeq = start;
      await db
        .insertInto('ticket_events')
        .values(
          events.map((e, i) => ({
            id: newId(),
            ticket_id: ticket.id,
            workspace_id: ticket.workspace_id,
            seq: firstSeq + i,
            type: e.type,
            payload_json: JSON.stringify(e.payload),
            actor_id: actorId,
            at: atMs,
          })),
        )
        .execute();
    },

    events: (ticketId: string) =>
      db.selectFrom('ticket_events').selectAll().where('ticket_id', '=', ticketId).orderBy('seq').execute(),

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

    slaFor: async (ticketIds: readonly string[]): Promise<Map<string, TicketSlaRow[]>> => {
      const out = new Map<string, TicketSlaRow[]>();
      if (ticketIds.length === 0) return out;
      const rows = await db
        .selectFrom('ticket_sla')
        .selectAll()
        .where('ticket_id', 'in', ticketIds)
        .execute();
      for (const row of rows) out.set(row.ticket_id, [...(out.get(row.ticket_id) ?? []), row]);
      return out;
    },

    insertSla: async (rows: readonly TicketSlaRow[]): Promise<void> => {
      if (rows.length > 0)
        await db
          .insertInto('ticket_sla')
          .values([...rows])
          .execute();
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
      const rows = await db
        .selectFrom('ticket_tags')
        .select(['ticket_id', 'tag'])
        .where('ticket_id', 'in', ticketIds)
        .orderBy('tag')
        .execute();
      for (const row of rows) out.set(row.ticket_id, [...(out.get(row.ticket_id) ?? []), row.tag]);
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
      await db
        .insertInto('outbox')
        .values({
          id: newId(),
          workspace_id: row.workspaceId,
          idempotency_key: row.idempotencyKey,
          topic: row.topic,
          payload_json: JSON.stringify(row.payload),
          status: 'pending',
          attempts: 0,
          available_at: row.atMs,
          created_at: row.atMs,
          sent_at: null,
        })
        .execute();
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
