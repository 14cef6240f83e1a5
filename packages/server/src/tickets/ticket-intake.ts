import { isStaff, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { OrganizationRepository } from '../organizations/organization.repository.ts';
import type { SlaClockService } from '../sla/sla-clock.service.ts';
import type { ChannelId, PriorityId, TicketCategory } from '../sla/sla-core.ts';
import type { TicketDto } from './ticket.dto.ts';
import type { TicketReadModel } from './ticket.read-model.ts';
import type { TicketRepository } from './ticket.repository.ts';
import type { TicketChange } from './ticket-change.ts';
import { escalationFor } from './ticket-escalation.ts';

/** How far back a staff member may date a ticket they file for a client (a call, a letter). */
export const MAX_REPORTED_AGO_MS = 24 * 3600 * 1000;

export interface CreateTicketInput {
  subject: string;
  description: string;
  priority: PriorityId;
  category: TicketCategory;
  channel: ChannelId;
  organizationId?: string | undefined;
  tags?: string[] | undefined;
  /** Staff intake: the client who called or wrote. */
  requesterId?: string | undefined;
  /** Staff intake: when the client reported it (epoch ms); clocks count from it. */
  reportedAtMs?: number | undefined;
}

export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))].sort();
}

export interface TicketIntakeDeps {
  readonly tickets: TicketRepository;
  readonly organizations: OrganizationRepository;
  readonly sla: SlaClockService;
  readonly change: TicketChange;
  readonly clock: Clock;
  readonly read: TicketReadModel;
}

/**
 * Opening a ticket: by the client (or consultant) for themselves, or by staff for a client who called or wrote
 * (`requesterId`, `reportedAt`): the channel's hours and the plan's priorities are checked when the client reported,
 * and the clocks count from then.
 */
