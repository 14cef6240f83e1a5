import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { createDatabase, databaseConfigFromEnv, type DatabaseHandle } from '../src/db/database.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, startTestServer, T0_MS, ticketOf, type TestServer } from './server-harness.ts';
import { openStream, type SseEvent } from './stream-client.ts';

const ticketBody = (subject: string) => ({
  subject,
  description: 'details',
  priority: 'P2',
  category: 'hosting',
  channel: 'ticket',
});

const about = (events: readonly SseEvent[], ticketId: string) =>
  events.filter((e) => e.data['ticketId'] === ticketId);

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'live updates: GET /api/v1/stream (SSE)', () => {
    let server: TestServer;
    let other: { app: FastifyInstance; database: DatabaseHandle; baseUrl: string } | undefined;
    const streams: { close(): void }[] = [];
    const open = (
      token: string,
      path = '/api/v1/stream',
      headers: Record<string, string> = {},
      base?: string,
    ) => {
      const stream = openStream(base ?? server.baseUrl, path, {
        authorization: `Bearer ${token}`,
        ...headers,
      });
      streams.push(stream);
      return stream;
    };

    beforeAll(async () => {
      server = await startTestServer(dialect);
    });
    afterAll(async () => {
      for (const s of streams) s.close();
      await other?.app.close();
      await other?.database.destroy();
      await server?.close();
    });

    it('a client sees its own organization’s ticket events, never another organization’s nor internal notes', async () => {
      const pro = await server.login('pro@acme.test');
      const start = await server.login('start@acme.test');
      const agent = await server.login('agent@acme.test');
      const proStream = open(pro);
      const startStream = open(start);
      const agentStream = open(agent);
      expect(await proStream.status).toBe(200);
      expect(await startStream.status).toBe(200);
      expect(await agentStream.status).toBe(200);

      const mine = ticketOf(
        await server.request('POST', '/api/v1/tickets', ticketBody('Site down'), { token: pro }),
      );
      const theirs = ticketOf(
        await server.request('POST', '/api/v1/tickets', ticketBody('Mail down'), { token: start }),
      );
      const comment = (body: string, visibility: string) =>
        server.request('POST', `/api/v1/tickets/${mine.id}/comments`, { body, visibility }, { token: agent });
      expect((await comment('We are on it', 'public')).status).toBe(201);
      expect((await comment('Customer is on the old plan, careful', 'internal')).status).toBe(201);
      await server.background.dispatcher.runOnce();

      await agentStream.waitFor((e) => about(e, mine.id).length >= 4 && about(e, theirs.id).length >= 1);
      await proStream.waitFor((e) => about(e, mine.id).some((x) => x.event === 'ticket.commented'));
      // The internal note's version bump reaches staff only (one outbox batch: order within it is not promised).
      const kinds = (events: readonly SseEvent[]) => events.map((e) => e.event).sort();
      const agentKinds = kinds(about(agentStream.events, mine.id));
      await new Promise((r) => setTimeout(r, 700));
      const proKinds = kinds(about(proStream.events, mine.id));
      expect(agentKinds.filter((k) => k !== 'ticket.updated')).toEqual([
        'ticket.commented',
        'ticket.created',
      ]);
      expect(proKinds.filter((k) => k !== 'ticket.updated')).toEqual(['ticket.commented', 'ticket.created']);
      expect(proKinds.filter((k) => k === 'ticket.updated').length).toBe(
        agentKinds.filter((k) => k === 'ticket.updated').length - 1,
      );
      expect(about(proStream.events, theirs.id)).toEqual([]);
      expect(about(startStream.events, mine.id)).toEqual([]);
      expect(about(startStream.events, theirs.id).map((e) => e.event)).toEqual(['ticket.created']);
      // Ids and instants only: no comment text travels on the stream.
      expect(JSON.stringify(proStream.events)).not.toContain('We are on it');
      expect(JSON.stringify(agentStream.events)).not.toContain('careful');
      // Ids come from one increasing sequence.
      const ids = agentStream.events.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });

    it('resumes with Last-Event-ID after a disconnect: the missed events, and only those', async () => {
      const pro = await server.login('pro@acme.test');
      const agent = await server.login('agent@acme.test');
      const first = open(pro);
      expect(await first.status).toBe(200);
      const ticket = ticketOf(
        await server.request('POST', '/api/v1/tickets', ticketBody('VPN'), { token: pro }),
      );
      await server.background.dispatcher.runOnce();
      await first.waitFor((e) => about(e, ticket.id).length === 1);
      const lastSeen = first.events.at(-1)!.id!;
      first.close();

      // While the reader is away: a reply, then a status change.
      await server.request(
        'POST',
        `/api/v1/tickets/${ticket.id}/comments`,
        { body: 'Please restart the client', visibility: 'public' },
        { token: agent },
      );
      await server.background.dispatcher.runOnce();

      const resumed = open(pro, '/api/v1/stream', { 'last-event-id': lastSeen });
      expect(await resumed.status).toBe(200);
      await resumed.waitFor((e) => about(e, ticket.id).some((x) => x.event === 'ticket.commented'));
      expect(
        about(resumed.events, ticket.id)
          .map((e) => e.event)
          .sort(),
      ).toEqual(['ticket.commented', 'ticket.updated']);
      expect(Number(resumed.events[0]!.id)).toBeGreaterThan(Number(lastSeen));
      // The same through the query parameter (for readers that cannot set headers).
      const viaQuery = open(pro, `/api/v1/stream?lastEventId=${lastSeen}`);
      await viaQuery.waitFor((e) => about(e, ticket.id).length === 2);
      // Without an id, a new stream starts at the present.
      const fresh = open(pro);
      expect(await fresh.status).toBe(200);
      await new Promise((r) => setTimeout(r, 700));
      expect(about(fresh.events, ticket.id)).toEqual([]);
    });

    it('another instance on the same database serves the same events under the same ids', async () => {
      const database = createDatabase(databaseConfigFromEnv(server.testDb.env));
      const { app } = await buildApp({ database, clock: server.clock });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      other = { app, database, baseUrl: `http://127.0.0.1:${address.port}` };
      const agent = await server.login('agent@acme.test');
      const pro = await server.login('pro@acme.test');
      const onA = open(agent);
      const onB = open(agent, '/api/v1/stream', {}, other.baseUrl);
      expect(await onA.status).toBe(200);
      expect(await onB.status).toBe(200);
      // Written and dispatched on A; B learns of it from the database only.
      const ticket = ticketOf(
        await server.request('POST', '/api/v1/tickets', ticketBody('Disk full'), { token: pro }),
      );
      await server.background.dispatcher.runOnce();
      await onA.waitFor((e) => about(e, ticket.id).length === 1);
      await onB.waitFor((e) => about(e, ticket.id).length === 1);
      expect(about(onB.events, ticket.id)).toEqual(about(onA.events, ticket.id));
    });

    it('SLA alerts reach the ticket’s client on the stream at their instant', async () => {
      const pro = await server.login('pro@acme.test');
      server.clock.set(T0_MS);
      const stream = open(pro);
      expect(await stream.status).toBe(200);
      const ticket = ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          { ...ticketBody('Outage'), priority: 'P1' },
          { token: pro },
        ),
      );
      await server.background.dispatcher.runOnce();
      // A Pro P1 has 4 business hours: 75 % at 3 h, the breach past 4 h.
      server.clock.set(T0_MS + 3 * 3_600_000);
      while ((await server.background.scheduler.runOnce()) > 0);
      await server.background.dispatcher.runOnce();
      await stream.waitFor((e) => about(e, ticket.id).some((x) => x.event === 'sla.warning'));
      expect(about(stream.events, ticket.id).some((x) => x.event === 'sla.breached')).toBe(false);
      server.clock.set(T0_MS + 4 * 3_600_000 + 1);
      while ((await server.background.scheduler.runOnce()) > 0);
      await server.background.dispatcher.runOnce();
      await stream.waitFor((e) => about(e, ticket.id).some((x) => x.event === 'sla.breached'));
      const warning = about(stream.events, ticket.id).find((x) => x.event === 'sla.warning')!;
      expect(warning.data).toMatchObject({ ticketId: ticket.id, threshold: 75 });
    });

    it('keeps a day of events: a reader further behind is told to reload (event: reset)', async () => {
      const pro = await server.login('pro@acme.test');
      const agent = await server.login('agent@acme.test');
      server.clock.set(T0_MS + 30 * 3_600_000);
      const ticket = ticketOf(
        await server.request('POST', '/api/v1/tickets', ticketBody('Later'), { token: pro }),
      );
      await server.background.dispatcher.runOnce();
      const kept = await server.services.db.selectFrom('live_events').select(['seq', 'created_at']).execute();
      expect(kept.every((e) => Number(e.created_at) >= T0_MS + 6 * 3_600_000)).toBe(true);
      const behind = open(agent, '/api/v1/stream', { 'last-event-id': '1' });
      expect(await behind.status).toBe(200);
      await behind.waitFor((e) => e.some((x) => x.event === 'reset'));
      // After the reset, the stream carries on from the present.
      await server.request(
        'POST',
        `/api/v1/tickets/${ticket.id}/comments`,
        { body: 'Looking', visibility: 'public' },
        { token: agent },
      );
      await server.background.dispatcher.runOnce();
      await behind.waitFor((e) => about(e, ticket.id).some((x) => x.event === 'ticket.commented'));
      expect(about(behind.events, ticket.id).some((x) => x.event === 'ticket.created')).toBe(false);
    });

    it('names the workspace in the query, refuses strangers and bad ids', async () => {
      const cclient = await server.login('cclient@acme.test');
      const ok = open(cclient, '/api/v1/stream?workspace=consulting-sa');
      expect(await ok.status).toBe(200);
      const refused = await server.request('GET', '/api/v1/stream?workspace=hosting-be', undefined, {
        token: cclient,
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(errorOf(refused).code).toBeTypeOf('string');
      expect((await server.request('GET', '/api/v1/stream')).status).toBe(401);
      const bad = await server.request('GET', '/api/v1/stream', undefined, {
        token: cclient,
        headers: { 'last-event-id': 'abc' },
      });
      expect(bad.status).toBe(400);
      expect(errorOf(bad).code).toBe('VALIDATION_FAILED');
    });
  });
}
