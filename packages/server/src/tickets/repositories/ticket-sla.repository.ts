import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { TicketSlaTable } from '../../db/schema.ts';
import { rowParams, runPrepared } from '../../db/prepared.ts';

export type TicketSlaRow = Selectable<TicketSlaTable>;

/** The columns of a stored clock that reads project to now (`persistedClockOf`). */
export const PERSISTED_SLA_COLUMNS = [
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

/** The `ticket_sla` table: each ticket's clocks as last computed. */
export function ticketSlaRepository(db: Db) {
  return {
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
        rowParams(rows),
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
  };
}
