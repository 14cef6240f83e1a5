import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildApp } from '../src/app.ts';
import { errorBodySchema } from '../src/errors.ts';
import { ticketSchema } from '../src/routes/ticket.routes.ts';
import type { Actor, Role } from '../src/auth/actor.ts';
import { hashPassword } from '../src/auth/password.ts';
import { ManualClock } from '../src/clock.ts';
import type { DialectName } from '../src/db/dialect.ts';
import { newId } from '../src/ids.ts';
import type { Services } from '../src/services.ts';
import type { Background } from '../src/notifications/notifications.module.ts';
import type { InboundMailService } from '../src/mail-inbound/inbound-mail.service.ts';
import { policyPreset } from '../src/sla/sla-clock.service.ts';
import { createTestDatabase, type TestDatabase } from './dialects.ts';

/** Monday 2 March 2026, 09:00 in Brussels, 11:00 in Riyadh: a business hour for both seeds. */
export const T0_MS = Date.parse('2026-03-02T08:00:00Z');
export const PASSWORD = 'correct horse battery';

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON (undefined for an empty or non-JSON body); read it through the typed helpers below. */
  body: unknown;
  text: string;
}

export interface RequestOptions {
  token?: string | undefined;
  workspace?: string | undefined;
  headers?: Record<string, string>;
  /** Sent as is (for malformed JSON); otherwise `body` is JSON-encoded. */
  rawBody?: string;
}

export interface Fixture {
  hosting: { id: string; start: string; classique: string; pro: string; surMesure: string; app: string };
  consulting: { id: string; org: string; otherOrg: string };
}

