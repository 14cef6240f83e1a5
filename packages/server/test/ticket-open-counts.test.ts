import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, itemsOf, startTestServer, ticketOf, type TestServer } from './server-harness.ts';

/** The dashboard's open tickets per priority and plan: counted by the database, not from a page of the queue. */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'open ticket counts', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(dialect);
    });
    afterAll(async () => {
      await server?.close();
    });

    it('counts every open ticket of the workspace per priority and plan, for staff only', async () => {
      const agent = await server.login('agent@acme.test');
      const counts = async () =>
        itemsOf(await server.request('GET', '/api/v1/tickets/open-counts', undefined, { token: agent }));
      const before = await counts();
      const open = async (email: string, priority: string) =>
        ticketOf(
          await server.request(
            'POST',
            '/api/v1/tickets',
            { subject: `Count ${priority}`, priority, category: 'hosting', channel: 'ticket' },
            { token: await server.login(email) },
          ),
        );
      await open('pro@acme.test', 'P1');
      await open('pro@acme.test', 'P1');
      const resolved = await open('start@acme.test', 'P3');
      await open('start@acme.test', 'P2');
      const closing = await server.request(
        'PATCH',
        `/api/v1/tickets/${resolved.id}`,
        { status: 'resolved' },
        { token: agent, headers: { 'if-match': `"${resolved.version}"` } },
      );
      expect(closing.status, closing.text).toBe(200);
      const cell = (items: Record<string, unknown>[], priority: string, plan: string) =>
        Number(items.find((c) => c['priority'] === priority && c['plan'] === plan)?.['tickets'] ?? 0);
      const after = await counts();
      expect(cell(after, 'P1', 'pro') - cell(before, 'P1', 'pro')).toBe(2);
      expect(cell(after, 'P2', 'start') - cell(before, 'P2', 'start')).toBe(1);
      // Resolved is no longer open work.
      expect(cell(after, 'P3', 'start') - cell(before, 'P3', 'start')).toBe(0);
      // The consultation workspace's tickets are its own.
      const other = itemsOf(
        await server.request('GET', '/api/v1/tickets/open-counts', undefined, {
          token: await server.login('cagent@acme.test'),
        }),
      );
      expect(other.every((c) => c['plan'] !== 'pro')).toBe(true);
      const client = await server.request('GET', '/api/v1/tickets/open-counts', undefined, {
        token: await server.login('pro@acme.test'),
      });
      expect(client.status).toBe(403);
      expect(errorOf(client).code).toBe('FORBIDDEN');
    });
  });
}
