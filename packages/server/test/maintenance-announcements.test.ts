import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { describeDialect, DIALECTS } from './dialects.ts';
import { startTestServer, type TestServer } from './server-harness.ts';

const ws = { workspace: 'hosting-be' };

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'maintenance announced ahead to the clients it concerns', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(dialect, { startMs: Date.parse('2026-03-02T09:00:00Z') });
    });
    afterAll(async () => server?.close());

    async function deliveries() {
      return server.services.db
        .selectFrom('deliveries')
        .select(['channel', 'target', 'message_json'])
        .where('event_type', '=', 'maintenance.announced')
        .orderBy('channel')
        .orderBy('target')
        .execute();
    }

    it("tells the organization's members by e-mail and in-app, in their language, and nobody else; a window not announced tells no one", async () => {
      const admin = await server.login('admin@acme.test');
      const classique = await server.login('classique@acme.test');
      const create = (body: Record<string, unknown>) =>
        server.request('POST', '/api/v1/maintenance-windows', body, { token: admin, ...ws });
      const quiet = await create({
        organizationId: server.fixture.hosting.pro,
        startsAt: '2026-03-09T22:00:00+01:00',
        endsAt: '2026-03-09T23:00:00+01:00',
        title: 'Quiet fix',
        announce: false,
      });
      expect(quiet.status, quiet.text).toBe(201);
      // The classique client reads English (their own setting); the workspace writes French otherwise.
      const english = await server.request(
        'PATCH',
        '/api/v1/me',
        { language: 'en' },
        { token: classique, ...ws },
      );
      expect(english.status, english.text).toBe(200);
      const announced = await create({
        organizationId: server.fixture.hosting.classique,
        startsAt: '2026-03-14T22:00:00+01:00',
        endsAt: '2026-03-15T02:00:00+01:00',
        title: 'Storage migration',
        announce: true,
      });
      expect(announced.status, announced.text).toBe(201);
      await server.background.dispatcher.runOnce();
      await server.background.dispatcher.runOnce();

      const rows = await deliveries();
      const classiqueUser = await server.services.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'classique@acme.test')
        .executeTakeFirstOrThrow();
      expect(rows.map((d) => `${d.channel} ${d.target}`)).toEqual([
        'email classique@acme.test',
        `in-app ${classiqueUser.id}`,
      ]);
      const mail = z
        .object({ wording: z.object({ subject: z.string(), intro: z.string() }) })
        .passthrough()
        .parse(JSON.parse(rows[0]?.message_json ?? '{}'));
      expect(mail.wording.subject).toBe('Scheduled maintenance: Storage migration');
      // In the reader's zone (Brussels by the workspace): 22:00 on the 14th.
      expect(mail.wording.intro).toMatch(
        /Saturday, 14 March 2026 at 22:00|Saturday, March 14, 2026 at 10:00/,
      );
      const inbox = z
        .object({ items: z.array(z.object({ type: z.string(), title: z.string() }).passthrough()) })
        .passthrough()
        .parse(
          (await server.request('GET', '/api/v1/notifications', undefined, { token: classique, ...ws })).body,
        );
      expect(inbox.items.filter((n) => n.type === 'maintenance.announced')).toHaveLength(1);

      // The Pro client, whose window was not announced, has nothing.
      const pro = await server.login('pro@acme.test');
      const proInbox = z
        .object({ items: z.array(z.object({ type: z.string() }).passthrough()) })
        .passthrough()
        .parse((await server.request('GET', '/api/v1/notifications', undefined, { token: pro, ...ws })).body);
      expect(proInbox.items.filter((n) => n.type === 'maintenance.announced')).toEqual([]);
    });
  });
}
