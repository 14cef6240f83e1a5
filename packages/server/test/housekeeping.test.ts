import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createDatabase, databaseConfigFromEnv, type DatabaseHandle } from '../src/db/database.ts';
import type { Db } from '../src/db/database.ts';
import { ManualClock } from '../src/clock.ts';
import {
  createHousekeeping,
  DEFAULT_HOUSEKEEPING,
  housekeepingConfigFromEnv,
  HOUSEKEEPING_KIND,
  type PrunedTable,
} from '../src/housekeeping/housekeeping.ts';
import { newId } from '../src/ids.ts';
import { createScheduler } from '../src/scheduler/scheduler.ts';
import { createTestDatabase, describeDialect, DIALECTS, type TestDatabase } from './dialects.ts';
import { startTestServer, T0_MS, ticketOf, type TestServer } from './server-harness.ts';
import { MAIN } from './server-process.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The instant the housekeeping runs at: 200 days after the fixture's start, 30 minutes into an hour. */
const NOW = T0_MS + 200 * DAY_MS + 30 * 60_000;
const PERIOD = Math.floor(NOW / HOUR_MS) * HOUR_MS;
const OLD_JOB = NOW - 100 * DAY_MS; // past the 90-day job retention
const RECENT_JOB = NOW - 80 * DAY_MS;
const OLD_MSG = NOW - 40 * DAY_MS; // past the 30-day outbox retention
const RECENT_MSG = NOW - 20 * DAY_MS;

async function seedJob(
  db: Db,
  name: string,
  row: { kind?: string; state: string; dueAtMs: number; subjectId?: string; leaseUntilMs?: number },
): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: newId(),
      workspace_id: 'ws-test',
      kind: row.kind ?? 'monitor.check',
      key: `seed:${name}`,
      subject_id: row.subjectId ?? `subject-${name}`,
      due_at: row.dueAtMs,
      payload_json: '{}',
      state: row.state,
      attempts: row.state === 'pending' || row.state === 'skipped' ? 0 : 1,
      lease_until: row.leaseUntilMs ?? null,
      last_error: null,
      fired_at: row.state === 'done' ? row.dueAtMs : null,
      lateness_ms: row.state === 'done' ? 0 : null,
      created_at: row.dueAtMs - DAY_MS,
      skip_reason: row.state === 'skipped' ? 'recomputed' : null,
    })
    .execute();
}

async function seedOutbox(db: Db, name: string, status: string, availableAtMs: number): Promise<string> {
  const id = `outbox-${name}`;
  await db
    .insertInto('outbox')
    .values({
      id,
      workspace_id: 'ws-test',
      idempotency_key: `seed:${name}`,
      topic: 'ticket.updated',
      payload_json: '{}',
      status,
      attempts: 0,
      available_at: availableAtMs,
      created_at: availableAtMs,
      sent_at: status === 'dispatched' ? availableAtMs : null,
    })
    .execute();
  return id;
}

async function seedDelivery(
  db: Db,
  name: string,
  row: { outboxId: string; status: string; nextAttemptAtMs: number },
): Promise<void> {
  await db
    .insertInto('deliveries')
    .values({
      id: `delivery-${name}`,
      workspace_id: 'ws-test',
      outbox_id: row.outboxId,
      channel: 'webhook',
      target: `hook-${name}`,
      event_type: 'ticket.updated',
      message_json: '{}',
      status: row.status,
      attempts: 1,
      next_attempt_at: row.nextAttemptAtMs,
      lease_until: row.status === 'sending' ? NOW + 60_000 : null,
      last_error: null,
      external_id: null,
      created_at: row.nextAttemptAtMs,
      sent_at: row.status === 'sent' ? row.nextAttemptAtMs : null,
    })
    .execute();
}

const seedKeys = async (db: Db) =>
  (await db.selectFrom('jobs').select('key').where('key', 'like', 'seed:%').orderBy('key').execute()).map(
    (r) => r.key.slice('seed:'.length),
  );
