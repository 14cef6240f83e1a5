import { CLOCK_EVENT_TYPES } from '../sla/sla-clock.service.ts';
import { PERSISTED_SLA_COLUMNS } from '../tickets/repositories/ticket-sla.repository.ts';
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { TicketEventTable, TicketTable } from '../db/schema.ts';
import type { PersistedSlaRow } from '../tickets/ticket.repository.ts';

/** What a replay needs of a ticket row: its pinned inputs (policy version, contract calendar, maintenance flag). */
export type SimulatedTicketRow = Pick<
  Selectable<TicketTable>,
  | 'id'
  | 'plan'
  | 'priority'
  | 'status'
  | 'policy_version'
  | 'extended_calendar_key'
  | 'maintenance_contract'
  | 'created_at'
>;

export type SimulatedEventRow = Pick<
  Selectable<TicketEventTable>,
  'ticket_id' | 'type' | 'payload_json' | 'at'
>;

export interface SimulationPageOptions {
  readonly workspaceId: string;
  /** Tickets opened in [fromMs, toMs). */
  readonly fromMs: number;
  readonly toMs: number;
  readonly organizationId?: string | undefined;
  readonly plans?: readonly string[] | undefined;
  readonly priorities?: readonly string[] | undefined;
  /** Keyset: the last ticket of the previous page. */
  readonly after?: { readonly createdAt: number; readonly id: string } | undefined;
  readonly limit: number;
}

/** One page of tickets with their histories and stored clocks. */
export interface SimulationPage {
  readonly tickets: readonly SimulatedTicketRow[];
  readonly events: ReadonlyMap<string, SimulatedEventRow[]>;
  readonly clocks: ReadonlyMap<string, PersistedSlaRow[]>;
}

function groupBy<R extends { ticket_id: string }>(rows: readonly R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const row of rows) {
    const list = out.get(row.ticket_id);
    if (list === undefined) out.set(row.ticket_id, [row]);
    else list.push(row);
  }
  return out;
}

/**
 * Reads only. Tickets come a page at a time by keyset on (created_at, id), which the `tickets_workspace_created_idx`
 * index serves, so a simulation over a hundred thousand tickets never holds more than one page of them.
 */
export function createPolicySimulationRepository(db: Db) {
  return {
    async page(options: SimulationPageOptions): Promise<SimulationPage> {
      const { after } = options;
      const tickets = await db
        .selectFrom('tickets')
        .select([
          'id',
          'plan',
          'priority',
          'status',
          'policy_version',
          'extended_calendar_key',
          'maintenance_contract',
          'created_at',
        ])
        .where('workspace_id', '=', options.workspaceId)
        // The keyset's own created_at bounds the index range: with only `from` here, SQLite took the OR below as a
        // filter and walked the index from the window's start on every page (quadratic in the pages).
        .where(
          'created_at',
          '>=',
          after === undefined ? options.fromMs : Math.max(options.fromMs, after.createdAt),
        )
        .where('created_at', '<', options.toMs)
        .$if(options.organizationId !== undefined, (qb) =>
          qb.where('organization_id', '=', options.organizationId ?? ''),
        )
        .$if(options.plans !== undefined, (qb) => qb.where('plan', 'in', options.plans ?? []))
        .$if(options.priorities !== undefined, (qb) => qb.where('priority', 'in', options.priorities ?? []))
        .$if(after !== undefined, (qb) =>
          qb.where((eb) =>
            eb.or([eb('created_at', '>', after?.createdAt ?? 0), eb('id', '>', after?.id ?? '')]),
          ),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(options.limit)
        .execute();
      if (tickets.length === 0) return { tickets, events: new Map(), clocks: new Map() };
      const ids = tickets.map((t) => t.id);
      const [events, clocks] = await Promise.all([
        db
          .selectFrom('ticket_events')
          .select(['ticket_id', 'type', 'payload_json', 'at'])
          .where('ticket_id', 'in', ids)
          // Replies' texts, notes, assignments, tags… move no clock: not read, not parsed.
          .where('type', 'in', CLOCK_EVENT_TYPES)
          .orderBy('ticket_id')
          .orderBy('seq')
          .execute(),
        db.selectFrom('ticket_sla').select(PERSISTED_SLA_COLUMNS).where('ticket_id', 'in', ids).execute(),
      ]);
      return { tickets, events: groupBy(events), clocks: groupBy(clocks) };
    },

    async organizationExists(workspaceId: string, organizationId: string): Promise<boolean> {
      const row = await db
        .selectFrom('organizations')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', organizationId)
        .executeTakeFirst();
      return row !== undefined;
    },

    async workspaces(): Promise<{ id: string; slug: string }[]> {
      return db.selectFrom('workspaces').select(['id', 'slug']).orderBy('slug').execute();
    },
  };
}

export type PolicySimulationRepository = ReturnType<typeof createPolicySimulationRepository>;
