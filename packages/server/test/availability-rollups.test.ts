import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { sumQuery } from '../src/availability/rollup.repository.ts';
import { newId } from '../src/ids.ts';
import { createTestDatabase, DIALECTS, describeDialect, type TestDatabase } from './dialects.ts';
import { objectOf, PASSWORD, startTestServer, type TestServer } from './server-harness.ts';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);

/** A month and a half of results every ~15 minutes at uneven instants, with outages, slowness and a blind spell. */
function timeline(): { at: number; status: string; latency_ms: number | null }[] {
  let seed = 20261129;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const out: { at: number; status: string; latency_ms: number | null }[] = [];
  let status = 'up';
  for (
    let t = at('2026-02-25T00:00:00Z');
    t < at('2026-04-05T00:00:00Z');
    t += 15 * MIN + Math.floor(random() * 120_000)
  ) {
    // Nobody watching for three and a half hours: no data, neither up nor down.
    if (t >= at('2026-03-20T05:00:00Z') && t < at('2026-03-20T08:30:00Z')) continue;
    const r = random();
    if (status === 'up') status = r < 0.01 ? 'down' : r < 0.015 ? 'error' : r < 0.03 ? 'slow' : 'up';
    else status = r < 0.35 ? 'up' : status;
    out.push({ at: t, status, latency_ms: status === 'down' ? null : 20 + Math.floor(random() * 400) });
  }
  return out;
}

