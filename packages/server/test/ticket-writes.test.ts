import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  clockOf,
  errorOf,
  itemsOf,
  objectOf,
  startTestServer,
  T0_MS,
  ticketOf,
  type TestServer,
} from './server-harness.ts';

const HOUR_MS = 3_600_000;

/** Behaviour of the ticket write path as the API shows it: what each change records, refuses and leaves behind. */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'ticket writes', () => {
    let server: TestServer;
    let agent: string;
    let admin: string;
    let pro: string;
    let app: string;
    beforeAll(async () => {
      server = await startTestServer(dialect);
      agent = await server.login('agent@acme.test');
      admin = await server.login('admin@acme.test');
      pro = await server.login('pro@acme.test');
      app = await server.login('app@acme.test');
    });
    afterAll(async () => {
      await server?.close();
    });
    beforeEach(() => server.clock.set(T0_MS));

    const open = async (token: string, body: Record<string, unknown> = {}) => {
      const res = await server.request(
        'POST',
        '/api/v1/tickets',
        {
          subject: 'Site down',
          description: 'HTTP 500',
          priority: 'P1',
          category: 'hosting',
          channel: 'ticket',
          ...body,
        },
        { token, workspace: 'hosting-be' },
      );
      return res;
    };
    const get = async (id: string, token = agent) =>
      ticketOf(await server.request('GET', `/api/v1/tickets/${id}`, undefined, { token }));
    const events = async (id: string, token = agent) =>
      itemsOf(await server.request('GET', `/api/v1/tickets/${id}/events`, undefined, { token }));
    const outboxTopics = async (ticketId: string) =>
      (
        await server.services.db
          .selectFrom('outbox')
          .select(['topic', 'payload_json'])
          .orderBy('created_at')
          .execute()
      )
        .filter((r) => (JSON.parse(r.payload_json) as { ticketId?: string }).ticketId === ticketId)
        .map((r) => r.topic);

    describe('the GTI stops at the start of analysis, once', () => {
      it('a courtesy reply answers the client but leaves the GTI running', async () => {
        const ticket = ticketOf(await open(pro));
        server.clock.advance(HOUR_MS);
        await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'We are on it' },
          { token: agent },
        );
        const after = await get(ticket.id);
        expect(clockOf(after, 'intervention')).toMatchObject({ state: 'running', stoppedAt: null });
      });

      it('a reply sent with startAnalysis stops the GTI at that instant', async () => {
        const ticket = ticketOf(await open(pro));
        server.clock.advance(HOUR_MS);
        const reply = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'Diagnosis under way', startAnalysis: true },
          { token: agent },
        );
        expect(reply.status).toBe(201);
        const after = await get(ticket.id);
        expect(clockOf(after, 'intervention')).toMatchObject({
          state: 'met',
          stoppedAt: new Date(T0_MS + HOUR_MS).toISOString(),
        });
        expect(after.status).toBe('open');
        expect((await events(ticket.id)).map((e) => e['type'])).toEqual([
          'created',
          'agent-replied',
          'analysis-started',
          'status-changed',
        ]);
      });

      it('parallel and repeated starts record one analysis-started and one message', async () => {
        const ticket = ticketOf(await open(pro));
        const answers = await Promise.all(
          Array.from({ length: 6 }, () =>
            server.request('POST', `/api/v1/tickets/${ticket.id}/analysis`, undefined, { token: agent }),
          ),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
        const again = await server.request('POST', `/api/v1/tickets/${ticket.id}/analysis`, undefined, {
          token: agent,
        });
        expect(again.status).toBe(200);
        const types = (await events(ticket.id)).map((e) => e['type']);
        expect(types.filter((t) => t === 'analysis-started')).toHaveLength(1);
        expect((await outboxTopics(ticket.id)).filter((t) => t === 'ticket.analysis-started')).toHaveLength(
          1,
        );
        expect(ticketOf(again).version).toBe(ticketOf(answers[0]!).version);
      });

      it('a client may not start the analysis, by either door', async () => {
        const ticket = ticketOf(await open(pro));
        const viaReply = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'started?', startAnalysis: true },
          { token: pro },
        );
        expect(viaReply.status).toBe(403);
        const direct = await server.request('POST', `/api/v1/tickets/${ticket.id}/analysis`, undefined, {
          token: pro,
        });
        expect(direct.status).toBe(403);
        expect((await events(ticket.id)).map((e) => e['type'])).toEqual(['created']);
      });
    });

    describe('the clock explains itself', () => {
      it('GET /tickets/{id}/sla: figures, counting now, next change and the trace, for staff and the requester', async () => {
        const ticket = ticketOf(await open(pro));
        server.clock.advance(HOUR_MS);
        await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: ticket.version, status: 'pending-customer' },
          { token: agent },
        );
        server.clock.advance(30 * 60_000);
        for (const token of [agent, pro]) {
          const res = await server.request('GET', `/api/v1/tickets/${ticket.id}/sla`, undefined, { token });
          expect(res.status).toBe(200);
          const clocks = (res.body as { clocks: Record<string, unknown>[] }).clocks;
          const gti = clocks.find((c) => c['metric'] === 'intervention')!;
          // The GTI never pauses: it still counts in business hours (Monday 10:30 Brussels), until 17:30.
          expect(gti).toMatchObject({
            state: 'running',
            countingNow: true,
            nextChangeAt: '2026-03-02T16:30:00.000Z',
            remainingSeconds: 2.5 * 3600,
          });
          const trace = gti['trace'] as { at: string | null; text: string }[];
          expect(trace[0]).toMatchObject({ at: null });
          expect(trace.map((l) => l.text).join('\n')).toContain('PT4H');
          const resolution = clocks.find((c) => c['metric'] === 'resolution')!;
          expect(resolution['countingNow']).toBe(false);
          expect(
            (resolution['trace'] as { at: string | null; text: string }[]).some(
              (l) => l.at !== null && l.text.includes('paused'),
            ),
          ).toBe(true);
        }
        const stranger = await server.login('start@acme.test');
        const hidden = await server.request('GET', `/api/v1/tickets/${ticket.id}/sla`, undefined, {
          token: stranger,
        });
        expect(hidden.status).toBe(404);
      });
    });

    describe('staff intake: a ticket filed for the client who called', () => {
      const proClientId = async () =>
        (
          await server.services.db
            .selectFrom('users')
            .select('id')
            .where('email', '=', 'pro@acme.test')
            .executeTakeFirstOrThrow()
        ).id;

      it('counts the clocks from when the client reported it, and records who took the call', async () => {
        server.clock.set(T0_MS + 2 * HOUR_MS);
        const requesterId = await proClientId();
        const res = await open(agent, {
          organizationId: server.fixture.hosting.pro,
          channel: 'phone',
          requesterId,
          reportedAt: new Date(T0_MS + HOUR_MS).toISOString(),
        });
        expect(res.status).toBe(201);
        const ticket = ticketOf(res);
        expect(ticket.requesterId).toBe(requesterId);
        expect(ticket.createdAt).toBe(new Date(T0_MS + HOUR_MS).toISOString());
        // Reported Monday 10:00 Brussels + 4 business hours = 14:00 Brussels; one hour already used.
        expect(clockOf(ticket, 'intervention')).toMatchObject({
          dueAt: new Date(T0_MS + 5 * HOUR_MS).toISOString(),
          remainingSeconds: 3 * 3600,
        });
        const created = (await events(ticket.id))[0]!;
        expect(created['data']).toMatchObject({ takenBy: expect.any(String) });
        // The client sees the ticket as their own.
        expect((await get(ticket.id, pro)).id).toBe(ticket.id);
      });

      it('checks the channel at the reported instant: a phone call after hours is refused', async () => {
        server.clock.set(Date.parse('2026-03-02T17:30:00Z'));
        const res = await open(agent, {
          organizationId: server.fixture.hosting.pro,
          channel: 'phone',
          requesterId: await proClientId(),
          reportedAt: '2026-03-02T17:00:00Z',
        });
        expect(res.status).toBe(422);
        expect(errorOf(res).code).toBe('CHANNEL_NOT_ALLOWED');
      });

      it.each([
        ['in the future', HOUR_MS],
        ['more than 24 hours back', -25 * HOUR_MS],
      ])('refuses a reportedAt %s and writes nothing', async (_label, offsetMs) => {
        const before = await server.services.db.selectFrom('tickets').select('id').execute();
        const res = await open(agent, {
          organizationId: server.fixture.hosting.pro,
          requesterId: await proClientId(),
          reportedAt: new Date(T0_MS + offsetMs).toISOString(),
        });
        expect(res.status).toBe(400);
        expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'reportedAt' } });
        expect(await server.services.db.selectFrom('tickets').select('id').execute()).toHaveLength(
          before.length,
        );
      });

      it('refuses a requester from another organization, and intake fields from a client', async () => {
        const wrongOrg = await open(agent, {
          organizationId: server.fixture.hosting.start,
          requesterId: await proClientId(),
        });
        expect(wrongOrg.status).toBe(400);
        expect(errorOf(wrongOrg).details).toMatchObject({ field: 'requesterId' });
        const fromClient = await open(pro, { reportedAt: new Date(T0_MS).toISOString() });
        expect(fromClient.status).toBe(403);
      });
    });

    describe('billing follows the terms pinned when the ticket opened, and ends with the ticket', () => {
      const appTicket = async () => ticketOf(await open(app, { category: 'application', priority: 'P2' }));

      it('bills by the accepted quote or by time, never both', async () => {
        const ticket = await appTicket();
        const quote = objectOf(
          await server.request(
            'POST',
            `/api/v1/tickets/${ticket.id}/quotes`,
            { amountCents: 50000, currency: 'EUR', description: 'fix the plugin' },
            { token: agent },
          ),
        );
        const accepted = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/quotes/${String(quote['id'])}/decision`,
          { decision: 'accepted' },
          { token: app },
        );
        expect(accepted.status).toBe(200);
        const tm = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/billing/time-and-materials`,
          undefined,
          { token: app },
        );
        expect(tm.status).toBe(422);
        expect(errorOf(tm).code).toBe('BILLING_DECIDED');

        const other = await appTicket();
        await server.request('POST', `/api/v1/tickets/${other.id}/billing/time-and-materials`, undefined, {
          token: app,
        });
        const late = await server.request(
          'POST',
          `/api/v1/tickets/${other.id}/quotes`,
          { amountCents: 100, currency: 'EUR', description: 'too late' },
          { token: agent },
        );
        expect(late.status).toBe(422);
        expect(errorOf(late).code).toBe('BILLING_DECIDED');
      });

      it('refuses quotes, decisions, time-and-materials and billable time on a closed ticket', async () => {
        let ticket = await appTicket();
        const quote = objectOf(
          await server.request(
            'POST',
            `/api/v1/tickets/${ticket.id}/quotes`,
            { amountCents: 100, currency: 'EUR', description: 'q' },
            { token: agent },
          ),
        );
        ticket = await get(ticket.id);
        for (const status of ['resolved', 'closed']) {
          ticket = ticketOf(
            await server.request(
              'PATCH',
              `/api/v1/tickets/${ticket.id}`,
              { version: ticket.version, status },
              { token: agent },
            ),
          );
        }
        const version = ticket.version;
        const attempts = [
          await server.request(
            'POST',
            `/api/v1/tickets/${ticket.id}/quotes`,
            { amountCents: 100, currency: 'EUR', description: 'q2' },
            { token: agent },
          ),
          await server.request(
            'POST',
            `/api/v1/tickets/${ticket.id}/quotes/${String(quote['id'])}/decision`,
            { decision: 'accepted' },
            { token: app },
          ),
          await server.request('POST', `/api/v1/tickets/${ticket.id}/billing/time-and-materials`, undefined, {
            token: app,
          }),
          await server.request(
            'POST',
            `/api/v1/tickets/${ticket.id}/time-entries`,
            { minutes: 10, workDate: '2026-03-02', note: 'x', billable: true },
            { token: agent },
          ),
        ];
        expect(attempts.map((a) => [a.status, errorOf(a).code])).toEqual(
          Array(4).fill([422, 'INVALID_TRANSITION']),
        );
        expect((await get(ticket.id)).version).toBe(version);
      });

      // Last of its group: it gives the organization a new contract.
      it('logs time at the rate of the contract in force at opening, not a later one', async () => {
        const ticket = await appTicket();
        expect(ticket.billingMode).toBe('quote');
        const tm = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/billing/time-and-materials`,
          undefined,
          { token: app },
        );
        expect(tm.status).toBe(200);
        // A new contract with a maintenance contract and another rate.
        const contract = await server.request(
          'POST',
          `/api/v1/organizations/${server.fixture.hosting.app}/contracts`,
          { plan: 'pro', maintenanceContract: true, hourlyRateCents: 20000, currency: 'EUR' },
          { token: admin, workspace: 'hosting-be' },
        );
        expect(contract.status).toBe(201);
        const entry = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/time-entries`,
          { minutes: 60, workDate: '2026-03-02', note: 'fix', billable: true },
          { token: agent },
        );
        expect(entry.status).toBe(201);
        expect(objectOf(entry)).toMatchObject({ rateCents: 12000, amountCents: 12000 });
      });
    });

    describe('what clients do not see', () => {
      it('internal attachments: not listed, not downloadable, not in the history; clients cannot post them', async () => {
        const ticket = ticketOf(await open(pro));
        const internal = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/attachments`,
          {
            filename: 'db-dump.txt',
            contentType: 'text/plain',
            contentBase64: Buffer.from('secret').toString('base64'),
            visibility: 'internal',
          },
          { token: agent },
        );
        expect(internal.status).toBe(201);
        const id = String(objectOf(internal)['id']);
        const staffList = itemsOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}/attachments`, undefined, {
            token: agent,
          }),
        );
        expect(staffList.map((a) => a['id'])).toEqual([id]);
        const clientList = itemsOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}/attachments`, undefined, { token: pro }),
        );
        expect(clientList).toEqual([]);
        const download = await server.request(
          'GET',
          `/api/v1/tickets/${ticket.id}/attachments/${id}`,
          undefined,
          { token: pro },
        );
        expect(download.status).toBe(404);
        expect((await events(ticket.id, pro)).map((e) => e['type'])).toEqual(['created']);
        const fromClient = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/attachments`,
          {
            filename: 'x.txt',
            contentType: 'text/plain',
            contentBase64: Buffer.from('x').toString('base64'),
            visibility: 'internal',
          },
          { token: pro },
        );
        expect(fromClient.status).toBe(403);
      });

      it('tags: hidden from clients, and a client cannot filter by them', async () => {
        const ticket = ticketOf(await open(pro));
        await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: ticket.version, tags: ['vip-angry'] },
          { token: agent },
        );
        expect((await get(ticket.id)).tags).toEqual(['vip-angry']);
        expect((await get(ticket.id, pro)).tags).toEqual([]);
        const filtered = await server.request('GET', '/api/v1/tickets?tag=vip-angry', undefined, {
          token: pro,
        });
        expect(filtered.status).toBe(403);
      });

      it('history: a client’s entries are numbered without the gaps of staff-only ones', async () => {
        const ticket = ticketOf(await open(pro));
        await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'internal', visibility: 'internal' },
          { token: agent },
        );
        await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'hello' },
          { token: agent },
        );
        const staff = (await events(ticket.id)).map((e) => e['seq']);
        const client = (await events(ticket.id, pro)).map((e) => e['seq']);
        expect(staff).toEqual([1, 2, 3, 4]);
        expect(client).toEqual([1, 2, 3]);
      });
    });

    describe('the queue is ordered as each policy says', () => {
      const queueIds = async (token: string, workspace: string) =>
        itemsOf(await server.request('GET', '/api/v1/queue?limit=200', undefined, { token, workspace })).map(
          (t) => t['id'],
        );

      it('consulting-sa (one queue, by priority): P1 before P2 before P3, then by due instant', async () => {
        const client = await server.login('cclient@acme.test');
        const cagent = await server.login('cagent@acme.test');
        const opened: Record<string, string> = {};
        // Opened P3, P2, P1, P2 (a minute apart): arrival order is not the queue order.
        for (const [name, priority] of [
          ['p3', 'P3'],
          ['p2a', 'P2'],
          ['p1', 'P1'],
          ['p2b', 'P2'],
        ] as const) {
          server.clock.advance(60_000);
          const res = await server.request(
            'POST',
            '/api/v1/tickets',
            { subject: name, description: '', priority, category: 'hosting', channel: 'ticket' },
            { token: client, workspace: 'consulting-sa' },
          );
          opened[name] = ticketOf(res).id;
        }
        const queue = (await queueIds(cagent, 'consulting-sa')).filter((id) =>
          Object.values(opened).includes(String(id)),
        );
        expect(queue).toEqual([opened['p1'], opened['p2a'], opened['p2b'], opened['p3']]);
      });

      it('hosting-be: the priority queue (Pro) ahead of the standard queue, which is in arrival order', async () => {
        const start = await server.login('start@acme.test');
        const ids: string[] = [];
        for (const [token, priority] of [
          [start, 'P1'],
          [pro, 'P3'],
          [start, 'P2'],
          [pro, 'P2'],
        ] as const) {
          server.clock.advance(60_000);
          ids.push(ticketOf(await open(token, { priority })).id);
        }
        const queue = (await queueIds(agent, 'hosting-be')).filter((id) => ids.includes(String(id)));
        // Pro's P2 is in the priority queue; Pro's P3 is on the standard schedule, after Start's two by arrival.
        expect(queue).toEqual([ids[3], ids[0], ids[1], ids[2]]);
      });
    });

    describe('a new ticket is written whole and answered from what was written', () => {
      it('the answer to the creation is the ticket as a read finds it, for the client and for staff', async () => {
        server.clock.set(T0_MS + HOUR_MS);
        const byClient = await open(pro, { priority: 'P2' });
        expect(byClient.status).toBe(201);
        const clientView = ticketOf(byClient);
        expect(await get(clientView.id, pro)).toEqual(clientView);

        const byAgent = await open(agent, {
          organizationId: server.fixture.hosting.pro,
          tags: ['Billing', 'dns'],
        });
        expect(byAgent.status).toBe(201);
        const staffView = ticketOf(byAgent);
        expect(staffView['tags']).toEqual(['billing', 'dns']);
        expect(await get(staffView.id)).toEqual(staffView);
        // The same ticket as its client reads it: no staff tags.
        expect((await get(staffView.id, pro))['tags']).toEqual([]);

        // Letters a database collation orders otherwise than code units (SQLite's bytes; a PostgreSQL locale).
        const rare = ticketOf(
          await open(agent, {
            organizationId: server.fixture.hosting.pro,
            tags: ['ａ', '𝐀', 'échéance', 'ed'],
          }),
        );
        expect(rare['tags']).toEqual(['ed', 'échéance', '𝐀', 'ａ']);
        expect((await get(rare.id))['tags']).toEqual(rare['tags']);
      });

      it('its queue place, next due instant, clocks and jobs are stored by the creation itself', async () => {
        server.clock.set(T0_MS + HOUR_MS);
        const ticket = ticketOf(await open(pro, { priority: 'P1' }));
        const db = server.services.db;
        const row = await db
          .selectFrom('tickets')
          .select(['queue_key', 'next_due_at'])
          .where('id', '=', ticket.id)
          .executeTakeFirstOrThrow();
        expect(row.queue_key).not.toBe('');
        const intervention = clockOf(ticket, 'intervention');
        expect(Number(row.next_due_at)).toBe(Date.parse(String(intervention['dueAt'])));
        const clocks = await db
          .selectFrom('ticket_sla')
          .select('metric')
          .where('ticket_id', '=', ticket.id)
          .execute();
        expect(clocks.map((c) => c.metric).sort()).toEqual(
          (ticket['sla'] as { metric: string }[]).map((c) => c.metric).sort(),
        );
        const jobs = await db
          .selectFrom('jobs')
          .select(['kind', 'state', 'due_at'])
          .where('subject_id', '=', ticket.id)
          .execute();
        // Warnings and a breach per running clock, all pending; the GTI's breach is the first instant past its due.
        expect(jobs.filter((j) => j.kind === 'sla-warning').length).toBeGreaterThan(0);
        expect(jobs.every((j) => j.state === 'pending')).toBe(true);
        expect(jobs.filter((j) => j.kind === 'sla-breach').map((j) => Number(j.due_at))).toContain(
          Date.parse(String(intervention['dueAt'])) + 1,
        );
      });
    });

    describe('a refused calendar edit leaves nothing behind', () => {
      it('a calendar never open is refused; the stored one and the tickets on it are untouched', async () => {
        const before = await server.request('GET', '/api/v1/calendars/sur-mesure-org-hours', undefined, {
          token: admin,
          workspace: 'hosting-be',
        });
        expect(before.status).toBe(200);
        const closedWeek = {
          timeZone: 'Europe/Brussels',
          week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
        };
        const refused = await server.request(
          'PUT',
          '/api/v1/calendars/sur-mesure-org-hours',
          { name: 'Never', spec: closedWeek },
          { token: admin, workspace: 'hosting-be' },
        );
        expect(refused.status).toBe(422);
        expect(errorOf(refused).code).toBe('INVALID_CALENDAR');
        const after = await server.request('GET', '/api/v1/calendars/sur-mesure-org-hours', undefined, {
          token: admin,
          workspace: 'hosting-be',
        });
        expect(after.body).toEqual(before.body);
      });
    });
  });
}