const ids = async (db: Db, table: 'outbox' | 'deliveries') =>
  (await db.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
const housekeepingJobs = (db: Db) =>
  db
    .selectFrom('jobs')
    .select(['key', 'state', 'attempts', 'due_at'])
    .where('kind', '=', HOUSEKEEPING_KIND)
    .orderBy('due_at')
    .orderBy('key')
    .execute()
    .then((rows) => rows.map((r) => [r.key, r.state, Number(r.attempts), Number(r.due_at)]));

/** Counts what a housekeeping instance reports pruned, per table. */
function counter() {
  const pruned: Record<string, number> = {};
  return {
    pruned,
    observer: { pruned: (table: PrunedTable, rows: number) => (pruned[table] = (pruned[table] ?? 0) + rows) },
  };
}

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'housekeeping: which rows go', () => {
    let server: TestServer;
    let openTicket: string;
    let closedTicket: string;
    beforeAll(async () => {
      server = await startTestServer(dialect);
      const agent = await server.login('agent@acme.test');
      const pro = await server.login('pro@acme.test');
      const open = async () =>
        ticketOf(
          await server.request(
            'POST',
            '/api/v1/tickets',
            { subject: 'Down', description: '500', priority: 'P2', category: 'hosting', channel: 'ticket' },
            { token: pro },
          ),
        ).id;
      openTicket = await open();
      closedTicket = await open();
      for (const status of ['resolved', 'closed']) {
        const { version } = ticketOf(
          await server.request('GET', `/api/v1/tickets/${closedTicket}`, undefined, { token: agent }),
        );
        const res = await server.request(
          'PATCH',
          `/api/v1/tickets/${closedTicket}`,
          { version, status },
          { token: agent },
        );
        expect(res.status).toBe(200);
      }
    });
    afterAll(async () => {
      await server?.close();
    });
    beforeEach(async () => {
      // Only the seeded rows: what opening the tickets wrote is not part of the question.
      const db = server.services.db;
      for (const table of ['jobs', 'deliveries', 'outbox'] as const) await db.deleteFrom(table).execute();
    });

    it('deletes old final jobs, dispatched outbox rows and final deliveries, and nothing unfinished or recent', async () => {
      const db = server.services.db;
      // Jobs: each final state old and recent, every unfinished state with an old due instant.
      await seedJob(db, 'done-old', { state: 'done', dueAtMs: OLD_JOB });
      await seedJob(db, 'done-recent', { state: 'done', dueAtMs: RECENT_JOB });
      await seedJob(db, 'dead-old', { state: 'dead', dueAtMs: OLD_JOB });
      await seedJob(db, 'dead-recent', { state: 'dead', dueAtMs: RECENT_JOB });
      await seedJob(db, 'skipped-old', {
        kind: 'sla-warning',
        subjectId: openTicket,
        state: 'skipped',
        dueAtMs: OLD_JOB,
      });
      await seedJob(db, 'skipped-recent', { state: 'skipped', dueAtMs: RECENT_JOB });
      await seedJob(db, 'running-old', { state: 'running', dueAtMs: OLD_JOB, leaseUntilMs: NOW + 60_000 });
      await seedJob(db, 'retry-old', { state: 'retry', dueAtMs: OLD_JOB, leaseUntilMs: NOW + HOUR_MS });
      await seedJob(db, 'pending-future', { state: 'pending', dueAtMs: NOW + DAY_MS });
      // A fired SLA job is the record that its key fired: kept while its ticket may still be recomputed.
      await seedJob(db, 'sla-open-ticket', {
        kind: 'sla-breach',
        subjectId: openTicket,
        state: 'done',
        dueAtMs: OLD_JOB,
      });
      await seedJob(db, 'sla-closed-ticket', {
        kind: 'sla-breach',
        subjectId: closedTicket,
        state: 'done',
        dueAtMs: OLD_JOB,
      });
      await seedJob(db, 'sla-closed-recent', {
        kind: 'sla-warning',
        subjectId: closedTicket,
        state: 'done',
        dueAtMs: RECENT_JOB,
      });
      await seedJob(db, 'sla-gone-ticket', { kind: 'sla-warning', state: 'dead', dueAtMs: OLD_JOB });
      await seedJob(db, 'consultation-gone', {
        kind: 'consultation-contact-overdue',
        state: 'done',
        dueAtMs: OLD_JOB,
      });

      // Outbox rows and their deliveries.
      await seedOutbox(db, 'a-old-alone', 'dispatched', OLD_MSG);
      const sentOld = await seedOutbox(db, 'b-old-sent', 'dispatched', OLD_MSG);
      await seedDelivery(db, 'b-sent-old', { outboxId: sentOld, status: 'sent', nextAttemptAtMs: OLD_MSG });
      await seedDelivery(db, 'b-dead-old', { outboxId: sentOld, status: 'dead', nextAttemptAtMs: OLD_MSG });
      const pendingDelivery = await seedOutbox(db, 'c-old-delivery-pending', 'dispatched', OLD_MSG);
      await seedDelivery(db, 'c-pending-old', {
        outboxId: pendingDelivery,
        status: 'pending',
        nextAttemptAtMs: OLD_MSG,
      });
      await seedDelivery(db, 'c-sent-old', {
        outboxId: pendingDelivery,
        status: 'sent',
        nextAttemptAtMs: OLD_MSG,
      });
      const sending = await seedOutbox(db, 'd-old-delivery-sending', 'dispatched', OLD_MSG);
      await seedDelivery(db, 'd-sending-old', {
        outboxId: sending,
        status: 'sending',
        nextAttemptAtMs: OLD_MSG,
      });
      const recentDelivery = await seedOutbox(db, 'e-old-delivery-recent', 'dispatched', OLD_MSG);
      await seedDelivery(db, 'e-sent-recent', {
        outboxId: recentDelivery,
        status: 'sent',
        nextAttemptAtMs: RECENT_MSG,
      });
      await seedOutbox(db, 'f-recent', 'dispatched', RECENT_MSG);
      await seedOutbox(db, 'g-old-undispatched', 'pending', OLD_MSG);
      // Inbound mail's auto-replies have no outbox row of their own.
      await seedDelivery(db, 'h-inbound-sent-old', {
        outboxId: 'inbound-mail:m1',
        status: 'sent',
        nextAttemptAtMs: OLD_MSG,
      });

      const clock = new ManualClock(NOW);
      const { pruned, observer } = counter();
      const housekeeping = createHousekeeping({ clock, config: DEFAULT_HOUSEKEEPING, observer });
      await housekeeping.ensureScheduled(db, NOW);
      const scheduler = createScheduler({
        db,
        clock,
        handlers: new Map([[HOUSEKEEPING_KIND, housekeeping.handler]]),
      });
      expect(await scheduler.runOnce()).toBe(1);

      expect(await seedKeys(db)).toEqual([
        'dead-recent',
        'done-recent',
        'pending-future',
        'retry-old',
        'running-old',
        'skipped-recent',
        'sla-closed-recent',
        'sla-open-ticket',
      ]);
      expect(await ids(db, 'outbox')).toEqual([
        'outbox-c-old-delivery-pending',
        'outbox-d-old-delivery-sending',
        'outbox-e-old-delivery-recent',
        'outbox-f-recent',
        'outbox-g-old-undispatched',
      ]);
      expect(await ids(db, 'deliveries')).toEqual([
        'delivery-c-pending-old',
        'delivery-d-sending-old',
        'delivery-e-sent-recent',
      ]);
      expect(pruned).toEqual({ jobs: 6, deliveries: 4, outbox: 2 });
      // The hour's run is done, the next hour's scheduled.
      expect(await housekeepingJobs(db)).toEqual([
        [`${HOUSEKEEPING_KIND}:${PERIOD}`, 'done', 1, PERIOD],
        [`${HOUSEKEEPING_KIND}:${PERIOD + HOUR_MS}`, 'pending', 0, PERIOD + HOUR_MS],
      ]);
    });

    it('never deletes a pending job, however old its due instant (a direct prune: the scheduler would claim it)', async () => {
      const db = server.services.db;
      await seedJob(db, 'pending-old', { state: 'pending', dueAtMs: OLD_JOB });
      await seedJob(db, 'done-old', { state: 'done', dueAtMs: OLD_JOB });
      const housekeeping = createHousekeeping({ clock: new ManualClock(NOW), config: DEFAULT_HOUSEKEEPING });
      await db.transaction().execute((trx) => housekeeping.pruneOnce(trx, NOW));
      expect(await seedKeys(db)).toEqual(['pending-old']);
    });

    it('a backlog is deleted in bounded runs, each scheduling the next a few seconds later, then the next hour', async () => {
      const db = server.services.db;
      for (let i = 0; i < 5; i++) await seedJob(db, `done-${i}`, { state: 'done', dueAtMs: OLD_JOB + i });
      const clock = new ManualClock(NOW);
      const housekeeping = createHousekeeping({
        clock,
        config: DEFAULT_HOUSEKEEPING,
        batchRows: 2,
        statementsPerFilter: 1,
      });
      await housekeeping.ensureScheduled(db, NOW);
      const scheduler = createScheduler({
        db,
        clock,
        handlers: new Map([[HOUSEKEEPING_KIND, housekeeping.handler]]),
      });
      expect(await scheduler.runOnce()).toBe(1);
      // Oldest first, two per statement, one statement per run.
      expect(await seedKeys(db)).toEqual(['done-2', 'done-3', 'done-4']);
      expect(await scheduler.runOnce()).toBe(0);
      clock.advance(5_000);
      expect(await scheduler.runOnce()).toBe(1);
      expect(await seedKeys(db)).toEqual(['done-4']);
      clock.advance(5_000);
      expect(await scheduler.runOnce()).toBe(1);
      expect(await seedKeys(db)).toEqual([]);
      expect(await housekeepingJobs(db)).toEqual([
        [`${HOUSEKEEPING_KIND}:${PERIOD}`, 'done', 1, PERIOD],
        [`${HOUSEKEEPING_KIND}:${PERIOD}:1`, 'done', 1, NOW + 5_000],
        [`${HOUSEKEEPING_KIND}:${PERIOD}:2`, 'done', 1, NOW + 10_000],
        [`${HOUSEKEEPING_KIND}:${PERIOD + HOUR_MS}`, 'pending', 0, PERIOD + HOUR_MS],
      ]);
    });
  });

  describeDialect(dialect, 'housekeeping: several instances', () => {
    let testDb: TestDatabase;
    let second: DatabaseHandle;
    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      // PostgreSQL: its own pool, like another process; SQLite: one process per file, the connection shared.
      second =
        dialect === 'sqlite'
          ? { ...testDb.handle, destroy: async () => undefined }
          : createDatabase(databaseConfigFromEnv(testDb.env));
    });
    afterAll(async () => {
      await second?.destroy();
      await testDb?.drop();
    });

    it("runs each hour's prune on one instance only, also when an instance starts within the hour", async () => {
      const clock = new ManualClock(NOW);
      const instances = [testDb.handle.db, second.db].map((db) => {
        const { pruned, observer } = counter();
        const housekeeping = createHousekeeping({ clock, config: DEFAULT_HOUSEKEEPING, observer });
        const handlers = new Map([[HOUSEKEEPING_KIND, housekeeping.handler]]);
        return { db, pruned, housekeeping, scheduler: createScheduler({ db, clock, handlers }) };
      });
      for (let i = 0; i < 3; i++)
        await seedJob(testDb.handle.db, `done-${i}`, { state: 'done', dueAtMs: OLD_JOB });
      // Both start at once, schedule the hour and poll together.
      await Promise.all(instances.map((x) => x.housekeeping.ensureScheduled(x.db, NOW)));
      const claimed = await Promise.all(instances.map((x) => x.scheduler.runOnce()));
      expect(claimed.sort()).toEqual([0, 1]);
      expect(instances.map((x) => x.pruned['jobs'] ?? 0).sort()).toEqual([0, 3]);
      expect(await housekeepingJobs(testDb.handle.db)).toEqual([
        [`${HOUSEKEEPING_KIND}:${PERIOD}`, 'done', 1, PERIOD],
        [`${HOUSEKEEPING_KIND}:${PERIOD + HOUR_MS}`, 'pending', 0, PERIOD + HOUR_MS],
      ]);

      // An instance (re)starting later in the same hour: the hour's key ran already, nothing is scheduled or run.
      clock.advance(20 * 60_000);
      await seedJob(testDb.handle.db, 'done-late', { state: 'done', dueAtMs: OLD_JOB });
      await instances[1]!.housekeeping.ensureScheduled(second.db, clock.nowMs());
      expect(await Promise.all(instances.map((x) => x.scheduler.runOnce()))).toEqual([0, 0]);
      expect(await seedKeys(testDb.handle.db)).toEqual(['done-late']);

      // The next hour runs once more, on one of them.
      clock.set(PERIOD + HOUR_MS);
      expect((await Promise.all(instances.map((x) => x.scheduler.runOnce()))).sort()).toEqual([0, 1]);
      expect(await seedKeys(testDb.handle.db)).toEqual([]);
      expect((await housekeepingJobs(testDb.handle.db)).map(([key, state]) => [key, state])).toEqual([
        [`${HOUSEKEEPING_KIND}:${PERIOD}`, 'done'],
        [`${HOUSEKEEPING_KIND}:${PERIOD + HOUR_MS}`, 'done'],
        [`${HOUSEKEEPING_KIND}:${PERIOD + 2 * HOUR_MS}`, 'pending'],
      ]);
    });
  });
}

