export const ROLES = ['admin', 'agent', 'client', 'consultant'] as const;
export type Role = (typeof ROLES)[number];

export interface Membership {
  readonly workspaceId: string;
  readonly workspaceSlug: string;
  readonly workspaceName: string;
  readonly role: Role;
  readonly organizationId: string | null;
}

/** Who is calling, before a workspace is chosen. */
export interface Identity {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly sessionId: string;
  readonly memberships: readonly Membership[];
}

/** Who is calling, in which workspace and with which role: the first argument of every service method. */
export interface Actor {
  readonly userId: string;
  readonly name: string;
  readonly sessionId: string;
  readonly workspaceId: string;
  readonly role: Role;
  /** Set for clients (the only organization they can see) and for consultants (the one their tickets belong to). */
  readonly organizationId: string | null;
}

/**
 * The desk's own people. Consultants are not staff: the platform supports them ("Fournir une assistance technique aux
 * clients et aux consultants"), so they open tickets and see only the ones they requested, like a client does.
 */
export const STAFF_ROLES: readonly Role[] = ['admin', 'agent'];

export function isStaff(actor: Actor): boolean {
  return STAFF_ROLES.includes(actor.role);
}