export interface TestServer {
  readonly dialect: DialectName;
  readonly baseUrl: string;
  readonly clock: ManualClock;
  readonly app: FastifyInstance;
  readonly services: Services;
  /** Scheduler and outbox dispatcher, not running: tests call their runOnce(). */
  readonly background: Background;
  /** Inbound e-mail (mail-inbound/): tests start its SMTP listener themselves. */
  readonly inbound: InboundMailService;
  readonly testDb: TestDatabase;
  readonly fixture: Fixture;
  request(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse>;
  /** Bearer token for one of the fixture accounts (see `seedFixture`). */
  login(email: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Both seeds' workspaces and accounts, on a controllable clock at T0:
 * hosting-be: orgs on start, classique, pro, sur-mesure (+ "App Shop", start without maintenance for billing tests);
 * consulting-sa: two client orgs. Accounts `<name>@acme.test` with PASSWORD.
 */
async function seedFixture(services: Services): Promise<Fixture> {
  const { db, workspaces, organizations } = services;
  const hostingId = await workspaces.ensureWorkspace({
    slug: 'hosting-be',
    name: 'Hosting',
    preset: 'hosting-be',
  });
  const consultingId = await workspaces.ensureWorkspace({
    slug: 'consulting-sa',
    name: 'Consulting',
    preset: 'consulting-sa',
  });
  const passwordHash = await hashPassword(PASSWORD);
  const nowMs = services.clock.nowMs();
  const admin = (workspaceId: string): Actor => ({
    userId: 'seed',
    name: 'seed',
    sessionId: 'seed',
    workspaceId,
    role: 'admin',
    organizationId: null,
  });

  const org = async (
    workspaceId: string,
    name: string,
    plan: string,
    maintenanceContract = false,
    hourlyRateCents = 9000,
    extendedCalendar?: string,
  ) =>
    (
      await organizations.create(admin(workspaceId), {
        name,
        contract: {
          plan,
          maintenanceContract,
          hourlyRateCents,
          currency: workspaceId === hostingId ? 'EUR' : 'SAR',
          extendedCalendar,
        },
      })
    ).id;
  // A Sur Mesure contract must name its own extended hours: the preset's placeholder hours, as the contract's calendar.
  await workspaces.putCalendar(admin(hostingId), 'sur-mesure-org-hours', {
    name: 'Sur Mesure Org extended hours',
    spec: policyPreset('hosting-be').calendars['sur-mesure-extended'],
  });
  const fixture: Fixture = {
    hosting: {
      id: hostingId,
      start: await org(hostingId, 'Start Org', 'start'),
      classique: await org(hostingId, 'Classique Org', 'classique', true),
      pro: await org(hostingId, 'Pro Org', 'pro'),
      surMesure: await org(hostingId, 'Sur Mesure Org', 'sur-mesure', true, 9000, 'sur-mesure-org-hours'),
      app: await org(hostingId, 'App Shop', 'pro', false, 12000),
    },
    consulting: {
      id: consultingId,
      org: await org(consultingId, 'Consulting Client Org', 'standard'),
      otherOrg: await org(consultingId, 'Other Consulting Org', 'standard'),
    },
  };

  const accounts: [string, string, Role, string | null][] = [
    ['admin@acme.test', hostingId, 'admin', null],
    ['agent@acme.test', hostingId, 'agent', null],
    ['pro@acme.test', hostingId, 'client', fixture.hosting.pro],
    ['start@acme.test', hostingId, 'client', fixture.hosting.start],
    ['classique@acme.test', hostingId, 'client', fixture.hosting.classique],
    ['app@acme.test', hostingId, 'client', fixture.hosting.app],
    ['cagent@acme.test', consultingId, 'agent', null],
    ['consultant@acme.test', consultingId, 'consultant', null],
    ['cclient@acme.test', consultingId, 'client', fixture.consulting.org],
    ['cother@acme.test', consultingId, 'client', fixture.consulting.otherOrg],
  ];
  for (const [email, workspaceId, role, organizationId] of accounts) {
    const id = newId();
    await db
      .insertInto('users')
      .values({
        id,
        email,
        name: email.split('@')[0] ?? email,
        password_hash: passwordHash,
        created_at: nowMs,
        disabled_at: null,
      })
      .execute();
    await db
      .insertInto('memberships')
      .values({
        user_id: id,
        workspace_id: workspaceId,
        role,
        organization_id: organizationId,
        created_at: nowMs,
      })
      .execute();
  }
  // The hosting admin also administers the consulting workspace (two memberships → X-Accord-Workspace needed).
  const adminRow = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'admin@acme.test')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('memberships')
    .values({
      user_id: adminRow.id,
      workspace_id: consultingId,
      role: 'admin',
      organization_id: null,
      created_at: nowMs,
    })
    .execute();
  return fixture;
}

/** The real server, on a random loopback port, over a fresh database of `dialect`. */
export async function startTestServer(
  dialect: DialectName,
  options: { startMs?: number; bodyLimitBytes?: number; authCacheMs?: number } = {},
): Promise<TestServer> {
  const testDb = await createTestDatabase(dialect);
  const clock = new ManualClock(options.startMs ?? T0_MS);
  const { app, services, background, inbound } = await buildApp({
    database: testDb.handle,
    clock,
    bodyLimitBytes: options.bodyLimitBytes,
    authCacheMs: options.authCacheMs,
    shutdownGraceMs: 1_000,
  });
  const fixture = await seedFixture(services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const tokens = new Map<string, string>();

  async function request(
    method: string,
    path: string,
    body?: unknown,
    opts: RequestOptions = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token !== undefined) headers['authorization'] = `Bearer ${opts.token}`;
    if (opts.workspace !== undefined) headers['x-accord-workspace'] = opts.workspace;
    let payload: string | undefined;
    if (opts.rawBody !== undefined) payload = opts.rawBody;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && headers['content-type'] === undefined)
      headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  return {
    dialect,
    baseUrl,
    clock,
    app,
    services,
    background,
    inbound,
    testDb,
    fixture,
    request,
    async login(email, password = PASSWORD) {
      const cached = tokens.get(email);
      if (cached !== undefined && password === PASSWORD) return cached;
      const res = await request('POST', '/api/v1/auth/login', { email, password });
      if (res.status !== 200) throw new Error(`login ${email} failed: ${res.status} ${res.text}`);
      const { token } = z.object({ token: z.string() }).parse(res.body);
      tokens.set(email, token);
      return token;
    },
    async close() {
      await app.close();
      await testDb.drop();
    },
  };
}

/** The response's ticket, checked against the published schema. */
export function ticketOf(res: ApiResponse) {
  if (res.status >= 300) throw new Error(`expected a ticket, got ${res.status} ${res.text}`);
  return ticketSchema.parse(res.body);
}

export function ticketsOf(res: ApiResponse) {
  if (res.status >= 300) throw new Error(`expected tickets, got ${res.status} ${res.text}`);
  return z
    .object({ items: z.array(ticketSchema), nextCursor: z.string().nullable().optional() })
    .parse(res.body);
}

/** `{ error: { code, message } }`, checked. */
export function errorOf(res: ApiResponse) {
  return errorBodySchema.parse(res.body).error;
}

/** Any object response, for fields the test reads itself. */
export function objectOf(res: ApiResponse): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(res.body);
}

export function itemsOf(res: ApiResponse): Record<string, unknown>[] {
  return z.object({ items: z.array(z.record(z.string(), z.unknown())) }).parse(res.body).items;
}

export function clockOf(ticket: { sla: { metric: string }[] }, metric: string) {
  const clock = ticket.sla.find((c) => c.metric === metric);
  if (!clock) throw new Error(`no ${metric} clock in ${JSON.stringify(ticket.sla)}`);
  return clock as ReturnType<typeof ticketSchema.parse>['sla'][number];
}

/** A Brussels calendar open `from`–`to` on weekdays: the extended hours of a Sur Mesure contract in tests. */
export function weekdayHours(from: string, to: string, businessDay: string) {
  return {
    timeZone: 'Europe/Brussels',
    week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [[from, to]]])),
    holidays: [],
    closed: [],
    special: {},
    businessDay,
  };
}

/** The hosting agent of the fixture as a service-level actor (for tests that call a service directly). */
export async function hostingAgentActor(server: TestServer, agentToken: string): Promise<Actor> {
  const me = await server.request('GET', '/api/v1/me', undefined, { token: agentToken });
  return {
    userId: z.object({ id: z.string() }).parse(me.body).id,
    name: 'agent',
    sessionId: 'test',
    workspaceId: server.fixture.hosting.id,
    role: 'agent',
    organizationId: null,
  };
}