export function createTicketIntake({ tickets, organizations, sla, change, clock, read }: TicketIntakeDeps) {
  /** Who the ticket is for and when it was reported: the actor, or for staff intake the client they name. */
  async function requesterOf(
    actor: Actor,
    input: CreateTicketInput,
    organizationId: string,
    nowMs: number,
  ): Promise<{ requesterId: string; reportedAtMs: number }> {
    if (!isStaff(actor)) {
      if (input.requesterId !== undefined || input.reportedAtMs !== undefined)
        throw new DomainError('FORBIDDEN', 'only staff file tickets on behalf of a client');
      return { requesterId: actor.userId, reportedAtMs: nowMs };
    }
    const reportedAtMs = input.reportedAtMs ?? nowMs;
    if (reportedAtMs > nowMs)
      throw new DomainError('VALIDATION_FAILED', 'reportedAt is in the future', { field: 'reportedAt' });
    if (nowMs - reportedAtMs > MAX_REPORTED_AGO_MS)
      throw new DomainError('VALIDATION_FAILED', 'reportedAt is more than 24 hours ago', {
        field: 'reportedAt',
      });
    const requesterId = input.requesterId ?? actor.userId;
    if (
      input.requesterId !== undefined &&
      !(await tickets.isRequesterOf(actor.workspaceId, organizationId, input.requesterId))
    )
      throw new DomainError(
        'VALIDATION_FAILED',
        'the requester must be an active member of the organization',
        {
          field: 'requesterId',
        },
      );
    return { requesterId, reportedAtMs };
  }

  async function organizationOf(actor: Actor, input: CreateTicketInput): Promise<string> {
    if (!isStaff(actor)) {
      // Accord's own monitors report on this channel (core checkChannel lets it through for any plan).
      if (input.channel === 'monitoring')
        throw new DomainError('FORBIDDEN', 'the monitoring channel is for incidents Accord detects itself');
      if (input.organizationId !== undefined && input.organizationId !== actor.organizationId)
        throw new DomainError('FORBIDDEN', 'you open tickets for your own organization only');
      // Tags are the agents' triage vocabulary (queues, reports); a client describes the problem instead.
      if (input.tags !== undefined && input.tags.length > 0)
        throw new DomainError('FORBIDDEN', 'clients cannot tag tickets; agents tag them when triaging');
      if (actor.organizationId === null || actor.organizationId === undefined)
        throw new DomainError(
          'FORBIDDEN',
          'your account belongs to no organization: ask an admin to add you to one',
        );
      return actor.organizationId;
    }
    if (input.organizationId === undefined)
      throw new DomainError(
        'VALIDATION_FAILED',
        'organizationId is required when staff open a ticket for a client',
        {
          field: 'organizationId',
        },
      );
    return input.organizationId;
  }

  async function create(actor: Actor, input: CreateTicketInput): Promise<TicketDto> {
    const organizationId = await organizationOf(actor, input);
    const organization = await organizations.find(actor.workspaceId, organizationId);
    if (!organization) throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
    const contract = await organizations.currentContract(actor.workspaceId, organizationId);
    if (!contract)
      throw new DomainError(
        'NO_CONTRACT',
        `${organization.name} has no contract: an admin must add one before tickets can be opened`,
      );
    const nowMs = clock.nowMs();
    const { requesterId, reportedAtMs } = await requesterOf(actor, input, organizationId, nowMs);
    const extendedKey = contract.extended_calendar_key;
    const tags = normalizeTags(input.tags ?? []);
    const done = await change.create(async (fresh) => {
      const ctx = await sla.policyContext(actor.workspaceId, undefined, { calendarKey: extendedKey, fresh });
      sla.checkPriority(ctx, input.priority);
      // The channel's hours and the priorities it takes, when the client reported (a call taken at 17:25).
      sla.checkChannel(ctx, {
        plan: contract.plan,
        channel: input.channel,
        priority: input.priority,
        atMs: reportedAtMs,
        extendedCalendarKey: extendedKey,
      });
      const queue = sla.queue(ctx, {
        plan: contract.plan,
        priority: input.priority,
        createdAtMs: reportedAtMs,
        extendedCalendarKey: extendedKey,
      });
      const maintenanceContract = contract.maintenance_contract === 1;
      const billingMode = sla.billingMode(ctx, { category: input.category, maintenanceContract });
      const id = newId();
      const takenBy = requesterId === actor.userId ? {} : { takenBy: actor.userId };
      return {
        ctx,
        actorId: actor.userId,
        ticket: {
          row: {
            id,
            workspace_id: actor.workspaceId,
            organization_id: organizationId,
            requester_id: requesterId,
            assignee_id: null,
            subject: input.subject,
            description: input.description,
            category: input.category,
            priority: input.priority,
            channel: input.channel,
            status: 'new',
            plan: contract.plan,
            policy_version: ctx.version,
            queue_class: queue.queueClass,
            queue_start_at: queue.queueStartMs,
            next_due_at: null,
            billing_mode: billingMode,
            extended_calendar_key: extendedKey,
            maintenance_contract: contract.maintenance_contract,
            hourly_rate_cents: contract.hourly_rate_cents,
            currency: contract.currency,
            // Set with the clocks, by the write path.
            queue_key: '',
            version: 1,
            created_at: reportedAtMs,
            updated_at: nowMs,
          },
          events: [
            {
              type: 'created',
              payload: {
                plan: contract.plan,
                priority: input.priority,
                category: input.category,
                channel: input.channel,
                billingMode,
                extendedCalendarKey: extendedKey,
                ...takenBy,
              },
            },
          ],
          tags,
          // The escalation rules at creation (a new P1 reaches every agent at once).
          recipients: (
            await escalationFor(
              tickets,
              ctx.policy,
              {
                workspace_id: actor.workspaceId,
                assignee_id: null,
                requester_id: requesterId,
                priority: input.priority,
                plan: contract.plan,
              },
              { at: 'created' },
            )
          ).recipients,
        },
      };
    });
    return read.created(actor, { row: done.row, sla: done.sla, tags: done.tags }, done.ctx);
  }

  return create;
}
