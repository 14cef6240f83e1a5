import { iso, isoOrNull, requireRole } from '../access.ts';
import type { Actor, Role } from '../auth/actor.ts';
import { hashPassword, passwordProblem } from '../auth/password.ts';
import type { Clock } from '../clock.ts';
import { DomainError, isUniqueViolation } from '../errors.ts';
import { newId } from '../ids.ts';
import type { OrganizationRepository } from '../organizations/organization.repository.ts';
import type { UserInWorkspace, UserRepository } from './user.repository.ts';

export interface UserInput {
  email: string;
  name: string;
  password: string;
  role: Role;
  organizationId?: string | null | undefined;
}

export function userDto(u: UserInWorkspace) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as Role,
    organizationId: u.organizationId,
    disabled: u.disabledAt !== null,
    disabledAt: isoOrNull(u.disabledAt),
    createdAt: iso(u.createdAt),
  };
}

export interface UserServiceDeps {
  readonly users: UserRepository;
  readonly organizations: OrganizationRepository;
  readonly clock: Clock;
}

export function createUserService({ users, organizations, clock }: UserServiceDeps) {
  /** Clients belong to exactly one organization of the workspace; staff to none. */
  async function checkOrganization(
    actor: Actor,
    role: Role,
    organizationId: string | null | undefined,
  ): Promise<string | null> {
    if (role !== 'client') {
      if (organizationId)
        throw new DomainError('VALIDATION_FAILED', 'only clients belong to an organization');
      return null;
    }
    if (!organizationId) throw new DomainError('VALIDATION_FAILED', 'a client needs an organizationId');
    if (!(await organizations.find(actor.workspaceId, organizationId)))
      throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
    return organizationId;
  }

  return {
    async list(actor: Actor, filter: { role?: Role | undefined; organizationId?: string | undefined }) {
      requireRole(actor, ['admin', 'agent', 'consultant'], 'list users');
      return (await users.list({ workspaceId: actor.workspaceId, ...filter })).map(userDto);
    },

    async get(actor: Actor, userId: string) {
      if (actor.role === 'client' && actor.userId !== userId)
        throw new DomainError('USER_NOT_FOUND', 'user not found');
      const user = await users.find(actor.workspaceId, userId);
      if (!user) throw new DomainError('USER_NOT_FOUND', 'user not found');
      return userDto(user);
    },

    async create(actor: Actor, input: UserInput) {
      requireRole(actor, ['admin'], 'create users');
      const email = input.email.trim().toLowerCase();
      const problem = passwordProblem(input.password);
      if (problem) throw new DomainError('WEAK_PASSWORD', problem);
      const organizationId = await checkOrganization(actor, input.role, input.organizationId);
      if (await users.findByEmail(email))
        throw new DomainError('EMAIL_TAKEN', `an account with email ${email} already exists`);
      const id = newId();
      const passwordHash = await hashPassword(input.password);
      try {
        await users.insertUserWithMembership({
          id,
          email,
          name: input.name,
          passwordHash,
          workspaceId: actor.workspaceId,
          role: input.role,
          organizationId,
          createdAtMs: clock.nowMs(),
        });
      } catch (error) {
        // A concurrent request created the same email between the check above and this insert.
        if (isUniqueViolation(error))
          throw new DomainError('EMAIL_TAKEN', `an account with email ${email} already exists`);
        throw error;
      }
      return this.get(actor, id);
    },

    async update(
      actor: Actor,
      userId: string,
      patch: {
        name?: string | undefined;
        role?: Role | undefined;
        organizationId?: string | null | undefined;
        disabled?: boolean | undefined;
      },
    ) {
      requireRole(actor, ['admin'], 'edit users');
      const user = await users.find(actor.workspaceId, userId);
      if (!user) throw new DomainError('USER_NOT_FOUND', 'user not found');
      if (
        userId === actor.userId &&
        (patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin'))
      ) {
        throw new DomainError('FORBIDDEN', 'an admin cannot disable or demote themselves');
      }
      if (patch.name !== undefined && patch.name !== user.name) {
        // The name is the account's, shown in every workspace it belongs to: only an admin of all of them renames it.
        const others = await users.otherWorkspaces(userId, actor.workspaceId);
        const administered = await users.adminOf(actor.userId, others);
        if (administered.length < others.length) {
          throw new DomainError(
            'FORBIDDEN',
            'this account also belongs to workspaces you do not administer; only an admin of all of them can rename it',
          );
        }
      }
      if (patch.role !== undefined || patch.organizationId !== undefined) {
        const role = patch.role ?? (user.role as Role);
        const organizationId = await checkOrganization(
          actor,
          role,
          patch.organizationId === undefined ? user.organizationId : patch.organizationId,
        );
        await users.upsertMembership({
          userId,
          workspaceId: actor.workspaceId,
          role,
          organizationId,
          createdAtMs: clock.nowMs(),
        });
      }
      if (patch.disabled !== undefined) {
        // Per membership: another workspace's admin decides for theirs.
        await users.setMembershipDisabled(userId, actor.workspaceId, patch.disabled ? clock.nowMs() : null);
      }
      if (patch.name !== undefined) await users.updateUser(userId, { name: patch.name });
      return this.get(actor, userId);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
