import { isStaff, type Actor } from '../auth/actor.ts';
import { iso, requireRole } from '../access.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  planIdsOf,
  type PolicyContext,
  type SlaClockService,
  type SlaPolicy,
} from '../sla/sla-clock.service.ts';
import type { BusinessCalendar } from '../sla/sla-core.ts';
import type { ContractRow, OrganizationRepository, OrganizationRow } from './organization.repository.ts';

export interface Contact {
  name: string;
  email: string;
  phone?: string | undefined;
}

export interface ContractInput {
  plan: string;
  maintenanceContract: boolean;
  hourlyRateCents: number;
  currency: string;
  extendedCalendar?: string | null | undefined;
}

export interface OrganizationInput {
  name: string;
  contacts?: Contact[] | undefined;
  sites?: string[] | undefined;
  contract?: ContractInput | undefined;
}

export function contractDto(row: ContractRow) {
  return {
    id: row.id,
    organizationId: row.organization_id,
    plan: row.plan,
    maintenanceContract: row.maintenance_contract === 1,
    hourlyRateCents: row.hourly_rate_cents,
    currency: row.currency,
    extendedCalendar: row.extended_calendar_key,
    createdAt: iso(row.created_at),
  };
}

function organizationDto(row: OrganizationRow, contract: ContractRow | undefined) {
  return {
    id: row.id,
    name: row.name,
    contacts: JSON.parse(row.contacts_json) as Contact[],
    sites: JSON.parse(row.sites_json) as string[],
    contract: contract ? contractDto(contract) : null,
    createdAt: iso(row.created_at),
  };
}

const YEAR_MS = 366 * 86_400_000;

/**
 * The policy's own calendars (placeholders such as hosting-be's `sur-mesure-extended`, which a contract's calendar
 * replaces: see calendarOverridesFor) that the plan's channels or targets run on. Read from the policy, so a renamed
 * plan or a custom policy with its own extended slot is covered too.
 */
export function extendedSlotsOf(policy: SlaPolicy, planId: string): string[] {
  const slots = new Set(Object.keys(policy.calendars));
  const used = new Set<string>();
  const plan = policy.plans.find((p) => p.id === planId);
  for (const channel of plan?.channels ?? []) if (slots.has(channel.calendar)) used.add(channel.calendar);
  for (const target of policy.targets) {
    const covers = target.plans === '*' || target.plans.includes(planId);
    if (covers && slots.has(target.calendar)) used.add(target.calendar);
  }
  return [...used].sort();
}

function resolveOrUndefined(ctx: PolicyContext, key: string): BusinessCalendar | undefined {
  try {
    return ctx.calendars(key);
  } catch {
    return undefined;
  }
}

export interface OrganizationServiceDeps {
  readonly organizations: OrganizationRepository;
  readonly sla: SlaClockService;
  readonly clock: Clock;
}

