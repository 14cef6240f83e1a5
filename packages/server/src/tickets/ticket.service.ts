import { iso, requireRole } from '../access.ts';
import { isStaff, STAFF_ROLES, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { OrganizationRepository } from '../organizations/organization.repository.ts';
import type { PolicyContext, SlaClockService } from '../sla/sla-clock.service.ts';
import type { PriorityId, TicketCategory, TicketStatus } from '../sla/sla-core.ts';
import type { TicketDto } from './ticket.dto.ts';
import { createTicketReadModel } from './ticket.read-model.ts';
import type { NewEvent, TicketRepository, TicketRow } from './ticket.repository.ts';
import type { ChangeDecision, TicketChange } from './ticket-change.ts';
import { assertTransition } from './ticket-workflow.ts';
import { createTicketIntake, normalizeTags } from './ticket-intake.ts';

export type { TicketDto } from './ticket.dto.ts';
export type { ListTicketsInput } from './ticket.read-model.ts';
export { MAX_REPORTED_AGO_MS, type CreateTicketInput } from './ticket-intake.ts';

export interface UpdateTicketInput {
  subject?: string | undefined;
  description?: string | undefined;
  status?: TicketStatus | undefined;
  priority?: PriorityId | undefined;
  category?: TicketCategory | undefined;
  assigneeId?: string | null | undefined;
  tags?: string[] | undefined;
}

export interface TicketServiceDeps {
  readonly tickets: TicketRepository;
  readonly organizations: OrganizationRepository;
  readonly sla: SlaClockService;
  readonly change: TicketChange;
  readonly clock: Clock;
}

const closedError = () => new DomainError('INVALID_TRANSITION', 'this ticket is closed; open a new one');

function refuseClosed(ticket: TicketRow): TicketRow {
  if (ticket.status === 'closed') throw closedError();
  return ticket;
}

function refuseFinished(ticket: TicketRow): TicketRow {
  if (ticket.status === 'resolved' || ticket.status === 'closed')
    throw new DomainError('INVALID_TRANSITION', `the ticket is already ${ticket.status}`);
  return ticket;
}

/** As sets: the database's collation may order tags differently from JavaScript. */
function sameTags(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((tag) => set.has(tag));
}

/**
 * The "analysis started" of the hosting agreement's GTI, at most once per ticket: "le début de son analyse par notre
 * équipe technique". A second start (a retry, two agents at once) changes nothing.
 */
async function analysisEvents(repo: TicketRepository, current: TicketRow): Promise<NewEvent[]> {
  if (await repo.hasEvent(current.id, 'analysis-started')) return [];
  return [{ type: 'analysis-started', payload: {} }];
}

/** Ticket use cases: access checks, then one call to the write path (ticket-change.ts) per change. */
export function createTicketService(deps: TicketServiceDeps) {
  const { tickets, organizations, sla, change, clock } = deps;
  const read = createTicketReadModel({ tickets, sla, clock });

  const create = createTicketIntake({ tickets, organizations, sla, change, clock, read });

  /** The decision of a PATCH, from the locked row: refuses what the workflow or the role does not allow. */
  async function decideUpdate(
    actor: Actor,
    patch: UpdateTicketInput,
    current: TicketRow,
    { repo, ctx }: { repo: TicketRepository; ctx: PolicyContext },
  ): Promise<ChangeDecision<null>> {
    const from = current.status as TicketStatus;
    const events: NewEvent[] = [];
    const set: Record<string, unknown> = {};
    // A closed ticket is the record of what happened: it keeps its priority, assignee, text and tags.
    const changesFields = (['priority', 'category', 'subject', 'description'] as const).some(
      (f) => patch[f] !== undefined && patch[f] !== current[f],
    );
    const changesAssignee = patch.assigneeId !== undefined && patch.assigneeId !== current.assignee_id;
    if (from === 'closed' && (changesFields || changesAssignee)) throw closedError();
    if (patch.status !== undefined && patch.status !== from) {
      assertTransition(from, patch.status, isStaff(actor) ? 'staff' : 'requester');
      set['status'] = patch.status;
      events.push({ type: 'status-changed', payload: { status: patch.status, from } });
    }
    if (patch.priority !== undefined && patch.priority !== current.priority) {
      sla.checkPriority(ctx, patch.priority);
      // An escalation or downgrade keeps its place in arrival order (a standard-queue ticket is still handled from
      // the business day after the customer asked).
      const queue = sla.queue(ctx, {
        plan: current.plan,
        priority: patch.priority,
        createdAtMs: current.created_at,
        extendedCalendarKey: current.extended_calendar_key,
      });
      set['priority'] = patch.priority;
      set['queue_class'] = queue.queueClass;
      set['queue_start_at'] = queue.queueStartMs;
      events.push({
        type: 'priority-changed',
        payload: {
          priority: patch.priority,
          from: current.priority,
          queue: queue.queueClass,
          handleFrom: iso(queue.queueStartMs),
        },
      });
    }
    if (patch.category !== undefined && patch.category !== current.category) {
      // The maintenance contract pinned at creation decides, not today's contract.
      const billingMode = sla.billingMode(ctx, {
        category: patch.category,
        maintenanceContract: current.maintenance_contract === 1,
      });
      set['category'] = patch.category;
      set['billing_mode'] = billingMode;
      events.push({
        type: 'category-changed',
        payload: { category: patch.category, from: current.category, billingMode },
      });
    }
    if (patch.assigneeId !== undefined && patch.assigneeId !== current.assignee_id) {
      if (patch.assigneeId !== null && !(await repo.isStaffMember(actor.workspaceId, patch.assigneeId)))
        throw new DomainError(
          'INVALID_ASSIGNEE',
          'the assignee must be an active agent or admin of this workspace',
        );
      set['assignee_id'] = patch.assigneeId;
      events.push({ type: 'assigned', payload: { assigneeId: patch.assigneeId, from: current.assignee_id } });
    }
    const edited = (['subject', 'description'] as const).filter(
      (f) => patch[f] !== undefined && patch[f] !== current[f],
    );
    for (const field of edited) set[field] = patch[field] ?? '';
    if (edited.length > 0) events.push({ type: 'edited', payload: { fields: edited } });
    let tags = patch.tags === undefined ? undefined : normalizeTags(patch.tags);
    if (tags !== undefined) {
      const stored = (await repo.tagsFor([current.id])).get(current.id) ?? [];
      // The same set again is no change: no event, no new version, no notification.
      if (sameTags(stored, tags)) tags = undefined;
      else events.push({ type: 'tags-changed', payload: { tags } });
    }
    if (from === 'closed' && events.length > 0) throw closedError();
    return {
      set: set as ChangeDecision<null>['set'],
      events,
      ...(tags === undefined ? {} : { tags }),
      result: null,
    };
  }

  return {
    ...read,
    create,

    async update(
      actor: Actor,
      id: string,
      expectedVersion: number | undefined,
      patch: UpdateTicketInput,
    ): Promise<TicketDto> {
      const ticket = await read.visibleTicket(actor, id);
      if (expectedVersion === undefined)
        throw new DomainError(
          'PRECONDITION_REQUIRED',
          'send the version you read, as "version" in the body or an If-Match header, so no change is lost',
        );
      if (!isStaff(actor)) {
        const fields = Object.entries(patch)
          .filter(([k, v]) => v !== undefined && k !== 'status')
          .map(([k]) => k);
        if (fields.length > 0)
          throw new DomainError(
            'FORBIDDEN',
            `you may only reopen or close your tickets; cannot change ${fields.join(', ')}`,
          );
      }
      await change.apply({
        ticket,
        actorId: actor.userId,
        nowMs: clock.nowMs(),
        expectedVersion,
        decide: (current, tx) => decideUpdate(actor, patch, current, tx),
      });
      return read.get(actor, id);
    },

    async comment(
      actor: Actor,
      id: string,
      input: { body: string; visibility: 'public' | 'internal'; startAnalysis?: boolean | undefined },
    ) {
      const ticket = refuseClosed(await read.visibleTicket(actor, id));
      if (input.visibility === 'internal' && !isStaff(actor))
        throw new DomainError('FORBIDDEN', 'only staff can write internal notes');
      if (input.startAnalysis === true && !isStaff(actor))
        throw new DomainError('FORBIDDEN', 'only staff start the analysis');
      const nowMs = clock.nowMs();
      const commentId = newId();
      await change.apply({
        ticket,
        actorId: actor.userId,
        nowMs,
        // The status move is decided from the row as it is now, locked: a resolve or close committed since the
        // read above must not be undone by this comment (nor appear with a wrong `from` in the history).
        decide: async (locked, { repo }) => {
          const current = refuseClosed(locked);
          const events: NewEvent[] = [];
          let status: TicketStatus | undefined;
          if (input.visibility === 'internal') {
            events.push({ type: 'internal-note-added', payload: { commentId } });
          } else if (isStaff(actor)) {
            // A courtesy reply answers the customer (first response) but is not the start of the analysis (GTI).
            events.push({ type: 'agent-replied', payload: { commentId } });
            if (current.status === 'new') status = 'open';
          } else {
            events.push({ type: 'customer-replied', payload: { commentId } });
            // The customer answered: the ticket is back with the team and the clocks resume.
            if (current.status === 'pending-customer') status = 'open';
          }
          if (input.startAnalysis === true) {
            refuseFinished(current);
            events.push(...(await analysisEvents(repo, current)));
            if (current.status === 'new') status = 'open';
          }
          if (status !== undefined)
            events.push({ type: 'status-changed', payload: { status, from: current.status } });
          return {
            ...(status === undefined ? {} : { set: { status } }),
            events,
            write: async (trx) => {
              await trx
                .insertInto('comments')
                .values({
                  id: commentId,
                  ticket_id: current.id,
                  workspace_id: current.workspace_id,
                  author_id: actor.userId,
                  body: input.body,
                  visibility: input.visibility,
                  created_at: nowMs,
                })
                .execute();
            },
            outbox: [
              {
                topic: 'comment.created',
                idempotencyKey: `comment.created:${commentId}`,
                payload: { ticketId: current.id, commentId, visibility: input.visibility },
              },
            ],
            result: null,
          };
        },
      });
      return {
        id: commentId,
        ticketId: ticket.id,
        authorId: actor.userId,
        authorName: actor.name,
        body: input.body,
        visibility: input.visibility,
        createdAt: iso(nowMs),
      };
    },

    /** The explicit "analysis started" of the hosting agreement's GTI: stops the intervention clock, once. */
    async startAnalysis(actor: Actor, id: string): Promise<TicketDto> {
      requireRole(actor, STAFF_ROLES, 'start the analysis');
      const ticket = await read.visibleTicket(actor, id);
      await change.apply({
        ticket,
        actorId: actor.userId,
        nowMs: clock.nowMs(),
        decide: async (locked, { repo }) => {
          const events = await analysisEvents(repo, locked);
          // Already started: the same answer as the first time, even once the ticket is resolved.
          if (events.length === 0) return { events, result: null };
          // Decided from the locked row: a resolve committed since the read above refuses the analysis.
          const current = refuseFinished(locked);
          if (current.status === 'new')
            events.push({ type: 'status-changed', payload: { status: 'open', from: 'new' } });
          return {
            ...(current.status === 'new' ? { set: { status: 'open' } } : {}),
            events,
            outbox: [
              {
                topic: 'ticket.analysis-started',
                idempotencyKey: `ticket.analysis-started:${current.id}`,
                payload: { ticketId: current.id },
              },
            ],
            result: null,
          };
        },
      });
      return read.get(actor, id);
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
