import { createAuthRepository } from './auth/auth.repository.ts';
import { createAuthService } from './auth/auth.service.ts';
import { createIdentityCache, DEFAULT_AUTH_CACHE_MS } from './auth/identity-cache.ts';
import { createBillingService } from './billing/billing.service.ts';
import type { Clock } from './clock.ts';
import type { Db } from './db/database.ts';
import { createOrganizationRepository } from './organizations/organization.repository.ts';
import { createOrganizationService } from './organizations/organization.service.ts';
import { createSlaClockService } from './sla/sla-clock.service.ts';
import { createAttachmentService } from './tickets/attachment.service.ts';
import { createTicketRepository } from './tickets/ticket.repository.ts';
import { createTicketService } from './tickets/ticket.service.ts';
import { createUserRepository } from './users/user.repository.ts';
import { createUserService } from './users/user.service.ts';
import { createWorkspaceService } from './workspaces/workspace.service.ts';

/** All wiring in one place: repositories over the database, services over explicit dependencies. */
export function createServices({
  db,
  clock,
  authCacheMs = DEFAULT_AUTH_CACHE_MS,
}: {
  db: Db;
  clock: Clock;
  /** How long another instance's revocation may take to reach this one (identity-cache.ts); 0: no cache. */
  authCacheMs?: number;
}) {
  const organizationRepository = createOrganizationRepository(db);
  const sla = createSlaClockService({ db });
  const identities = createIdentityCache(authCacheMs);
  const auth = createAuthService({ auth: createAuthRepository(db), clock, identities });
  const workspaces = createWorkspaceService({ db, sla, clock });
  const organizations = createOrganizationService({ organizations: organizationRepository, sla, clock });
  const userService = createUserService({
    users: createUserRepository(db),
    organizations: organizationRepository,
    clock,
  });
  // Accounts and memberships change who a token stands for: this instance stops answering from its cache at once.
  const users: typeof userService = {
    ...userService,
    create: (...args) => userService.create(...args).finally(() => identities.forgetAll()),
    update: (...args) => userService.update(...args).finally(() => identities.forgetAll()),
  };
  const tickets = createTicketService({
    db,
    tickets: createTicketRepository(db),
    organizations: organizationRepository,
    sla,
    clock,
  });
  const attachments = createAttachmentService({ db, tickets, clock });
  const billing = createBillingService({ db, organizations: organizationRepository, tickets, clock });
  return { db, clock, sla, auth, workspaces, organizations, users, tickets, attachments, billing };
}

export type Services = ReturnType<typeof createServices>;
