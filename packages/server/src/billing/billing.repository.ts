import type { Insertable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { QuoteTable, TimeEntryTable } from '../db/schema.ts';

export interface TimeEntryFilter {
  workspaceId: string;
  organizationId?: string | undefined;
  ticketId?: string | undefined;
  /** Inclusive local dates (YYYY-MM-DD). */
  from?: string | undefined;
  to?: string | undefined;
  billableOnly: boolean;
}

/** Time entries and quotes. Writes take the transaction of the ticket change they belong to. */
export function createBillingRepository(db: Db) {
  return {
    timeEntries: (filter: TimeEntryFilter) =>
      db
        .selectFrom('time_entries')
        .selectAll()
        .where('workspace_id', '=', filter.workspaceId)
        .$if(filter.organizationId !== undefined, (qb) =>
          qb.where('organization_id', '=', filter.organizationId ?? ''),
        )
        .$if(filter.billableOnly, (qb) => qb.where('billable', '=', 1))
        .$if(filter.ticketId !== undefined, (qb) => qb.where('ticket_id', '=', filter.ticketId ?? ''))
        .$if(filter.from !== undefined, (qb) => qb.where('work_date', '>=', filter.from ?? ''))
        .$if(filter.to !== undefined, (qb) => qb.where('work_date', '<=', filter.to ?? ''))
        .orderBy('work_date')
        .orderBy('created_at')
        .execute(),

    insertTimeEntry: async (trx: Db, row: Insertable<TimeEntryTable>): Promise<void> => {
      await trx.insertInto('time_entries').values(row).execute();
    },

    insertQuote: async (trx: Db, row: Insertable<QuoteTable>): Promise<void> => {
      await trx.insertInto('quotes').values(row).execute();
    },

    quotesOf: (ticketId: string) =>
      db.selectFrom('quotes').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at').execute(),

    quote: (ticketId: string, quoteId: string) =>
      db
        .selectFrom('quotes')
        .selectAll()
        .where('id', '=', quoteId)
        .where('ticket_id', '=', ticketId)
        .executeTakeFirst(),

    /** Decides a proposed quote; false when it is not (or no longer) proposed. */
    decideQuote: async (
      trx: Db,
      input: { ticketId: string; quoteId: string; status: 'accepted' | 'rejected'; by: string; atMs: number },
    ): Promise<boolean> => {
      const result = await trx
        .updateTable('quotes')
        .set({ status: input.status, decided_by: input.by, decided_at: input.atMs })
        .where('id', '=', input.quoteId)
        .where('ticket_id', '=', input.ticketId)
        .where('status', '=', 'proposed')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type BillingRepository = ReturnType<typeof createBillingRepository>;
