import { iso, isoOrNull, requireRole } from '../access.ts';
import type { Actor, Identity, Role } from '../auth/actor.ts';
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
    invited: u.invitation !== null,
  };
}

export const USER_LANGUAGES = ['en', 'fr', 'ar'] as const;

/** An IANA zone name this runtime knows (`Europe/Brussels`, `UTC`); offsets and abbreviations are refused. */
export function isIanaZone(zone: string): boolean {
  if (zone === 'UTC' || Intl.supportedValuesOf('timeZone').includes(zone)) return true;
  if (!/^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)+$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface UserServiceDeps {
  readonly users: UserRepository;
  readonly organizations: OrganizationRepository;
  readonly clock: Clock;
}

export function createUserService({ users, organizations, clock }: UserServiceDeps) {
  async function invite(
    actor: Actor,
    userId: string,
    email: string,
    membership: { name: string; role: Role; organizationId: string | null; createdAtMs: number },
  ) {
    const inserted = await users.insertInvitation({ userId, workspaceId: actor.workspaceId, ...membership });
    if (!inserted)
      throw new DomainError('EMAIL_TAKEN', `an account with email ${email} is already in this workspace`);
    const user = await users.find(actor.workspaceId, userId);
    if (!user) throw new DomainError('USER_NOT_FOUND', 'user not found');
    return userDto(user);
  }

  /** Clients belong to exactly one organization of the workspace; staff to none. */
  async function checkOrganization(
    actor: Actor,
    role: Role,
    organizationId: string | null | undefined,
  ): Promise<string | null> {
    if (role === 'admin' || role === 'agent') {
      if (organizationId)
        throw new DomainError('VALIDATION_FAILED', 'only clients and consultants belong to an organization');
      return null;
    }
    // A consultant's organization is where their support tickets belong (optional until they open one).
    if (!organizationId && role === 'consultant') return null;
    if (!organizationId) throw new DomainError('VALIDATION_FAILED', 'a client needs an organizationId');
    if (!(await organizations.find(actor.workspaceId, organizationId)))
      throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
    return organizationId;
  }

  return {
    /** The signed-in user's language and zone (null: the workspace's own). */
    async settings(identity: Identity) {
      const row = await users.settings(identity.userId);
      return { language: row?.language ?? null, timeZone: row?.time_zone ?? null };
    },

    async updateSettings(
      identity: Identity,
      input: { language?: string | null | undefined; timeZone?: string | null | undefined },
    ) {
      if (input.timeZone !== undefined && input.timeZone !== null && !isIanaZone(input.timeZone))
        throw new DomainError(
          'VALIDATION_FAILED',
          `${input.timeZone} is not an IANA time zone (e.g. Europe/Brussels)`,
        );
      await users.updateSettings(identity.userId, {
        ...(input.language === undefined ? {} : { language: input.language }),
        ...(input.timeZone === undefined ? {} : { time_zone: input.timeZone }),
      });
      const row = await users.settings(identity.userId);
      return { language: row?.language ?? null, timeZone: row?.time_zone ?? null };
    },

    async list(actor: Actor, filter: { role?: Role | undefined; organizationId?: string | undefined }) {
      requireRole(actor, ['admin', 'agent'], 'list users');
      return (await users.list({ workspaceId: actor.workspaceId, ...filter })).map(userDto);
    },

    async get(actor: Actor, userId: string) {
      if ((actor.role === 'client' || actor.role === 'consultant') && actor.userId !== userId)
        throw new DomainError('USER_NOT_FOUND', 'user not found');
      const user = await users.find(actor.workspaceId, userId);
      if (!user) throw new DomainError('USER_NOT_FOUND', 'user not found');
      return userDto(user);
    },

    /**
     * A new email makes an account with the given password, in this workspace once its holder first signs in. An email
     * that already has an account elsewhere gets the same answer (201, `invited`) without anything of that account
     * being touched: an invitation its holder accepts or declines. Only an account already in this workspace is 409.
     */
    async create(actor: Actor, input: UserInput) {
      requireRole(actor, ['admin'], 'create users');
      const email = input.email.trim().toLowerCase();
      const problem = passwordProblem(input.password);
      if (problem) throw new DomainError('WEAK_PASSWORD', problem);
      const organizationId = await checkOrganization(actor, input.role, input.organizationId);
      // Hashed on both paths, so the answer's timing does not tell a new email from an existing account.
      const passwordHash = await hashPassword(input.password);
      const membership = { name: input.name, role: input.role, organizationId, createdAtMs: clock.nowMs() };
      const existing = await users.findByEmail(email);
      if (existing) return invite(actor, existing.id, email, membership);
      const id = newId();
      try {
        await users.insertUserWithMembership({
          id,
          email,
          passwordHash,
          workspaceId: actor.workspaceId,
          ...membership,
        });
      } catch (error) {
        // A concurrent request created the same email between the check above and this insert.
        const created = isUniqueViolation(error) ? await users.findByEmail(email) : undefined;
        if (!created) throw error;
        return invite(actor, created.id, email, membership);
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
      if (patch.name !== undefined && patch.name !== user.name && user.invitation !== null) {
        // The name shown is the one typed for the invitation; the account's own is not this workspace's to change.
        throw new DomainError('FORBIDDEN', 'this member has not joined yet; rename them once they have');
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
        // With no other workspace left, every session and token of the account goes: nothing it holds opens
        // anything, and re-enabling takes a fresh sign-in. Otherwise they stay for the other workspaces, and no
        // longer reach this one (a disabled membership is left out of every identity).
        if (patch.disabled && (await users.countActiveElsewhere(userId, actor.workspaceId)) === 0)
          await users.revokeSessions(userId, clock.nowMs());
      }
      if (patch.name !== undefined) await users.updateUser(userId, { name: patch.name });
      return this.get(actor, userId);
    },

    /** The signed-in account's pending invitations (made by admins for this email in other workspaces). */
    async listInvitations(identity: Identity) {
      return (await users.listInvitations(identity.userId)).map((i) => ({
        workspace: i.workspace,
        workspaceName: i.workspaceName,
        role: i.role as Role,
        invitedAt: iso(i.invitedAt),
      }));
    },

    async answerInvitation(identity: Identity, workspaceSlug: string, accept: boolean): Promise<void> {
      if (!(await users.answerInvitation(identity.userId, workspaceSlug, accept)))
        throw new DomainError('INVITATION_NOT_FOUND', `no pending invitation to '${workspaceSlug}'`);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
