import type { Db } from '../db/database.ts';
import { ticketEventsRepository } from './repositories/ticket-events.repository.ts';
import {
  commentsRepository,
  outboxRepository,
  ticketTagsRepository,
} from './repositories/ticket-extras.repository.ts';
import { ticketQueueRepository } from './repositories/ticket-queue.repository.ts';
import { ticketRowsRepository } from './repositories/ticket-rows.repository.ts';
import { ticketSlaRepository } from './repositories/ticket-sla.repository.ts';

export * from './repositories/ticket-rows.repository.ts';
export type { TicketFilterOptions } from './repositories/ticket-queue.repository.ts';
export type { NewEvent, TicketEventRow } from './repositories/ticket-events.repository.ts';
export type { PersistedSlaRow, TicketSlaRow } from './repositories/ticket-sla.repository.ts';
export type { CommentRow } from './repositories/ticket-extras.repository.ts';

/**
 * The repositories of a ticket's tables (one file per table under repositories/), bound to one database or
 * transaction: what the write path and the read model use together.
 */
export function createTicketRepository(db: Db) {
  return {
    /** The database or transaction this repository runs on, for checks shared with other repositories. */
    db,
    ...ticketRowsRepository(db),
    ...ticketQueueRepository(db),
    ...ticketEventsRepository(db),
    ...ticketSlaRepository(db),
    ...ticketTagsRepository(db),
    ...commentsRepository(db),
    ...outboxRepository(db),
  };
}

export type TicketRepository = ReturnType<typeof createTicketRepository>;

/** Runs `fn` in one transaction with a repository bound to it. */
export function inTicketTransaction<T>(db: Db, fn: (repo: TicketRepository) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => fn(createTicketRepository(trx)));
}
