import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  clockOf,
  errorOf,
  itemsOf,
  objectOf,
  startTestServer,
  T0_MS,
  ticketOf,
  ticketsOf,
  type TestServer,
} from './server-harness.ts';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'ticket life cycles', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(dialect);
    });
    afterAll(async () => {
      await server?.close();
    });

    describe('hosting-be: Pro P1 with the intervention clock (GTI)', () => {
      it('runs from creation, stops when the analysis starts (with the first reply), pauses nothing it should not, and closes', async () => {
        server.clock.set(T0_MS);
        const client = await server.login('pro@acme.test');
        const agent = await server.login('agent@acme.test');
        const created = await server.request(
          'POST',
          '/api/v1/tickets',
          {
            subject: 'Shop down',
            description: 'HTTP 500 on checkout',
            priority: 'P1',
            category: 'hosting',
            channel: 'ticket',
          },
          { token: client },
        );
        expect(created.status).toBe(201);
        let ticket = ticketOf(created);
        expect(created.headers.get('etag')).toBe(`"${ticket.version}"`);
        expect(created.headers.get('location')).toBe(`/api/v1/tickets/${ticket.id}`);
        expect(ticket).toMatchObject({
          status: 'new',
          plan: 'pro',
          queue: 'priority',
          billingMode: 'none',
          organizationId: server.fixture.hosting.pro,
        });
        // Monday 09:00 Brussels + 4 business hours = 13:00 Brussels (12:00 UTC).
        expect(clockOf(ticket, 'intervention')).toMatchObject({
          state: 'running',
          dueAt: '2026-03-02T12:00:00.000Z',
          remainingSeconds: 4 * 3600,
        });

        server.clock.advance(HOUR_MS);
        ticket = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(clockOf(ticket, 'intervention')).toMatchObject({
          state: 'running',
          remainingSeconds: 3 * 3600,
        });

        // An internal note is not an answer to the client: the clock keeps running.
        const note = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'checking the load balancer', visibility: 'internal' },
          { token: agent },
        );
        expect(note.status).toBe(201);
        ticket = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(clockOf(ticket, 'intervention').state).toBe('running');
        expect(ticket.status).toBe('new');

        server.clock.advance(30 * MINUTE_MS);
        const reply = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          // The GTI stops at « le début de son analyse », not at a reply: this reply starts the analysis.
          { body: 'We are on it.', startAnalysis: true },
          { token: agent },
        );
        expect(reply.status).toBe(201);
        ticket = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: client }),
        );
        expect(ticket.status).toBe('open');
        expect(clockOf(ticket, 'intervention')).toMatchObject({
          state: 'met',
          stoppedAt: '2026-03-02T09:30:00.000Z',
        });

        // The client sees the public reply, not the internal note, in comments and in the history.
        const comments = itemsOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}/comments`, undefined, { token: client }),
        );
        expect(comments.map((c) => c['visibility'])).toEqual(['public']);
        const clientEvents = itemsOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}/events`, undefined, { token: client }),
        ).map((e) => e['type']);
        expect(clientEvents).not.toContain('internal-note-added');
        const staffEvents = itemsOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}/events`, undefined, { token: agent }),
        );
        expect(staffEvents.map((e) => e['type'])).toEqual([
          'created',
          'internal-note-added',
          'agent-replied',
          'analysis-started',
          'status-changed',
        ]);
        expect(staffEvents.map((e) => e['seq'])).toEqual([1, 2, 3, 4, 5]);

        // Waiting on the customer, then the customer answers: back to open.
        let patched = await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: ticket.version, status: 'pending-customer' },
          { token: agent },
        );
        ticket = ticketOf(patched);
        expect(ticket.status).toBe('pending-customer');
        server.clock.advance(HOUR_MS);
        await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'Here are the logs.' },
          { token: client },
        );
        ticket = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(ticket.status).toBe('open');

        patched = await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { status: 'resolved' },
          { token: agent, headers: { 'if-match': `"${ticket.version}"` } },
        );
        ticket = ticketOf(patched);
        expect(ticket.status).toBe('resolved');
        // A client cannot edit fields, only reopen or close.
        const edit = await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: ticket.version, priority: 'P3' },
          { token: client },
        );
        expect(edit.status).toBe(403);
        ticket = ticketOf(
          await server.request(
            'PATCH',
            `/api/v1/tickets/${ticket.id}`,
            { version: ticket.version, status: 'closed' },
            { token: client },
          ),
        );
        expect(ticket.status).toBe('closed');
        const reopen = await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: ticket.version, status: 'open' },
          { token: agent },
        );
        expect(reopen.status).toBe(422);
        expect(errorOf(reopen).code).toBe('INVALID_TRANSITION');
        const late = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'one more thing' },
          { token: client },
        );
        expect(errorOf(late).code).toBe('INVALID_TRANSITION');
      });

      it('"analysis started" stops the GTI without a reply; an unanswered ticket breaches and is found by breachingBefore', async () => {
        server.clock.set(T0_MS + 10 * MINUTE_MS);
        const client = await server.login('pro@acme.test');
        const agent = await server.login('agent@acme.test');
        const analysed = ticketOf(
          await server.request(
            'POST',
            '/api/v1/tickets',
            { subject: 'DNS', priority: 'P1', category: 'hosting', channel: 'ticket' },
            { token: client },
          ),
        );
        const ignored = ticketOf(
          await server.request(
            'POST',
            '/api/v1/tickets',
            { subject: 'Disk full', priority: 'P1', category: 'hosting', channel: 'email' },
            { token: client },
          ),
        );
        server.clock.advance(20 * MINUTE_MS);
        const started = ticketOf(
          await server.request('POST', `/api/v1/tickets/${analysed.id}/analysis`, undefined, {
            token: agent,
          }),
        );
        expect(clockOf(started, 'intervention')).toMatchObject({
          state: 'met',
          stoppedAt: '2026-03-02T08:30:00.000Z',
        });
        expect(started.status).toBe('open');
        const forbidden = await server.request('POST', `/api/v1/tickets/${analysed.id}/analysis`, undefined, {
          token: client,
        });
        expect(forbidden.status).toBe(403);

        const dueSoon = ticketsOf(
          await server.request(
            'GET',
            `/api/v1/tickets?breachingBefore=${encodeURIComponent('2026-03-02T12:30:00Z')}&limit=100`,
            undefined,
            { token: agent },
          ),
        );
        expect(dueSoon.items.map((t) => t.id)).toContain(ignored.id);
        expect(dueSoon.items.map((t) => t.id)).not.toContain(analysed.id);
        const notYet = ticketsOf(
          await server.request(
            'GET',
            `/api/v1/tickets?breachingBefore=${encodeURIComponent('2026-03-02T11:00:00Z')}&limit=100`,
            undefined,
            { token: agent },
          ),
        );
        expect(notYet.items.map((t) => t.id)).not.toContain(ignored.id);

        server.clock.set(Date.parse('2026-03-02T13:00:00Z'));
        const breached = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ignored.id}`, undefined, { token: client }),
        );
        const gti = clockOf(breached, 'intervention');
        expect(gti.state).toBe('breached');
        expect(gti.breachedAt).toBe('2026-03-02T12:10:00.000Z');
        expect(gti.remainingSeconds).toBeLessThan(0);
      });
    });

    describe('consulting-sa: P2 with first response and resolution', () => {
      it('first response stops on the agent reply; resolution pauses while pending and meets on resolve', async () => {
        server.clock.set(T0_MS);
        const client = await server.login('cclient@acme.test');
        // Consultants are supported, not staff: the consulting workspace's agent answers.
        const agent = await server.login('cagent@acme.test');
        let ticket = ticketOf(
          await server.request(
            'POST',
            '/api/v1/tickets',
            { subject: 'Requests not delivered', priority: 'P2', category: 'application', channel: 'ticket' },
            { token: client },
          ),
        );
        expect(ticket.billingMode).toBe('none');
        // Monday 11:00 Riyadh: +4 business hours = 15:00 Riyadh; +1 business day (9 h) = Tuesday 11:00 Riyadh.
        expect(clockOf(ticket, 'firstResponse')).toMatchObject({
          state: 'running',
          dueAt: '2026-03-02T12:00:00.000Z',
        });
        expect(clockOf(ticket, 'resolution')).toMatchObject({
          state: 'running',
          dueAt: '2026-03-03T08:00:00.000Z',
        });

        server.clock.advance(2 * HOUR_MS);
        await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'Looking at the mail queue.' },
          { token: agent },
        );
        ticket = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: client }),
        );
        expect(clockOf(ticket, 'firstResponse').state).toBe('met');
        expect(clockOf(ticket, 'resolution').state).toBe('running');

        ticket = ticketOf(
          await server.request(
            'PATCH',
            `/api/v1/tickets/${ticket.id}`,
            { version: ticket.version, status: 'pending-customer' },
            { token: agent },
          ),
        );
        expect(clockOf(ticket, 'resolution').state).toBe('paused');
        // Three hours waiting on the customer do not count.
        server.clock.advance(3 * HOUR_MS);
        await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'Done, please check.' },
          { token: client },
        );
        ticket = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(ticket.status).toBe('open');
        const resolution = clockOf(ticket, 'resolution');
        expect(resolution.state).toBe('running');
        // Paused 13:00–16:00 Riyadh: the due instant moves by those three business hours, to Tuesday 14:00 Riyadh.
        expect(resolution.dueAt).toBe('2026-03-03T11:00:00.000Z');

        ticket = ticketOf(
          await server.request(
            'PATCH',
            `/api/v1/tickets/${ticket.id}`,
            { version: ticket.version, status: 'resolved' },
            { token: agent },
          ),
        );
        expect(clockOf(ticket, 'resolution').state).toBe('met');
      });
    });

    describe('entitlements', () => {
      it('shows each workspace’s priorities with their guidance', async () => {
        const hosting = itemsOf(
          await server.request('GET', '/api/v1/priorities', undefined, {
            token: await server.login('start@acme.test'),
          }),
        );
        expect(hosting.map((p) => p['id'])).toEqual(['P1', 'P2', 'P3']);
        expect(hosting[0]).toMatchObject({ blocking: true });
        const consulting = itemsOf(
          await server.request('GET', '/api/v1/priorities', undefined, {
            token: await server.login('cclient@acme.test'),
          }),
        );
        expect(consulting.map((p) => p['id'])).toEqual(['P1', 'P2', 'P3', 'P4']);
        // The Saudi platform's readers get the agreement's guidance in Arabic too; the hosting preset has none.
        expect(consulting[0]).toMatchObject({
          label: { ar: 'حرجة' },
          description: { ar: 'توقف المنصة بالكامل أو فشل الدفع.' },
        });
        expect((hosting[0]?.['label'] as Record<string, unknown>)['ar']).toBeUndefined();
      });

      it('refuses a Start client opening by phone, naming the allowed channels', async () => {
        server.clock.set(T0_MS);
        const start = await server.login('start@acme.test');
        const res = await server.request(
          'POST',
          '/api/v1/tickets',
          { subject: 'Call me', priority: 'P1', category: 'hosting', channel: 'phone' },
          { token: start },
        );
        expect(res.status).toBe(422);
        const error = errorOf(res);
        expect(error.code).toBe('CHANNEL_NOT_ALLOWED');
        expect(error.details).toMatchObject({ reason: 'CHANNEL_NOT_IN_PLAN', allowedChannels: ['ticket'] });
        expect(error.message).toContain('ticket');
        const none = ticketsOf(await server.request('GET', '/api/v1/tickets', undefined, { token: start }));
        expect(none.items).toEqual([]);
      });

      it('lets a Pro client phone a P1 in business hours only, and not for a P2', async () => {
        const pro = await server.login('pro@acme.test');
        server.clock.set(T0_MS);
        const ok = await server.request(
          'POST',
          '/api/v1/tickets',
          { subject: 'Down', priority: 'P1', category: 'hosting', channel: 'phone' },
          { token: pro },
        );
        expect(ok.status).toBe(201);
        const p2 = await server.request(
          'POST',
          '/api/v1/tickets',
          { subject: 'Slow', priority: 'P2', category: 'hosting', channel: 'phone' },
          { token: pro },
        );
        expect(errorOf(p2)).toMatchObject({
          code: 'CHANNEL_NOT_ALLOWED',
          details: { reason: 'CHANNEL_PRIORITY_NOT_ALLOWED' },
        });
        server.clock.set(Date.parse('2026-03-07T10:00:00Z')); // Saturday
        const weekend = await server.request(
          'POST',
          '/api/v1/tickets',
          { subject: 'Down', priority: 'P1', category: 'hosting', channel: 'phone' },
          { token: pro },
        );
        expect(errorOf(weekend)).toMatchObject({
          code: 'CHANNEL_NOT_ALLOWED',
          details: { reason: 'CHANNEL_CLOSED_NOW' },
        });
        server.clock.set(T0_MS);
      });
    });

    describe('queues', () => {
      it('serves priority contracts by due instant before the standard queue, which is FIFO from the next business day', async () => {
        // A fresh workspace state would be cleaner; instead only the tickets created here are compared.
        server.clock.set(Date.parse('2026-03-02T09:00:00Z'));
        const ids: Record<string, string> = {};
        const open = async (email: string, key: string, priority: string) => {
          const token = await server.login(email);
          ids[key] = ticketOf(
            await server.request(
              'POST',
              '/api/v1/tickets',
              { subject: key, priority, category: 'hosting', channel: 'ticket' },
              { token },
            ),
          ).id;
          server.clock.advance(MINUTE_MS);
        };
        await open('start@acme.test', 'start-first', 'P1');
        await open('classique@acme.test', 'classique-second', 'P2');
        await open('pro@acme.test', 'pro-p1', 'P1');
        await open('pro@acme.test', 'pro-p2', 'P2');
        const agent = await server.login('agent@acme.test');
        const queue = ticketsOf(
          await server.request('GET', '/api/v1/queue?limit=200', undefined, { token: agent }),
        );
        const order = queue.items.map((t) => t.id).filter((id) => Object.values(ids).includes(id));
        expect(order).toEqual([ids['pro-p1'], ids['pro-p2'], ids['start-first'], ids['classique-second']]);
        const start = queue.items.find((t) => t.id === ids['start-first']);
        // Reported Monday 10:00 Brussels: handled from Tuesday 08:30 Brussels.
        expect(start?.handleFrom).toBe('2026-03-03T07:30:00.000Z');
        const client = await server.login('pro@acme.test');
        expect((await server.request('GET', '/api/v1/queue', undefined, { token: client })).status).toBe(403);
      });
    });

    describe('billing of out-of-scope work', () => {
      it('needs an accepted quote, or time-and-materials, before billable time; exports CSV at the contract rate', async () => {
        server.clock.set(T0_MS);
        const client = await server.login('app@acme.test');
        const agent = await server.login('agent@acme.test');
        const ticket = ticketOf(
          await server.request(
            'POST',
            '/api/v1/tickets',
            { subject: 'Plugin broke', priority: 'P3', category: 'application', channel: 'ticket' },
            { token: client },
          ),
        );
        expect(ticket.billingMode).toBe('quote');
        const early = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/time-entries`,
          { minutes: 30, workDate: '2026-03-02' },
          { token: agent },
        );
        expect(errorOf(early).code).toBe('QUOTE_REQUIRED');

        const quote = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/quotes`,
          { amountCents: 30000, currency: 'EUR', description: 'Fix the plugin' },
          { token: agent },
        );
        expect(quote.status).toBe(201);
        const quoteId = String(objectOf(quote)['id']);
        const agentAccepts = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/quotes/${quoteId}/decision`,
          { decision: 'accepted' },
          { token: agent },
        );
        expect(agentAccepts.status).toBe(403);
        const accepted = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/quotes/${quoteId}/decision`,
          { decision: 'accepted' },
          { token: client },
        );
        expect(objectOf(accepted)['status']).toBe('accepted');
        const again = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/quotes/${quoteId}/decision`,
          { decision: 'rejected' },
          { token: client },
        );
        expect(errorOf(again).code).toBe('QUOTE_NOT_PENDING');

        const entry = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/time-entries`,
          { minutes: 90, workDate: '2026-03-02', note: 'plugin rollback' },
          { token: agent },
        );
        expect(entry.status).toBe(201);
        expect(objectOf(entry)).toMatchObject({
          billable: true,
          rateCents: 12000,
          currency: 'EUR',
          amountCents: 18000,
        });

        const tm = ticketOf(
          await server.request(
            'POST',
            '/api/v1/tickets',
            { subject: 'Theme bug', priority: 'P3', category: 'application', channel: 'ticket' },
            { token: client },
          ),
        );
        const chosen = ticketOf(
          await server.request('POST', `/api/v1/tickets/${tm.id}/billing/time-and-materials`, undefined, {
            token: client,
          }),
        );
        expect(chosen.billingMode).toBe('time-and-materials');
        expect(
          (
            await server.request(
              'POST',
              `/api/v1/tickets/${tm.id}/time-entries`,
              { minutes: 15, workDate: '2026-03-03', note: '=cmd' },
              { token: agent },
            )
          ).status,
        ).toBe(201);

        const hosting = ticketOf(
          await server.request(
            'POST',
            '/api/v1/tickets',
            { subject: 'Server down', priority: 'P1', category: 'hosting', channel: 'ticket' },
            { token: client },
          ),
        );
        const covered = await server.request(
          'POST',
          `/api/v1/tickets/${hosting.id}/time-entries`,
          { minutes: 15, workDate: '2026-03-02', billable: true },
          { token: agent },
        );
        expect(errorOf(covered).code).toBe('NOT_BILLABLE');
        expect(
          (
            await server.request(
              'POST',
              `/api/v1/tickets/${hosting.id}/time-entries`,
              { minutes: 15, workDate: '2026-03-02' },
              { token: agent },
            )
          ).status,
        ).toBe(201);

        const csv = await server.request(
          'GET',
          `/api/v1/time-entries.csv?organizationId=${server.fixture.hosting.app}`,
          undefined,
          { token: agent },
        );
        expect(csv.status).toBe(200);
        expect(csv.headers.get('content-type')).toContain('text/csv');
        const lines = csv.text.trim().split('\r\n');
        expect(lines[0]).toBe(
          'date,organization,ticket,user,minutes,billable,rate_cents,currency,amount_cents,note',
        );
        expect(lines).toHaveLength(4);
        expect(lines[1]).toBe(
          `"2026-03-02","App Shop","${ticket.id}","${String(objectOf(entry)['userId'])}","90","yes","12000","EUR","18000","plugin rollback"`,
        );
        // A note starting with "=" cannot become a spreadsheet formula.
        expect(csv.text).toContain(`"'=cmd"`);
        // The client sees their own organization's entries only.
        const otherClient = await server.login('pro@acme.test');
        expect(
          itemsOf(await server.request('GET', '/api/v1/time-entries', undefined, { token: otherClient })),
        ).toEqual([]);
      });
    });
  });
}
