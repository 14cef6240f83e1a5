import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  errorOf,
  itemsOf,
  objectOf,
  startTestServer,
  ticketOf,
  ticketsOf,
  type TestServer,
} from './server-harness.ts';

/** Every route that takes a ticket id, with a body good enough to pass validation. */
function ticketRoutes(ticketId: string, version: number, ids: { attachmentId: string; quoteId: string }) {
  return [
    ['GET', `/api/v1/tickets/${ticketId}`, undefined],
    ['PATCH', `/api/v1/tickets/${ticketId}`, { version, status: 'closed' }],
    ['POST', `/api/v1/tickets/${ticketId}/comments`, { body: 'hello' }],
    ['GET', `/api/v1/tickets/${ticketId}/comments`, undefined],
    ['GET', `/api/v1/tickets/${ticketId}/events`, undefined],
    [
      'POST',
      `/api/v1/tickets/${ticketId}/attachments`,
      { filename: 'a.txt', contentType: 'text/plain', contentBase64: Buffer.from('hi').toString('base64') },
    ],
    ['GET', `/api/v1/tickets/${ticketId}/attachments`, undefined],
    ['GET', `/api/v1/tickets/${ticketId}/attachments/${ids.attachmentId}`, undefined],
    ['GET', `/api/v1/tickets/${ticketId}/quotes`, undefined],
    ['POST', `/api/v1/tickets/${ticketId}/quotes/${ids.quoteId}/decision`, { decision: 'accepted' }],
    ['POST', `/api/v1/tickets/${ticketId}/billing/time-and-materials`, undefined],
    ['GET', `/api/v1/time-entries?ticketId=${ticketId}`, undefined],
  ] as const;
}

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'tenant isolation', () => {
    let server: TestServer;
    let ticketId: string;
    let version: number;
    let ids: { attachmentId: string; quoteId: string };

    beforeAll(async () => {
      server = await startTestServer(dialect);
      const owner = await server.login('app@acme.test');
      const agent = await server.login('agent@acme.test');
      const ticket = ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          {
            subject: 'Private',
            description: 'secret',
            priority: 'P3',
            category: 'application',
            channel: 'ticket',
          },
          { token: owner },
        ),
      );
      ticketId = ticket.id;
      const attachment = await server.request(
        'POST',
        `/api/v1/tickets/${ticketId}/attachments`,
        {
          filename: 'log.txt',
          contentType: 'text/plain',
          contentBase64: Buffer.from('secret log').toString('base64'),
        },
        { token: owner },
      );
      const quote = await server.request(
        'POST',
        `/api/v1/tickets/${ticketId}/quotes`,
        { amountCents: 1000, currency: 'EUR', description: 'q' },
        { token: agent },
      );
      ids = { attachmentId: String(objectOf(attachment)['id']), quoteId: String(objectOf(quote)['id']) };
      version = ticketOf(
        await server.request('GET', `/api/v1/tickets/${ticketId}`, undefined, { token: owner }),
      ).version;
    });
    afterAll(async () => {
      await server?.close();
    });

    it('answers 404 to another organization’s client on every ticket route, and changes nothing', async () => {
      const intruder = await server.login('pro@acme.test');
      for (const [method, path, body] of ticketRoutes(ticketId, version, ids)) {
        const res = await server.request(method, path, body, { token: intruder });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
        expect(errorOf(res).code).toMatch(/_NOT_FOUND$/);
      }
      const owner = await server.login('app@acme.test');
      const after = ticketOf(
        await server.request('GET', `/api/v1/tickets/${ticketId}`, undefined, { token: owner }),
      );
      expect(after.version).toBe(version);
      expect(after.status).toBe('new');
      const list = ticketsOf(
        await server.request(
          'GET',
          `/api/v1/tickets?organizationId=${server.fixture.hosting.app}`,
          undefined,
          { token: intruder },
        ),
      );
      expect(list.items).toEqual([]);
      const orgs = await server.request(
        'GET',
        `/api/v1/organizations/${server.fixture.hosting.app}`,
        undefined,
        { token: intruder },
      );
      expect(orgs.status).toBe(404);
      const otherOrg = server.fixture.hosting.app;
      expect(
        (
          await server.request('GET', `/api/v1/organizations/${otherOrg}/contracts`, undefined, {
            token: intruder,
          })
        ).status,
      ).toBe(404);
      const ownerId = String(
        objectOf(
          await server.request('GET', '/api/v1/me', undefined, {
            token: await server.login('app@acme.test'),
          }),
        )['id'],
      );
      expect(
        (await server.request('GET', `/api/v1/users/${ownerId}`, undefined, { token: intruder })).status,
      ).toBe(404);
      expect(
        itemsOf(
          await server.request('GET', `/api/v1/time-entries?organizationId=${otherOrg}`, undefined, {
            token: intruder,
          }),
        ),
      ).toEqual([]);
      const visibleOrgs = itemsOf(
        await server.request('GET', '/api/v1/organizations', undefined, { token: intruder }),
      );
      expect(visibleOrgs.map((o) => o['id'])).toEqual([server.fixture.hosting.pro]);
    });

    it('answers 404 to an admin acting in another workspace, and to the owner when a ticket id is unknown', async () => {
      const admin = await server.login('admin@acme.test');
      for (const [method, path, body] of ticketRoutes(ticketId, version, ids)) {
        const res = await server.request(method, path, body, { token: admin, workspace: 'consulting-sa' });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
      const owner = await server.login('app@acme.test');
      const unknown = await server.request(
        'GET',
        '/api/v1/tickets/00000000-0000-4000-8000-000000000000',
        undefined,
        { token: owner },
      );
      expect(errorOf(unknown).code).toBe('TICKET_NOT_FOUND');
    });

    it('keeps a multi-workspace admin in the workspace they name', async () => {
      const admin = await server.login('admin@acme.test');
      const ambiguous = await server.request('GET', '/api/v1/tickets', undefined, { token: admin });
      expect(errorOf(ambiguous)).toMatchObject({
        code: 'WORKSPACE_REQUIRED',
        details: { workspaces: ['consulting-sa', 'hosting-be'] },
      });
      const consulting = await server.request('GET', `/api/v1/tickets/${ticketId}`, undefined, {
        token: admin,
        workspace: 'consulting-sa',
      });
      expect(consulting.status).toBe(404);
      const hosting = await server.request('GET', `/api/v1/tickets/${ticketId}`, undefined, {
        token: admin,
        workspace: 'hosting-be',
      });
      expect(hosting.status).toBe(200);
      const foreign = await server.request('GET', '/api/v1/tickets', undefined, {
        token: await server.login('pro@acme.test'),
        workspace: 'consulting-sa',
      });
      expect(errorOf(foreign).code).toBe('WORKSPACE_NOT_FOUND');
    });
  });
}
