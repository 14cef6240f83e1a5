import { iso, requireRole } from '../access.ts';
import { STAFF_ROLES, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { QuoteTable, TimeEntryTable } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { OrganizationRepository } from '../organizations/organization.repository.ts';
import { createTicketRepository } from '../tickets/ticket.repository.ts';
import type { TicketService } from '../tickets/ticket.service.ts';

export interface BillingServiceDeps {
  readonly db: Db;
  readonly organizations: OrganizationRepository;
  readonly tickets: TicketService;
  readonly clock: Clock;
}

// The DTO never exposes the workspace: tenancy is implied by the caller.
type TimeEntryRow = Omit<TimeEntryTable, 'workspace_id'>;

function timeEntryDto(r: TimeEntryRow) {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    organizationId: r.organization_id,
    userId: r.user_id,
    workDate: r.work_date,
    minutes: r.minutes,
    note: r.note,
    billable: r.billable === 1,
    rateCents: r.rate_cents,
    currency: r.currency,
    /** Rounded to the cent, half up. */
    amountCents: r.billable === 1 ? Math.round((r.minutes * r.rate_cents) / 60) : 0,
    createdAt: iso(r.created_at),
  };
}

type ClientTimeEntryDto = Omit<ReturnType<typeof timeEntryDto>, 'note'>;

/**
 * What a client is shown of the time logged on their organization's tickets: what they are billed for, not the
 * staff's internal work (non-billable entries) nor their free-text notes — time is an internal event in the ticket
 * history too (`time-logged` is hidden from clients).
 */
function timeEntryFor(actor: Actor) {
  return (r: TimeEntryRow): ReturnType<typeof timeEntryDto> | ClientTimeEntryDto => {
    const dto = timeEntryDto(r);
    if (actor.role !== 'client') return dto;
    const { note: _note, ...shown } = dto;
    return shown;
  };
}

type QuoteRow = Omit<QuoteTable, 'workspace_id'>;

function quoteDto(r: QuoteRow) {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    amountCents: r.amount_cents,
    currency: r.currency,
    description: r.description,
    status: r.status as 'proposed' | 'accepted' | 'rejected',
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at === null ? null : iso(r.decided_at),
  };
}