export function createOrganizationService({ organizations, sla, clock }: OrganizationServiceDeps) {
  /** Clients and consultants see their own organization only; anything else is "not found", never "forbidden". */
  async function visible(actor: Actor, id: string): Promise<OrganizationRow> {
    const row = await organizations.find(actor.workspaceId, id);
    if (!row || (!isStaff(actor) && actor.organizationId !== id))
      throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
    return row;
  }

  async function validateContract(actor: Actor, input: ContractInput): Promise<void> {
    // Naming the calendar makes a context cached before it was created (through another instance) reload.
    const ctx = await sla.policyContext(actor.workspaceId, undefined, {
      calendarKey: input.extendedCalendar ?? null,
      fresh: true,
    });
    const plans = planIdsOf(ctx.policy);
    if (!plans.includes(input.plan)) {
      throw new DomainError(
        'UNKNOWN_PLAN',
        `plan '${input.plan}' is not in the workspace policy; plans: ${plans.join(', ')}`,
        { plans },
      );
    }
    const slots = extendedSlotsOf(ctx.policy, input.plan);
    if (!input.extendedCalendar) {
      // "Les horaires étendus sont définis spécifiquement dans le contrat particulier": the preset's placeholder
      // hours are no one's agreement, so a plan that runs on them needs the contract's own calendar.
      if (slots.length > 0)
        throw new DomainError(
          'CONTRACT_CALENDAR_REQUIRED',
          `plan '${input.plan}' runs on extended hours (${slots.join(', ')}) that the contract defines: name the contract's calendar in extendedCalendar`,
          { plan: input.plan, slots },
        );
      return;
    }
    // A workspace calendar only: a preset (business hours) or the policy's placeholder is not the contract's own.
    const calendar = (await organizations.calendarExists(actor.workspaceId, input.extendedCalendar))
      ? resolveOrUndefined(ctx, input.extendedCalendar)
      : undefined;
    if (calendar === undefined)
      throw new DomainError(
        'CALENDAR_NOT_FOUND',
        `extended calendar '${input.extendedCalendar}' does not exist in this workspace`,
        { calendar: input.extendedCalendar },
      );
    const nowMs = clock.nowMs();
    if (calendar.elapsedMs(nowMs, nowMs + YEAR_MS) <= 0)
      throw new DomainError(
        'CALENDAR_NEVER_OPEN',
        `extended calendar '${input.extendedCalendar}' has no open time in the next year: no target could ever be met on it`,
        { calendar: input.extendedCalendar },
      );
  }

  function contractRow(actor: Actor, organizationId: string, input: ContractInput): ContractRow {
    return {
      id: newId(),
      workspace_id: actor.workspaceId,
      organization_id: organizationId,
      plan: input.plan,
      maintenance_contract: input.maintenanceContract ? 1 : 0,
      hourly_rate_cents: input.hourlyRateCents,
      currency: input.currency,
      extended_calendar_key: input.extendedCalendar ?? null,
      created_at: clock.nowMs(),
      // Set afterwards by PUT /organizations/{id}/availability-target (availability module); null: the policy's.
      availability_target_ppm: null,
    };
  }

  return {
    async list(actor: Actor) {
      const rows = await organizations.list({
        workspaceId: actor.workspaceId,
        organizationId: isStaff(actor) ? undefined : (actor.organizationId ?? ''),
      });
      const contracts = await organizations.currentContracts(actor.workspaceId);
      return rows.map((r) => organizationDto(r, contracts.get(r.id)));
    },

    async get(actor: Actor, id: string) {
      const row = await visible(actor, id);
      return organizationDto(row, await organizations.currentContract(actor.workspaceId, id));
    },

    async create(actor: Actor, input: OrganizationInput) {
      requireRole(actor, ['admin'], 'create organizations');
      if (await organizations.findByName(actor.workspaceId, input.name))
        throw new DomainError('NAME_TAKEN', `an organization named '${input.name}' already exists`);
      if (input.contract) await validateContract(actor, input.contract);
      const row: OrganizationRow = {
        id: newId(),
        workspace_id: actor.workspaceId,
        name: input.name,
        contacts_json: JSON.stringify(input.contacts ?? []),
        sites_json: JSON.stringify(input.sites ?? []),
        created_at: clock.nowMs(),
      };
      await organizations.insert(row);
      let contract: ContractRow | undefined;
      if (input.contract) {
        contract = contractRow(actor, row.id, input.contract);
        await organizations.insertContract(contract);
      }
      return organizationDto(row, contract);
    },

    async update(
      actor: Actor,
      id: string,
      patch: { name?: string | undefined; contacts?: Contact[] | undefined; sites?: string[] | undefined },
    ) {
      requireRole(actor, ['admin'], 'edit organizations');
      const row = await visible(actor, id);
      if (
        patch.name !== undefined &&
        patch.name !== row.name &&
        (await organizations.findByName(actor.workspaceId, patch.name))
      ) {
        throw new DomainError('NAME_TAKEN', `an organization named '${patch.name}' already exists`);
      }
      await organizations.update(actor.workspaceId, id, {
        ...(patch.name === undefined ? {} : { name: patch.name }),
        ...(patch.contacts === undefined ? {} : { contacts_json: JSON.stringify(patch.contacts) }),
        ...(patch.sites === undefined ? {} : { sites_json: JSON.stringify(patch.sites) }),
      });
      return this.get(actor, id);
    },

    async listContracts(actor: Actor, organizationId: string) {
      await visible(actor, organizationId);
      return (await organizations.listContracts(actor.workspaceId, organizationId)).map(contractDto);
    },

    /** A new contract supersedes the previous one; tickets keep the plan they were opened under. */
    async createContract(actor: Actor, organizationId: string, input: ContractInput) {
      requireRole(actor, ['admin'], 'create contracts');
      await visible(actor, organizationId);
      await validateContract(actor, input);
      const row = contractRow(actor, organizationId, input);
      await organizations.insertContract(row);
      return contractDto(row);
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
