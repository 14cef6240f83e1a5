import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createAuthRepository } from '../src/auth/auth.repository.ts';
import { LOGIN_LIMITS } from '../src/auth/auth.service.ts';
import { ManualClock } from '../src/clock.ts';
import { createDatabase, type DatabaseHandle } from '../src/db/database.ts';
import type { DialectName } from '../src/db/dialect.ts';
import { newId } from '../src/ids.ts';
import { createTestDatabase, describeDialect, DIALECTS } from './dialects.ts';
import {
  clockOf,
  errorOf,
  itemsOf,
  objectOf,
  PASSWORD,
  startTestServer,
  T0_MS,
  ticketOf,
  type TestServer,
} from './server-harness.ts';

/**
 * Regressions for review findings F1, F2, F5, F7, F8, F9 and F12 (notes/review-findings.md), and for the later
 * review's login lockout, attachments on closed tickets and cross-workspace email probing.
 */

const OTHER_HOURS = {
  timeZone: 'Europe/Brussels',
  week: {
    mon: [['10:00', '12:00']],
    tue: [['10:00', '12:00']],
    wed: [['10:00', '12:00']],
    thu: [['10:00', '12:00']],
    fri: [['10:00', '12:00']],
  },
  holidays: [],
  closed: [],
  special: {},
  businessDay: 'PT2H',
};
const LONG_HOURS = {
  ...OTHER_HOURS,
  week: {
    mon: [['07:00', '22:00']],
    tue: [['07:00', '22:00']],
    wed: [['07:00', '22:00']],
    thu: [['07:00', '22:00']],
    fri: [['07:00', '22:00']],
  },
  businessDay: 'PT15H',
};

