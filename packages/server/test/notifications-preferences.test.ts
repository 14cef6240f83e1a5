import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  errorOf,
  itemsOf,
  objectOf,
  startTestServer,
  T0_MS,
  ticketOf,
  type TestServer,
} from './server-harness.ts';

const HOUR_MS = 3_600_000;

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'notification preferences, language and zone', () => {
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

    const idOf = async (email: string) =>
      (
        await server.services.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', email)
          .executeTakeFirstOrThrow()
      ).id;
    const deliveriesTo = async (ticketId: string, target: string) =>
      (
        await server.services.db
          .selectFrom('deliveries')
          .innerJoin('outbox', 'outbox.id', 'deliveries.outbox_id')
          .select([
            'deliveries.channel',
            'deliveries.event_type',
            'deliveries.message_json',
            'outbox.payload_json',
          ])
          .where('deliveries.target', '=', target)
          .execute()
      ).filter((d) => d.payload_json.includes(ticketId));
    const openTicket = async (subject: string, priority = 'P1') =>
      ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          { subject, description: 'details', priority, category: 'hosting', channel: 'ticket' },
          { token: pro },
        ),
      );
    const dispatch = async () => {
      while ((await server.background.dispatcher.runOnce()) > 0);
    };

    it('lists every event type × channel, on by default; P1 breaches are locked for staff only', async () => {
      const mine = itemsOf(
        await server.request('GET', '/api/v1/me/notification-preferences', undefined, { token: agent }),
      );
      expect(mine).toHaveLength(7 * 3);
      expect(mine.every((p) => p['enabled'] === true)).toBe(true);
      expect(
        mine
          .filter((p) => p['locked'] === true)
          .map((p) => `${String(p['eventType'])}/${String(p['channel'])}`),
      ).toEqual(['sla.breached.p1/email', 'sla.breached.p1/in-app', 'sla.breached.p1/push']);
      const client = itemsOf(
        await server.request('GET', '/api/v1/me/notification-preferences', undefined, { token: pro }),
      );
      expect(client.some((p) => p['locked'] === true)).toBe(false);
    });

    it('refuses an agent muting P1 breaches (422, nothing saved) and saves the rest', async () => {
      const refused = await server.request(
        'PUT',
        '/api/v1/me/notification-preferences',
        {
          items: [
            { eventType: 'sla.warning', channel: 'email', enabled: false },
            { eventType: 'sla.breached.p1', channel: 'email', enabled: false },
          ],
        },
        { token: agent },
      );
      expect(refused.status).toBe(422);
      expect(errorOf(refused).code).toBe('PREFERENCE_LOCKED');
      const after = itemsOf(
        await server.request('GET', '/api/v1/me/notification-preferences', undefined, { token: agent }),
      );
      expect(
        after.find((p) => p['eventType'] === 'sla.warning' && p['channel'] === 'email')?.['enabled'],
      ).toBe(true);

      const saved = await server.request(
        'PUT',
        '/api/v1/me/notification-preferences',
        { items: [{ eventType: 'sla.warning', channel: 'email', enabled: false }] },
        { token: agent },
      );
      expect(saved.status).toBe(200);
      const reread = itemsOf(
        await server.request('GET', '/api/v1/me/notification-preferences', undefined, { token: agent }),
      );
      expect(
        reread.find((p) => p['eventType'] === 'sla.warning' && p['channel'] === 'email')?.['enabled'],
      ).toBe(false);
      expect(
        reread.find((p) => p['eventType'] === 'sla.warning' && p['channel'] === 'in-app')?.['enabled'],
      ).toBe(true);
      const unknown = await server.request(
        'PUT',
        '/api/v1/me/notification-preferences',
        { items: [{ eventType: 'ticket.deleted', channel: 'email', enabled: false }] },
        { token: agent },
      );
      expect(unknown.status).toBe(400);
      // A cell sent twice is refused whole (PostgreSQL's upsert could not touch one row twice: a 500 before).
      const twice = await server.request(
        'PUT',
        '/api/v1/me/notification-preferences',
        {
          items: [
            { eventType: 'ticket.commented', channel: 'email', enabled: false },
            { eventType: 'ticket.commented', channel: 'email', enabled: true },
          ],
        },
        { token: agent },
      );
      expect(twice.status).toBe(400);
      expect(errorOf(twice).code).toBe('VALIDATION_FAILED');
    });

    it('the dispatcher honours preferences, and a P1 breach reaches staff even past a stored mute', async () => {
      server.clock.set(T0_MS);
      const agentId = await idOf('agent@acme.test');
      // A mute written behind the API's back (an old row, a database edit) must not silence a P1 breach either.
      await server.services.db
        .insertInto('notification_preferences')
        .values({
          user_id: agentId,
          workspace_id: server.fixture.hosting.id,
          event_type: 'sla.breached.p1',
          channel: 'email',
          enabled: 0,
          updated_at: T0_MS,
        })
        .execute();
      const muteAck = await server.request(
        'PUT',
        '/api/v1/me/notification-preferences',
        { items: [{ eventType: 'ticket.created', channel: 'email', enabled: false }] },
        { token: pro },
      );
      expect(muteAck.status).toBe(200);
      const ticket = await openTicket('Shop down');
      await dispatch();
      // The requester muted acknowledgements by e-mail: in-app only.
      const proId = await idOf('pro@acme.test');
      expect((await deliveriesTo(ticket.id, 'pro@acme.test')).map((d) => d.channel)).toEqual([]);
      expect((await deliveriesTo(ticket.id, proId)).map((d) => d.event_type)).toEqual(['ticket.created']);

      server.clock.set(T0_MS + 4 * HOUR_MS + 1);
      while ((await server.background.scheduler.runOnce()) > 0);
      await dispatch();
      const toAgent = await deliveriesTo(ticket.id, 'agent@acme.test');
      const warnings = toAgent.filter((d) => d.event_type === 'sla.warning');
      const breaches = toAgent.filter((d) => d.event_type === 'sla.breached');
      expect(warnings).toEqual([]);
      expect(breaches.length).toBeGreaterThan(0);
      const inApp = await deliveriesTo(ticket.id, agentId);
      expect(inApp.some((d) => d.event_type === 'sla.warning')).toBe(true);
    });

    it('PATCH /me sets language and IANA zone; e-mails follow them', async () => {
      const bad = await server.request(
        'PATCH',
        '/api/v1/me',
        { timeZone: 'Mars/Olympus_Mons' },
        { token: pro },
      );
      expect(bad.status).toBe(400);
      expect(errorOf(bad).code).toBe('VALIDATION_FAILED');
      expect(
        (await server.request('PATCH', '/api/v1/me', { timeZone: '+02:00' }, { token: pro })).status,
      ).toBe(400);
      expect((await server.request('PATCH', '/api/v1/me', { language: 'de' }, { token: pro })).status).toBe(
        400,
      );
      const ok = await server.request(
        'PATCH',
        '/api/v1/me',
        { language: 'ar', timeZone: 'Asia/Riyadh' },
        { token: pro },
      );
      expect(ok.status).toBe(200);
      expect(objectOf(ok)).toEqual({ language: 'ar', timeZone: 'Asia/Riyadh' });
      const me = objectOf(await server.request('GET', '/api/v1/me', undefined, { token: pro }));
      expect(me).toMatchObject({ language: 'ar', timeZone: 'Asia/Riyadh' });

      server.clock.set(T0_MS);
      const ticket = await openTicket('Backup failed', 'P3');
      const reply = await server.request(
        'POST',
        `/api/v1/tickets/${ticket.id}/comments`,
        { body: 'Restored', visibility: 'public' },
        { token: agent },
      );
      expect(reply.status).toBe(201);
      await dispatch();
      const mails = (await deliveriesTo(ticket.id, 'pro@acme.test')).filter((d) => d.channel === 'email');
      expect(mails.length).toBeGreaterThan(0);
      for (const mail of mails)
        expect(JSON.parse(mail.message_json)).toMatchObject({ language: 'ar', timeZone: 'Asia/Riyadh' });
      // Back to the workspace's default.
      const reset = await server.request(
        'PATCH',
        '/api/v1/me',
        { language: null, timeZone: null },
        { token: pro },
      );
      expect(objectOf(reset)).toEqual({ language: null, timeZone: null });
    });
  });
}