for (const dialect of DIALECTS)
  describeDialect(dialect, 'availability: rollups and retention', () => {
    let server: TestServer;
    let admin: string;
    let monitorId: string;
    const ws = { workspace: 'hosting-be' };
    const as = (token: string) => ({ token, ...ws });
    const org = () => server.fixture.hosting.classique;

    /** The figures a report reads: two months of the organization, two monitor ranges (one with edges off minutes). */
    async function figures() {
      const read = async (path: string) => {
        const res = await server.request('GET', path, undefined, as(admin));
        expect(res.status, res.text).toBe(200);
        return objectOf(res);
      };
      return {
        march: await read(`/api/v1/organizations/${org()}/availability?month=2026-03`),
        april: await read(`/api/v1/organizations/${org()}/availability?month=2026-04`),
        hours: await read(
          `/api/v1/monitors/${monitorId}/availability?from=2026-03-15T00:00:00Z&to=2026-04-03T12:00:00Z`,
        ),
        ragged: await read(
          `/api/v1/monitors/${monitorId}/availability?from=2026-03-15T00:00:30.500Z&to=2026-03-16T00:00:10Z`,
        ),
      };
    }

    async function signIn() {
      const res = await server.request('POST', '/api/v1/auth/login', {
        email: 'admin@acme.test',
        password: PASSWORD,
      });
      return z.object({ token: z.string() }).parse(res.body).token;
    }

    const rolledUntil = async () =>
      (
        await server.services.db
          .selectFrom('monitors')
          .select('rolled_until')
          .where('id', '=', monitorId)
          .executeTakeFirstOrThrow()
      ).rolled_until;
    const count = async (table: 'monitor_results' | 'monitor_rollups', bucketMs?: number) =>
      Number(
        (
          await server.services.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .where('monitor_id', '=', monitorId)
            .$if(bucketMs !== undefined, (qb) => qb.where(sql.ref('bucket_ms'), '=', bucketMs))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      server = await startTestServer(dialect, { startMs: at('2026-02-20T10:00:00Z') });
      admin = await server.login('admin@acme.test');
      const created = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'Classique shop',
          organizationId: org(),
          kind: 'heartbeat',
          intervalSeconds: 900,
          timeoutSeconds: 10,
        },
        as(admin),
      );
      expect(created.status, created.text).toBe(201);
      monitorId = z.object({ id: z.string() }).parse(created.body).id;
      const windows = [
        // Sundays 01:00–03:00 Brussels across the spring DST change (29 March).
        {
          monitorIds: [monitorId],
          startsAt: '2026-03-22T01:00:00+01:00',
          endsAt: '2026-03-22T03:00:00+01:00',
          recurrence: { rrule: 'FREQ=WEEKLY;COUNT=2' },
          title: 'Kernel updates',
        },
        // Across the end of March (local): its first two hours count in March, the rest in April.
        {
          organizationId: org(),
          startsAt: '2026-03-31T22:00:00+02:00',
          endsAt: '2026-04-01T04:00:00+02:00',
          title: 'Storage migration',
        },
        // Edges off the hour.
        {
          monitorIds: [monitorId],
          startsAt: '2026-03-05T09:17:00Z',
          endsAt: '2026-03-05T10:04:00Z',
          title: 'Patch',
        },
      ];
      for (const w of windows) {
        const res = await server.request(
          'POST',
          '/api/v1/maintenance-windows',
          { ...w, announce: false },
          as(admin),
        );
        expect(res.status, res.text).toBe(201);
      }
      const rows = timeline().map((r) => ({ id: newId(), monitor_id: monitorId, detail: r.status, ...r }));
      for (let i = 0; i < rows.length; i += 500)
        await server.services.db
          .insertInto('monitor_results')
          .values(rows.slice(i, i + 500))
          .execute();

      server.clock.set(at('2026-04-10T08:00:00Z'));
      admin = await signIn();
      const exclusion = await server.request(
        'POST',
        '/api/v1/availability-exclusions',
        {
          monitorId,
          from: '2026-03-10T11:07:00Z',
          to: '2026-03-10T11:43:00Z',
          reason: 'client-side',
          note: 'their DNS',
        },
        as(admin),
      );
      expect(exclusion.status, exclusion.text).toBe(201);
    }, 120_000);
    afterAll(async () => server?.close());

    it('reads the same figures from rollups as from raw results, and keeps them once the raw results are pruned', async () => {
      const fromRaw = await figures();
      expect(await rolledUntil()).toBeNull();
      expect(fromRaw.march['downSeconds']).toBeGreaterThan(0);
      expect(fromRaw.march['slowSeconds']).toBeGreaterThan(0);
      expect(fromRaw.march['noDataSeconds']).toBeGreaterThan(3 * 3600);

      // The monitor's check job rolls up what has settled and prunes what the 30-day retention lets go, a bounded step
      // per check: the next checks' steps are run here directly rather than by moving the clock an interval each.
      await server.background.scheduler.runOnce();
      expect(Number(await rolledUntil())).toBeGreaterThan(at('2026-02-25T00:00:00Z'));
      for (let step = 0; step < 20 && Number(await rolledUntil()) < at('2026-04-10T07:57:00Z'); step++) {
        const row = await server.services.db
          .selectFrom('monitors')
          .selectAll()
          .where('id', '=', monitorId)
          .executeTakeFirstOrThrow();
        await server.services.db
          .transaction()
          .execute((trx) => server.services.availability.rollups.run(trx, row, server.clock.nowMs()));
      }
      expect(Number(await rolledUntil())).toBe(at('2026-04-10T07:57:00Z'));
      expect(await count('monitor_rollups', 86_400_000)).toBe(40);
      const early = await server.request(
        'GET',
        `/api/v1/monitors/${monitorId}/results?from=2026-03-01T00:00:00Z&to=2026-03-08T00:00:00Z`,
        undefined,
        as(admin),
      );
      expect(z.object({ items: z.array(z.unknown()) }).parse(early.body).items).toEqual([]);
      expect(await count('monitor_results')).toBeGreaterThan(0);

      const fromRollups = await figures();
      expect(fromRollups).toEqual(fromRaw);

      // A year's figures are a few dozen range sums of rollups; raw results only after the rolled edge.
      const monitor = await server.services.db
        .selectFrom('monitors')
        .selectAll()
        .where('id', '=', monitorId)
        .executeTakeFirstOrThrow();
      const year = { startMs: at('2025-12-31T23:00:00Z'), endMs: at('2026-04-10T08:00:00Z') };
      const pieces = server.services.availability.timeline.plan(monitor, [year], server.clock.nowMs());
      expect(pieces.length).toBeLessThan(12);
      expect(pieces.filter((p) => p.source === 'raw')).toEqual([
        { source: 'raw', startMs: at('2026-04-10T07:57:00Z'), endMs: year.endMs },
      ]);

      // Two months on the minute rollups of March are gone too: minute edges become estimates from their hour,
      // hour-aligned spans stay exact, and nothing counted is lost.
      server.clock.set(at('2026-06-15T08:00:00Z'));
      admin = await signIn();
      await server.background.scheduler.runOnce();
      expect(await count('monitor_rollups', 60_000)).toBe(0);
      const later = await figures();
      expect(later.hours).toEqual(fromRaw.hours);
      // April is over now: the rest of it is no data, the observed part is as it was.
      for (const key of ['upSeconds', 'slowSeconds', 'downSeconds', 'availability', 'maintenanceSeconds'])
        expect(later.april[key]).toEqual(fromRaw.april[key]);
      const sum = (f: Record<string, unknown>) =>
        Number(f['upSeconds']) + Number(f['downSeconds']) + Number(f['noDataSeconds']);
      expect(later.march['maintenanceSeconds']).toBe(fromRaw.march['maintenanceSeconds']);
      expect(later.march['excludedSeconds']).toBe(fromRaw.march['excludedSeconds']);
      expect(sum(later.march)).toBeCloseTo(sum(fromRaw.march), 1);
      expect(Number(later.march['availability'])).toBeCloseTo(Number(fromRaw.march['availability']), 4);
    });

    it('refuses bad retention settings at start, naming the variable', async () => {
      const { retentionFromEnv } = await import('../src/availability/rollup-job.ts');
      expect(retentionFromEnv({})).toEqual({ rawDays: 30, minuteDays: 45, hourDays: 800 });
      expect(() => retentionFromEnv({ ACCORD_MONITOR_RAW_RETENTION_DAYS: 'a month' })).toThrow(
        /ACCORD_MONITOR_RAW_RETENTION_DAYS must be a whole number of days/,
      );
      expect(() => retentionFromEnv({ ACCORD_MONITOR_RAW_RETENTION_DAYS: '0' })).toThrow(/got '0'/);
      expect(() =>
        retentionFromEnv({
          ACCORD_MONITOR_RAW_RETENTION_DAYS: '60',
          ACCORD_MONITOR_MINUTE_RETENTION_DAYS: '10',
        }),
      ).toThrow(/MINUTE_RETENTION_DAYS \(10\) must be at least/);
      const { availabilityConfigFromEnv } = await import('../src/availability/availability.module.ts');
      expect(availabilityConfigFromEnv({ ACCORD_MONITOR_TLS_WARN_DAYS: '3, 30' }).tlsWarnDays).toEqual([
        30, 3,
      ]);
      expect(() => availabilityConfigFromEnv({ ACCORD_MONITOR_TLS_WARN_DAYS: '14,x' })).toThrow(
        /^ACCORD_MONITOR_TLS_WARN_DAYS: expected whole days/,
      );
    });
  });