/** A database the health check cannot reach: a closed SQLite file, or a PostgreSQL port nobody listens on. */
async function unreachableDatabase(
  dialect: DialectName,
): Promise<{ handle: DatabaseHandle; cleanup: () => void }> {
  if (dialect === 'postgres') {
    const handle = createDatabase({
      dialect: 'postgres',
      url: 'postgres://secret-user@127.0.0.1:1/secret-db',
    });
    return { handle, cleanup: () => undefined };
  }
  const testDb = await createTestDatabase('sqlite');
  await testDb.handle.destroy();
  return {
    handle: testDb.handle,
    cleanup: () => rmSync(testDb.env['ACCORD_DATA_DIR'] ?? '', { recursive: true, force: true }),
  };
}

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'accounts, sign-in, billing and calendars', () => {
    let server: TestServer;
    let admin: string;
    let agent: string;

    beforeAll(async () => {
      server = await startTestServer(dialect);
      admin = await server.login('admin@acme.test');
      agent = await server.login('agent@acme.test');
    });
    afterAll(async () => {
      await server.close();
    });

    const hosting = { workspace: 'hosting-be' };

    /** A second server that believes X-Forwarded-For, so a test can sign in from several client addresses. */
    async function startProxiedServer(): Promise<TestServer> {
      process.env['ACCORD_TRUST_PROXY'] = 'true';
      try {
        return await startTestServer(dialect);
      } finally {
        delete process.env['ACCORD_TRUST_PROXY'];
      }
    }
    const loginFrom = (s: TestServer, ip: string, email: string, password: string) =>
      s.request('POST', '/api/v1/auth/login', { email, password }, { headers: { 'x-forwarded-for': ip } });

    it('an admin of one workspace cannot lock a shared account out of another workspace', async () => {
      const created = await server.request(
        'POST',
        '/api/v1/users',
        { email: 'admin2@acme.test', name: 'Second admin', password: PASSWORD, role: 'admin' },
        { token: admin, ...hosting },
      );
      expect(created.status).toBe(201);
      const admin2 = await server.login('admin2@acme.test');
      const me = objectOf(await server.request('GET', '/api/v1/me', undefined, { token: admin, ...hosting }));
      const adminId = String(me['id']);

      // Renaming is global (the name shows in every workspace): refused unless the actor administers them all.
      const rename = await server.request(
        'PATCH',
        `/api/v1/users/${adminId}`,
        { name: 'pwned' },
        { token: admin2 },
      );
      expect(rename.status).toBe(403);
      expect(errorOf(rename).code).toBe('FORBIDDEN');

      const disabled = await server.request(
        'PATCH',
        `/api/v1/users/${adminId}`,
        { disabled: true },
        { token: admin2 },
      );
      expect(disabled.status).toBe(200);
      expect(objectOf(disabled)).toMatchObject({ disabled: true, name: 'admin' });

      // Still an admin of the consulting workspace, no longer of hosting.
      const consulting = await server.request('GET', '/api/v1/users', undefined, {
        token: admin,
        workspace: 'consulting-sa',
      });
      expect(consulting.status).toBe(200);
      const inHosting = await server.request('GET', '/api/v1/users', undefined, { token: admin, ...hosting });
      expect(inHosting.status).toBe(404);
      expect(errorOf(inHosting).code).toBe('WORKSPACE_NOT_FOUND');

      const enabled = await server.request(
        'PATCH',
        `/api/v1/users/${adminId}`,
        { disabled: false },
        { token: admin2 },
      );
      expect(objectOf(enabled)).toMatchObject({ disabled: false });
      expect(
        (await server.request('GET', '/api/v1/users', undefined, { token: admin, ...hosting })).status,
      ).toBe(200);

      // A user of this workspace only can still be renamed and disabled (and is then signed out of it).
      const agentId = String(
        objectOf(await server.request('GET', '/api/v1/me', undefined, { token: agent }))['id'],
      );
      const renamed = await server.request(
        'PATCH',
        `/api/v1/users/${agentId}`,
        { name: 'Agent Renamed' },
        { token: admin2 },
      );
      expect(objectOf(renamed)).toMatchObject({ name: 'Agent Renamed' });
    });

    it('parallel wrong passwords cannot exceed the per-email limit', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 12 }, () =>
          server.request('POST', '/api/v1/auth/login', {
            email: 'start@acme.test',
            password: 'wrong password',
          }),
        ),
      );
      const statuses = attempts.map((r) => r.status);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(7);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    });

    it("login limits: wrong passwords from one address do not lock the account's owner out from another", async () => {
      const proxied = await startProxiedServer();
      try {
        const email = 'pro@acme.test';
        const guesses: number[] = [];
        for (let i = 0; i < 6; i++)
          guesses.push((await loginFrom(proxied, '203.0.113.1', email, 'wrong password')).status);
        expect(guesses).toEqual([401, 401, 401, 401, 401, 429]);

        const owner = await loginFrom(proxied, '203.0.113.2', email, PASSWORD);
        expect(owner.status).toBe(200);

        const guesser = await loginFrom(proxied, '203.0.113.1', email, PASSWORD);
        expect(guesser.status).toBe(429);
        expect(errorOf(guesser).code).toBe('TOO_MANY_ATTEMPTS');
      } finally {
        await proxied.close();
      }
    });

    it('login limits: guesses spread over many addresses slow each address but never lock the owner out', async () => {
      const proxied = await startProxiedServer();
      try {
        const email = 'classique@acme.test';
        // 100 failures from 20 addresses used to lock the account for everyone (a per-email ceiling). The first 18
        // addresses' failures are recorded directly (real guesses cost a scrypt hash each), the last 2 guess.
        const auth = createAuthRepository(proxied.services.db);
        for (let i = 0; i < 90; i++)
          await auth.recordAttempt({
            id: newId(),
            email,
            ip: `198.51.100.${Math.floor(i / 5)}`,
            success: false,
            atMs: proxied.clock.nowMs(),
          });
        const statuses = await Promise.all(
          Array.from(
            { length: 10 },
            async (_, i) =>
              (await loginFrom(proxied, `198.51.100.${18 + Math.floor(i / 5)}`, email, 'wrong password'))
                .status,
          ),
        );
        expect(statuses).toEqual(Array.from({ length: 10 }, () => 401));
        // Every guessing address now waits…
        const guesser = await loginFrom(proxied, '198.51.100.3', email, PASSWORD);
        expect(guesser.status).toBe(429);
        expect(errorOf(guesser).code).toBe('TOO_MANY_ATTEMPTS');
        // …while the owner, from an address of their own, gets in at once.
        expect((await loginFrom(proxied, '198.51.100.250', email, PASSWORD)).status).toBe(200);
      } finally {
        await proxied.close();
      }
    });

    it('login limits: an IPv6 client counts per /64, and attempts past the window are cleared', async () => {
      const proxied = await startProxiedServer();
      try {
        const email = 'start@acme.test';
        // Privacy addresses of one /64: a new address per guess is still the same client.
        const statuses: number[] = [];
        for (let i = 1; i <= 6; i++)
          statuses.push((await loginFrom(proxied, `2001:db8:7:1::${i.toString(16)}`, email, 'wrong')).status);
        expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
        // Another /64 is another client.
        expect((await loginFrom(proxied, '2001:db8:7:2::1', email, PASSWORD)).status).toBe(200);
        const attempts = async () =>
          Number(
            (
              await proxied.services.db
                .selectFrom('login_attempts')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        expect(await attempts()).toBeGreaterThan(0);
        // The window passes: the next sign-in leaves only itself behind.
        proxied.clock.set(proxied.clock.nowMs() + LOGIN_LIMITS.windowMs + 1);
        expect((await loginFrom(proxied, '2001:db8:7:1::99', email, PASSWORD)).status).toBe(200);
        expect(await attempts()).toBe(1);
      } finally {
        await proxied.close();
      }
    });

    it('attachments: a closed ticket refuses attachments and stores nothing', async () => {
      const client = await server.login('pro@acme.test');
      const ticket = ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          {
            subject: 'Closed soon',
            description: 'to be closed',
            priority: 'P3',
            category: 'application',
            channel: 'ticket',
          },
          { token: client },
        ),
      );
      const resolved = ticketOf(
        await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: ticket.version, status: 'resolved' },
          { token: agent },
        ),
      );
      const closed = ticketOf(
        await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: resolved.version, status: 'closed' },
          { token: client },
        ),
      );
      expect(closed.status).toBe('closed');

      for (const token of [client, agent]) {
        const upload = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/attachments`,
          {
            filename: 'late.txt',
            contentType: 'text/plain',
            contentBase64: Buffer.from('one more thing').toString('base64'),
          },
          { token },
        );
        expect(upload.status).toBe(422);
        expect(errorOf(upload)).toMatchObject({
          code: 'INVALID_TRANSITION',
          message: 'this ticket is closed; open a new one',
        });
      }
      const listed = itemsOf(
        await server.request('GET', `/api/v1/tickets/${ticket.id}/attachments`, undefined, { token: agent }),
      );
      expect(listed).toEqual([]);
      const stored = await server.services.db
        .selectFrom('attachments')
        .select('id')
        .where('ticket_id', '=', ticket.id)
        .execute();
      expect(stored).toEqual([]);
      const after = ticketOf(
        await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
      );
      expect(after.version).toBe(closed.version);
    });

    it("users: another workspace's account is only invited, and is left untouched until its holder accepts", async () => {
      // An admin of hosting only; cother@ belongs to consulting only.
      expect(
        (
          await server.request(
            'POST',
            '/api/v1/users',
            { email: 'hosting-admin@acme.test', name: 'Hosting admin', password: PASSWORD, role: 'admin' },
            { token: admin, ...hosting },
          )
        ).status,
      ).toBe(201);
      const hostingAdmin = await server.login('hosting-admin@acme.test');
      const added = await server.request(
        'POST',
        '/api/v1/users',
        { email: 'cother@acme.test', name: 'Chosen by B', password: 'another password 123', role: 'agent' },
        { token: hostingAdmin },
      );
      // Answered like a new account (nothing tells the admin the email exists elsewhere); joining it here without its
      // holder's consent would change what its tokens act on (several workspaces need X-Accord-Workspace), so it is
      // only an invitation, shown here under the name the admin typed.
      expect(added.status).toBe(201);
      expect(objectOf(added)).toMatchObject({ name: 'Chosen by B', invited: true, role: 'agent' });
      expect((await loginFrom(server, '127.0.0.1', 'cother@acme.test', 'another password 123')).status).toBe(
        401,
      );
      const token = await server.login('cother@acme.test');
      const me = objectOf(await server.request('GET', '/api/v1/me', undefined, { token }));
      expect(me['name']).toBe('cother');
      expect(me['memberships']).toEqual([
        {
          workspace: 'consulting-sa',
          workspaceName: 'Consulting',
          role: 'client',
          organizationId: server.fixture.consulting.otherOrg,
        },
      ]);
      // Its requests without a workspace header still work.
      expect((await server.request('GET', '/api/v1/tickets', undefined, { token })).status).toBe(200);
    });

    it('concurrent creation of one email answers one 201 and 409s, never a 500', async () => {
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          server.request(
            'POST',
            '/api/v1/users',
            { email: 'dup@acme.test', name: `Dup ${i}`, password: PASSWORD, role: 'agent' },
            { token: admin, ...hosting },
          ),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
      for (const r of responses.filter((x) => x.status === 409)) expect(errorOf(r).code).toBe('EMAIL_TAKEN');
      const listed = itemsOf(
        await server.request('GET', '/api/v1/users', undefined, { token: admin, ...hosting }),
      ).filter((u) => u['email'] === 'dup@acme.test');
      expect(listed).toHaveLength(1);
    });

    it('clients see only billable time of their organization, without the staff notes', async () => {
      const client = await server.login('app@acme.test');
      const ticket = ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          {
            subject: 'Plugin broken',
            description: 'the shop plugin fails',
            priority: 'P3',
            category: 'application',
            channel: 'ticket',
          },
          { token: client },
        ),
      );
      expect(
        (
          await server.request('POST', `/api/v1/tickets/${ticket.id}/billing/time-and-materials`, undefined, {
            token: client,
          })
        ).status,
      ).toBe(200);
      const log = (body: Record<string, unknown>) =>
        server.request('POST', `/api/v1/tickets/${ticket.id}/time-entries`, body, { token: agent });
      expect(
        (await log({ minutes: 60, workDate: '2026-03-02', note: 'INTERNAL: billed fix', billable: true }))
          .status,
      ).toBe(201);
      expect(
        (
          await log({
            minutes: 30,
            workDate: '2026-03-02',
            note: 'INTERNAL: customer is difficult',
            billable: false,
          })
        ).status,
      ).toBe(201);

      const staffView = itemsOf(
        await server.request('GET', `/api/v1/time-entries?ticketId=${ticket.id}`, undefined, {
          token: agent,
        }),
      );
      expect(staffView.map((e) => e['note']).sort()).toEqual([
        'INTERNAL: billed fix',
        'INTERNAL: customer is difficult',
      ]);

      const clientList = await server.request('GET', '/api/v1/time-entries', undefined, { token: client });
      expect(clientList.status).toBe(200);
      expect(clientList.text).not.toContain('INTERNAL');
      const clientView = itemsOf(clientList);
      expect(clientView.map((e) => [e['minutes'], e['billable']])).toEqual([[60, true]]);
      expect(clientView[0]).not.toHaveProperty('note');

      const csv = await server.request('GET', '/api/v1/time-entries.csv', undefined, { token: client });
      expect(csv.status).toBe(200);
      expect(csv.text).not.toContain('INTERNAL');
      expect(csv.text.trim().split('\r\n')).toHaveLength(2);
    });

    it('an Idempotency-Key is not replayed across workspaces', async () => {
      const body = {
        subject: 'Cross workspace',
        description: 'same key, other workspace',
        priority: 'P3',
        category: 'hosting',
        channel: 'ticket',
        organizationId: server.fixture.hosting.pro,
      };
      const headers = { 'idempotency-key': 'k-cross-1' };
      const first = await server.request('POST', '/api/v1/tickets', body, {
        token: admin,
        headers,
        ...hosting,
      });
      expect(first.status).toBe(201);
      const other = await server.request('POST', '/api/v1/tickets', body, {
        token: admin,
        headers,
        workspace: 'consulting-sa',
      });
      expect(other.headers.get('idempotent-replayed')).toBeNull();
      expect(other.status).toBe(404);
      expect(errorOf(other).code).toBe('ORGANIZATION_NOT_FOUND');
      // The original workspace still replays.
      const again = await server.request('POST', '/api/v1/tickets', body, {
        token: admin,
        headers,
        ...hosting,
      });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(objectOf(again)['id']).toBe(objectOf(first)['id']);
    });

    it('editing a calendar recomputes the persisted clocks of the open tickets that use it', async () => {
      // After the fixture's contracts (created at T0), so this contract is the current one.
      server.clock.set(T0_MS + 60_000);
      const put = (spec: unknown) =>
        server.request(
          'PUT',
          '/api/v1/calendars/ext-regression',
          { name: 'Extended', spec },
          {
            token: admin,
            ...hosting,
          },
        );
      expect((await put(LONG_HOURS)).status).toBe(200);
      const contract = await server.request(
        'POST',
        `/api/v1/organizations/${server.fixture.hosting.surMesure}/contracts`,
        { plan: 'sur-mesure', maintenanceContract: true, extendedCalendar: 'ext-regression' },
        { token: admin, ...hosting },
      );
      expect(contract.status).toBe(201);
      const create = async () =>
        ticketOf(
          await server.request(
            'POST',
            '/api/v1/tickets',
            {
              subject: 'Down',
              description: 'site down',
              priority: 'P1',
              category: 'hosting',
              channel: 'ticket',
              organizationId: server.fixture.hosting.surMesure,
            },
            { token: agent },
          ),
        );
      const before = await create();
      const extended = before.sla.find((c) => c.calendar === 'ext-regression');
      expect(extended).toBeDefined();
      const metric = extended?.metric ?? '';

      expect((await put(OTHER_HOURS)).status).toBe(200);
      const fresh = await create();
      const reread = ticketOf(
        await server.request('GET', `/api/v1/tickets/${before.id}`, undefined, { token: agent }),
      );
      expect(clockOf(fresh, metric).dueAt).not.toBe(clockOf(before, metric).dueAt);
      // Same creation instant, same calendar now: the old ticket's clock equals a new one's.
      expect(clockOf(reread, metric).dueAt).toBe(clockOf(fresh, metric).dueAt);
      // The recompute is in the ticket's history, with who edited the calendar, and explains its new version.
      expect(reread.version).toBeGreaterThan(before.version);
      const events = await server.request('GET', `/api/v1/tickets/${before.id}/events`, undefined, {
        token: agent,
      });
      const items = (events.body as { items: { type: string; actorId: string | null; data: unknown }[] })
        .items;
      const me = objectOf(await server.request('GET', '/api/v1/me', undefined, { token: admin, ...hosting }));
      expect(items.at(-1)).toMatchObject({
        type: 'clocks-recomputed',
        actorId: me['id'],
        data: { calendar: 'ext-regression' },
      });
      // The same calendar again (a retry) changes nothing the clocks show: no new version, no new event.
      expect((await put(OTHER_HOURS)).status).toBe(200);
      const again = ticketOf(
        await server.request('GET', `/api/v1/tickets/${before.id}`, undefined, { token: agent }),
      );
      expect(again.version).toBe(reread.version);
      const eventsAgain = await server.request('GET', `/api/v1/tickets/${before.id}/events`, undefined, {
        token: agent,
      });
      expect((eventsAgain.body as { items: unknown[] }).items).toHaveLength(items.length);
      const due = await server.request(
        'GET',
        `/api/v1/tickets?breachingBefore=${encodeURIComponent(clockOf(fresh, metric).dueAt ?? '')}&organizationId=${server.fixture.hosting.surMesure}`,
        undefined,
        { token: agent },
      );
      expect(due.status).toBe(200);
    });

    it('/healthz answers a generic message, never the raw database error', async () => {
      const broken = await unreachableDatabase(dialect);
      const { app } = await buildApp({ database: broken.handle, clock: new ManualClock(T0_MS) });
      try {
        await app.listen({ host: '127.0.0.1', port: 0 });
        const address = app.server.address();
        if (address === null || typeof address === 'string') throw new Error('no port');
        const res = await fetch(`http://127.0.0.1:${address.port}/healthz`);
        expect(res.status).toBe(503);
        const text = await res.text();
        expect(JSON.parse(text)).toEqual({
          status: 'error',
          database: { dialect: expect.any(String), ok: false, error: 'database unavailable' },
        });
        expect(text).not.toMatch(/secret|ECONNREFUSED|not open/i);
      } finally {
        await app.close();
        if (dialect === 'postgres') await broken.handle.destroy();
        broken.cleanup();
      }
    });

    it('behind a trusted proxy (ACCORD_TRUST_PROXY) the session cookie is Secure for https', async () => {
      const viaProxy = (s: TestServer) =>
        s.request(
          'POST',
          '/api/v1/auth/login',
          { email: 'cagent@acme.test', password: PASSWORD },
          { headers: { 'x-forwarded-proto': 'https' } },
        );
      // Untrusted by default: a client cannot claim https for itself.
      const direct = await viaProxy(server);
      expect(direct.status).toBe(200);
      expect(direct.headers.get('set-cookie') ?? '').not.toMatch(/;\s*Secure/i);

      process.env['ACCORD_TRUST_PROXY'] = 'true';
      let proxied: TestServer;
      try {
        proxied = await startTestServer(dialect);
      } finally {
        delete process.env['ACCORD_TRUST_PROXY'];
      }
      try {
        const res = await viaProxy(proxied);
        expect(res.status).toBe(200);
        expect(res.headers.get('set-cookie') ?? '').toMatch(/;\s*Secure/i);
      } finally {
        await proxied.close();
      }
    });
  });
}
