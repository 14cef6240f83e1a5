import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  errorOf,
  itemsOf,
  objectOf,
  startTestServer,
  ticketOf,
  ticketsOf,
  type TestServer,
} from './server-harness.ts';

const newTicket = {
  subject: 'Contract test',
  priority: 'P2',
  category: 'hosting',
  channel: 'ticket',
} as const;

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'HTTP contract', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(dialect);
    });
    afterAll(async () => {
      await server?.close();
    });

    describe('service endpoints', () => {
      it('reports health with the database, publishes OpenAPI 3.1 and the docs page', async () => {
        const health = await server.request('GET', '/healthz');
        expect(health.body).toEqual({ status: 'ok', database: { dialect, ok: true } });
        const spec = objectOf(await server.request('GET', '/api/v1/openapi.json'));
        expect(spec['openapi']).toBe('3.1.0');
        const paths = Object.keys(spec['paths'] as object);
        for (const path of [
          '/api/v1/tickets',
          '/api/v1/tickets/{id}',
          '/api/v1/tickets/{id}/comments',
          '/api/v1/tickets/{id}/events',
          '/api/v1/auth/login',
          '/api/v1/queue',
          '/api/v1/organizations',
          '/api/v1/users',
          '/api/v1/policy',
          '/api/v1/calendars',
          '/api/v1/time-entries',
        ]) {
          expect(paths).toContain(path);
        }
        const docs = await server.request('GET', '/docs');
        expect(docs.status).toBe(200);
        expect(docs.text).toContain('swagger');
      });
    });

    describe('bad input is a 4xx with a machine-readable code, never a 500', () => {
      it.each([
        ['malformed JSON', { rawBody: '{"subject": "x",' }, 400, 'MALFORMED_JSON'],
        ['an empty JSON body', { rawBody: '' }, 400, 'MALFORMED_JSON'],
        ['unknown fields', { body: { ...newTicket, color: 'red' } }, 400, 'VALIDATION_FAILED'],
        ['wrong types', { body: { ...newTicket, priority: 1 } }, 400, 'VALIDATION_FAILED'],
        ['an unknown priority', { body: { ...newTicket, priority: 'P9' } }, 400, 'VALIDATION_FAILED'],
        ['a missing field', { body: { subject: 'x' } }, 400, 'VALIDATION_FAILED'],
        ['an array body', { body: [newTicket] }, 400, 'VALIDATION_FAILED'],
        [
          'an oversized body',
          { body: { ...newTicket, description: 'x'.repeat(300 * 1024) } },
          413,
          'BODY_TOO_LARGE',
        ],
        [
          'a non-JSON content type',
          { rawBody: 'subject=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        ],
      ] as const)('POST /tickets with %s → %i %s', async (_name, input, status, code) => {
        const token = await server.login('pro@acme.test');
        const res = await server.request(
          'POST',
          '/api/v1/tickets',
          'body' in input ? input.body : undefined,
          {
            token,
            ...('rawBody' in input ? { rawBody: input.rawBody } : {}),
            ...('headers' in input ? { headers: input.headers } : {}),
          },
        );
        expect(res.status).toBe(status);
        const error = errorOf(res);
        expect(error.code).toBe(code);
        expect(error.message.length).toBeGreaterThan(0);
      });

      it.each([
        ['GET', '/api/v1/tickets/not-a-uuid', 400, 'VALIDATION_FAILED'],
        ['GET', '/api/v1/tickets/00000000-0000-4000-8000-000000000000', 404, 'TICKET_NOT_FOUND'],
        ['GET', "/api/v1/tickets/1'%20or%201=1", 400, 'VALIDATION_FAILED'],
        ['GET', '/api/v1/tickets?limit=0', 400, 'VALIDATION_FAILED'],
        ['GET', '/api/v1/tickets?status=bogus', 400, 'VALIDATION_FAILED'],
        ['GET', '/api/v1/tickets?cursor=%7B%7D', 400, 'VALIDATION_FAILED'],
        ['GET', '/api/v1/tickets?breachingBefore=tomorrow', 400, 'VALIDATION_FAILED'],
        ['GET', '/api/v1/nothing-here', 404, 'ROUTE_NOT_FOUND'],
        ['DELETE', '/api/v1/tickets', 404, 'ROUTE_NOT_FOUND'],
      ] as const)('%s %s → %i %s', async (method, path, status, code) => {
        const token = await server.login('agent@acme.test');
        const res = await server.request(method, path, undefined, { token });
        expect(res.status).toBe(status);
        expect(errorOf(res).code).toBe(code);
      });

      it('answers a priority the workspace policy does not have with 422 naming the ones it has', async () => {
        const token = await server.login('pro@acme.test');
        const res = await server.request(
          'POST',
          '/api/v1/tickets',
          { ...newTicket, priority: 'P4' },
          { token },
        );
        expect(res.status).toBe(422);
        expect(errorOf(res)).toMatchObject({
          code: 'UNKNOWN_PRIORITY',
          details: { priorities: ['P1', 'P2', 'P3'] },
        });
        const ticket = ticketOf(await server.request('POST', '/api/v1/tickets', newTicket, { token }));
        const agent = await server.login('agent@acme.test');
        const patch = await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: ticket.version, priority: 'P4' },
          { token: agent },
        );
        expect(errorOf(patch).code).toBe('UNKNOWN_PRIORITY');
      });

      it('answers malformed URLs and over-long path segments in the API error shape', async () => {
        const token = await server.login('agent@acme.test');
        const badUrl = await server.request('GET', '/api/v1/tickets/%ZZ/comments', undefined, { token });
        expect(badUrl.status).toBe(400);
        expect(errorOf(badUrl).code).toBe('BAD_REQUEST');
        const long = await server.request('GET', `/api/v1/tickets/${'a'.repeat(500)}`, undefined, { token });
        expect(long.status).toBe(414);
        expect(errorOf(long).code).toBe('URI_TOO_LONG');
      });

      it('refuses NUL characters and out-of-range integers the same way on both databases', async () => {
        const token = await server.login('pro@acme.test');
        const nul = await server.request(
          'POST',
          '/api/v1/tickets',
          { ...newTicket, subject: 'a\u0000b' },
          { token },
        );
        expect(nul.status).toBe(400);
        expect(errorOf(nul).message).toContain('body.subject');
        const query = await server.request('GET', '/api/v1/tickets?tag=a%00b', undefined, { token });
        expect(query.status).toBe(400);
        const ticket = ticketOf(await server.request('POST', '/api/v1/tickets', newTicket, { token }));
        const agent = await server.login('agent@acme.test');
        const huge = await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: 2 ** 40, priority: 'P1' },
          { token: agent },
        );
        expect(huge.status).toBe(400);
      });

      it('refuses hostile nesting without exhausting the stack', async () => {
        const token = await server.login('pro@acme.test');
        const deep = '['.repeat(50_000) + ']'.repeat(50_000);
        const res = await server.request('POST', '/api/v1/tickets', undefined, {
          token,
          rawBody: `{"subject":"x","tags":${deep}}`,
        });
        expect(res.status).toBe(400);
        expect(errorOf(res).code).toBe('VALIDATION_FAILED');
      });

      it('answers oversized headers with 431 in the API error shape', async () => {
        const token = await server.login('pro@acme.test');
        const res = await server.request('GET', '/api/v1/tickets', undefined, {
          token,
          headers: { 'x-padding': 'x'.repeat(20_000) },
        });
        expect(res.status).toBe(431);
        expect(errorOf(res).code).toBe('HEADERS_TOO_LARGE');
      });

      it('accepts an empty organization patch as a no-op', async () => {
        const admin = await server.login('admin@acme.test');
        const res = await server.request(
          'PATCH',
          `/api/v1/organizations/${server.fixture.hosting.pro}`,
          {},
          { token: admin, workspace: 'hosting-be' },
        );
        expect(res.status).toBe(200);
        expect(objectOf(res)['name']).toBe('Pro Org');
      });

      it('refuses attachments of a type that is not allowed', async () => {
        const token = await server.login('pro@acme.test');
        const ticket = ticketOf(await server.request('POST', '/api/v1/tickets', newTicket, { token }));
        const res = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/attachments`,
          {
            filename: 'x.html',
            contentType: 'text/html',
            contentBase64: Buffer.from('<script>').toString('base64'),
          },
          { token },
        );
        expect(res.status).toBe(415);
        expect(errorOf(res).code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
        const bad = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/attachments`,
          { filename: '../etc/passwd', contentType: 'text/plain', contentBase64: 'aGk=' },
          { token },
        );
        expect(bad.status).toBe(400);
        const good = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/attachments`,
          {
            filename: 'log.txt',
            contentType: 'text/plain',
            contentBase64: Buffer.from('hello\n').toString('base64'),
          },
          { token },
        );
        expect(good.status).toBe(201);
        const download = await server.request(
          'GET',
          `/api/v1/tickets/${ticket.id}/attachments/${String(objectOf(good)['id'])}`,
          undefined,
          { token },
        );
        expect(download.text).toBe('hello\n');
        expect(download.headers.get('x-content-type-options')).toBe('nosniff');
        expect(download.headers.get('content-disposition')).toContain('attachment');
      });
    });

    describe('authentication', () => {
      it('needs a token or cookie, and rejects bad credentials', async () => {
        expect(errorOf(await server.request('GET', '/api/v1/tickets')).code).toBe('UNAUTHENTICATED');
        expect((await server.request('GET', '/api/v1/me', undefined, { token: 'acs_forged' })).status).toBe(
          401,
        );
        expect(
          (await server.request('GET', '/api/v1/me', undefined, { headers: { authorization: 'Basic abc' } }))
            .status,
        ).toBe(401);
        const wrong = await server.request('POST', '/api/v1/auth/login', {
          email: 'pro@acme.test',
          password: 'nope-nope-nope',
        });
        expect(wrong.status).toBe(401);
        expect(errorOf(wrong).code).toBe('INVALID_CREDENTIALS');
        const unknown = await server.request('POST', '/api/v1/auth/login', {
          email: 'ghost@acme.test',
          password: 'nope-nope-nope',
        });
        expect(errorOf(unknown).code).toBe('INVALID_CREDENTIALS');
      });

      it('rate-limits failed sign-ins per account in the database', async () => {
        for (let i = 0; i < 5; i++) {
          expect(
            (
              await server.request('POST', '/api/v1/auth/login', {
                email: 'cother@acme.test',
                password: `wrong-${i}-password`,
              })
            ).status,
          ).toBe(401);
        }
        const blocked = await server.request('POST', '/api/v1/auth/login', {
          email: 'cother@acme.test',
          password: 'correct horse battery',
        });
        expect(blocked.status).toBe(429);
        expect(errorOf(blocked).code).toBe('TOO_MANY_ATTEMPTS');
        server.clock.advance(16 * 60_000);
        expect(
          (
            await server.request('POST', '/api/v1/auth/login', {
              email: 'cother@acme.test',
              password: 'correct horse battery',
            })
          ).status,
        ).toBe(200);
      });

      it('signs in with an httpOnly cookie, and logout revokes the session', async () => {
        const login = await server.request('POST', '/api/v1/auth/login', {
          email: 'classique@acme.test',
          password: 'correct horse battery',
        });
        const setCookie = login.headers.get('set-cookie') ?? '';
        expect(setCookie).toMatch(/^accord_session=/);
        expect(setCookie).toContain('HttpOnly');
        expect(setCookie).toContain('SameSite=Lax');
        const cookie = setCookie.split(';')[0] ?? '';
        const me = await server.request('GET', '/api/v1/me', undefined, { headers: { cookie } });
        expect(objectOf(me)).toMatchObject({
          email: 'classique@acme.test',
          current: { workspace: 'hosting-be', role: 'client' },
        });
        expect(
          (await server.request('POST', '/api/v1/auth/logout', undefined, { headers: { cookie } })).status,
        ).toBe(204);
        expect((await server.request('GET', '/api/v1/me', undefined, { headers: { cookie } })).status).toBe(
          401,
        );
      });

      it('issues API tokens that can be revoked', async () => {
        const session = await server.login('agent@acme.test');
        const created = await server.request('POST', '/api/v1/tokens', { name: 'ci' }, { token: session });
        expect(created.status).toBe(201);
        const { id, token } = objectOf(created) as { id: string; token: string };
        expect((await server.request('GET', '/api/v1/tickets', undefined, { token })).status).toBe(200);
        expect(
          itemsOf(await server.request('GET', '/api/v1/tokens', undefined, { token: session })).map(
            (t) => t['id'],
          ),
        ).toContain(id);
        expect(
          (await server.request('DELETE', `/api/v1/tokens/${id}`, undefined, { token: session })).status,
        ).toBe(204);
        expect((await server.request('GET', '/api/v1/tickets', undefined, { token })).status).toBe(401);
        expect(
          errorOf(await server.request('DELETE', `/api/v1/tokens/${id}`, undefined, { token: session })).code,
        ).toBe('TOKEN_NOT_FOUND');
      });

      it('lets only admins manage users, with strong passwords and unique emails', async () => {
        const admin = await server.login('admin@acme.test');
        const agent = await server.login('agent@acme.test');
        const client = await server.login('pro@acme.test');
        const body = {
          email: 'new.agent@acme.test',
          name: 'New Agent',
          password: 'a sound passphrase',
          role: 'agent',
        };
        expect((await server.request('POST', '/api/v1/users', body, { token: agent })).status).toBe(403);
        expect((await server.request('GET', '/api/v1/users', undefined, { token: client })).status).toBe(403);
        expect(
          errorOf(
            await server.request(
              'POST',
              '/api/v1/users',
              { ...body, password: 'short' },
              { token: admin, workspace: 'hosting-be' },
            ),
          ).code,
        ).toBe('WEAK_PASSWORD');
        expect(
          (await server.request('POST', '/api/v1/users', body, { token: admin, workspace: 'hosting-be' }))
            .status,
        ).toBe(201);
        expect(
          errorOf(
            await server.request('POST', '/api/v1/users', body, { token: admin, workspace: 'hosting-be' }),
          ).code,
        ).toBe('EMAIL_TAKEN');
        expect(
          (await server.request('POST', '/api/v1/auth/login', { email: body.email, password: body.password }))
            .status,
        ).toBe(200);
      });
    });

    describe('optimistic concurrency', () => {
      it('lets exactly one of two writes with the same version win; the other gets 409', async () => {
        const client = await server.login('pro@acme.test');
        const agent = await server.login('agent@acme.test');
        const ticket = ticketOf(
          await server.request('POST', '/api/v1/tickets', newTicket, { token: client }),
        );
        const [a, b] = await Promise.all([
          server.request(
            'PATCH',
            `/api/v1/tickets/${ticket.id}`,
            { version: ticket.version, priority: 'P1' },
            { token: agent },
          ),
          server.request(
            'PATCH',
            `/api/v1/tickets/${ticket.id}`,
            { version: ticket.version, status: 'pending-customer' },
            { token: agent },
          ),
        ]);
        expect([a.status, b.status].sort()).toEqual([200, 409]);
        const loser = a.status === 409 ? a : b;
        expect(errorOf(loser)).toMatchObject({
          code: 'VERSION_CONFLICT',
          details: { currentVersion: ticket.version + 1 },
        });
        const final = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(final.version).toBe(ticket.version + 1);
        const events = itemsOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}/events`, undefined, { token: agent }),
        );
        expect(events).toHaveLength(2);
      });

      it('needs the version (body or If-Match), refuses a stale If-Match, and never loses concurrent comments', async () => {
        const client = await server.login('pro@acme.test');
        const agent = await server.login('agent@acme.test');
        const ticket = ticketOf(
          await server.request('POST', '/api/v1/tickets', newTicket, { token: client }),
        );
        expect(
          errorOf(
            await server.request(
              'PATCH',
              `/api/v1/tickets/${ticket.id}`,
              { priority: 'P1' },
              { token: agent },
            ),
          ).code,
        ).toBe('PRECONDITION_REQUIRED');
        const comments = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            server.request(
              'POST',
              `/api/v1/tickets/${ticket.id}/comments`,
              { body: `note ${i}`, visibility: 'internal' },
              { token: agent },
            ),
          ),
        );
        expect(comments.map((c) => c.status)).toEqual(Array(8).fill(201));
        const stale = await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { priority: 'P1' },
          { token: agent, headers: { 'if-match': `"${ticket.version}"` } },
        );
        expect(stale.status).toBe(409);
        const events = itemsOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}/events`, undefined, { token: agent }),
        );
        expect(events.map((e) => e['seq'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });
    });

    describe('idempotent retries', () => {
      it('replays the stored response for the same key and body, and refuses the key for another body', async () => {
        const token = await server.login('classique@acme.test');
        const headers = { 'idempotency-key': 'retry-1' };
        const first = await server.request(
          'POST',
          '/api/v1/tickets',
          { ...newTicket, subject: 'Only once' },
          { token, headers },
        );
        const second = await server.request(
          'POST',
          '/api/v1/tickets',
          { ...newTicket, subject: 'Only once' },
          { token, headers },
        );
        expect(first.status).toBe(201);
        expect(second.status).toBe(201);
        expect(second.headers.get('idempotent-replayed')).toBe('true');
        expect(ticketOf(second).id).toBe(ticketOf(first).id);
        const reused = await server.request(
          'POST',
          '/api/v1/tickets',
          { ...newTicket, subject: 'Something else' },
          { token, headers },
        );
        expect(reused.status).toBe(422);
        expect(errorOf(reused).code).toBe('IDEMPOTENCY_KEY_REUSED');
        const mine = ticketsOf(
          await server.request('GET', '/api/v1/tickets?limit=100', undefined, { token }),
        );
        expect(mine.items.filter((t) => t.subject === 'Only once')).toHaveLength(1);
      });

      it('creates one ticket when the same request races itself', async () => {
        const token = await server.login('classique@acme.test');
        const headers = { 'idempotency-key': 'race-1' };
        const results = await Promise.all(
          Array.from({ length: 4 }, () =>
            server.request('POST', '/api/v1/tickets', { ...newTicket, subject: 'Raced' }, { token, headers }),
          ),
        );
        for (const r of results) expect([201, 409]).toContain(r.status);
        const mine = ticketsOf(
          await server.request('GET', '/api/v1/tickets?limit=100', undefined, { token }),
        );
        expect(mine.items.filter((t) => t.subject === 'Raced')).toHaveLength(1);
      });
    });

    describe('persistence side effects', () => {
      it('writes the outbox row and the SLA rows with the ticket', async () => {
        const token = await server.login('pro@acme.test');
        const ticket = ticketOf(
          await server.request('POST', '/api/v1/tickets', { ...newTicket, priority: 'P1' }, { token }),
        );
        const { db } = server.testDb.handle;
        const outbox = await db
          .selectFrom('outbox')
          .selectAll()
          .where('idempotency_key', '=', `ticket.created:${ticket.id}`)
          .execute();
        expect(outbox).toHaveLength(1);
        expect(outbox[0]?.status).toBe('pending');
        const sla = await db
          .selectFrom('ticket_sla')
          .select(['metric', 'state', 'due_at'])
          .where('ticket_id', '=', ticket.id)
          .orderBy('metric')
          .execute();
        expect(sla.map((r) => r.metric)).toEqual(['intervention', 'resolution']);
        const intervention = sla.find((r) => r.metric === 'intervention');
        expect(intervention?.due_at).toBe(
          Date.parse(ticket.sla.find((c) => c.metric === 'intervention')?.dueAt ?? ''),
        );
      });

      it('paginates with a cursor without skipping or repeating tickets', async () => {
        const token = await server.login('start@acme.test');
        for (let i = 0; i < 5; i++) {
          await server.request('POST', '/api/v1/tickets', { ...newTicket, subject: `page ${i}` }, { token });
          server.clock.advance(1000);
        }
        const seen: string[] = [];
        let cursor: string | null | undefined = undefined;
        do {
          const query: string = cursor ? `&cursor=${cursor}` : '';
          const page = ticketsOf(
            await server.request('GET', `/api/v1/tickets?limit=2&sort=createdAt${query}`, undefined, {
              token,
            }),
          );
          seen.push(...page.items.map((t) => t.subject));
          cursor = page.nextCursor;
        } while (cursor);
        expect(seen).toEqual(['page 0', 'page 1', 'page 2', 'page 3', 'page 4']);
      });
    });
  });
}
