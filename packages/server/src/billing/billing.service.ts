import { iso, requireRole } from '../access.ts';
import { STAFF_ROLES, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { QuoteTable, TimeEntryTable } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { OrganizationRepository } from '../organizations/organization.repository.ts';
import type { TicketRepository, TicketRow } from '../tickets/ticket.repository.ts';
import type { TicketChange } from '../tickets/ticket-change.ts';
import { createBillingRepository } from './billing.repository.ts';
import type { TicketService } from '../tickets/ticket.service.ts';

export interface BillingServiceDeps {
  readonly db: Db;
  readonly organizations: OrganizationRepository;
  readonly tickets: TicketService;
  readonly change: TicketChange;
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

export function csvField(value: string | number): string {
  const text = String(value);
  // Quote always; a leading =,+,-,@ would run as a formula in a spreadsheet, and so would one after a leading TAB or
  // CR (spreadsheets drop them, OWASP "CSV injection").
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** Billing changes are part of the ticket's record: a closed ticket keeps the terms it was closed with. */
function refuseClosed(ticket: TicketRow): void {
  if (ticket.status === 'closed')
    throw new DomainError('INVALID_TRANSITION', 'this ticket is closed; its billing is final');
}

/**
 * One way to bill out-of-scope work, never both: a client who accepted a quote pays the quote, one who chose
 * time-and-materials pays the time ("sur devis ou facturée en régie").
 */
async function refuseOtherMode(
  repo: TicketRepository,
  ticket: TicketRow,
  wanted: 'quote' | 'time-and-materials',
): Promise<void> {
  if (wanted === 'quote' && ticket.billing_mode === 'time-and-materials')
    throw new DomainError(
      'BILLING_DECIDED',
      'the client chose time-and-materials for this ticket; a quote no longer applies',
    );
  if (wanted === 'time-and-materials' && (await repo.hasAcceptedQuote(ticket.id)))
    throw new DomainError(
      'BILLING_DECIDED',
      'the client accepted a quote for this ticket; it is billed by that quote',
    );
}

/** Out-of-scope work (application tickets without a maintenance contract): quotes, or time at the contract's rate. */
export function createBillingService({ db, organizations, tickets, change, clock }: BillingServiceDeps) {
  const billing = createBillingRepository(db);
  /**
   * The change and its history event commit together through the ticket write path, or neither does. `check` runs
   * on the locked row first; `write` returns the result.
   */
  async function changeWithEvent<T>(
    ticket: TicketRow,
    event: { type: string; payload: Record<string, unknown> },
    actorId: string,
    atMs: number,
    steps: {
      check?: (current: TicketRow, repo: TicketRepository) => Promise<void> | void;
      set?: { billing_mode: string };
      write: (trx: Db) => Promise<T>;
    },
  ): Promise<T> {
    let result: T | undefined;
    await change.apply({
      ticket,
      actorId,
      nowMs: atMs,
      decide: async (current, { repo }) => {
        refuseClosed(current);
        await steps.check?.(current, repo);
        return {
          ...(steps.set === undefined ? {} : { set: steps.set }),
          events: [event],
          affectsClocks: false,
          write: async (trx) => {
            result = await steps.write(trx);
          },
          // Clients hear of quotes and billing changes: the message is queued with the event it announces.
          outbox:
            event.type === 'time-logged'
              ? []
              : [
                  {
                    topic: `ticket.${event.type}`,
                    idempotencyKey: `${event.type}:${ticket.id}:${newId()}`,
                    payload: { ticketId: ticket.id, ...event.payload },
                  },
                ],
          result: null,
        };
      },
    });
    return result as T;
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
    const client = actor.role === 'client';
    return billing.timeEntries({
      ...filter,
      workspaceId: actor.workspaceId,
      organizationId: client ? (actor.organizationId ?? '') : filter.organizationId,
      billableOnly: client,
    });
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
      const nowMs = clock.nowMs();
      // The rate and currency pinned on the ticket when it opened: a later contract does not reprice open work.
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
        rate_cents: ticket.hourly_rate_cents,
        currency: ticket.currency,
        created_at: nowMs,
      };
      await changeWithEvent(
        ticket,
        { type: 'time-logged', payload: { timeEntryId: row.id, minutes: row.minutes } },
        actor.userId,
        nowMs,
        {
          // Decided from the locked row: a billing mode chosen, or a close, committed since the read counts.
          check: async (current, repo) => {
            if (!billable) return;
            if (current.billing_mode === 'none')
              throw new DomainError(
                'NOT_BILLABLE',
                'this ticket is covered by the agreement or a maintenance contract; log the time as non-billable',
              );
            if (current.billing_mode === 'quote' && !(await repo.hasAcceptedQuote(current.id)))
              throw new DomainError(
                'QUOTE_REQUIRED',
                'billable work on this ticket needs a quote accepted by the client, or the client must choose time-and-materials',
              );
          },
          write: (trx) => billing.insertTimeEntry(trx, row),
        },
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
      requireRole(actor, [...STAFF_ROLES, 'client'], 'export time entries');
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
        {
          check: (current, repo) => refuseOtherMode(repo, current, 'quote'),
          write: (trx) => billing.insertQuote(trx, row),
        },
      );
      return quoteDto(row);
    },

    async listQuotes(actor: Actor, ticketId: string) {
      const ticket = await tickets.visibleTicket(actor, ticketId);
      return (await billing.quotesOf(ticket.id)).map(quoteDto);
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
      const decided = await changeWithEvent(ticket, event, actor.userId, nowMs, {
        check: (current, repo) =>
          decision === 'accepted' ? refuseOtherMode(repo, current, 'quote') : undefined,
        write: async (trx) => {
          const decidedNow = await billing.decideQuote(trx, {
            ticketId: ticket.id,
            quoteId,
            status: decision,
            by: actor.userId,
            atMs: nowMs,
          });
          // Nothing decided: throwing rolls back, so no event is recorded either.
          if (!decidedNow) throw new DomainError('QUOTE_NOT_PENDING', 'quote not pending');
          return true;
        },
      }).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'QUOTE_NOT_PENDING') return false;
        throw error;
      });
      const row = await billing.quote(ticket.id, quoteId);
      if (!row) throw new DomainError('QUOTE_NOT_FOUND', 'quote not found');
      if (!decided) throw new DomainError('QUOTE_NOT_PENDING', `this quote is already ${row.status}`);
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
          {
            check: (current, repo) => refuseOtherMode(repo, current, 'time-and-materials'),
            set: { billing_mode: 'time-and-materials' },
            write: async () => undefined,
          },
        );
      }
      return tickets.get(actor, ticketId);
    },
  };
}

export type BillingService = ReturnType<typeof createBillingService>;
