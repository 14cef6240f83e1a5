import type { Actor } from '../auth/actor.ts';
import { iso, requireRole } from '../access.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { planIdsOf, type SlaClockService } from '../sla/sla-clock.service.ts';
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

export interface OrganizationServiceDeps {
  readonly organizations: OrganizationRepository;
  readonly sla: SlaClockService;
  readonly clock: Clock;
}

export function createOrganizationService({ organizations, sla, clock }: OrganizationServiceDeps) {
  /** Clients see their own organization only; anything else is "not found", never "forbidden". */
  async function visible(actor: Actor, id: string): Promise<OrganizationRow> {
    const row = await organizations.find(actor.workspaceId, id);
    if (!row || (actor.role === 'client' && actor.organizationId !== id))
      throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
    return row;
  }

  async function validateContract(actor: Actor, input: ContractInput): Promise<void> {
    // Naming the calendar makes a context cached before it was created (through another instance) reload.
    const ctx = await sla.policyContext(actor.workspaceId, undefined, {
      calendarKey: input.extendedCalendar ?? null,
    });
    const plans = planIdsOf(ctx.policy);
    if (!plans.includes(input.plan)) {
      throw new DomainError(
        'UNKNOWN_PLAN',
        `plan '${input.plan}' is not in the workspace policy; plans: ${plans.join(', ')}`,
        { plans },
      );
    }
    if (input.extendedCalendar) {
      try {
        ctx.calendars(input.extendedCalendar);
      } catch {
        throw new DomainError(
          'INVALID_CALENDAR',
          `extended calendar '${input.extendedCalendar}' does not exist in this workspace`,
        );
      }
    }
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
    };
  }

  return {
    async list(actor: Actor) {
      const rows = await organizations.list({
        workspaceId: actor.workspaceId,
        organizationId: actor.role === 'client' ? (actor.organizationId ?? '') : undefined,
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
