import type { Db } from '../db/database.ts';
import type { PolicyContext, SlaClockService } from '../sla/sla-clock.service.ts';
import { createTicketRepository } from '../tickets/ticket.repository.ts';
import type { TicketChange } from '../tickets/ticket-change.ts';

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
  const tickets = await trx
    .selectFrom('tickets')
    .select(['id', 'policy_version'])
    .where('workspace_id', '=', workspaceId)
    .where('status', '!=', 'closed')
    .where((eb) =>
      eb.or([
        eb('extended_calendar_key', '=', calendarKey),
        // Each open ticket's clocks by their key (ticket, metric): the cost follows the open tickets, not the
        // workspace's every clock (ticket_sla has no index by calendar; a write would pay for one).
        eb.exists(
          eb
            .selectFrom('ticket_sla')
            .select('ticket_sla.ticket_id')
            .whereRef('ticket_sla.ticket_id', '=', 'tickets.id')
            .where('ticket_sla.calendar_id', '=', calendarKey),
        ),
      ]),
    )
    .orderBy('id')
    .execute();
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
