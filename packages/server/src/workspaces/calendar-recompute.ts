import type { Db } from '../db/database.ts';
import { TICKET_STATUSES } from '../sla/sla-core.ts';
import type { PolicyContext, SlaClockService } from '../sla/sla-clock.service.ts';
import { createTicketRepository } from '../tickets/ticket.repository.ts';
import type { TicketChange } from '../tickets/ticket-change.ts';

/** Every status but `closed`, named: each is a seek on (workspace, status), where `!= 'closed'` walks them all. */
const NOT_CLOSED = TICKET_STATUSES.filter((s) => s !== 'closed');

/**
 * The tickets whose clocks a calendar edit may move: not closed, and pinned to the calendar (a contract's extended
 * hours) or with a clock on it. Each candidate's clocks are looked up by their key (ticket, metric), so the cost
 * follows the workspace's unclosed tickets, not its every clock (`test/ticket-query-plans.test.ts`).
 */
export function ticketsOnCalendar(db: Db, workspaceId: string, calendarKey: string) {
  return db
    .selectFrom('tickets')
    .select(['id', 'policy_version'])
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', NOT_CLOSED)
    .where((eb) =>
      eb.or([
        eb('extended_calendar_key', '=', calendarKey),
        eb.exists(
          eb
            .selectFrom('ticket_sla')
            .select('ticket_sla.ticket_id')
            .whereRef('ticket_sla.ticket_id', '=', 'tickets.id')
            .where('ticket_sla.calendar_id', '=', calendarKey),
        ),
      ]),
    )
    .orderBy('id');
}

/**
 * Inside a calendar edit's transaction, after the new spec is written: the open tickets whose clocks run on that
 * calendar (persisted `calendar_id`, or the extended calendar pinned on the ticket) get their clocks recomputed
 * from their whole history with the new calendar, through the ticket write path. All or nothing: if any ticket
 * cannot be recomputed (a spec the core refuses for this policy), the edit rolls back with it. Returns how many
 * tickets changed.
 */
export async function recomputeClocksOnCalendar(
  { sla, change }: { sla: SlaClockService; change: TicketChange },
  trx: Db,
  input: { workspaceId: string; calendarKey: string; nowMs: number; actorId: string | null },
): Promise<number> {
  const { workspaceId, calendarKey, nowMs } = input;
  const tickets = await ticketsOnCalendar(trx, workspaceId, calendarKey).execute();
  const contexts = new Map<string, PolicyContext>();
  for (const version of new Set(tickets.map((t) => t.policy_version)))
    contexts.set(version, await sla.contextWithin(trx, workspaceId, version));
  const repo = createTicketRepository(trx);
  let recomputed = 0;
  for (const ticket of tickets) {
    const ctx = contexts.get(ticket.policy_version);
    if (ctx === undefined) continue;
    // Every change of a ticket is in its history: this one explains why its due instants and version moved. The
    // core reads no clocks from it; the edited calendar's spec is the cause.
    const changed = await change.recompute(repo, {
      ticketId: ticket.id,
      workspaceId,
      ctx,
      nowMs,
      actorId: input.actorId,
      cause: { type: 'clocks-recomputed', payload: { calendar: calendarKey } },
    });
    if (changed) recomputed++;
  }
  return recomputed;
}
