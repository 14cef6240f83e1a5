import { PostgresAdapter, sql, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { TicketTable } from '../../db/schema.ts';
import { runPrepared, type Placeholders } from '../../db/prepared.ts';
import { textCondition, textMatch } from './ticket-queue.repository.ts';

export type TicketRow = Selectable<TicketTable>;

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
  /** Only the tickets this user requested (a consultant's own support tickets). */
  requesterId?: string | undefined;
  statuses?: readonly string[] | undefined;
  priorities?: readonly string[] | undefined;
  assigneeId?: string | null | undefined;
  tag?: string | undefined;
  /** Tickets with a counting (running or breached, not stopped) clock due at or before this instant. */
  breachingBeforeMs?: number | undefined;
  /** Words (letters and digits, folded by `ticketSearchTerms`) that must all start a word of subject or description. */
  textTerms?: readonly string[] | undefined;
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

/** Page sizes are rounded up to these (see `list`). */
function listSqlLimit(limit: number): number {
  return LIMIT_STEPS.find((step) => step >= limit) ?? limit;
}

/**
 * The query of a page of ticket keys, its values given by `p` (placeholders when prepared, the values themselves
 * when a test asks for its plan: test/ticket-query-plans.test.ts).
 */
export function ticketListQuery(db: Db, opts: TicketListOptions, p: Placeholders) {
  const sqlLimit = listSqlLimit(opts.limit);
  const column = sortColumn(opts.sort);
  const desc = opts.sort.startsWith('-');
  const statuses = opts.statuses ?? [];
  const priorities = opts.priorities ?? [];
  const assignee = opts.assigneeId === null ? 'none' : opts.assigneeId === undefined ? 'any' : 'one';
  return (
    db
      .selectFrom('tickets')
      .select(TICKET_KEY_COLUMNS)
      .where('tickets.workspace_id', '=', p<string>('workspaceId'))
      .$if(opts.organizationId !== undefined, (qb) =>
        qb.where('tickets.organization_id', '=', p<string>('organizationId')),
      )
      .$if(opts.requesterId !== undefined, (qb) =>
        qb.where('tickets.requester_id', '=', p<string>('requesterId')),
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
      // The earliest due instant of the counting clocks, kept by the write path (a breached clock keeps
      // counting until it stops: the most overdue tickets stay in view).
      .$if(opts.breachingBeforeMs !== undefined, (qb) =>
        qb.where('tickets.next_due_at', '<=', p<number>('breachingBeforeMs')),
      )
      .$if((opts.textTerms?.length ?? 0) > 0, (qb) => qb.where(textCondition(db, p<string>('textMatch'))))
      .$if(opts.after !== undefined, (qb) => {
        const key = p<string | number>('afterKey');
        const id = p<string>('afterId');
        return desc
          ? qb.where(sql<boolean>`(${column} < ${key} or (${column} = ${key} and tickets.id < ${id}))`)
          : qb.where(sql<boolean>`(${column} > ${key} or (${column} = ${key} and tickets.id > ${id}))`);
      })
      .orderBy(column, desc ? 'desc' : 'asc')
      .orderBy('tickets.id', desc ? 'desc' : 'asc')
      .limit(sql.lit(sqlLimit))
  );
}

/** Whole ticket rows by id (`count` ids from `p`): by primary key, whatever the planner's statistics say. */
export function ticketsByIdQuery(db: Db, p: Placeholders, count: number) {
  return db.selectFrom('tickets').selectAll().where('id', 'in', p.list<string>('ids', count));
}

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

/** The `tickets` table: rows, lists and the queue, the version move of the write path. */
export function ticketRowsRepository(db: Db) {
  return {
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

    /** The whole rows of some tickets of a workspace (any order; missing ids and other workspaces' are left out). */
    findMany: async (workspaceId: string, ids: readonly string[]): Promise<TicketRow[]> => {
      if (ids.length === 0) return [];
      // By id alone, so that the primary key answers whatever the planner's statistics say: with the workspace in
      // the WHERE too, SQLite without statistics walked the workspace's every ticket. Its rows are kept here.
      const { rows } = await runPrepared(
        db,
        `tickets.findMany:${ids.length}`,
        (p) => ticketsByIdQuery(db, p, ids.length),
        { ids },
      );
      return rows.filter((row) => row.workspace_id === workspaceId);
    },

    /** The keys of a page of tickets (see TicketSnapshotCache: the rest of each ticket is read only when needed). */
    list: async (opts: TicketListOptions): Promise<TicketKeyRow[]> => {
      // A literal LIMIT makes this query cheaper on SQLite (docs/performance.md); rounding it up to a few sizes
      // keeps the number of compiled shapes small whatever `limit` callers send.
      const sqlLimit = listSqlLimit(opts.limit);
      const statuses = opts.statuses ?? [];
      const priorities = opts.priorities ?? [];
      const assignee = opts.assigneeId === null ? 'none' : opts.assigneeId === undefined ? 'any' : 'one';
      // Everything that changes the SQL; the values themselves are bound.
      const shape = [
        'tickets.list',
        opts.sort,
        opts.organizationId !== undefined,
        opts.requesterId !== undefined,
        statuses.length,
        priorities.length,
        assignee,
        opts.tag !== undefined,
        opts.breachingBeforeMs !== undefined,
        (opts.textTerms?.length ?? 0) > 0,
        opts.after !== undefined,
        sqlLimit,
      ].join(':');
      const { rows } = await runPrepared(
        db,
        shape,
        (p) => ticketListQuery(db, opts, p),
        {
          workspaceId: opts.workspaceId,
          organizationId: opts.organizationId,
          requesterId: opts.requesterId,
          statuses,
          priorities,
          assigneeId: opts.assigneeId,
          tag: opts.tag,
          breachingBeforeMs: opts.breachingBeforeMs,
          textMatch: (opts.textTerms?.length ?? 0) > 0 ? textMatch(db, opts.textTerms ?? []) : undefined,
          afterKey: opts.after?.key,
          afterId: opts.after?.id,
        },
        { readCache: true },
      );
      return rows.length > opts.limit ? rows.slice(0, opts.limit) : rows;
    },

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
            queue_key: p('queue_key'),
            billing_mode: p('billing_mode'),
            extended_calendar_key: p('extended_calendar_key'),
            maintenance_contract: p('maintenance_contract'),
            hourly_rate_cents: p('hourly_rate_cents'),
            currency: p('currency'),
            version: p('version'),
            created_at: p('created_at'),
            updated_at: p('updated_at'),
          }),
        row,
      );
    },

    /**
     * The one statement that moves `tickets.version`, for the write path (ticket-change.ts) only: applies `patch`
     * and bumps the version if the stored version is still `fromVersion` (the caller holds the row lock).
     */
    advance: async (id: string, fromVersion: number, patch: Updateable<TicketTable>): Promise<void> => {
      const result = await db
        .updateTable('tickets')
        .set({ ...patch, version: sql<number>`version + 1` })
        .where('id', '=', id)
        .where('version', '=', fromVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1)
        throw new Error(`ticket ${id} moved from version ${fromVersion} under its row lock`);
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

    /** What the write path derives from the clocks: the next due instant and the queue position. */
    setDerived: async (
      id: string,
      derived: { nextDueAtMs: number | null; queueKey: string },
    ): Promise<void> => {
      await db
        .updateTable('tickets')
        .set({ next_due_at: derived.nextDueAtMs, queue_key: derived.queueKey })
        .where('id', '=', id)
        .execute();
    },

    /** The active members of the workspace with one of these roles (who an escalation tells). */
    memberIds: async (workspaceId: string, roles: readonly string[]): Promise<string[]> =>
      (
        await db
          .selectFrom('memberships')
          .select('user_id')
          .where('workspace_id', '=', workspaceId)
          .where('role', 'in', [...roles])
          .where('disabled_at', 'is', null)
          .orderBy('user_id')
          .execute()
      ).map((r) => r.user_id),

    /** An active agent or admin of the workspace: who a ticket may be assigned to. */
    isStaffMember: async (workspaceId: string, userId: string): Promise<boolean> => {
      const row = await db
        .selectFrom('memberships')
        .select('role')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        // Consultants are supported, not staff: tickets are assigned to the desk's admins and agents.
        .where('role', 'in', ['admin', 'agent'])
        // Only an active member: not disabled by this workspace, not an invitation still pending.
        .where('disabled_at', 'is', null)
        .where('invitation', 'is', null)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Whether the ticket's history holds an event of this type (read inside the change's transaction). */
    isRequesterOf: async (workspaceId: string, organizationId: string, userId: string): Promise<boolean> => {
      const row = await db
        .selectFrom('memberships')
        .select('user_id')
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', userId)
        .where('organization_id', '=', organizationId)
        .where('disabled_at', 'is', null)
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