it('retention settings: whole days from 1, defaults 90 and 30, a bad value named', () => {
  expect(housekeepingConfigFromEnv({})).toEqual({ jobsDays: 90, outboxDays: 30 });
  expect(
    housekeepingConfigFromEnv({ ACCORD_JOBS_RETENTION_DAYS: '365', ACCORD_OUTBOX_RETENTION_DAYS: ' ' }),
  ).toEqual({ jobsDays: 365, outboxDays: 30 });
  for (const bad of ['0', '-3', '1.5', 'a month', '1e9'])
    expect(() => housekeepingConfigFromEnv({ ACCORD_OUTBOX_RETENTION_DAYS: bad })).toThrow(
      `ACCORD_OUTBOX_RETENTION_DAYS must be a whole number of days from 1 to 36500, got '${bad}'`,
    );
  expect(() => housekeepingConfigFromEnv({ ACCORD_JOBS_RETENTION_DAYS: '0' })).toThrow(
    /ACCORD_JOBS_RETENTION_DAYS must be a whole number of days/,
  );
});

it('a bad retention value refuses to start the server (exit 2, before any database is opened)', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      ACCORD_JOBS_RETENTION_DAYS: 'forever',
      // Never reached: a start past the check would fail on it instead.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  expect(stderr).toContain(
    "accord: ACCORD_JOBS_RETENTION_DAYS must be a whole number of days from 1 to 36500, got 'forever'",
  );
  expect(code).toBe(2);
}, 60_000);
