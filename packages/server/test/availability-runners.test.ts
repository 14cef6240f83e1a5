import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../src/app.ts';
import type { Services } from '../src/services.ts';
import { createDatabase, databaseConfigFromEnv, type DatabaseHandle } from '../src/db/database.ts';
import { DIALECTS, describeDialect } from './dialects.ts';
import { startTestServer, type TestServer } from './server-harness.ts';
import { startHttpTarget } from './availability-targets.ts';

process.env['ACCORD_MONITOR_ALLOW_PRIVATE'] = 'true';

const MONITORS = 40;

for (const dialect of DIALECTS)
  describeDialect(dialect, 'availability: two instances share the checks', () => {
    let a: TestServer;
    let bDatabase: DatabaseHandle;
    let b: Services;
    let target: Awaited<ReturnType<typeof startHttpTarget>>;
    let hits = 0;

    beforeAll(async () => {
      a = await startTestServer(dialect);
      target = await startHttpTarget();
      bDatabase = createDatabase(databaseConfigFromEnv(a.testDb.env));
      ({ services: b } = await buildApp({ database: bDatabase, clock: a.clock }));
      const admin = await a.login('admin@acme.test');
      for (let i = 0; i < MONITORS; i++) {
        const res = await a.request(
          'POST',
          '/api/v1/monitors',
          {
            name: `m${i}`,
            organizationId: a.fixture.hosting.pro,
            kind: 'http',
            url: `${target.url}?${i}`,
            intervalSeconds: 30,
          },
          { token: admin, workspace: 'hosting-be' },
        );
        expect(res.status, res.text).toBe(201);
      }
    }, 60_000);
    afterAll(async () => {
      await a?.close();
      await bDatabase?.destroy();
      await target?.close();
    });

    it('each monitor is checked once per interval however the runners race', async () => {
      for (let round = 0; round < 3; round++) {
        await a.background.scheduler.runOnce();
        // Both instances' runners claim at the same time, on the same runs.
        const [x, y] = await Promise.all([
          a.services.availability.runner.runOnce(),
          b.availability.runner.runOnce(),
        ]);
        hits += x + y;
        expect(x + y).toBe(MONITORS);
        a.clock.set(a.clock.nowMs() + 30_000);
      }
      const rows = await a.services.db
        .selectFrom('monitor_results')
        .select(['monitor_id', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('monitor_id')
        .execute();
      expect(rows).toHaveLength(MONITORS);
      expect(new Set(rows.map((r) => Number(r.n)))).toEqual(new Set([3]));
      expect(hits).toBe(3 * MONITORS);
      const left = await a.services.db.selectFrom('monitor_runs').select('id').execute();
      expect(z.array(z.unknown()).parse(left)).toHaveLength(0);
    });
  });
