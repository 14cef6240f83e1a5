import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Actor } from '../src/auth/actor.ts';
import type * as WorkspaceCalendarsModule from '../src/calendars/workspace-calendars.repository.ts';
import { createOrganizationRepository } from '../src/organizations/organization.repository.ts';
import { createSlaClockService, type SlaClockService } from '../src/sla/sla-clock.service.ts';
import { createTicketRepository, type TicketRepository } from '../src/tickets/ticket.repository.ts';
import { createTicketService } from '../src/tickets/ticket.service.ts';
import { createTicketChange } from '../src/tickets/ticket-change.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  hostingAgentActor,
  startTestServer,
  T0_MS,
  ticketOf,
  weekdayHours,
  type TestServer,
} from './server-harness.ts';

/** When armed, the next creation's check of the workspace calendars, inside its transaction, waits. */
const calendarsRead = vi.hoisted(() => ({
  armed: false,
  reached: (): void => undefined,
  gate: Promise.resolve(),
}));

vi.mock('../src/calendars/workspace-calendars.repository.ts', async (importOriginal) => {
  const original = await importOriginal<typeof WorkspaceCalendarsModule>();
  return {
    ...original,
    readCalendarsStamp: async (...args: Parameters<typeof original.readCalendarsStamp>) => {
      const result = await original.readCalendarsStamp(...args);
      // Only a creation's check inside its transaction (the one that also takes the workspace share lock).
      if (calendarsRead.armed && args[2]?.lockShared === true) {
        calendarsRead.armed = false;
        calendarsRead.reached();
        await calendarsRead.gate;
      }
      return result;
    },
  };
});

/**
 * The ticket snapshot cache under concurrent changes: a ticket service whose repository calls can be held at one
 * point, while the same database is changed through the API, as a concurrent request would.
 */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'ticket snapshot cache under concurrent changes', () => {
    let server: TestServer;
    let agent: string;
    let pro: string;
    let actor: Actor;

    beforeAll(async () => {
      server = await startTestServer(dialect);
      agent = await server.login('agent@acme.test');
      pro = await server.login('pro@acme.test');
      actor = await hostingAgentActor(server, agent);
    });
    afterAll(async () => {
      await server?.close();
    });

    /** A ticket service on the test database whose `method` waits, when armed, until released. */
    function serviceWithGate(method: 'findMany' | 'tagsFor') {
      const db = server.services.db;
      const repository = createTicketRepository(db);
      let gate: Promise<void> | null = null;
      let reached = (): void => undefined;
      const held: TicketRepository = {
        ...repository,
        [method]: async (...args: unknown[]) => {
          if (gate !== null) {
            reached();
            await gate;
          }
          return (repository[method] as (...a: unknown[]) => unknown)(...args);
        },
      };
      const sla = createSlaClockService({ db });
      const service = createTicketService({
        tickets: held,
        organizations: createOrganizationRepository(db),
        sla,
        change: createTicketChange({ db, sla }),
        clock: server.clock,
      });
      return {
        service,
        /** Holds the next call of `method`; `held` resolves once a call is waiting there. */
        arm: () => {
          let release = (): void => undefined;
          gate = new Promise<void>((r) => (release = r));
          const waiting = new Promise<void>((r) => (reached = r));
          return {
            held: waiting,
            release: () => {
              gate = null;
              release();
            },
          };
        },
      };
    }

    const open = async (subject: string) =>
      ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          { subject, description: 'cache race', priority: 'P3', category: 'hosting', channel: 'ticket' },
          { token: pro },
        ),
      );
    const patch = (id: string, version: number, body: Record<string, unknown>) =>
      server.request('PATCH', `/api/v1/tickets/${id}`, body, {
        token: agent,
        headers: { 'if-match': `"${version}"` },
      });

    it('a page keeps a cached ticket that changes (and is re-cached) while the page is being read', async () => {
      server.clock.set(T0_MS + 3_600_000);
      const first = await open('first');
      server.clock.advance(1_000);
      const second = await open('second');
      const { service, arm } = serviceWithGate('findMany');
      await service.get(actor, first.id); // `first` cached at its version; `second` not yet
      const gate = arm();
      const listing = service.list(actor, { sort: '-createdAt', limit: 2 });
      await gate.held;
      // Meanwhile `first` changes and this process caches its new version.
      expect((await patch(first.id, first.version, { priority: 'P2' })).status).toBe(200);
      await service.get(actor, first.id);
      gate.release();
      const page = await listing;
      expect(page.items.map((t) => t.id)).toEqual([second.id, first.id]);
    });

    it('a ticket read again shows its clocks as of the new instant, its JSON kept only while they show the same', async () => {
      server.clock.set(T0_MS + 3_600_000);
      const ticket = await open('kept dto');
      const read = async () => {
        const response = await server.request('GET', `/api/v1/tickets/${ticket.id}`, undefined, {
          token: agent,
        });
        return response;
      };
      const running = (response: Awaited<ReturnType<typeof read>>) => {
        const clock = ticketOf(response).sla.find((c) => c.state === 'running' && c.dueAt !== null);
        if (clock === undefined) throw new Error(`no running clock with a due instant in ${response.text}`);
        return clock;
      };
      const first = await read();
      // Same version, same instant: the same answer, byte for byte, from the service's kept DTO.
      expect((await read()).text).toBe(first.text);
      const service = server.services.tickets;
      expect(await service.get(actor, ticket.id)).toBe(await service.get(actor, ticket.id));
      // A business second later the clocks moved on: the answer does too, whatever was kept.
      server.clock.advance(1_000);
      const later = await read();
      expect(running(later).remainingSeconds).toBe(running(first).remainingSeconds! - 1);
      // Past the due instant the clock reads breached, never the kept "running".
      server.clock.set(Date.parse(running(first).dueAt!) + 1);
      const metric = running(first).metric;
      expect(ticketOf(await read()).sla.find((c) => c.metric === metric)?.state).toBe('breached');
    });

    it('a no-change PATCH sent with a stale version is 409, not "no change"', async () => {
      const ticket = await open('tags');
      const { service } = serviceWithGate('tagsFor');
      // Another request sets the tags (version 2)…
      const tagged = ticketOf(await patch(ticket.id, ticket.version, { tags: ['dns'] }));
      // …then a PATCH read at version 1 asks for the very same tags: the write path checks the version under the
      // row lock before deciding whether anything changes, so the caller learns its version is stale.
      const outcome = await service
        .update(actor, ticket.id, ticket.version, { tags: ['dns'] })
        .then(() => 'applied')
        .catch((error: { code?: string }) => error.code);
      expect(outcome).toBe('VERSION_CONFLICT');
      const current = await service.get(actor, ticket.id);
      expect(current.version).toBe(tagged.version);
      expect(current.tags).toEqual(['dns']);
    });
  });
}

