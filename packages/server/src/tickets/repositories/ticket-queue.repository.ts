import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { dialectOf } from '../../db/dialect.ts';
import { TICKET_SEARCH_DOCUMENT_PG } from '../../db/migrations/202611291750_ticket_search.ts';

/** Search words are letters and digits only (see ticketSearchTerms): anything else would be query syntax. */
function safeTerm(term: string): string {
  if (!/^[\p{L}\p{N}]+$/u.test(term)) throw new Error(`unsafe search term ${JSON.stringify(term)}`);
  return term;
}

/** The bound match string of a text search: every word, as a word prefix (FTS5 or tsquery syntax). */
export function textMatch(db: Db, terms: readonly string[]): string {
  return dialectOf(db as never) === 'postgres'
    ? terms.map((t) => `${safeTerm(t)}:*`).join(' & ')
    : terms.map((t) => `"${safeTerm(t)}"*`).join(' ');
}

/**
 * The text filter on `tickets`, along each dialect's index (migration 202611291750): the FTS5 table's matching rows
 * on SQLite, the GIN expression index on PostgreSQL.
 */
export function textCondition(db: Db, match: string) {
  return dialectOf(db as never) === 'postgres'
    ? sql<boolean>`${sql.raw(TICKET_SEARCH_DOCUMENT_PG)} @@ to_tsquery('simple'::regconfig, ${match})`
    : sql<boolean>`tickets.rowid in (select rowid from tickets_fts where tickets_fts match ${match})`;
}

/** Filters the queue and the lists share (each along an index, or on the workspace's open tickets only). */
export interface TicketFilterOptions {
  organizationId?: string | undefined;
  priorities?: readonly string[] | undefined;
  tag?: string | undefined;
  breachingBeforeMs?: number | undefined;
  textTerms?: readonly string[] | undefined;
}

/** What the agents' queue is filtered by. */
export type QueueQueryOptions = TicketFilterOptions & {
  workspaceId: string;
  queueClass?: string | undefined;
  statuses?: readonly string[] | undefined;
  assigneeId?: string | null | undefined;
  limit: number;
};

/**
 * The agents' queue: open tickets as the policy orders them (queues, then each queue's own order), read along the
 * partial index `tickets_queue`. Filters narrow that walk: it touches the workspace's open tickets at most (the work
 * in hand, not the archive), and the text filter goes through the search index. Exported for its plan's test.
 */
export function ticketQueueQuery(db: Db, opts: QueueQueryOptions) {
  const statuses = (opts.statuses ?? []).filter((s) => s === 'new' || s === 'open');
  const priorities = opts.priorities ?? [];
  const terms = opts.textTerms ?? [];
  return (
    db
      .selectFrom('tickets')
      .selectAll()
      .where('workspace_id', '=', opts.workspaceId)
      // Written out, not bound: SQLite uses the partial index `tickets_queue` only when it can prove the query's
      // condition implies the index's, which a bound parameter never does; the walk then follows queue order
      // and stops at the page's end instead of sorting every open ticket.
      .where(sql<boolean>`tickets.status in ('new', 'open')`)
      .$if(statuses.length > 0, (qb) => qb.where('tickets.status', 'in', statuses))
      .$if(opts.queueClass !== undefined, (qb) => qb.where('queue_class', '=', opts.queueClass ?? ''))
      .$if(opts.assigneeId === null, (qb) => qb.where('assignee_id', 'is', null))
      .$if(typeof opts.assigneeId === 'string', (qb) => qb.where('assignee_id', '=', opts.assigneeId ?? ''))
      .$if(opts.organizationId !== undefined, (qb) =>
        qb.where('tickets.organization_id', '=', opts.organizationId ?? ''),
      )
      .$if(priorities.length > 0, (qb) => qb.where('tickets.priority', 'in', priorities))
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
      // `next_due_at` is the earliest due instant of the counting clocks (running or breached, not stopped), kept
      // by the write path: the same test as "one of its clocks falls due before", without a read per ticket.
      .$if(opts.breachingBeforeMs !== undefined, (qb) =>
        qb.where('tickets.next_due_at', '<=', opts.breachingBeforeMs ?? 0),
      )
      .$if(terms.length > 0, (qb) => qb.where(textCondition(db, textMatch(db, terms))))
      // The order each workspace's policy gives its queues, stored by the write path (core `queueSortKey`).
      .orderBy('queue_key')
      .orderBy('id')
      .limit(opts.limit)
  );
}

/** The agents' queue and the dashboard's breach counts: reads of `tickets` and `ticket_sla` for the console. */
export function ticketQueueRepository(db: Db) {
  return {
    /** The agents' queue (`ticketQueueQuery`). */
    queue: (opts: QueueQueryOptions) => ticketQueueQuery(db, opts).execute(),

    /** Open tickets (the queue's statuses) counted per priority and plan: every one, not a page of them. */
    openCountsByPriorityAndPlan: async (workspaceId: string) =>
      (
        await db
          .selectFrom('tickets')
          .select((eb) => ['priority', 'plan', eb.fn.countAll<number>().as('tickets')])
          .where('workspace_id', '=', workspaceId)
          .where('status', 'in', ['new', 'open'])
          .groupBy(['priority', 'plan'])
          .orderBy('priority')
          .orderBy('plan')
          .execute()
      ).map((r) => ({ priority: r.priority, plan: r.plan, tickets: Number(r.tickets) })),

    /**
     * Clocks that breached in [fromMs, toMs), counted per organization (along `ticket_sla_breached_idx`): how many
     * tickets and how many clocks.
     */
    breachesByOrganization: async (workspaceId: string, fromMs: number, toMs: number) =>
      (
        await db
          .selectFrom('ticket_sla')
          .innerJoin('tickets', 'tickets.id', 'ticket_sla.ticket_id')
          .select((eb) => [
            'tickets.organization_id as organization_id',
            eb.fn.count<number>('ticket_sla.ticket_id').distinct().as('tickets'),
            eb.fn.countAll<number>().as('clocks'),
          ])
          .where('ticket_sla.workspace_id', '=', workspaceId)
          .where('ticket_sla.breached_at', 'is not', null)
          .where('ticket_sla.breached_at', '>=', fromMs)
          .where('ticket_sla.breached_at', '<', toMs)
          .groupBy('tickets.organization_id')
          .orderBy('tickets.organization_id')
          .execute()
      ).map((r) => ({
        organizationId: r.organization_id,
        tickets: Number(r.tickets),
        clocks: Number(r.clocks),
      })),
  };
}
