import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Actor } from '../src/auth/actor.ts';
import type * as WorkspaceCalendarsModule from '../src/workspaces/workspace-calendars.repository.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  hostingAgentActor,
  startTestServer,
  T0_MS,
  ticketOf,
  weekdayHours,
  type TestServer,
} from './server-harness.ts';

/** When armed, the next read of the workspace calendars (a creation's check inside its transaction) waits. */
const hold = vi.hoisted(() => ({
  armed: false,
  reached: (): void => undefined,
  gate: Promise.resolve(),
}));

vi.mock('../src/workspaces/workspace-calendars.repository.ts', async (importOriginal) => {
  const original = await importOriginal<typeof WorkspaceCalendarsModule>();
  return {
    ...original,
    readWorkspaceCalendars: async (...args: Parameters<typeof original.readWorkspaceCalendars>) => {
      const result = await original.readWorkspaceCalendars(...args);
      if (hold.armed) {
        hold.armed = false;
        hold.reached();
        await hold.gate;
      }
      return result;
    },
  };
});

/**
 * A ticket created while a calendar edit commits and recomputes: the creation has checked the calendars inside its
 * transaction and not committed yet, so the edit's recompute cannot see it. The workspace lock makes the edit wait
 * for the creation (PostgreSQL; SQLite runs one transaction at a time), so the recompute finds the new ticket.
 */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'a ticket created while a calendar edit commits', () => {
    let server: TestServer;
    let agent: string;
    let admin: string;
    let actor: Actor;
    const hours = (from: string, to: string) => weekdayHours(from, to, from === '07:00' ? 'PT15H' : 'PT2H');
    const put = (spec: unknown) =>
      server.request(
        'PUT',
        '/api/v1/calendars/ext-lock',
        { name: 'Ext', spec },
        { token: admin, workspace: 'hosting-be' },
      );

    beforeAll(async () => {
      server = await startTestServer(dialect);
      agent = await server.login('agent@acme.test');
      admin = await server.login('admin@acme.test');
      actor = await hostingAgentActor(server, agent);
      server.clock.set(T0_MS + 60_000);
      expect((await put(hours('07:00', '22:00'))).status).toBe(200);
      const contract = await server.request(
        'POST',
        `/api/v1/organizations/${server.fixture.hosting.surMesure}/contracts`,
        { plan: 'sur-mesure', maintenanceContract: true, extendedCalendar: 'ext-lock' },
        { token: admin, workspace: 'hosting-be' },
      );
      expect(contract.status).toBe(201);
    });
    afterAll(async () => {
      await server?.close();
    });

    it('ends with the clocks of the edited calendar', async () => {
      let release = (): void => undefined;
      hold.gate = new Promise<void>((r) => (release = r));
      const reached = new Promise<void>((r) => (hold.reached = r));
      hold.armed = true;
      const creating = server.services.tickets.create(actor, {
        subject: 'Down',
        description: 'site down',
        priority: 'P1',
        category: 'hosting',
        channel: 'ticket',
        organizationId: server.fixture.hosting.surMesure,
      });
      await reached; // checked, inside its transaction, not committed
      const editing = put(hours('10:00', '12:00'));
      // Give the edit every chance to commit and recompute before the creation does, were it not held back.
      await new Promise((r) => setTimeout(r, 200));
      release();
      const created = await creating;
      expect((await editing).status).toBe(200);
      const stored = ticketOf(
        await server.request('GET', `/api/v1/tickets/${created.id}`, undefined, { token: agent }),
      );
      // The clocks recomputed from the history with the calendar as it is (an internal note changes none).
      const note = await server.request(
        'POST',
        `/api/v1/tickets/${created.id}/comments`,
        { body: 'recompute', visibility: 'internal' },
        { token: agent },
      );
      expect(note.status).toBe(201);
      const truth = ticketOf(
        await server.request('GET', `/api/v1/tickets/${created.id}`, undefined, { token: agent }),
      );
      expect(stored.sla.map((c) => [c.metric, c.dueAt])).toEqual(truth.sla.map((c) => [c.metric, c.dueAt]));
    });
  });
}