function csvField(value: string | number): string {
  const text = String(value);
  // Quote always; a leading =,+,-,@ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** Out-of-scope work (application tickets without a maintenance contract): quotes, or time at the contract's rate. */
export function createBillingService({ db, organizations, tickets, clock }: BillingServiceDeps) {
  /** The change and its history event commit together, or neither does. */
  async function changeWithEvent<T>(
    ticket: { id: string; workspace_id: string },
    event: { type: string; payload: Record<string, unknown> },
    actorId: string,
    atMs: number,
    change: (trx: Db) => Promise<T>,
  ): Promise<T> {
    return db.transaction().execute(async (trx) => {
      const result = await change(trx);
      await trx
        .updateTable('tickets')
        .set({ updated_at: atMs, version: (eb) => eb('version', '+', 1) })
        .where('id', '=', ticket.id)
        .execute();
      const repo = createTicketRepository(trx);
      await repo.appendEvents(ticket, [event], actorId, atMs);
      // Clients hear of quotes and billing changes: the message is queued with the event it announces.
      if (event.type !== 'time-logged') {
        await repo.enqueueOutbox({
          workspaceId: ticket.workspace_id,
          idempotencyKey: `${event.type}:${ticket.id}:${newId()}`,
          topic: `ticket.${event.type}`,
          payload: { ticketId: ticket.id, ...event.payload },
          atMs,
        });
      }
      return result;
    });
  }

  async function listEntries(
    actor: Actor,
    filter: {
      organizationId?: string | undefined;
      ticketId?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
    },
  ) {
    const organizationId = actor.role === 'client' ? (actor.organizationId ?? '') : filter.organizationId;
    return db
      .selectFrom('time_entries')
      .selectAll()
      .where('workspace_id', '=', actor.workspaceId)
      .$if(organizationId !== undefined, (qb) => qb.where('organization_id', '=', organizationId ?? ''))
      .$if(actor.role === 'client', (qb) => qb.where('billable', '=', 1))
      .$if(filter.ticketId !== undefined, (qb) => qb.where('ticket_id', '=', filter.ticketId ?? ''))
      .$if(filter.from !== undefined, (qb) => qb.where('work_date', '>=', filter.from ?? ''))
      .$if(filter.to !== undefined, (qb) => qb.where('work_date', '<=', filter.to ?? ''))
      .orderBy('work_date')
      .orderBy('created_at')
      .execute();
  }

  return {
    async logTime(
      actor: Actor,
      ticketId: string,
      input: { minutes: number; workDate: string; note: string; billable?: boolean | undefined },
    ) {
      requireRole(actor, STAFF_ROLES, 'log time');
      const ticket = await tickets.visibleTicket(actor, ticketId);
      const billable = input.billable ?? ticket.billing_mode !== 'none';
      if (billable && ticket.billing_mode === 'none') {
        throw new DomainError(
          'NOT_BILLABLE',
          'this ticket is covered by the agreement or a maintenance contract; log the time as non-billable',
        );
      }
      if (
        billable &&
        ticket.billing_mode === 'quote' &&
        !(await db
          .selectFrom('quotes')
          .select('id')
          .where('ticket_id', '=', ticket.id)
          .where('status', '=', 'accepted')
          .executeTakeFirst())
      ) {
        throw new DomainError(
          'QUOTE_REQUIRED',
          'billable work on this ticket needs a quote accepted by the client, or the client must choose time-and-materials',
        );
      }
      const contract = await organizations.currentContract(actor.workspaceId, ticket.organization_id);
      const nowMs = clock.nowMs();
      const row = {
        id: newId(),
        workspace_id: actor.workspaceId,
        ticket_id: ticket.id,
        organization_id: ticket.organization_id,
        user_id: actor.userId,
        work_date: input.workDate,
        minutes: input.minutes,
        note: input.note,
        billable: billable ? 1 : 0,
        rate_cents: contract?.hourly_rate_cents ?? 0,
        currency: contract?.currency ?? 'EUR',
        created_at: nowMs,
      };
      await changeWithEvent(
        ticket,
        { type: 'time-logged', payload: { timeEntryId: row.id, minutes: row.minutes } },
        actor.userId,
        nowMs,
        (trx) => trx.insertInto('time_entries').values(row).execute(),
      );
      return timeEntryDto(row);
    },

    async listTime(
      actor: Actor,
      filter: {
        organizationId?: string | undefined;
        ticketId?: string | undefined;
        from?: string | undefined;
        to?: string | undefined;
      },
    ) {
      requireRole(actor, [...STAFF_ROLES, 'client'], 'list time entries');
      if (filter.ticketId !== undefined) await tickets.visibleTicket(actor, filter.ticketId);
      return (await listEntries(actor, filter)).map(timeEntryFor(actor));
    },

    async exportCsv(
      actor: Actor,
      filter: { organizationId?: string | undefined; from?: string | undefined; to?: string | undefined },
    ): Promise<string> {
      requireRole(actor, ['admin', 'agent', 'consultant', 'client'], 'export time entries');
      const rows = (await listEntries(actor, filter)).map(timeEntryFor(actor));
      const orgs = new Map(
        (await organizations.list({ workspaceId: actor.workspaceId })).map((o) => [o.id, o.name]),
      );
      const header = [
        'date',
        'organization',
        'ticket',
        'user',
        'minutes',
        'billable',
        'rate_cents',
        'currency',
        'amount_cents',
        'note',
      ];
      const lines = rows.map((r) =>
        [
          r.workDate,
          orgs.get(r.organizationId) ?? r.organizationId,
          r.ticketId,
          r.userId,
          r.minutes,
          r.billable ? 'yes' : 'no',
          r.rateCents,
          r.currency,
          r.amountCents,
          'note' in r ? (r.note ?? '') : '',
        ]
          .map(csvField)
          .join(','),
      );
      return [header.join(','), ...lines].join('\r\n') + '\r\n';
    },

    async proposeQuote(
      actor: Actor,
      ticketId: string,
      input: { amountCents: number; currency: string; description: string },
    ) {
      requireRole(actor, STAFF_ROLES, 'propose quotes');
      const ticket = await tickets.visibleTicket(actor, ticketId);
      if (ticket.billing_mode === 'none')
        throw new DomainError('NOT_BILLABLE', 'this ticket is covered; no quote is needed');
      const nowMs = clock.nowMs();
      const row = {
        id: newId(),
        workspace_id: actor.workspaceId,
        ticket_id: ticket.id,
        amount_cents: input.amountCents,
        currency: input.currency,
        description: input.description,
        status: 'proposed',
        created_by: actor.userId,
        created_at: nowMs,
        decided_by: null,
        decided_at: null,
      };
      await changeWithEvent(
        ticket,
        {
          type: 'quote-proposed',
          payload: { quoteId: row.id, amountCents: row.amount_cents, currency: row.currency },
        },
        actor.userId,
        nowMs,
        (trx) => trx.insertInto('quotes').values(row).execute(),
      );
      return quoteDto(row);
    },

    async listQuotes(actor: Actor, ticketId: string) {
      const ticket = await tickets.visibleTicket(actor, ticketId);
      return (
        await db
          .selectFrom('quotes')
          .selectAll()
          .where('ticket_id', '=', ticket.id)
          .orderBy('created_at')
          .execute()
      ).map(quoteDto);
    },

    /** Only the client (or an admin acting for them) accepts or rejects. */
    async decideQuote(actor: Actor, ticketId: string, quoteId: string, decision: 'accepted' | 'rejected') {
      requireRole(actor, ['client', 'admin'], 'accept or reject quotes');
      const ticket = await tickets.visibleTicket(actor, ticketId);
      const nowMs = clock.nowMs();
      const event = {
        type: decision === 'accepted' ? 'quote-accepted' : 'quote-rejected',
        payload: { quoteId },
      };
      const decided = await changeWithEvent(ticket, event, actor.userId, nowMs, async (trx) => {
        const result = await trx
          .updateTable('quotes')
          .set({ status: decision, decided_by: actor.userId, decided_at: nowMs })
          .where('id', '=', quoteId)
          .where('ticket_id', '=', ticket.id)
          .where('status', '=', 'proposed')
          .executeTakeFirst();
        // Nothing decided: throwing rolls back, so no event is recorded either.
        if (Number(result.numUpdatedRows) === 0)
          throw new DomainError('QUOTE_NOT_PENDING', 'quote not pending');
        return true;
      }).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'QUOTE_NOT_PENDING') return false;
        throw error;
      });
      if (!decided) {
        const exists = await db
          .selectFrom('quotes')
          .select('status')
          .where('id', '=', quoteId)
          .where('ticket_id', '=', ticket.id)
          .executeTakeFirst();
        if (!exists) throw new DomainError('QUOTE_NOT_FOUND', 'quote not found');
        throw new DomainError('QUOTE_NOT_PENDING', `this quote is already ${exists.status}`);
      }
      const row = await db
        .selectFrom('quotes')
        .selectAll()
        .where('id', '=', quoteId)
        .executeTakeFirstOrThrow();
      return quoteDto(row);
    },

    /** The client may run out-of-scope work as time-and-materials instead of a quote. */
    async chooseTimeAndMaterials(actor: Actor, ticketId: string) {
      requireRole(actor, ['client', 'admin'], 'choose the billing mode');
      const ticket = await tickets.visibleTicket(actor, ticketId);
      if (ticket.billing_mode === 'none')
        throw new DomainError('NOT_BILLABLE', 'this ticket is covered; there is nothing to bill');
      if (ticket.billing_mode !== 'time-and-materials') {
        const nowMs = clock.nowMs();
        await changeWithEvent(
          ticket,
          {
            type: 'billing-mode-changed',
            payload: { mode: 'time-and-materials', from: ticket.billing_mode },
          },
          actor.userId,
          nowMs,
          (trx) =>
            trx
              .updateTable('tickets')
              .set({ billing_mode: 'time-and-materials' })
              .where('id', '=', ticket.id)
              .execute(),
        );
      }
      return tickets.get(actor, ticketId);
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
