import type { Db } from '../db/database.ts';
import { toCoreEvents, type PolicyContext, type SlaClockService } from '../sla/sla-clock.service.ts';
import { nextDueOf, showSameClocks, slaRowsOf } from '../tickets/ticket-sla.ts';
import { inTicketTransaction } from '../tickets/ticket.repository.ts';
import { readCalendarsStamp } from './workspace-calendars.repository.ts';

/** Tickets whose persisted clocks are recomputed per transaction: bounds each write lock's length. */
const TICKETS_PER_TRANSACTION = 200;

/**
 * After a workspace calendar changed: the open tickets whose clocks run on it (persisted `calendar_id`, or the
 * extended calendar frozen on the ticket) get their clocks recomputed from their whole history, as
 * any change to the ticket would. Reads advance the persisted clocks to now with the *current* calendar, so a
 * stale `due_at` would otherwise mix two calendars. Returns how many tickets were recomputed.
 *
 * Call it after the calendar is committed and the SLA context cache forgotten: the contexts are read outside the
 * transactions (SQLite's one connection would wait on itself).
 */
export async function recomputeClocksOnCalendar(
  { db, sla }: { db: Db; sla: SlaClockService },
  input: { workspaceId: string; calendarKey: string; nowMs: number; actorId: string | null },
): Promise<number> {
  const { workspaceId, calendarKey, nowMs } = input;
  const tickets = await db
    .selectFrom('tickets')
    .select(['id', 'workspace_id', 'policy_version', 'extended_calendar_key'])
    .where('workspace_id', '=', workspaceId)
    .where('status', '!=', 'closed')
    .where((eb) =>
      eb.or([
        eb('extended_calendar_key', '=', calendarKey),
        eb(
          'id',
          'in',
          eb
            .selectFrom('ticket_sla')
            .select('ticket_id')
            .where('workspace_id', '=', workspaceId)
            .where('calendar_id', '=', calendarKey),
        ),
      ]),
    )
    .orderBy('id')
    .execute();
  const contexts = new Map<string, PolicyContext>();
  for (const version of new Set(tickets.map((t) => t.policy_version)))
    contexts.set(version, await sla.policyContext(workspaceId, version, { fresh: true }));

  let recomputed = 0;
  for (let start = 0; start < tickets.length; start += TICKETS_PER_TRANSACTION) {
    const batch = tickets.slice(start, start + TICKETS_PER_TRANSACTION);
    const superseded = await inTicketTransaction(db, async (repo) => {
      // Another edit of the workspace calendars committed since this sweep read them: its own sweep recomputes
      // these tickets with the newer calendars, and this one must not write older clocks after it.
      const stored = await readCalendarsStamp(repo.db, workspaceId);
      if ([...contexts.values()].some((ctx) => ctx.calendarsSignature !== stored.signature)) return true;
      for (const ticket of batch) {
        const ctx = contexts.get(ticket.policy_version);
        if (!ctx) continue;
        // First, as every ticket change does: the row lock orders this after (or before) a concurrent change of the
        // ticket instead of deadlocking with it, and the history read next includes that change. When the
        // representation changes (due instants), an ETag, and the snapshot caches keyed on the version, must move.
        const locked = await repo.lockForChange(ticket.workspace_id, ticket.id);
        // Closed since the selection above: its clocks are final.
        if (locked === undefined || locked.status === 'closed') continue;
        const events = toCoreEvents(await repo.events(ticket.id));
        // The extended calendar frozen on the ticket at creation (migration 202611231500), like ticket.service.
        const clocks = sla.clocks(ctx, { events, nowMs, extendedCalendarKey: ticket.extended_calendar_key });
        const rows = slaRowsOf(ticket, clocks, nowMs);
        const stored = (await repo.slaFor([ticket.id])).get(ticket.id) ?? [];
        const paused = (ctx.policy.pauseStatuses as readonly string[]).includes(locked.status);
        // The edit does not change what this ticket's clocks show (another part of the calendar, a rename, the
        // same spec again): nothing to write, no new version, nothing in its history.
        if (showSameClocks(stored, rows, { nowMs, paused, calendarOf: (id) => ctx.calendars(id) })) continue;
        await repo.bumpVersion(ticket.id);
        await repo.replaceSla(ticket.id, rows);
        await repo.setNextDue(ticket.id, nextDueOf(clocks));
        // Every change of a ticket is in its history: this one explains why its due instants and version moved.
        // The core reads no clocks from it (it is not one of its events); the edited calendar's spec is the cause.
        await repo.appendEvents(
          ticket,
          [{ type: 'clocks-recomputed', payload: { calendar: calendarKey } }],
          input.actorId,
          nowMs,
        );
        recomputed++;
      }
      return false;
    });
    if (superseded) break;
  }
  return recomputed;
}