for (const dialect of DIALECTS)
  describeDialect(dialect, 'availability: query plans of the rollup reads', () => {
    let testDb: TestDatabase;
    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
    });
    afterAll(async () => testDb?.drop());

    it("a figure's sum of buckets is one range of the rollups' primary key", async () => {
      const db = testDb.handle.db;
      const query = sumQuery(db, {
        monitorId: 'm1',
        bucketMs: 3_600_000,
        fromMs: 0,
        toMs: 86_400_000,
      }).compile();
      if (dialect === 'sqlite') {
        const plan = (
          await db.executeQuery<{ detail: string }>(
            CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
          )
        ).rows
          .map((r) => r.detail)
          .join('\n');
        expect(plan).toMatch(
          /monitor_rollups USING INDEX sqlite_autoindex_monitor_rollups_1 \(monitor_id=\? AND bucket_ms=\? AND bucket_at>\? AND bucket_at<\?\)/,
        );
        return;
      }
      const plan = await db.transaction().execute(async (trx) => {
        await sql`set local enable_seqscan = off`.execute(trx);
        const result = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(
          CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
        );
        return JSON.stringify(result.rows[0]?.['QUERY PLAN']);
      });
      expect(plan).toContain('monitor_rollups_pk');
      expect(plan).not.toContain('Seq Scan');
    });
  });
