import type { Actor, Role } from '../auth/actor.ts';
import { hashPassword } from '../auth/password.ts';
import { ManualClock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { newId } from '../ids.ts';
import { createServices } from '../services.ts';
import { seedConsultationDemo } from '../consultations/consultation-demo.ts';
import type { BusinessCalendar, ChannelId, PriorityId, TicketCategory } from '../sla/sla-core.ts';

export const DEMO_PASSWORD = 'accord-demo';

export interface DemoAccount {
  email: string;
  role: string;
  workspaces: string[];
  note: string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** The instant `durationMs` of open time before `nowMs` on `calendar` (latest such instant, to the minute). */
export function businessTimeBefore(calendar: BusinessCalendar, nowMs: number, durationMs: number): number {
  let lowMs = nowMs - 120 * 24 * HOUR_MS;
  let highMs = nowMs;
  while (highMs - lowMs > MINUTE_MS) {
    const midMs = Math.floor((lowMs + highMs) / 2);
    if (calendar.elapsedMs(midMs, nowMs) >= durationMs) lowMs = midMs;
    else highMs = midMs;
  }
  return lowMs - (lowMs % MINUTE_MS);
}

/** Extended hours of the demo Sur Mesure contract ("defined in the particular contract"). */
const SUR_MESURE_HOURS = {
  timeZone: 'Europe/Brussels',
  week: {
    mon: [['07:00', '22:00']],
    tue: [['07:00', '22:00']],
    wed: [['07:00', '22:00']],
    thu: [['07:00', '22:00']],
    fri: [['07:00', '22:00']],
    sat: [['09:00', '18:00']],
  },
  holidays: [{ country: 'BE' }],
  closed: [],
  special: {},
  businessDay: 'PT15H',
  name: 'Sur Mesure — Brasserie du Sablon extended hours',
};

interface TicketPlan {
  actor: Actor;
  organizationId: string;
  subject: string;
  description: string;
  priority: PriorityId;
  category: TicketCategory;
  channel: ChannelId;
  /** Business hours before now (on the workspace's business calendar) when it was opened. */
  openedBusinessHoursAgo: number;
  /** Follow-ups, in business hours after opening. */
  then?: {
    afterBusinessHours: number;
    do: 'reply' | 'pending' | 'resolve' | 'analysis' | 'quote';
    by: Actor;
  }[];
}

/**
 * Both seeds' workspaces with organizations on every plan, staff, clients, and tickets whose clocks are breached,
 * warning, running, paused and met relative to `nowMs`. Runs on an empty database only.
 */
export async function seedDemo(db: Db, nowMs: number): Promise<DemoAccount[]> {
  const clock = new ManualClock(nowMs);
  const services = createServices({ db, clock });
  const { workspaces, organizations, users, tickets, billing, sla } = services;
  const hostingId = await workspaces.ensureWorkspace({
    slug: 'hosting-be',
    name: 'Hébergement & Support (BE) — demo',
    preset: 'hosting-be',
  });
  const consultingId = await workspaces.ensureWorkspace({
    slug: 'consulting-sa',
    name: 'Consultation platform (SA) — demo',
    preset: 'consulting-sa',
  });

  const adminId = newId();
  await db
    .insertInto('users')
    .values({
      id: adminId,
      email: 'admin@demo.test',
      name: 'Demo Admin',
      password_hash: await hashPassword(DEMO_PASSWORD),
      created_at: nowMs,
      disabled_at: null,
    })
    .execute();
  for (const workspaceId of [hostingId, consultingId]) {
    await db
      .insertInto('memberships')
      .values({
        user_id: adminId,
        workspace_id: workspaceId,
        role: 'admin',
        organization_id: null,
        created_at: nowMs,
      })
      .execute();
  }
  const admin = (workspaceId: string): Actor => ({
    userId: adminId,
    name: 'Demo Admin',
    sessionId: 'demo',
    workspaceId,
    role: 'admin',
    organizationId: null,
  });
  const hostingAdmin = admin(hostingId);
  const consultingAdmin = admin(consultingId);

  async function account(
    workspaceAdmin: Actor,
    email: string,
    name: string,
    role: Role,
    organizationId: string | null = null,
  ): Promise<Actor> {
    const user = await users.create(workspaceAdmin, {
      email,
      name,
      password: DEMO_PASSWORD,
      role,
      organizationId,
    });
    return {
      userId: user.id,
      name,
      sessionId: 'demo',
      workspaceId: workspaceAdmin.workspaceId,
      role,
      organizationId,
    };
  }

  // Hosting: one organization per plan.
  await workspaces.putCalendar(hostingAdmin, 'sur-mesure-sablon', {
    name: SUR_MESURE_HOURS.name,
    spec: SUR_MESURE_HOURS,
  });
  const org = async (
    actor: Actor,
    name: string,
    plan: string,
    extra: {
      maintenanceContract?: boolean;
      hourlyRateCents?: number;
      currency?: string;
      extendedCalendar?: string;
    } = {},
  ) =>
    (
      await organizations.create(actor, {
        name,
        contacts: [
          {
            name: `${name} contact`,
            email: `contact@${name.toLowerCase().replace(/[^a-z]+/g, '-')}.example`,
          },
        ],
        sites: [`www.${name.toLowerCase().replace(/[^a-z]+/g, '')}.example`],
        contract: {
          plan,
          maintenanceContract: extra.maintenanceContract ?? false,
          hourlyRateCents: extra.hourlyRateCents ?? 9500,
          currency: extra.currency ?? 'EUR',
          extendedCalendar: extra.extendedCalendar,
        },
      })
    ).id;
  const startOrg = await org(hostingAdmin, 'Boulangerie Dupont', 'start');
  const classiqueOrg = await org(hostingAdmin, 'Atelier Lambert', 'classique', { maintenanceContract: true });
  const proOrg = await org(hostingAdmin, 'Boutique Pro Gand', 'pro');
  const surMesureOrg = await org(hostingAdmin, 'Brasserie du Sablon', 'sur-mesure', {
    maintenanceContract: true,
    hourlyRateCents: 12000,
    extendedCalendar: 'sur-mesure-sablon',
  });
  const consultingOrg = await org(consultingAdmin, 'Riyadh Trading Co.', 'standard', {
    hourlyRateCents: 45000,
    currency: 'SAR',
  });
  // The platform supports its consultants too ("Fournir une assistance technique aux clients et aux consultants"):
  // their support tickets belong to this organization, each consultant seeing only their own.
  const consultantsOrg = await org(consultingAdmin, 'Consultants', 'standard', {
    hourlyRateCents: 0,
    currency: 'SAR',
  });

  const hostingAgent = await account(hostingAdmin, 'agent@hosting.demo.test', 'Hosting Agent', 'agent');
  const clientPro = await account(
    hostingAdmin,
    'client.pro@hosting.demo.test',
    'Pro Client (Boutique Pro Gand)',
    'client',
    proOrg,
  );
  const clientStart = await account(
    hostingAdmin,
    'client.start@hosting.demo.test',
    'Start Client (Boulangerie Dupont)',
    'client',
    startOrg,
  );
  const consultingAgent = await account(
    consultingAdmin,
    'agent@consulting.demo.test',
    'Consulting Agent',
    'agent',
  );
  const consultant1 = await account(
    consultingAdmin,
    'consultant1@consulting.demo.test',
    'Consultant One',
    'consultant',
    consultantsOrg,
  );
  const consultant2 = await account(
    consultingAdmin,
    'consultant2@consulting.demo.test',
    'Consultant Two',
    'consultant',
    consultantsOrg,
  );
  const consultingClient = await account(
    consultingAdmin,
    'client@consulting.demo.test',
    'Consulting Client',
    'client',
    consultingOrg,
  );

  const hostingCalendar = (await sla.policyContext(hostingId)).calendars('be-business');
  const consultingCalendar = (await sla.policyContext(consultingId)).calendars('sa-business');

  async function open(calendar: BusinessCalendar, plan: TicketPlan): Promise<void> {
    const openedAtMs = businessTimeBefore(calendar, nowMs, plan.openedBusinessHoursAgo * HOUR_MS);
    clock.set(openedAtMs);
    const ticket = await tickets.create(plan.actor, {
      subject: plan.subject,
      description: plan.description,
      priority: plan.priority,
      category: plan.category,
      channel: plan.channel,
      organizationId: plan.actor.organizationId === null ? plan.organizationId : undefined,
    });
    let version = ticket.version;
    for (const step of plan.then ?? []) {
      clock.set(Math.min(nowMs, calendar.dueAt(openedAtMs, step.afterBusinessHours * HOUR_MS)));
      if (step.do === 'reply')
        await tickets.comment(step.by, ticket.id, {
          body: 'We are looking into it and will report back shortly.',
          visibility: 'public',
        });
      if (step.do === 'analysis') await tickets.startAnalysis(step.by, ticket.id);
      if (step.do === 'quote')
        await billing.proposeQuote(step.by, ticket.id, {
          amountCents: 28500,
          currency: 'EUR',
          description: 'Update and fix the faulty plugin (3 hours)',
        });
      if (step.do === 'pending' || step.do === 'resolve') {
        version = (await tickets.get(step.by, ticket.id)).version;
        await tickets.update(step.by, ticket.id, version, {
          status: step.do === 'pending' ? 'pending-customer' : 'resolved',
        });
      }
    }
    clock.set(nowMs);
  }

  const hosting = (
    p: Omit<TicketPlan, 'actor' | 'organizationId'> & { actor: Actor; organizationId: string },
  ) => open(hostingCalendar, p);
  await hosting({
    actor: clientPro,
    organizationId: proOrg,
    subject: 'Shop down: checkout returns HTTP 500',
    description: 'Every order fails at payment since this morning.',
    priority: 'P1',
    category: 'hosting',
    channel: 'ticket',
    openedBusinessHoursAgo: 6,
  });
  await hosting({
    actor: clientPro,
    organizationId: proOrg,
    subject: 'Site unreachable from Belgium',
    description: 'DNS resolves but the connection times out.',
    priority: 'P1',
    category: 'hosting',
    channel: 'email',
    openedBusinessHoursAgo: 3.3,
  });
  await hosting({
    actor: hostingAgent,
    organizationId: classiqueOrg,
    subject: 'Contact form no longer sends mail',
    description: 'Reported by phone, logged by the agent.',
    priority: 'P2',
    category: 'hosting',
    channel: 'email',
    openedBusinessHoursAgo: 2,
  });
  await hosting({
    actor: clientStart,
    organizationId: startOrg,
    subject: 'Slow pages in the afternoon',
    description: 'Pages take 8 s to load between 14:00 and 16:00.',
    priority: 'P2',
    category: 'hosting',
    channel: 'ticket',
    openedBusinessHoursAgo: 12,
    then: [
      { afterBusinessHours: 2, do: 'reply', by: hostingAgent },
      { afterBusinessHours: 2.5, do: 'pending', by: hostingAgent },
    ],
  });
  await hosting({
    actor: clientPro,
    organizationId: proOrg,
    subject: 'Backups missing for last night',
    description: 'The nightly backup did not run.',
    priority: 'P1',
    category: 'hosting',
    channel: 'ticket',
    openedBusinessHoursAgo: 8,
    then: [
      { afterBusinessHours: 1, do: 'analysis', by: hostingAgent },
      { afterBusinessHours: 3, do: 'reply', by: hostingAgent },
      { afterBusinessHours: 5, do: 'resolve', by: hostingAgent },
    ],
  });
  await hosting({
    actor: clientStart,
    organizationId: startOrg,
    subject: 'Plugin broke the menu after my update',
    description: 'I updated a plugin and the menu disappeared.',
    priority: 'P3',
    category: 'application',
    channel: 'ticket',
    openedBusinessHoursAgo: 4,
    then: [{ afterBusinessHours: 1, do: 'quote', by: hostingAgent }],
  });
  await hosting({
    actor: hostingAdmin,
    organizationId: surMesureOrg,
    subject: 'Direct line: reservation widget down',
    description: 'Called on the direct line.',
    priority: 'P1',
    category: 'hosting',
    channel: 'ticket',
    openedBusinessHoursAgo: 0.5,
  });

  const consulting = (p: TicketPlan) => open(consultingCalendar, p);
  await consulting({
    actor: consultingClient,
    organizationId: consultingOrg,
    subject: 'Payments fail at checkout',
    description: 'Card payments are refused for every client.',
    priority: 'P1',
    category: 'application',
    channel: 'ticket',
    openedBusinessHoursAgo: 2,
  });
  await consulting({
    actor: consultingClient,
    organizationId: consultingOrg,
    subject: 'Consultation requests not delivered',
    description: 'Consultants do not receive new requests.',
    priority: 'P2',
    category: 'application',
    channel: 'ticket',
    openedBusinessHoursAgo: 3,
    then: [{ afterBusinessHours: 1, do: 'reply', by: consultingAgent }],
  });
  await consulting({
    actor: consultingClient,
    organizationId: consultingOrg,
    subject: 'Dashboard slow to load',
    description: 'The dashboard takes 10 s.',
    priority: 'P3',
    category: 'application',
    channel: 'chatbot',
    openedBusinessHoursAgo: 5,
    then: [
      { afterBusinessHours: 1, do: 'reply', by: consultingAgent },
      { afterBusinessHours: 1.5, do: 'pending', by: consultingAgent },
    ],
  });
  await consulting({
    actor: consultant1,
    organizationId: consultantsOrg,
    subject: 'Cannot update my availability',
    description: 'Saving my weekly availability shows an error.',
    priority: 'P3',
    category: 'application',
    channel: 'ticket',
    openedBusinessHoursAgo: 1,
  });
  await consulting({
    actor: consultingClient,
    organizationId: consultingOrg,
    subject: 'Idea: export invoices as PDF',
    description: 'An improvement request.',
    priority: 'P4',
    category: 'application',
    channel: 'ticket',
    openedBusinessHoursAgo: 20,
    then: [
      { afterBusinessHours: 4, do: 'reply', by: consultingAgent },
      { afterBusinessHours: 6, do: 'resolve', by: consultingAgent },
    ],
  });

  // Consultation requests (issue #13): profiles for both consultants, a direct offer, a board request, an accepted one.
  await seedConsultationDemo({
    services,
    workspaceId: consultingId,
    consultants: [consultant1, consultant2],
    client: consultingClient,
    nowMs,
  });

  return [
    {
      email: 'admin@demo.test',
      role: 'admin',
      workspaces: ['hosting-be', 'consulting-sa'],
      note: 'send X-Accord-Workspace: hosting-be | consulting-sa',
    },
    { email: 'agent@hosting.demo.test', role: 'agent', workspaces: ['hosting-be'], note: '' },
    {
      email: 'client.pro@hosting.demo.test',
      role: 'client',
      workspaces: ['hosting-be'],
      note: 'Pro plan (Boutique Pro Gand)',
    },
    {
      email: 'client.start@hosting.demo.test',
      role: 'client',
      workspaces: ['hosting-be'],
      note: 'Start plan (Boulangerie Dupont): ticket channel only',
    },
    { email: 'agent@consulting.demo.test', role: 'agent', workspaces: ['consulting-sa'], note: '' },
    {
      email: 'consultant1@consulting.demo.test',
      role: 'consultant',
      workspaces: ['consulting-sa'],
      note: 'supported like a client (organization Consultants): sees only the tickets they opened',
    },
    {
      email: 'consultant2@consulting.demo.test',
      role: 'consultant',
      workspaces: ['consulting-sa'],
      note: 'supported like a client (organization Consultants): sees only the tickets they opened',
    },
    {
      email: 'client@consulting.demo.test',
      role: 'client',
      workspaces: ['consulting-sa'],
      note: 'Riyadh Trading Co.',
    },
  ];
}

export async function isEmptyDatabase(db: Db): Promise<boolean> {
  return (await db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst()) === undefined;
}
