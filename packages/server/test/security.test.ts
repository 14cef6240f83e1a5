import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../src/app.ts';
import { createAuthRepository } from '../src/auth/auth.repository.ts';
import { ManualClock } from '../src/clock.ts';
import { newId } from '../src/ids.ts';
import { createTestDatabase, describeDialect, DIALECTS } from './dialects.ts';
import {
  errorOf,
  itemsOf,
  objectOf,
  PASSWORD,
  startTestServer,
  T0_MS,
  ticketOf,
  type TestServer,
} from './server-harness.ts';

/** Issue #10, security part: lockout, secrets in idempotency keys, CSRF, disabled members, invitations, headers, input. */

const HOUR_MS = 3_600_000;

async function startProxiedServer(dialect: 'sqlite' | 'postgres'): Promise<TestServer> {
  process.env['ACCORD_TRUST_PROXY'] = 'true';
  try {
    return await startTestServer(dialect);
  } finally {
    delete process.env['ACCORD_TRUST_PROXY'];
  }
}

const loginFrom = (s: TestServer, ip: string, email: string, password: string) =>
  s.request('POST', '/api/v1/auth/login', { email, password }, { headers: { 'x-forwarded-for': ip } });

async function sessionCookie(s: TestServer, email: string): Promise<string> {
  const login = await s.request('POST', '/api/v1/auth/login', { email, password: PASSWORD });
  expect(login.status).toBe(200);
  return (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

const ticketBody = {
  subject: 'Security test',
  description: 'something is off',
  priority: 'P3',
  category: 'application',
  channel: 'ticket',
};

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'security: sign-in throttling', () => {
    let proxied: TestServer;
    beforeAll(async () => {
      proxied = await startProxiedServer(dialect);
    });
    afterAll(async () => {
      await proxied.close();
    });
    const failures = async (email: string, ip: string, count: number, atMs: number) => {
      const auth = createAuthRepository(proxied.services.db);
      for (let i = 0; i < count; i++)
        await auth.recordAttempt({ id: newId(), email, ip, success: false, atMs });
    };

    it('delays one (account, address) pair exponentially, with Retry-After, while the owner gets in elsewhere', async () => {
      const email = 'pro@acme.test';
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await loginFrom(proxied, '203.0.113.1', email, 'wrong password')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401]);
      const held = await loginFrom(proxied, '203.0.113.1', email, PASSWORD);
      expect(held.status).toBe(429);
      expect(errorOf(held).code).toBe('TOO_MANY_ATTEMPTS');
      expect(held.headers.get('retry-after')).toBe('1');

      // The owner, from another address, with the right password: in at once.
      expect((await loginFrom(proxied, '203.0.113.2', email, PASSWORD)).status).toBe(200);

      // Each further failure from the pair doubles the wait.
      proxied.clock.advance(1000);
      expect((await loginFrom(proxied, '203.0.113.1', email, 'wrong password')).status).toBe(401);
      const twice = await loginFrom(proxied, '203.0.113.1', email, 'wrong password');
      expect(twice.status).toBe(429);
      expect(twice.headers.get('retry-after')).toBe('2');
      proxied.clock.advance(2000);
      expect((await loginFrom(proxied, '203.0.113.1', email, 'wrong password')).status).toBe(401);
      expect((await loginFrom(proxied, '203.0.113.1', email, 'wrong')).headers.get('retry-after')).toBe('4');
    });

    it('caps the delay, and failures spread over many addresses never lock the account from a new one', async () => {
      const email = 'classique@acme.test';
      const now = proxied.clock.nowMs();
      await failures(email, '198.51.100.1', 40, now);
      const capped = await loginFrom(proxied, '198.51.100.1', email, PASSWORD);
      expect(capped.status).toBe(429);
      expect(capped.headers.get('retry-after')).toBe(String(15 * 60));
      // 100 failures from 20 addresses used to lock the owner out from everywhere.
      for (let i = 0; i < 20; i++) await failures(email, `198.51.100.${100 + i}`, 5, now);
      expect((await loginFrom(proxied, '192.0.2.77', email, PASSWORD)).status).toBe(200);
    });

    it('caps failures per address across e-mails (spraying)', async () => {
      const now = proxied.clock.nowMs();
      for (let i = 0; i < 50; i++) await failures(`spray${i}@acme.test`, '198.51.100.200', 1, now);
      const sprayed = await loginFrom(proxied, '198.51.100.200', 'start@acme.test', PASSWORD);
      expect(sprayed.status).toBe(429);
      expect(Number(sprayed.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await loginFrom(proxied, '198.51.100.201', 'start@acme.test', PASSWORD)).status).toBe(200);
    });

    it('keeps login_attempts bounded: rows older than the window are purged', async () => {
      const old = proxied.clock.nowMs() - 2 * HOUR_MS;
      await failures('old@acme.test', '198.51.100.250', 30, old);
      expect((await loginFrom(proxied, '198.51.100.251', 'start@acme.test', 'wrong password')).status).toBe(
        401,
      );
      const left = await proxied.services.db
        .selectFrom('login_attempts')
        .select('id')
        .where('email', '=', 'old@acme.test')
        .execute();
      expect(left).toEqual([]);
    });
  });

  describeDialect(dialect, 'security: proxy trust warning', () => {
    it('warns once when X-Forwarded-For arrives while proxy trust is off', async () => {
      const testDb = await createTestDatabase(dialect);
      const lines: string[] = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const { app } = await buildApp({
        database: testDb.handle,
        clock: new ManualClock(T0_MS),
        logger: { level: 'warn', stream },
      });
      try {
        for (let i = 0; i < 3; i++) {
          const res = await app.inject({
            method: 'GET',
            url: '/healthz',
            headers: { 'x-forwarded-for': '203.0.113.9' },
          });
          expect(res.statusCode).toBe(200);
        }
        expect(lines.filter((l) => l.includes('ACCORD_TRUST_PROXY'))).toHaveLength(1);
      } finally {
        await app.close();
        await testDb.drop();
      }
    });
  });

  describeDialect(dialect, 'security: HTTP', () => {
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

    describe('idempotency keys never keep a secret', () => {
      it('does not store or replay a new API token, even after it is revoked', async () => {
        const headers = { 'idempotency-key': 'token-1' };
        const created = await server.request(
          'POST',
          '/api/v1/tokens',
          { name: 'ci' },
          { token: agent, headers },
        );
        expect(created.status).toBe(201);
        const { id, token } = z.object({ id: z.string(), token: z.string() }).parse(created.body);
        const stored = await server.services.db.selectFrom('idempotency_keys').selectAll().execute();
        expect(JSON.stringify(stored)).not.toContain(token);

        const replay = await server.request(
          'POST',
          '/api/v1/tokens',
          { name: 'ci' },
          { token: agent, headers },
        );
        expect(replay.status).toBe(409);
        expect(errorOf(replay).code).toBe('IDEMPOTENCY_SECRET_WITHHELD');
        expect(replay.text).not.toContain(token);

        await server.request('DELETE', `/api/v1/tokens/${id}`, undefined, { token: agent });
        const afterRevoke = await server.request(
          'POST',
          '/api/v1/tokens',
          { name: 'ci' },
          { token: agent, headers },
        );
        expect(afterRevoke.status).toBe(409);
        expect(afterRevoke.text).not.toContain(token);
        // Only one token was made.
        expect(
          itemsOf(await server.request('GET', '/api/v1/tokens', undefined, { token: agent })).filter(
            (t) => t['name'] === 'ci',
          ),
        ).toHaveLength(1);
      });

      it('purges keys past their 24-hour window', async () => {
        const client = await server.login('pro@acme.test');
        const first = await server.request('POST', '/api/v1/tickets', ticketBody, {
          token: client,
          headers: { 'idempotency-key': 'old-key' },
        });
        expect(first.status).toBe(201);
        const keys = async () =>
          (
            await server.services.db
              .selectFrom('idempotency_keys')
              .select('key')
              .where('key', 'like', '%old-key')
              .execute()
          ).length;
        expect(await keys()).toBe(1);
        server.clock.advance(24 * HOUR_MS + 1000);
        const later = await server.request('POST', '/api/v1/tickets', ticketBody, {
          token: await server.login('start@acme.test'),
          headers: { 'idempotency-key': 'new-key' },
        });
        expect(later.status).toBe(201);
        expect(await keys()).toBe(0);
      });
    });

    describe('CSRF', () => {
      it('refuses a cookie-authenticated write from a foreign origin, and keeps same-origin and bearer writes', async () => {
        const cookie = await sessionCookie(server, 'agent@acme.test');
        const ticket = ticketOf(
          await server.request('POST', '/api/v1/tickets', ticketBody, {
            token: await server.login('pro@acme.test'),
          }),
        );
        const foreign = { cookie, origin: 'https://evil.example', 'content-type': 'text/plain' };
        for (const path of [`/api/v1/tickets/${ticket.id}/analysis`, '/api/v1/auth/logout']) {
          const res = await server.request('POST', path, undefined, { headers: foreign, rawBody: 'x' });
          expect(res.status).toBe(403);
          expect(errorOf(res).code).toBe('CSRF_REJECTED');
        }
        const crossSite = await server.request('POST', '/api/v1/auth/logout', undefined, {
          headers: { cookie, 'sec-fetch-site': 'cross-site' },
        });
        expect(crossSite.status).toBe(403);
        const nullOrigin = await server.request(
          'POST',
          '/api/v1/tokens',
          { name: 'x' },
          {
            headers: { cookie, origin: 'null' },
          },
        );
        expect(nullOrigin.status).toBe(403);
        // The session still works, and the ticket was not touched.
        expect((await server.request('GET', '/api/v1/me', undefined, { headers: { cookie } })).status).toBe(
          200,
        );
        const after = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(after.version).toBe(ticket.version);

        const sameOrigin = await server.request(
          'POST',
          '/api/v1/tokens',
          { name: 'same' },
          {
            headers: { cookie, origin: server.baseUrl },
          },
        );
        expect(sameOrigin.status).toBe(201);
        const fetchSite = await server.request(
          'POST',
          '/api/v1/tokens',
          { name: 'same2' },
          {
            headers: { cookie, 'sec-fetch-site': 'same-origin' },
          },
        );
        expect(fetchSite.status).toBe(201);
        const bearer = await server.request(
          'POST',
          '/api/v1/tokens',
          { name: 'bearer' },
          {
            token: agent,
            headers: { origin: 'https://evil.example' },
          },
        );
        expect(bearer.status).toBe(201);
      });

      it('refuses writes without a JSON content type (415)', async () => {
        const res = await server.request('POST', '/api/v1/tokens', undefined, {
          token: agent,
          headers: { 'content-type': 'text/plain' },
          rawBody: '{"name":"plain"}',
        });
        expect(res.status).toBe(415);
        expect(errorOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
        // A body without any content type (bytes: fetch adds no header) is refused too.
        const untyped = await fetch(`${server.baseUrl}/api/v1/tokens`, {
          method: 'POST',
          headers: { authorization: `Bearer ${agent}` },
          body: new TextEncoder().encode('{"name":"untyped"}'),
        });
        expect(untyped.status).toBe(415);
        await untyped.arrayBuffer();
      });
    });

    describe('disabled members', () => {
      it('revokes sessions and tokens, refuses sign-in like a wrong password, and cannot be assigned', async () => {
        const email = 'leaving@acme.test';
        const created = await server.request(
          'POST',
          '/api/v1/users',
          { email, name: 'Leaving', password: PASSWORD, role: 'agent' },
          { token: admin, ...hosting },
        );
        expect(created.status).toBe(201);
        const id = String(objectOf(created)['id']);
        const session = await server.login(email);
        const apiToken = String(
          objectOf(await server.request('POST', '/api/v1/tokens', { name: 't' }, { token: session }))[
            'token'
          ],
        );
        expect((await server.request('GET', '/api/v1/me', undefined, { token: apiToken })).status).toBe(200);

        const disabled = await server.request(
          'PATCH',
          `/api/v1/users/${id}`,
          { disabled: true },
          { token: admin, ...hosting },
        );
        expect(disabled.status).toBe(200);
        for (const token of [session, apiToken])
          expect((await server.request('GET', '/api/v1/me', undefined, { token })).status).toBe(401);
        const login = await server.request('POST', '/api/v1/auth/login', { email, password: PASSWORD });
        expect(login.status).toBe(401);
        expect(errorOf(login)).toEqual(
          errorOf(await server.request('POST', '/api/v1/auth/login', { email, password: 'wrong password' })),
        );

        const ticket = ticketOf(
          await server.request('POST', '/api/v1/tickets', ticketBody, {
            token: await server.login('pro@acme.test'),
          }),
        );
        const assign = await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: ticket.version, assigneeId: id },
          { token: agent },
        );
        expect(assign.status).toBe(422);
        expect(errorOf(assign).code).toBe('INVALID_ASSIGNEE');

        await server.request(
          'PATCH',
          `/api/v1/users/${id}`,
          { disabled: false },
          { token: admin, ...hosting },
        );
        expect(
          (await server.request('POST', '/api/v1/auth/login', { email, password: PASSWORD })).status,
        ).toBe(200);
      });
    });

    describe('invitations', () => {
      it('answers an account of another workspace exactly like a new one, and changes nothing until accepted', async () => {
        const body = (email: string, name: string) => ({
          email,
          name,
          password: 'an admin chose this',
          role: 'agent',
        });
        const fresh = await server.request('POST', '/api/v1/users', body('fresh@acme.test', 'Fresh'), {
          token: admin,
          ...hosting,
        });
        // cother@ belongs to consulting only.
        const other = await server.request('POST', '/api/v1/users', body('cother@acme.test', 'Chosen'), {
          token: admin,
          ...hosting,
        });
        expect(fresh.status).toBe(201);
        expect(other.status).toBe(201);
        const shape = (r: typeof fresh) => {
          const { id: _id, email: _email, name: _name, ...rest } = objectOf(r);
          return rest;
        };
        expect(shape(other)).toEqual(shape(fresh));
        expect(objectOf(other)).toMatchObject({ name: 'Chosen', invited: true });

        // The other account's password and workspaces are untouched.
        expect(
          (
            await server.request('POST', '/api/v1/auth/login', {
              email: 'cother@acme.test',
              password: 'an admin chose this',
            })
          ).status,
        ).toBe(401);
        const cother = await server.login('cother@acme.test');
        const me = objectOf(await server.request('GET', '/api/v1/me', undefined, { token: cother }));
        expect(me['name']).toBe('cother');
        expect((me['memberships'] as unknown[]).length).toBe(1);
        expect((await server.request('GET', '/api/v1/tickets', undefined, { token: cother })).status).toBe(
          200,
        );

        const invitations = itemsOf(
          await server.request('GET', '/api/v1/invitations', undefined, { token: cother }),
        );
        expect(invitations).toEqual([expect.objectContaining({ workspace: 'hosting-be', role: 'agent' })]);
        const accepted = await server.request('POST', '/api/v1/invitations/hosting-be/accept', undefined, {
          token: cother,
        });
        expect(accepted.status).toBe(204);
        const after = objectOf(await server.request('GET', '/api/v1/me', undefined, { token: cother }));
        expect((after['memberships'] as unknown[]).length).toBe(2);

        // A new account joins at its first sign-in with the password it was given.
        await server.login('fresh@acme.test', 'an admin chose this');
        const freshId = String(objectOf(fresh)['id']);
        expect(
          objectOf(
            await server.request('GET', `/api/v1/users/${freshId}`, undefined, { token: admin, ...hosting }),
          ),
        ).toMatchObject({ invited: false });
      });
    });

    describe('headers', () => {
      it('sets CSP, framing, sniffing, referrer and no-store on API responses', async () => {
        const me = await server.request('GET', '/api/v1/me', undefined, { token: agent });
        expect(me.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(me.headers.get('x-frame-options')).toBe('DENY');
        expect(me.headers.get('x-content-type-options')).toBe('nosniff');
        expect(me.headers.get('referrer-policy')).toBe('no-referrer');
        expect(me.headers.get('cache-control')).toBe('no-store');
        const login = await server.request('POST', '/api/v1/auth/login', {
          email: 'agent@acme.test',
          password: PASSWORD,
        });
        expect(login.headers.get('cache-control')).toBe('no-store');
      });

      it('serves the Swagger UI under its CSP: every script and style it loads is its own', async () => {
        const page = await fetch(`${server.baseUrl}/docs/`);
        expect(page.status).toBe(200);
        const csp = page.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("script-src 'self'");
        const html = await page.text();
        // No inline script: the CSP would block it.
        expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
        const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
        expect(assets.length).toBeGreaterThan(0);
        for (const asset of assets) {
          expect(asset).not.toMatch(/^https?:/);
          const res = await fetch(new URL(asset, `${server.baseUrl}/docs/`));
          expect(res.status).toBe(200);
          // Read to the end: an unread body keeps the connection busy and the server from closing.
          expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
        }
      });
    });

    describe('input', () => {
      it('refuses lone surrogates in any string field, naming it', async () => {
        const client = await server.login('pro@acme.test');
        const raw = JSON.stringify(ticketBody).replace('Security test', 'bad \\ud800 text');
        const res = await server.request('POST', '/api/v1/tickets', undefined, {
          token: client,
          rawBody: raw,
        });
        expect(res.status).toBe(400);
        expect(errorOf(res).code).toBe('VALIDATION_FAILED');
        expect(errorOf(res).message).toContain('body.subject');
        const paired = await server.request(
          'POST',
          '/api/v1/tickets',
          { ...ticketBody, subject: 'ok 😀' },
          { token: client },
        );
        expect(paired.status).toBe(201);
        expect(ticketOf(paired).subject).toBe('ok 😀');
      });

      it('refuses year 0 in dates and instants', async () => {
        const id = newId();
        const entry = await server.request(
          'POST',
          `/api/v1/tickets/${id}/time-entries`,
          { minutes: 10, workDate: '0000-01-01' },
          { token: agent },
        );
        expect(entry.status).toBe(400);
        expect(errorOf(entry).message).toContain('workDate');
        const list = await server.request(
          'GET',
          '/api/v1/tickets?breachingBefore=0000-01-01T00:00:00Z',
          undefined,
          { token: agent },
        );
        expect(list.status).toBe(400);
        expect(errorOf(list).code).toBe('VALIDATION_FAILED');
      });

      it.each([
        ['a bidi override', 'invoice\u202Efdp.exe'],
        ['an isolate', 'a\u2066b.txt'],
        ['a control character', 'a\u0007b.txt'],
        ['a path separator', 'dir/file.txt'],
        ['a backslash', 'dir\\file.txt'],
        ['a parent reference', '..'],
        ['DEL', 'a\u007fb.txt'],
      ])('refuses attachment names with %s', async (_label, filename) => {
        const res = await server.request(
          'POST',
          `/api/v1/tickets/${newId()}/attachments`,
          { filename, contentType: 'text/plain', contentBase64: Buffer.from('x').toString('base64') },
          { token: agent },
        );
        expect(res.status).toBe(400);
        expect(errorOf(res).message).toContain('filename');
      });
    });
  });
}
