import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { TicketEventTable } from '../../db/schema.ts';
import { runPrepared } from '../../db/prepared.ts';
import { newId } from '../../ids.ts';

export type TicketEventRow = Selectable<TicketEventTable>;

export interface NewEvent {
  type: string;
  payload: Record<string, unknown>;
}

/** The `ticket_events` table: the append-only history. */
export function ticketEventsRepository(db: Db) {
  return {
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
    hasEvent: async (ticketId: string, type: string): Promise<boolean> => {
      const row = await db
        .selectFrom('ticket_events')
        .select('id')
        .where('ticket_id', '=', ticketId)
        .where('type', '=', type)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** A client member of the organization (the requester a staff member files a ticket for). */
  };
}
