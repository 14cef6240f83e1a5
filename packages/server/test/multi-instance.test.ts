import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../src/app.ts';
import { createDatabase, databaseConfigFromEnv, type DatabaseHandle } from '../src/db/database.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  startTestServer,
  T0_MS,
  ticketOf,
  ticketsOf,
  weekdayHours,
  type TestServer,
} from './server-harness.ts';

/**
 * Two server instances on one database, as behind a load balancer. Instance A caches what it read (ticket snapshots
 * keyed by version, signed-in identities); every change made through instance B must show on A's next read.
 */
/** Instance A's identity cache lifetime: short, so the test can wait it out. */
const AUTH_CACHE_MS = 300;

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'two instances on one database', () => {
    let a: TestServer;
    let bApp: FastifyInstance;
    let bDatabase: DatabaseHandle;
    let agent: string;
    let admin: string;
    let pro: string;

    /** The same request on instance B (its own connection, its own caches). */
    async function onB(method: string, path: string, token: string, body?: unknown, headers = {}) {
      const res = await bApp.inject({
        method: method as 'GET',
        url: path,
        headers: { authorization: `Bearer ${token}`, ...headers },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      return {
        status: res.statusCode,
        body: res.body === '' ? undefined : (res.json() as unknown),
        text: res.body,
        headers: new Headers(
          Object.entries(res.headers).map(([name, value]): [string, string] => [name, String(value)]),
        ),
      };
    }

    const getOnA = async (id: string) =>
      ticketOf(await a.request('GET', `/api/v1/tickets/${id}`, undefined, { token: agent }));
    const listOnA = async (query = '') =>
      ticketsOf(await a.request('GET', `/api/v1/tickets${query}`, undefined, { token: agent })).items;
    const getOnB = async (id: string) => ticketOf(await onB('GET', `/api/v1/tickets/${id}`, agent));

    beforeAll(async () => {
      a = await startTestServer(dialect, { authCacheMs: AUTH_CACHE_MS });
      bDatabase = createDatabase(databaseConfigFromEnv(a.testDb.env));
      ({ app: bApp } = await buildApp({ database: bDatabase, clock: a.clock }));
      agent = await a.login('agent@acme.test');
      admin = await a.login('admin@acme.test');
      pro = await a.login('pro@acme.test');
    });
    afterAll(async () => {
      await bApp?.close();
      await bDatabase?.destroy();
      await a?.close();
    });

    it('a ticket changed on B reads the same on A, one by one and in lists', async () => {
      a.clock.set(T0_MS + 60_000);
      const created = ticketOf(
        await a.request(
          'POST',
          '/api/v1/tickets',
          {
            subject: 'Mail down',
            description: 'no mail',
            priority: 'P2',
            category: 'hosting',
            channel: 'ticket',
          },
          { token: pro },
        ),
      );
      // A reads it (and caches it) before every change.
      const steps: [string, Record<string, unknown>][] = [
        ['priority', { priority: 'P1' }],
        ['tags', { tags: ['dns', 'mail'] }],
        ['status', { status: 'pending-customer' }],
        ['assignee', { assigneeId: null }],
      ];
      let version = created.version;
      for (const [what, patch] of steps) {
        expect((await getOnA(created.id)).version, what).toBe(version);
        expect((await listOnA()).find((t) => t.id === created.id)?.version, what).toBe(version);
        const changed = await onB('PATCH', `/api/v1/tickets/${created.id}`, agent, patch, {
          'if-match': `"${version}"`,
        });
        expect(changed.status, what).toBe(200);
        version = ticketOf(changed).version;
        a.clock.advance(60_000);
        expect(await getOnA(created.id), what).toEqual(await getOnB(created.id));
        expect(
          (await listOnA()).find((t) => t.id === created.id),
          what,
        ).toEqual(await getOnB(created.id));
      }
      const last = await getOnA(created.id);
      expect(last.priority).toBe('P1');
      expect(last.tags).toEqual(['dns', 'mail']);
      expect(last.status).toBe('pending-customer');
      // Waiting on the customer pauses resolution; the GTI runs to the start of the analysis and never pauses.
      expect(Object.fromEntries(last.sla.map((c) => [c.metric, c.state]))).toEqual({
        intervention: 'running',
        resolution: 'paused',
      });

      // A comment from B (no field of the ticket row itself changes but the version and the clocks).
      const comment = await onB('POST', `/api/v1/tickets/${created.id}/comments`, pro, {
        body: 'here are the logs',
        visibility: 'public',
      });
      expect(comment.status).toBe(201);
      expect(await getOnA(created.id)).toEqual(await getOnB(created.id));
    });

    // The admin of both workspaces names the one it acts in.
    const hosting = { 'x-accord-workspace': 'hosting-be' };

    it('a calendar edited on B moves the clocks A shows of the tickets running on it', async () => {
      a.clock.set(T0_MS + 120_000);
      const put = async (spec: unknown) =>
        (await onB('PUT', '/api/v1/calendars/ext-multi', admin, { name: 'Extended', spec }, hosting)).status;
      const hours = (from: string, to: string) => weekdayHours(from, to, from === '07:00' ? 'PT15H' : 'PT2H');
      expect(await put(hours('07:00', '22:00'))).toBe(200);
      // The calendar was just created through B; A (whose policy context is warm) can use it at once.
      const contract = await a.request(
        'POST',
        `/api/v1/organizations/${a.fixture.hosting.surMesure}/contracts`,
        { plan: 'sur-mesure', maintenanceContract: true, extendedCalendar: 'ext-multi' },
        { token: admin, workspace: 'hosting-be' },
      );
      expect(contract.status).toBe(201);
      const ticket = ticketOf(
        await a.request(
          'POST',
          '/api/v1/tickets',
          {
            subject: 'Down',
            description: 'site down',
            priority: 'P1',
            category: 'hosting',
            channel: 'ticket',
            organizationId: a.fixture.hosting.surMesure,
          },
          { token: agent },
        ),
      );
      const before = await getOnA(ticket.id);
      expect(before.sla.some((c) => c.calendar === 'ext-multi')).toBe(true);
      expect(await put(hours('10:00', '12:00'))).toBe(200);
      const after = await getOnA(ticket.id);
      expect(after.version).toBeGreaterThan(before.version);
      expect(after.sla).not.toEqual(before.sla);
      expect(after).toEqual(await getOnB(ticket.id));
      expect((await listOnA()).find((t) => t.id === ticket.id)).toEqual(after);
      // A change made through A right after (its cached context still holds the old hours) recomputes the clocks
      // it stores with the calendar as it is now: an internal note changes no clock, so they stay as B left them.
      const note = await a.request(
        'POST',
        `/api/v1/tickets/${ticket.id}/comments`,
        { body: 'looking', visibility: 'internal' },
        { token: agent },
      );
      expect(note.status).toBe(201);
      const afterNote = await getOnB(ticket.id);
      expect(afterNote.sla.map((c) => [c.metric, c.dueAt])).toEqual(
        after.sla.map((c) => [c.metric, c.dueAt]),
      );
    });

    it('a ticket opened through A right after a policy change through B is pinned to the new version', async () => {
      const open = async () =>
        ticketOf(
          await a.request(
            'POST',
            '/api/v1/tickets',
            { subject: 'Slow', description: 'slow', priority: 'P2', category: 'hosting', channel: 'ticket' },
            { token: pro },
          ),
        );
      const before = await open(); // A's context for the current policy is warm
      const view = z.object({ version: z.string(), policy: z.record(z.string(), z.unknown()) }).parse(
        (
          await a.request('GET', '/api/v1/policy', undefined, {
            token: admin,
            ...{ workspace: 'hosting-be' },
          })
        ).body,
      );
      const changed = await onB(
        'PUT',
        '/api/v1/policy',
        admin,
        { policy: { ...view.policy, version: Number(view.version) + 1 } },
        hosting,
      );
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      const newVersion = z.object({ version: z.string() }).parse(changed.body).version;
      expect(newVersion).not.toBe(before.policyVersion);
      expect((await open()).policyVersion).toBe(newVersion);
    });

    it('a token revoked on B stops working on A within the identity cache lifetime; on A itself at once', async () => {
      const issue = async () =>
        z
          .object({ id: z.string(), token: z.string() })
          .parse((await onB('POST', '/api/v1/tokens', agent, { name: 'script' })).body);
      const me = async (token: string) => (await a.request('GET', '/api/v1/me', undefined, { token })).status;

      const first = await issue();
      expect(await me(first.token)).toBe(200);
      expect((await onB('DELETE', `/api/v1/tokens/${first.id}`, agent)).status).toBe(204);
      const revokedAtMs = performance.now();
      // Another instance's revocation reaches A's cache within its lifetime, never later.
      let status = await me(first.token);
      while (status === 200 && performance.now() - revokedAtMs < AUTH_CACHE_MS * 3) {
        await new Promise((r) => setTimeout(r, 20));
        status = await me(first.token);
      }
      expect(status).toBe(401);
      expect(performance.now() - revokedAtMs).toBeLessThan(AUTH_CACHE_MS * 3);

      // Revoked through A: refused by A on the very next request.
      const second = await issue();
      expect(await me(second.token)).toBe(200);
      const revoke = await a.request('DELETE', `/api/v1/tokens/${second.id}`, undefined, { token: agent });
      expect(revoke.status).toBe(204);
      expect(await me(second.token)).toBe(401);
    });

    it('an account disabled through A loses its workspace on A at its next request', async () => {
      const client = await a.login('start@acme.test');
      const tickets = async () =>
        (await a.request('GET', '/api/v1/tickets', undefined, { token: client })).status;
      const me = await a.request('GET', '/api/v1/me', undefined, { token: client });
      const id = z.object({ id: z.string() }).parse(me.body).id;
      expect(await tickets()).toBe(200);
      const disable = await a.request(
        'PATCH',
        `/api/v1/users/${id}`,
        { disabled: true },
        { token: admin, workspace: 'hosting-be' },
      );
      expect(disable.status).toBe(200);
      // Its only workspace disabled it: every session and token of the account is revoked (issue #10), 401.
      expect(await tickets()).toBe(401);
    });
  });
}
