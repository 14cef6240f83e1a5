import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pinMigration from '../src/db/migrations/202611231500_ticket_extended_calendar.ts';
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
const DAY_MS = 24 * HOUR_MS;

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Review findings F3, F4, F6, F10, F11 (ticket domain): each failed before its fix. */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'ticket views, lists and races', () => {
    let server: TestServer;
    let agent: string;
    let pro: string;
    beforeAll(async () => {
      server = await startTestServer(dialect);
      agent = await server.login('agent@acme.test');
      pro = await server.login('pro@acme.test');
    });
    afterAll(async () => {
      await server?.close();
    });

    async function open(token: string, priority: string, body: Record<string, unknown> = {}) {
      const res = await server.request(
        'POST',
        '/api/v1/tickets',
        {
          subject: `${priority} ticket`,
          description: 'regression',
          priority,
          category: 'hosting',
          channel: 'ticket',
          ...body,
        },
        { token },
      );
      return ticketOf(res);
    }

    /**
     * Runs `between` once, after a change has read the ticket but before its transaction: the window in which a
     * concurrent PATCH commits on PostgreSQL (F4). The change reads the policy context in that window.
     */
    function interleave(between: () => Promise<void>): void {
      const sla = server.services.sla;
      const original = sla.policyContext.bind(sla);
      let pending = true;
      sla.policyContext = async (...args) => {
        if (pending) {
          pending = false;
          sla.policyContext = original;
          await between();
        }
        return original(...args);
      };
    }

    describe('a breached clock still counts in the views meant to surface it', () => {
      it('keeps a breached ticket first in the queue, in breachingBefore and in sort=dueAt after a change', async () => {
        const base = T0_MS + 7 * DAY_MS; // Monday 9 March 2026, 09:00 Brussels
        server.clock.set(base);
        const late = await open(pro, 'P1'); // intervention due 12:00Z
        server.clock.set(base + 3 * HOUR_MS);
        const fresh = await open(pro, 'P1'); // due 15:00Z
        server.clock.set(base + 4.5 * HOUR_MS);
        const note = await server.request(
          'POST',
          `/api/v1/tickets/${late.id}/comments`,
          { body: 'still looking', visibility: 'internal' },
          { token: agent },
        );
        expect(note.status).toBe(201);
        const reread = ticketOf(
          await server.request('GET', `/api/v1/tickets/${late.id}`, undefined, { token: agent }),
        );
        expect(clockOf(reread, 'intervention').state).toBe('breached');

        const queue = itemsOf(
          await server.request('GET', '/api/v1/queue?limit=100', undefined, { token: agent }),
        );
        const queueIds = queue.map((t) => t['id']);
        expect(queueIds.indexOf(late.id)).toBeGreaterThanOrEqual(0);
        expect(queueIds.indexOf(late.id)).toBeLessThan(queueIds.indexOf(fresh.id));

        const before = new Date(base + 4.5 * HOUR_MS).toISOString();
        const breaching = ticketsOf(
          await server.request(
            'GET',
            `/api/v1/tickets?breachingBefore=${encodeURIComponent(before)}&limit=100`,
            undefined,
            { token: agent },
          ),
        ).items.map((t) => t.id);
        expect(breaching).toContain(late.id);
        expect(breaching).not.toContain(fresh.id);

        const byDue = ticketsOf(
          await server.request(
            'GET',
            `/api/v1/tickets?sort=dueAt&organizationId=${server.fixture.hosting.pro}&limit=100`,
            undefined,
            { token: agent },
          ),
        ).items.map((t) => t.id);
        expect(byDue.indexOf(late.id)).toBeGreaterThanOrEqual(0);
        expect(byDue.indexOf(late.id)).toBeLessThan(byDue.indexOf(fresh.id));
      });
    });

    describe('comments and analysis derive the status from the row inside their transaction', () => {
      async function resolve(id: string, version: number) {
        const res = await server.request(
          'PATCH',
          `/api/v1/tickets/${id}`,
          { version, status: 'resolved' },
          { token: agent },
        );
        expect(res.status).toBe(200);
        return ticketOf(res);
      }
      async function statusEvents(id: string) {
        const events = itemsOf(
          await server.request('GET', `/api/v1/tickets/${id}/events`, undefined, { token: agent }),
        );
        return events
          .filter((e) => e['type'] === 'status-changed')
          .map((e) => e['data'] as { status: string; from: string });
      }
      function expectChained(changes: { status: string; from: string }[]) {
        let current = 'new';
        for (const change of changes) {
          expect(change.from).toBe(current);
          current = change.status;
        }
        return current;
      }

      it('an agent reply racing a resolve does not reopen the ticket', async () => {
        server.clock.set(T0_MS + 14 * DAY_MS);
        const ticket = await open(pro, 'P2');
        interleave(async () => {
          await resolve(ticket.id, ticket.version);
        });
        const reply = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'on it', visibility: 'public' },
          { token: agent },
        );
        expect(reply.status).toBe(201);
        const after = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(after.status).toBe('resolved');
        expect(expectChained(await statusEvents(ticket.id))).toBe('resolved');
      });

      it('the analysis start racing a resolve is refused and writes nothing', async () => {
        const ticket = await open(pro, 'P2');
        interleave(async () => {
          await resolve(ticket.id, ticket.version);
        });
        const analysis = await server.request('POST', `/api/v1/tickets/${ticket.id}/analysis`, undefined, {
          token: agent,
        });
        expect(analysis.status).toBe(422);
        expect(errorOf(analysis).code).toBe('INVALID_TRANSITION');
        const after = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(after.status).toBe('resolved');
        expect(expectChained(await statusEvents(ticket.id))).toBe('resolved');
      });

      it('a comment racing a close is refused', async () => {
        const ticket = await open(pro, 'P2');
        const resolved = await resolve(ticket.id, ticket.version);
        interleave(async () => {
          const closed = await server.request(
            'PATCH',
            `/api/v1/tickets/${ticket.id}`,
            { version: resolved.version, status: 'closed' },
            { token: agent },
          );
          expect(closed.status).toBe(200);
        });
        const reply = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'one more thing', visibility: 'public' },
          { token: pro },
        );
        expect(reply.status).toBe(422);
        expect(errorOf(reply).code).toBe('INVALID_TRANSITION');
        const comments = itemsOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}/comments`, undefined, { token: agent }),
        );
        expect(comments).toHaveLength(0);
      });
    });

    describe('a priority change moves the ticket to the queue of its new priority', () => {
      it('escalates Pro P3 (standard, next business day) to P1 (priority, now) and back', async () => {
        const createdMs = T0_MS + 21 * DAY_MS + 2 * HOUR_MS; // Monday 23 March 2026, 11:00 Brussels
        server.clock.set(createdMs);
        const ticket = await open(pro, 'P3');
        expect(ticket.queue).toBe('standard');
        const nextDay = ticket.handleFrom;
        expect(Date.parse(nextDay)).toBeGreaterThan(createdMs + 12 * HOUR_MS);

        server.clock.set(createdMs + HOUR_MS);
        const up = ticketOf(
          await server.request(
            'PATCH',
            `/api/v1/tickets/${ticket.id}`,
            { version: ticket.version, priority: 'P1' },
            { token: agent },
          ),
        );
        expect(up).toMatchObject({ priority: 'P1', queue: 'priority' });
        // Handled as soon as it arrived: the queue order follows the customer's request, not the escalation.
        expect(up.handleFrom).toBe(new Date(createdMs).toISOString());
        const queue = itemsOf(
          await server.request('GET', '/api/v1/queue?queue=priority&limit=100', undefined, { token: agent }),
        );
        expect(queue.map((t) => t['id'])).toContain(ticket.id);

        const down = ticketOf(
          await server.request(
            'PATCH',
            `/api/v1/tickets/${ticket.id}`,
            { version: up.version, priority: 'P3' },
            { token: agent },
          ),
        );
        expect(down).toMatchObject({ priority: 'P3', queue: 'standard', handleFrom: nextDay });
        const events = itemsOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}/events`, undefined, { token: agent }),
        ).filter((e) => e['type'] === 'priority-changed');
        expect(events.map((e) => e['data'])).toEqual([
          expect.objectContaining({ priority: 'P1', queue: 'priority' }),
          expect.objectContaining({ priority: 'P3', queue: 'standard', handleFrom: nextDay }),
        ]);
      });
    });

    describe('list cursors are validated strictly', () => {
      it.each([
        ['dueAt', ['abc', 'x']],
        ['createdAt', [1.5, 'x']],
        ['createdAt', [1e300, 'x']],
        ['-updatedAt', [-5, 'x']],
        ['priority', [7, 'x']],
        ['createdAt', ['createdAt', 'abc', 'x']],
        ['dueAt', ['dueAt', 1.5, '00000000-0000-4000-8000-000000000000']],
        ['createdAt', ['createdAt', 1e300, '00000000-0000-4000-8000-000000000000']],
        ['createdAt', ['createdAt', 5, 'a\u0000b']],
        ['priority', ['priority', 'P9\u0000', '00000000-0000-4000-8000-000000000000']],
        ['createdAt', ['createdAt', 5]],
        ['createdAt', { key: 5 }],
      ])('sort=%s cursor %j → 400', async (sort, cursor) => {
        const res = await server.request(
          'GET',
          `/api/v1/tickets?sort=${sort}&cursor=${cursorOf(cursor)}`,
          undefined,
          { token: agent },
        );
        expect(res.status).toBe(400);
        expect(errorOf(res)).toMatchObject({ code: 'VALIDATION_FAILED' });
      });

      it('answers any cursor with a page or a shaped 400, never a 500', async () => {
        const key = fc.oneof(
          fc.integer(),
          fc.double(),
          fc.string(),
          fc.constantFrom('P1', 'P4', 8_000_000_000_000_000, 2 ** 63, -0),
        );
        const id = fc.oneof(fc.uuid(), fc.string());
        const cursor = fc.oneof(
          fc.tuple(fc.constantFrom('createdAt', 'dueAt', 'priority', '-updatedAt', 'x'), key, id),
          fc.tuple(key, id),
          fc.jsonValue(),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom('createdAt', 'dueAt', 'priority', '-updatedAt'),
            cursor,
            async (sort, value) => {
              const res = await server.request(
                'GET',
                `/api/v1/tickets?sort=${sort}&limit=2&cursor=${cursorOf(value)}`,
                undefined,
                { token: agent },
              );
              if (res.status === 200) return;
              expect(res.status).toBe(400);
              expect(errorOf(res).code).toBe('VALIDATION_FAILED');
            },
          ),
          { numRuns: 80 },
        );
      });

      it('refuses a cursor of another sort and pages correctly with its own', async () => {
        server.clock.set(T0_MS + 2 * DAY_MS);
        for (const priority of ['P1', 'P2', 'P3', 'P2', 'P1']) await open(pro, priority);
        const first = ticketsOf(
          await server.request('GET', '/api/v1/tickets?sort=priority&limit=2', undefined, { token: agent }),
        );
        expect(first.nextCursor).toEqual(expect.any(String));
        const mixed = await server.request(
          'GET',
          `/api/v1/tickets?sort=createdAt&limit=2&cursor=${first.nextCursor ?? ''}`,
          undefined,
          { token: agent },
        );
        expect(mixed.status).toBe(400);
        expect(errorOf(mixed).code).toBe('VALIDATION_FAILED');

        for (const sort of ['dueAt', '-createdAt', 'priority']) {
          const all = ticketsOf(
            await server.request('GET', `/api/v1/tickets?sort=${sort}&limit=100`, undefined, {
              token: agent,
            }),
          ).items.map((t) => t.id);
          const paged: string[] = [];
          let cursor: string | null | undefined = undefined;
          do {
            const page = ticketsOf(
              await server.request(
                'GET',
                `/api/v1/tickets?sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
                undefined,
                { token: agent },
              ),
            );
            paged.push(...page.items.map((t) => t.id));
            cursor = page.nextCursor;
          } while (cursor);
          expect(paged).toEqual(all);
        }
      });
    });

    describe('a ticket keeps the contract calendar it was opened under', () => {
      it('does not switch calendars when the organization changes contract', async () => {
        server.clock.set(T0_MS + 28 * DAY_MS);
        const admin = await server.login('admin@acme.test');
        const asAdmin = { token: admin, workspace: 'hosting-be' };
        const calendar = await server.request(
          'PUT',
          '/api/v1/calendars/late-hours',
          {
            name: 'Late hours',
            spec: {
              timeZone: 'Europe/Brussels',
              week: {
                mon: [['07:00', '22:00']],
                tue: [['07:00', '22:00']],
                wed: [['07:00', '22:00']],
                thu: [['07:00', '22:00']],
                fri: [['07:00', '22:00']],
              },
              holidays: [],
              closed: [],
              special: {},
            },
          },
          asAdmin,
        );
        expect(calendar.status).toBe(200);
        const org = await server.request(
          'POST',
          '/api/v1/organizations',
          {
            name: 'Late Org',
            contract: { plan: 'sur-mesure', maintenanceContract: true, extendedCalendar: 'late-hours' },
          },
          asAdmin,
        );
        expect(org.status).toBe(201);
        const orgId = String(objectOf(org)['id']);
        const ticket = await open(agent, 'P1', { organizationId: orgId });
        const calendars = ticket.sla.map((c) => c.calendar);
        expect(calendars).toContain('late-hours');
        server.clock.advance(60_000);

        const contract = await server.request(
          'POST',
          `/api/v1/organizations/${orgId}/contracts`,
          { plan: 'classique', maintenanceContract: true },
          asAdmin,
        );
        expect(contract.status).toBe(201);
        server.clock.advance(HOUR_MS);
        const note = await server.request(
          'POST',
          `/api/v1/tickets/${ticket.id}/comments`,
          { body: 'contract changed meanwhile', visibility: 'internal' },
          { token: agent },
        );
        expect(note.status).toBe(201);
        const after = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(after.sla.map((c) => c.calendar)).toEqual(calendars);
        expect(after.plan).toBe('sur-mesure');
        // A ticket opened after the change follows the new contract.
        const later = await open(agent, 'P1', { organizationId: orgId });
        expect(later.plan).toBe('classique');
        expect(later.sla.map((c) => c.calendar)).not.toContain('late-hours');

        // The migration pins existing tickets to the contract in force when they were opened.
        const db = server.testDb.handle.db;
        // Migrations take the untyped database, as the Migrator passes it (same cast as migrate.ts).
        const untyped = db as unknown as Kysely<unknown>;
        await pinMigration.down(untyped);
        await pinMigration.up(untyped);
        const pinned = await db
          .selectFrom('tickets')
          .select(['id', 'extended_calendar_key'])
          .where('id', 'in', [ticket.id, later.id])
          .execute();
        expect(Object.fromEntries(pinned.map((r) => [r.id, r.extended_calendar_key]))).toEqual({
          [ticket.id]: 'late-hours',
          [later.id]: null,
        });
      });
    });

    describe('closed tickets, tags', () => {
      const patch = (id: string, version: number, body: Record<string, unknown>) =>
        server.request('PATCH', `/api/v1/tickets/${id}`, body, {
          token: agent,
          headers: { 'if-match': `"${version}"` },
        });
      const events = async (id: string) =>
        itemsOf(await server.request('GET', `/api/v1/tickets/${id}/events`, undefined, { token: agent }));

      it('refuses to change the priority, assignee, text or tags of a closed ticket, and writes nothing', async () => {
        server.clock.set(T0_MS + 20 * DAY_MS);
        let ticket = await open(pro, 'P2');
        for (const status of ['resolved', 'closed'])
          ticket = ticketOf(await patch(ticket.id, ticket.version, { status }));
        const before = await events(ticket.id);
        for (const body of [
          { priority: 'P1' },
          { subject: 'rewritten' },
          { tags: ['late'] },
          { assigneeId: null },
          // Whatever else is wrong with the patch (a priority this policy lacks, an assignee who is not staff), the
          // answer is that the ticket is closed.
          { priority: 'P4' },
          { assigneeId: '00000000-0000-4000-8000-000000000000' },
        ]) {
          const res = await patch(ticket.id, ticket.version, body);
          if ('assigneeId' in body && body.assigneeId === null) {
            // Already unassigned: no change, so nothing to refuse.
            expect(res.status).toBe(200);
            continue;
          }
          expect(res.status, JSON.stringify(body)).toBe(422);
          expect(errorOf(res).code).toBe('INVALID_TRANSITION');
        }
        const after = ticketOf(
          await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, { token: agent }),
        );
        expect(after.version).toBe(ticket.version);
        expect(after.priority).toBe('P2');
        expect(await events(ticket.id)).toEqual(before);
      });

      it('sending the same tags again (in any order) is no change: no event, same version', async () => {
        const ticket = await open(pro, 'P2');
        const tagged = ticketOf(await patch(ticket.id, ticket.version, { tags: ['mail', 'dns'] }));
        expect(tagged.version).toBe(ticket.version + 1);
        const before = await events(ticket.id);
        const again = ticketOf(await patch(ticket.id, tagged.version, { tags: ['DNS', 'mail'] }));
        expect(again.version).toBe(tagged.version);
        expect(again.tags).toEqual(['dns', 'mail']);
        expect(await events(ticket.id)).toEqual(before);
        // A real change still goes through.
        const changed = ticketOf(await patch(ticket.id, again.version, { tags: ['dns'] }));
        expect(changed.version).toBe(tagged.version + 1);
        expect(changed.tags).toEqual(['dns']);
      });

      it('a client cannot tag the ticket it opens; an agent opening one for a client can', async () => {
        const res = await server.request(
          'POST',
          '/api/v1/tickets',
          {
            subject: 'Slow',
            description: 'slow site',
            priority: 'P3',
            category: 'hosting',
            channel: 'ticket',
            tags: ['vip'],
          },
          { token: pro },
        );
        expect(res.status).toBe(403);
        expect(errorOf(res).code).toBe('FORBIDDEN');
        const byAgent = await open(agent, 'P3', {
          organizationId: server.fixture.hosting.pro,
          tags: ['vip'],
        });
        expect(byAgent.tags).toEqual(['vip']);
      });
    });
  });
}
