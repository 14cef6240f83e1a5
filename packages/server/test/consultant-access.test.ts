import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  errorOf,
  itemsOf,
  objectOf,
  PASSWORD,
  startTestServer,
  ticketOf,
  ticketsOf,
  type TestServer,
} from './server-harness.ts';

/** Consultants are supported, not staff: "Fournir une assistance technique aux clients et aux consultants". */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'consultants are supported, not staff', () => {
    let server: TestServer;
    let admin: string;
    let agent: string;
    let client: string;
    let consultantA: string;
    let consultantB: string;
    let consultantsOrg: string;
    let clientTicket: string;
    const ws = 'consulting-sa';
    const newTicket = (subject: string) => ({
      subject,
      description: 'It does not work.',
      priority: 'P3',
      category: 'application',
      channel: 'ticket',
    });

    beforeAll(async () => {
      server = await startTestServer(dialect);
      admin = await server.login('admin@acme.test');
      agent = await server.login('cagent@acme.test');
      client = await server.login('cclient@acme.test');
      const org = await server.request(
        'POST',
        '/api/v1/organizations',
        { name: 'Consultants', contract: { plan: 'standard', currency: 'SAR' } },
        { token: admin, workspace: ws },
      );
      consultantsOrg = String(objectOf(org)['id']);
      for (const email of ['a.consultant@acme.test', 'b.consultant@acme.test']) {
        const created = await server.request(
          'POST',
          '/api/v1/users',
          { email, name: email, password: PASSWORD, role: 'consultant', organizationId: consultantsOrg },
          { token: admin, workspace: ws },
        );
        expect(created.status).toBe(201);
      }
      consultantA = await server.login('a.consultant@acme.test');
      consultantB = await server.login('b.consultant@acme.test');
      clientTicket = ticketOf(
        await server.request('POST', '/api/v1/tickets', newTicket('Client problem'), { token: client }),
      ).id;
    });
    afterAll(async () => {
      await server?.close();
    });

    it('opens a ticket like a client, for their organization, and reads it', async () => {
      const meA = String(
        objectOf(await server.request('GET', '/api/v1/me', undefined, { token: consultantA }))['id'],
      );
      const opened = ticketOf(
        await server.request('POST', '/api/v1/tickets', newTicket('Cannot save availability'), {
          token: consultantA,
        }),
      );
      expect(opened).toMatchObject({ organizationId: consultantsOrg, requesterId: meA });
      const read = ticketOf(
        await server.request('GET', `/api/v1/tickets/${opened.id}`, undefined, { token: consultantA }),
      );
      expect(read.id).toBe(opened.id);
      const elsewhere = await server.request(
        'POST',
        '/api/v1/tickets',
        { ...newTicket('For someone else'), organizationId: server.fixture.consulting.org },
        { token: consultantA },
      );
      expect(elsewhere.status).toBe(403);
    });

    it('refuses a ticket from a consultant with no organization, with a clear error', async () => {
      const orphan = await server.login('consultant@acme.test');
      const res = await server.request('POST', '/api/v1/tickets', newTicket('No org'), { token: orphan });
      expect(res.status).toBe(403);
      expect(errorOf(res).message).toMatch(/organization/);
    });

    it('sees only the tickets they requested: not the client’s, not another consultant’s (404)', async () => {
      const ownA = ticketOf(
        await server.request('POST', '/api/v1/tickets', newTicket('A only'), { token: consultantA }),
      );
      const ownB = ticketOf(
        await server.request('POST', '/api/v1/tickets', newTicket('B only'), { token: consultantB }),
      );
      for (const id of [clientTicket, ownB.id]) {
        const res = await server.request('GET', `/api/v1/tickets/${id}`, undefined, { token: consultantA });
        expect({ id, status: res.status }).toEqual({ id, status: 404 });
        const comments = await server.request('GET', `/api/v1/tickets/${id}/comments`, undefined, {
          token: consultantA,
        });
        expect(comments.status).toBe(404);
      }
      const listed = ticketsOf(
        await server.request('GET', '/api/v1/tickets', undefined, { token: consultantA }),
      );
      expect(listed.items.map((t) => t.id)).toContain(ownA.id);
      expect(listed.items.map((t) => t.id)).not.toContain(ownB.id);
      expect(listed.items.map((t) => t.id)).not.toContain(clientTicket);
      const byOrg = ticketsOf(
        await server.request(
          'GET',
          `/api/v1/tickets?organizationId=${server.fixture.consulting.org}`,
          undefined,
          {
            token: consultantA,
          },
        ),
      );
      expect(byOrg.items).toEqual([]);
      const queue = await server.request('GET', '/api/v1/queue', undefined, { token: consultantA });
      expect(queue.status).toBe(403);
      // Organizations: their own only.
      const orgs = itemsOf(
        await server.request('GET', '/api/v1/organizations', undefined, { token: consultantA }),
      );
      expect(orgs.map((o) => o['id'])).toEqual([consultantsOrg]);
      const other = await server.request(
        'GET',
        `/api/v1/organizations/${server.fixture.consulting.org}`,
        undefined,
        { token: consultantA },
      );
      expect(other.status).toBe(404);
    });

    it('never sees internal notes, staff-only events, time entries or the user list', async () => {
      const own = ticketOf(
        await server.request('POST', '/api/v1/tickets', newTicket('Notes test'), { token: consultantA }),
      );
      const note = await server.request(
        'POST',
        `/api/v1/tickets/${own.id}/comments`,
        { body: 'internal: consultant seems confused', visibility: 'internal' },
        { token: agent },
      );
      expect(note.status).toBe(201);
      const reply = await server.request(
        'POST',
        `/api/v1/tickets/${own.id}/comments`,
        { body: 'We are on it.' },
        { token: agent },
      );
      expect(reply.status).toBe(201);
      const logged = await server.request(
        'POST',
        `/api/v1/tickets/${own.id}/time-entries`,
        { minutes: 30, workDate: '2026-03-02', note: 'looked at logs' },
        { token: agent },
      );
      expect(logged.status).toBe(201);

      const comments = itemsOf(
        await server.request('GET', `/api/v1/tickets/${own.id}/comments`, undefined, { token: consultantA }),
      );
      expect(comments.map((c) => c['body'])).toEqual(['We are on it.']);
      const staffEvents = itemsOf(
        await server.request('GET', `/api/v1/tickets/${own.id}/events`, undefined, { token: agent }),
      ).map((e) => e['type']);
      expect(staffEvents).toEqual(expect.arrayContaining(['internal-note-added', 'time-logged']));
      const events = itemsOf(
        await server.request('GET', `/api/v1/tickets/${own.id}/events`, undefined, { token: consultantA }),
      ).map((e) => e['type']);
      expect(events).not.toContain('internal-note-added');
      expect(events).not.toContain('time-logged');
      expect(events.length).toBeLessThan(staffEvents.length);

      const internal = await server.request(
        'POST',
        `/api/v1/tickets/${own.id}/comments`,
        { body: 'sneaky', visibility: 'internal' },
        { token: consultantA },
      );
      expect(internal.status).toBe(403);
      for (const path of [
        `/api/v1/time-entries?ticketId=${own.id}`,
        '/api/v1/time-entries',
        '/api/v1/time-entries.csv',
        '/api/v1/users',
        '/api/v1/calendars',
        '/api/v1/tags',
      ]) {
        const res = await server.request('GET', path, undefined, { token: consultantA });
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
      }
      const agentId = String(
        objectOf(await server.request('GET', '/api/v1/me', undefined, { token: agent }))['id'],
      );
      const user = await server.request('GET', `/api/v1/users/${agentId}`, undefined, { token: consultantA });
      expect(user.status).toBe(404);
      const logTime = await server.request(
        'POST',
        `/api/v1/tickets/${own.id}/time-entries`,
        { minutes: 10, workDate: '2026-03-02' },
        { token: consultantA },
      );
      expect(logTime.status).toBe(403);
    });

    it('changes their ticket only as a requester, and is not assignable', async () => {
      const own = ticketOf(
        await server.request('POST', '/api/v1/tickets', newTicket('Workflow test'), { token: consultantA }),
      );
      const resolve = await server.request(
        'PATCH',
        `/api/v1/tickets/${own.id}`,
        { version: own.version, status: 'resolved' },
        { token: consultantA },
      );
      expect(resolve.status).toBeGreaterThanOrEqual(400);
      expect(resolve.status).toBeLessThan(500);
      const priority = await server.request(
        'PATCH',
        `/api/v1/tickets/${own.id}`,
        { version: own.version, priority: 'P1' },
        { token: consultantA },
      );
      expect(priority.status).toBe(403);
      const meA = String(
        objectOf(await server.request('GET', '/api/v1/me', undefined, { token: consultantA }))['id'],
      );
      const assign = await server.request(
        'PATCH',
        `/api/v1/tickets/${own.id}`,
        { version: own.version, assigneeId: meA },
        { token: agent },
      );
      expect(assign.status).toBe(422);
      const after = ticketOf(
        await server.request('GET', `/api/v1/tickets/${own.id}`, undefined, { token: consultantA }),
      );
      expect(after).toMatchObject({
        version: own.version,
        status: own.status,
        priority: 'P3',
        assigneeId: null,
      });
    });
  });
}
