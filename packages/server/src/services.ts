import { availabilityConfigFromEnv, createAvailability } from './availability/availability.module.ts';
import { createAuthRepository } from './auth/auth.repository.ts';
import { createAuthService } from './auth/auth.service.ts';
import { createIdentityCache, DEFAULT_AUTH_CACHE_MS } from './auth/identity-cache.ts';
import { createBillingService } from './billing/billing.service.ts';
import { createHelpRepository } from './help/help.repository.ts';
import { createHelpService } from './help/help.service.ts';
import { createChatRepository } from './chat/chat.repository.ts';
import { createChatService } from './chat/chat.service.ts';
import type { Clock } from './clock.ts';
import type { Db } from './db/database.ts';
import { createConsultantService } from './consultations/consultant.service.ts';
import { createConsultationReport } from './consultations/consultation-report.ts';
import { createConsultationService } from './consultations/consultation.service.ts';
import { createConsultationMessageService } from './consultations/consultation-message.service.ts';
import { createOrganizationRepository } from './organizations/organization.repository.ts';
import { createOrganizationService } from './organizations/organization.service.ts';
import { createPolicySimulationService } from './policy-simulation/policy-simulation.service.ts';
import { createSlaClockService } from './sla/sla-clock.service.ts';
import { createAttachmentService } from './tickets/attachment.service.ts';
import { createTicketRepository } from './tickets/ticket.repository.ts';
import { createTicketService } from './tickets/ticket.service.ts';
import { createTicketChange } from './tickets/ticket-change.ts';
import { scheduleSlaJobs } from './tickets/ticket-deadlines.ts';
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
  // The one write path of tickets: every service below that changes a ticket goes through it.
  const change = createTicketChange({ db, sla, onClocks: [scheduleSlaJobs] });
  const workspaces = createWorkspaceService({ db, sla, clock, change });
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
    answerInvitation: (...args) =>
      userService.answerInvitation(...args).finally(() => identities.forgetAll()),
  };
  const tickets = createTicketService({
    tickets: createTicketRepository(db),
    organizations: organizationRepository,
    sla,
    change,
    clock,
  });
  const attachments = createAttachmentService({ db, tickets, change, clock });
  const billing = createBillingService({ db, organizations: organizationRepository, tickets, change, clock });
  // Policy what-if: reads only, never through the write path.
  const simulations = createPolicySimulationService({ db, sla, clock });
  const help = createHelpService({ help: createHelpRepository(db), clock });
  const chat = createChatService({
    chats: createChatRepository(db),
    organizations: organizationRepository,
    sla,
    tickets,
    help,
    clock,
  });
  // Consultation requests (issue #13): their own tables and write path, not tickets.
  const consultations = createConsultationService({ db, sla, clock });
  const consultants = createConsultantService({ db, clock });
  const consultationReport = createConsultationReport({ db, sla });
  const consultationMessages = createConsultationMessageService({ db, clock });
  // Availability (issue #14): monitors open and resolve incident tickets through the ticket write path.
  const availability = createAvailability({
    db,
    clock,
    sla,
    change,
    createTicket: (actor, input) => tickets.create(actor, input),
    readTicket: (actor, id) => tickets.get(actor, id),
    config: availabilityConfigFromEnv(process.env),
  });
  return {
    db,
    clock,
    sla,
    change,
    auth,
    workspaces,
    organizations,
    users,
    tickets,
    attachments,
    billing,
    help,
    chat,
    simulations,
    consultations,
    consultants,
    consultationReport,
    consultationMessages,
    availability,
  };
}

export type Services = ReturnType<typeof createServices>;