/**
 * A change reads its policy context (with the calendars as they are) before its transaction: a calendar edit that
 * commits in between, with its own recompute of the ticket, must not be overwritten by clocks from the old calendar.
 */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'ticket changes racing a calendar edit', () => {
    let server: TestServer;
    let agent: string;
    let admin: string;
    let actor: Actor;
    const hosting = { workspace: 'hosting-be' };
    const hours = (from: string, to: string) => weekdayHours(from, to, from === '07:00' ? 'PT15H' : 'PT2H');
    const put = async (spec: unknown) =>
      (
        await server.request(
          'PUT',
          '/api/v1/calendars/ext-race',
          { name: 'Ext', spec },
          { token: admin, ...hosting },
        )
      ).status;

    beforeAll(async () => {
      server = await startTestServer(dialect);
      agent = await server.login('agent@acme.test');
      admin = await server.login('admin@acme.test');
      actor = await hostingAgentActor(server, agent);
      server.clock.set(T0_MS + 60_000);
      expect(await put(hours('07:00', '22:00'))).toBe(200);
      const contract = await server.request(
        'POST',
        `/api/v1/organizations/${server.fixture.hosting.surMesure}/contracts`,
        { plan: 'sur-mesure', maintenanceContract: true, extendedCalendar: 'ext-race' },
        { token: admin, ...hosting },
      );
      expect(contract.status).toBe(201);
    });
    afterAll(async () => {
      await server?.close();
    });

    /** A ticket service that pauses right after reading its first policy context, until released. */
    function pausedAfterContext() {
      const db = server.services.db;
      const real = createSlaClockService({ db });
      let gate: Promise<void> | null = null;
      let reached = (): void => undefined;
      const sla: SlaClockService = {
        ...real,
        policyContext: async (...args: Parameters<SlaClockService['policyContext']>) => {
          const ctx = await real.policyContext(...args);
          if (gate !== null) {
            reached();
            await gate;
          }
          return ctx;
        },
      };
      const service = createTicketService({
        tickets: createTicketRepository(db),
        organizations: createOrganizationRepository(db),
        sla,
        change: createTicketChange({ db, sla }),
        clock: server.clock,
      });
      let release = (): void => undefined;
      const paused = new Promise<void>((r) => (reached = r));
      gate = new Promise<void>((r) => (release = r));
      return {
        service,
        paused,
        release: () => {
          gate = null;
          release();
        },
      };
    }
    const dueOf = async (id: string) =>
      ticketOf(await server.request('GET', `/api/v1/tickets/${id}`, undefined, { token: agent })).sla.map(
        (c) => [c.metric, c.dueAt],
      );
    /** The clocks recomputed from the whole history with the calendar as it is now (an internal note changes none). */
    const recomputedDueOf = async (id: string) => {
      const note = await server.request(
        'POST',
        `/api/v1/tickets/${id}/comments`,
        { body: 'recompute', visibility: 'internal' },
        { token: agent },
      );
      expect(note.status).toBe(201);
      return dueOf(id);
    };
    const openForSurMesure = () =>
      ({
        subject: 'Down',
        description: 'site down',
        priority: 'P1',
        category: 'hosting',
        channel: 'ticket',
        organizationId: server.fixture.hosting.surMesure,
      }) as const;

    it('two edits of a calendar within one millisecond are two stored states, as a context check sees them', async () => {
      const { readCalendarsStamp } = await import('../src/calendars/workspace-calendars.repository.ts');
      const workspaceId = actor.workspaceId;
      const db = server.services.db;
      const nowMs = server.clock.nowMs();
      expect(await put(hours('07:00', '22:00'))).toBe(200);
      const before = await readCalendarsStamp(db, workspaceId);
      expect(await put(hours('10:00', '12:00'))).toBe(200);
      expect(server.clock.nowMs()).toBe(nowMs);
      const after = await readCalendarsStamp(db, workspaceId);
      expect(after.signature).not.toBe(before.signature);
      const shown = await server.request('GET', '/api/v1/calendars/ext-race', undefined, {
        token: admin,
        ...hosting,
      });
      expect(Date.parse((shown.body as { updatedAt: string }).updatedAt)).toBeGreaterThan(nowMs);
      // The same calendar PUT again (a retry) is no edit: what contexts were checked against stays valid.
      expect(await put(hours('10:00', '12:00'))).toBe(200);
      expect((await readCalendarsStamp(db, workspaceId)).signature).toBe(after.signature);
    });

    it('a comment whose context was read before the edit stores the clocks of the edited calendar', async () => {
      expect(await put(hours('07:00', '22:00'))).toBe(200);
      const ticket = ticketOf(
        await server.request('POST', '/api/v1/tickets', openForSurMesure(), { token: agent }),
      );
      const { service, paused, release } = pausedAfterContext();
      const commenting = service.comment(actor, ticket.id, { body: 'note', visibility: 'internal' });
      await paused;
      expect(await put(hours('10:00', '12:00'))).toBe(200); // commits, and recomputes the ticket
      release();
      await commenting;
      const stored = await dueOf(ticket.id);
      expect(stored).toEqual(await recomputedDueOf(ticket.id));
    });

    it('a ticket opened with a context read before the edit gets the clocks of the edited calendar', async () => {
      expect(await put(hours('07:00', '22:00'))).toBe(200);
      const { service, paused, release } = pausedAfterContext();
      const creating = service.create(actor, openForSurMesure());
      await paused;
      expect(await put(hours('10:00', '12:00'))).toBe(200);
      release();
      const created = await creating;
      const stored = await dueOf(created.id);
      expect(stored).toEqual(await recomputedDueOf(created.id));
    });

    it('a ticket created while an edit commits (checked, not yet committed) is found by its recompute', async () => {
      expect(await put(hours('07:00', '22:00'))).toBe(200);
      let release = (): void => undefined;
      calendarsRead.gate = new Promise<void>((r) => (release = r));
      const checked = new Promise<void>((r) => (calendarsRead.reached = r));
      calendarsRead.armed = true;
      const creating = server.services.tickets.create(actor, openForSurMesure());
      await checked; // inside its transaction, not committed
      const editing = put(hours('10:00', '12:00'));
      // Time for the edit to commit and recompute before the creation does, were it not held back by the lock
      // (PostgreSQL: the workspace row; SQLite: one transaction at a time).
      await new Promise((r) => setTimeout(r, 200));
      release();
      const created = await creating;
      expect(await editing).toBe(200);
      const stored = await dueOf(created.id);
      expect(stored).toEqual(await recomputedDueOf(created.id));
    });
  });
}
