import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { createDatabase, databaseConfigFromEnv } from '../src/db/database.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import { startTestServer, type TestServer } from './server-harness.ts';

const ws = { workspace: 'hosting-be' };

// PostgreSQL only: SQLite runs one write at a time on one connection, so a check cannot land inside an edit there.
for (const dialect of DIALECTS.filter((d) => d === 'postgres')) {
  describeDialect(dialect, 'a monitor edit and a check at the same moment', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(dialect);
    });
    afterAll(async () => server?.close());

    it('the edit changes the settings only: what the check recorded meanwhile stays', async () => {
      const admin = await server.login('admin@acme.test');
      const created = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'Heartbeat',
          organizationId: server.fixture.hosting.pro,
          kind: 'heartbeat',
          intervalSeconds: 60,
          timeoutSeconds: 10,
        },
        { token: admin, ...ws },
      );
      expect(created.status, created.text).toBe(201);
      const id = z.object({ id: z.string() }).parse(created.body).id;

      // Another instance records a check: the row is locked until it commits.
      const other = createDatabase(databaseConfigFromEnv(server.testDb.env));
      try {
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const check = other.db.transaction().execute(async (trx) => {
          await trx.updateTable('monitors').set({ state: 'down', streak: 3 }).where('id', '=', id).execute();
          await held;
        });
        await new Promise((r) => setTimeout(r, 100));
        // The edit reads the row as it was, then waits for the check's lock to write.
        const edit = server.request(
          'PATCH',
          `/api/v1/monitors/${id}`,
          { name: 'Shop heartbeat' },
          {
            token: admin,
            ...ws,
          },
        );
        await new Promise((r) => setTimeout(r, 300));
        release();
        await check;
        const res = await edit;
        expect(res.status, res.text).toBe(200);
        const row = await server.services.db
          .selectFrom('monitors')
          .select(['name', 'state', 'streak'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        expect(row).toEqual({ name: 'Shop heartbeat', state: 'down', streak: 3 });
      } finally {
        await other.destroy();
      }
    });
  });
}
