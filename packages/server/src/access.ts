import type { Actor, Role } from './auth/actor.ts';
import { DomainError } from './errors.ts';

/** Throws FORBIDDEN unless the actor has one of the roles. */
export function requireRole(actor: Actor, roles: readonly Role[], action: string): void {
  if (!roles.includes(actor.role)) {
    throw new DomainError('FORBIDDEN', `a ${actor.role} cannot ${action} (allowed: ${roles.join(', ')})`);
  }
}

export function isoOrNull(atMs: number | null): string | null {
  return atMs === null ? null : new Date(atMs).toISOString();
}

export function iso(atMs: number): string {
  return new Date(atMs).toISOString();
}
