import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { DIALECTS, describeDialect } from './dialects.ts';
import { errorOf, objectOf, startTestServer, ticketOf, T0_MS, type TestServer } from './server-harness.ts';
import { startHttpTarget, startTcpTarget } from './availability-targets.ts';

// Monitors here check local servers: loopback targets must be allowed (read when the server is built).
process.env['ACCORD_MONITOR_ALLOW_PRIVATE'] = 'true';

const monitorOf = (body: unknown) =>
  z
    .object({
      id: z.string(),
      state: z.string(),
      outageTicketId: z.string().nullable(),
      slowTicketId: z.string().nullable(),
    })
    .passthrough()
    .parse(body);

for (const dialect of DIALECTS)
  describeDialect(dialect, 'availability: monitors and incidents', () => {
    let server: TestServer;
    let admin: string;
    let target: Awaited<ReturnType<typeof startHttpTarget>>;
    let tcp: Awaited<ReturnType<typeof startTcpTarget>>;
    const ws = { workspace: 'hosting-be' };

    beforeAll(async () => {
      server = await startTestServer(dialect);
      admin = await server.login('admin@acme.test');
      target = await startHttpTarget();
      tcp = await startTcpTarget();
    });
    afterAll(async () => {
      await server?.close();
      await target?.close();
      await tcp?.close();
    });

    const as = (token: string) => ({ token, ...ws });

    /** One interval later: the scheduler hands the due check over, the runner performs and records it. */
    async function tick(seconds = 30) {
      server.clock.set(server.clock.nowMs() + seconds * 1000);
      await server.background.scheduler.runOnce();
      await server.services.availability.runner.runOnce();
    }

    async function monitor(id: string) {
      return monitorOf((await server.request('GET', `/api/v1/monitors/${id}`, undefined, as(admin))).body);
    }

    async function ticket(id: string) {
      return ticketOf(await server.request('GET', `/api/v1/tickets/${id}`, undefined, as(admin)));
    }

    async function eventTypes(ticketId: string) {
      const rows = await server.services.db
        .selectFrom('ticket_events')
        .select('type')
        .where('ticket_id', '=', ticketId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => r.type);
    }

    it('confirms outages, opens one P1, attaches, recovers and resolves; slowness is its own P2', async () => {
      const created = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'Pro shop',
          organizationId: server.fixture.hosting.pro,
          kind: 'http',
          url: target.url,
          intervalSeconds: 30,
          timeoutSeconds: 5,
          slowMs: 200,
          confirmations: 2,
        },
        as(admin),
      );
      expect(created.status, created.text).toBe(201);
      const { id } = monitorOf(created.body);

      // The first check is due at creation.
      await server.background.scheduler.runOnce();
      await server.services.availability.runner.runOnce();
      expect((await monitor(id)).state).toBe('unknown');
      await tick();
      expect((await monitor(id)).state).toBe('up');

      target.set('error');
      await tick();
      expect((await monitor(id)).state).toBe('up'); // one 500 is not confirmed yet
      const detectedAtMs = server.clock.nowMs() + 30_000;
      await tick();
      const failing = await monitor(id);
      expect(failing.state).toBe('error');
      expect(failing.outageTicketId).not.toBeNull();
      const incident = await ticket(failing.outageTicketId ?? '');
      expect(incident).toMatchObject({ priority: 'P1', channel: 'monitoring', status: 'new', monitorId: id });
      expect(incident.tags).toContain(`monitor-${id}`);
      expect(Date.parse(incident.createdAt)).toBe(detectedAtMs);

      // Still failing, then down instead of 500: the same incident, no second ticket.
      await tick();
      target.set('down');
      await tick();
      await tick();
      expect((await monitor(id)).outageTicketId).toBe(failing.outageTicketId);
      const count = await server.services.db
        .selectFrom('tickets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('channel', '=', 'monitoring')
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1);

      target.set('ok');
      await tick();
      await tick();
      const recovered = await monitor(id);
      expect(recovered.state).toBe('up');
      expect(recovered.outageTicketId).toBeNull();
      expect((await ticket(failing.outageTicketId ?? '')).status).toBe('resolved');
      expect(await eventTypes(failing.outageTicketId ?? '')).toEqual(
        expect.arrayContaining(['created', 'monitor-detected', 'monitor-recovered', 'status-changed']),
      );

      target.set('slow');
      await tick();
      await tick();
      const slow = await monitor(id);
      expect(slow.state).toBe('slow');
      expect(slow.slowTicketId).not.toBeNull();
      expect(await ticket(slow.slowTicketId ?? '')).toMatchObject({
        priority: 'P2',
        channel: 'monitoring',
        monitorId: id,
      });
      target.set('ok');

      const results = await server.request(
        'GET',
        `/api/v1/monitors/${id}/results?from=${new Date(T0_MS).toISOString()}`,
        undefined,
        as(admin),
      );
      const statuses = z
        .object({ items: z.array(z.object({ status: z.string(), latencyMs: z.number().nullable() })) })
        .parse(results.body)
        .items.map((r) => r.status);
      expect(statuses).toEqual([
        'up',
        'up',
        'error',
        'error',
        'error',
        'down',
        'down',
        'up',
        'up',
        'slow',
        'slow',
      ]);

      const figures = objectOf(
        await server.request(
          'GET',
          `/api/v1/monitors/${id}/availability?from=${new Date(T0_MS).toISOString()}&to=${new Date(server.clock.nowMs()).toISOString()}`,
          undefined,
          as(admin),
        ),
      );
      // Results stand 30 s each: 4 up, 2 slow (counted up) and 5 failing; the last one reaches now.
      expect(figures).toMatchObject({ upSeconds: 150, slowSeconds: 30, downSeconds: 150, noDataSeconds: 0 });
    });

    it('during maintenance failures are recorded but open no incident', async () => {
      const created = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'App',
          organizationId: server.fixture.hosting.app,
          kind: 'http',
          url: target.url,
          intervalSeconds: 30,
          confirmations: 1,
        },
        as(admin),
      );
      const { id } = monitorOf(created.body);
      const nowMs = server.clock.nowMs();
      const window = await server.request(
        'POST',
        '/api/v1/maintenance-windows',
        {
          monitorIds: [id],
          startsAt: new Date(nowMs).toISOString(),
          endsAt: new Date(nowMs + 10 * 60_000).toISOString(),
          title: 'Upgrade',
          announce: false,
        },
        as(admin),
      );
      expect(window.status, window.text).toBe(201);
      target.set('error');
      await tick(0);
      await tick();
      const during = await monitor(id);
      expect(during.state).toBe('error');
      expect(during.outageTicketId).toBeNull();
      target.set('ok');
      await tick();
      expect((await monitor(id)).state).toBe('up');
    });

    it('PATCH moves the next check to the new interval; DELETE drops the monitor and its pending check', async () => {
      const created = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'Temp',
          organizationId: server.fixture.hosting.start,
          kind: 'http',
          url: target.url,
          intervalSeconds: 30,
        },
        as(admin),
      );
      const { id } = monitorOf(created.body);
      const patched = await server.request(
        'PATCH',
        `/api/v1/monitors/${id}`,
        { intervalSeconds: 600, keyword: 'good' },
        as(admin),
      );
      expect(patched.status, patched.text).toBe(200);
      expect(objectOf(patched)).toMatchObject({ intervalSeconds: 600, keyword: 'good' });
      const pending = () =>
        server.services.db
          .selectFrom('jobs')
          .select('due_at')
          .where('subject_id', '=', id)
          .where('state', '=', 'pending')
          .execute();
      expect((await pending()).map((j) => Number(j.due_at))).toEqual([server.clock.nowMs() + 600_000]);
      const tooShort = await server.request(
        'PATCH',
        `/api/v1/monitors/${id}`,
        { timeoutSeconds: 900 },
        as(admin),
      );
      expect(tooShort.status).toBe(400);
      expect((await server.request('DELETE', `/api/v1/monitors/${id}`, undefined, as(admin))).status).toBe(
        204,
      );
      expect((await server.request('GET', `/api/v1/monitors/${id}`, undefined, as(admin))).status).toBe(404);
      expect(await pending()).toEqual([]);
    });

    it('checks TCP ports: a closed port is down', async () => {
      const created = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'SMTP',
          organizationId: server.fixture.hosting.start,
          kind: 'tcp',
          host: '127.0.0.1',
          port: tcp.port(),
          intervalSeconds: 60,
          confirmations: 1,
        },
        as(admin),
      );
      expect(created.status, created.text).toBe(201);
      const { id } = monitorOf(created.body);
      await tick(0);
      expect((await monitor(id)).state).toBe('up');
      await tcp.down();
      await tick(60);
      expect((await monitor(id)).state).toBe('down');
      await tcp.up();
      await tick(60);
      expect((await monitor(id)).state).toBe('up');
    });

    it('a heartbeat monitor is up while pushed and down when the pushes stop', async () => {
      const created = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'Nightly backup',
          organizationId: server.fixture.hosting.classique,
          kind: 'heartbeat',
          intervalSeconds: 60,
          timeoutSeconds: 10,
          confirmations: 1,
          resolveOnRecovery: false,
        },
        as(admin),
      );
      expect(created.status, created.text).toBe(201);
      const { id, pushUrl } = z.object({ id: z.string(), pushUrl: z.string() }).parse(created.body);
      const path = pushUrl.slice(pushUrl.indexOf('/api/v1/'));
      expect((await server.request('POST', path)).status).toBe(200);
      expect((await monitor(id)).state).toBe('up');
      await tick(60);
      expect((await monitor(id)).state).toBe('up');
      await tick(60);
      await tick(60);
      const down = await monitor(id);
      expect(down.state).toBe('down');
      expect(down.outageTicketId).not.toBeNull();
      // Without resolveOnRecovery the push records the recovery and the ticket stays open for an agent.
      expect((await server.request('GET', path)).status).toBe(200);
      expect((await monitor(id)).state).toBe('up');
      expect((await ticket(down.outageTicketId ?? '')).status).not.toBe('resolved');
      expect(await eventTypes(down.outageTicketId ?? '')).toContain('monitor-recovered');
      expect((await server.request('POST', '/api/v1/heartbeats/not-a-real-token-at-all')).status).toBe(404);
    });

    it('refuses bad settings with a code, and clients their own monitoring tickets', async () => {
      const bad = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'x',
          organizationId: server.fixture.hosting.pro,
          kind: 'http',
          intervalSeconds: 5,
          timeoutSeconds: 10,
          url: target.url,
        },
        as(admin),
      );
      expect(bad.status).toBe(400);
      expect(errorOf(bad).code).toBe('VALIDATION_FAILED');
      const agent = await server.login('agent@acme.test');
      const forbidden = await server.request(
        'POST',
        '/api/v1/monitors',
        { name: 'x', organizationId: server.fixture.hosting.pro, kind: 'heartbeat' },
        { token: agent },
      );
      expect(forbidden.status).toBe(403);
      const client = await server.login('pro@acme.test');
      const ticketRes = await server.request(
        'POST',
        '/api/v1/tickets',
        { subject: 'x', description: 'y', priority: 'P1', category: 'hosting', channel: 'monitoring' },
        { token: client },
      );
      expect(ticketRes.status).toBe(403);
      // A client sees their own organization's monitors only.
      const list = z
        .object({ items: z.array(z.object({ organizationId: z.string() })) })
        .parse((await server.request('GET', '/api/v1/monitors', undefined, { token: client })).body);
      expect(list.items.length).toBeGreaterThan(0);
      expect(list.items.every((m) => m.organizationId === server.fixture.hosting.pro)).toBe(true);
    });
  });
