import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDatabase, databaseConfigFromEnv, type DatabaseHandle } from '../src/db/database.ts';
import { HOUSEKEEPING_KIND } from '../src/housekeeping/housekeeping.ts';
import { createTestDatabase, describeDialect, DIALECTS, type TestDatabase } from './dialects.ts';
import {
  kill,
  MAIN,
  openP1s,
  spawnServer,
  startServer,
  startSmtp,
  waitFor,
  type Proc,
} from './server-process.ts';

/**
 * The real server process (src/main.ts under tsx), killed with SIGKILL while it fires deadlines and sends mail, then
 * restarted: every job fires exactly once (late, with its lateness recorded), every message is delivered, and a
 * message sent twice is sent under the same Message-ID. On PostgreSQL, two processes then race on the same jobs.
 * The processes' clocks are moved with ACCORD_TEST_CLOCK_OFFSET_MS (refused in production).
 */

/** Monday 2 March 2026, 09:00 in Brussels: business hours, when the P1s are opened. */
const MONDAY_MS = Date.parse('2026-03-02T08:00:00Z');
const DAY_MS = 86_400_000;
const TICKETS = 12;
/** P1s whose deadlines fall due together in the batch test: several scheduler batches' worth of jobs. */
const BATCH_TICKETS = 240;

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'the real server process: SIGKILL while firing and sending, restart', () => {
    let testDb: TestDatabase;
    let db: DatabaseHandle;
    let dataDir: string;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    let env: NodeJS.ProcessEnv;
    const procs: Proc[] = [];

    beforeAll(async () => {
      smtp = await startSmtp();
      dataDir = mkdtempSync(join(tmpdir(), 'accord-kill-'));
      testDb = await createTestDatabase(dialect, { migrate: false });
      env = {
        ACCORD_DATA_DIR: dataDir,
        DATABASE_URL: '',
        ...testDb.env,
        ACCORD_SMTP_URL: smtp.url,
        ACCORD_MAIL_FROM: 'Accord <support@desk.example>',
        ACCORD_SMTP_LISTEN: '',
      };
      db = createDatabase(databaseConfigFromEnv(env));
    }, 60_000);
    afterAll(async () => {
      for (const p of procs) await kill(p, 'SIGKILL');
      await db?.destroy();
      await testDb?.drop();
      await smtp?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const pendingJobs = async (nowMs: number) =>
      Number(
        (
          await db.db
            .selectFrom('jobs')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('state', 'in', ['pending', 'running', 'retry'])
            .where('due_at', '<=', nowMs)
            // The hourly housekeeping job waits for its hour (on the server's clock): never "due" here.
            .where('kind', '!=', HOUSEKEEPING_KIND)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const unsent = async () => {
      const outbox = await db.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      const deliveries = await db.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['pending', 'sending'])
        .executeTakeFirstOrThrow();
      return Number(outbox.n) + Number(deliveries.n);
    };

    /**
     * Every SLA job of the tickets fired once, late, or (a warning) was skipped unfired because its clock breached
     * first, and wrote at most one event per (ticket, kind, metric, threshold).
     */
    async function expectFiredOnce(ticketIds: string[]) {
      const jobs = await db.db
        .selectFrom('jobs')
        .select(['key', 'kind', 'state', 'lateness_ms', 'fired_at', 'subject_id', 'skip_reason'])
        .where('subject_id', 'in', ticketIds)
        .where('kind', 'in', ['sla-warning', 'sla-breach'])
        .execute();
      expect(jobs.length).toBeGreaterThanOrEqual(ticketIds.length * 2);
      const [skipped, fired] = [
        jobs.filter((j) => j.state === 'skipped'),
        jobs.filter((j) => j.state !== 'skipped'),
      ];
      expect(fired.filter((j) => j.state !== 'done')).toEqual([]);
      expect(
        skipped.filter(
          (j) => j.kind !== 'sla-warning' || j.skip_reason !== 'clock-breached' || j.fired_at !== null,
        ),
      ).toEqual([]);
      // Late (the clock jumped past them), and how late is recorded.
      expect(fired.every((j) => Number(j.lateness_ms) > 0)).toBe(true);
      const events = await db.db
        .selectFrom('ticket_events')
        .select(['ticket_id', 'type', 'payload_json'])
        .where('ticket_id', 'in', ticketIds)
        .where('type', 'in', ['sla-warning', 'sla-breached'])
        .execute();
      const keys = events.map((e) => {
        const p = JSON.parse(e.payload_json) as { metric: string; threshold?: number; latenessMs: number };
        expect(p.latenessMs).toBeGreaterThan(0);
        return `${e.ticket_id}/${e.type}/${p.metric}/${p.threshold ?? ''}`;
      });
      expect(keys.length).toBe(new Set(keys).size);
      expect(events.length).toBeLessThanOrEqual(jobs.length);
      // Every P1 breached (its running clock), once per clock.
      const breached = new Set(events.filter((e) => e.type === 'sla-breached').map((e) => e.ticket_id));
      expect(breached.size).toBe(ticketIds.length);
      return { jobs: jobs.length, events: events.length };
    }

    /** Every e-mail delivery sent, each received at least once, and a repeat only under the same Message-ID. */
    async function expectDelivered() {
      const deliveries = await db.db.selectFrom('deliveries').select(['id', 'status', 'channel']).execute();
      expect(deliveries.filter((d) => d.status !== 'sent')).toEqual([]);
      const expected = new Set(
        deliveries.filter((d) => d.channel === 'email').map((d) => `<${d.id}@desk.example>`),
      );
      const received = new Set(smtp.messageIds);
      expect([...expected].filter((id) => !received.has(id))).toEqual([]);
      expect([...received].filter((id) => !expected.has(id))).toEqual([]);
      return {
        emails: expected.size,
        received: smtp.messageIds.length,
        resent: smtp.messageIds.length - received.size,
      };
    }

    it('kill -9 during dispatch, restart: each job fires once, late; every message delivered', async () => {
      // 1. Monday morning: the P1s are opened (their deadlines are hours of business time away).
      const first = await startServer(env, MONDAY_MS);
      procs.push(first);
      const tickets = await openP1s(first.baseUrl, TICKETS, 'kill');
      await waitFor('acknowledgements sent', async () => (await unsent()) === 0);
      await kill(first, 'SIGKILL');

      // 2. Two days later every deadline is overdue: killed as soon as the first alert leaves.
      const before = smtp.messageIds.length;
      const later = MONDAY_MS + 2 * DAY_MS;
      const second = await startServer(env, later);
      procs.push(second);
      await waitFor('the first alert', async () => smtp.messageIds.length > before, 60_000);
      await kill(second, 'SIGKILL');
      const pendingAtKill = await pendingJobs(later + 3_600_000);
      const unsentAtKill = await unsent();

      // 3. Restarted after the leases ran out: the rest fires and goes out.
      const restartAt = later + 10 * 60_000;
      const third = await startServer(env, restartAt);
      procs.push(third);
      await waitFor(
        'every job fired and every message sent',
        async () => (await pendingJobs(restartAt + 3_600_000)) === 0 && (await unsent()) === 0,
      );
      await kill(third, 'SIGTERM');
      const fired = await expectFiredOnce(tickets);
      const mail = await expectDelivered();
      console.info(
        `[process-kill ${dialect}] at the kill: ${pendingAtKill} jobs pending, ${unsentAtKill} messages unsent; ` +
          `after restart: ${fired.jobs} jobs fired once (${fired.events} events), ${mail.emails} e-mails, ` +
          `${mail.received} received (${mail.resent} resent under the same Message-ID)`,
      );
    }, 300_000);

    /** Each firing left exactly one outbox message, under the job's idempotency key, beside its history event. */
    async function expectOutboxOnce(ticketIds: string[]) {
      const jobs = await db.db
        .selectFrom('jobs')
        .select(['key'])
        .where('subject_id', 'in', ticketIds)
        .where('kind', 'in', ['sla-warning', 'sla-breach'])
        .execute();
      const keys = new Set(jobs.flatMap((j) => [`sla.warning:${j.key}`, `sla.breached:${j.key}`]));
      const rows = await db.db
        .selectFrom('outbox')
        .select(['idempotency_key', 'payload_json'])
        .where('topic', 'in', ['sla.warning', 'sla.breached'])
        .execute();
      const mine = rows.filter((r) => keys.has(r.idempotency_key));
      expect(mine.length).toBe(new Set(mine.map((r) => r.idempotency_key)).size);
      const events = await db.db
        .selectFrom('ticket_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('ticket_id', 'in', ticketIds)
        .where('type', 'in', ['sla-warning', 'sla-breached'])
        .executeTakeFirstOrThrow();
      expect(mine.length).toBe(Number(events.n));
      return mine.length;
    }

    if (dialect === 'postgres')
      it('two server processes on one PostgreSQL database: zero double fires', async () => {
        const first = await startServer(env, MONDAY_MS + 7 * DAY_MS);
        procs.push(first);
        const tickets = await openP1s(first.baseUrl, TICKETS * 2, 'race');
        await waitFor('acknowledgements sent', async () => (await unsent()) === 0);
        await kill(first, 'SIGKILL');
        const later = MONDAY_MS + 9 * DAY_MS;
        const [a, b] = await Promise.all([startServer(env, later), startServer(env, later)]);
        procs.push(a, b);
        await waitFor(
          'every job fired and every message sent',
          async () => (await pendingJobs(later + 3_600_000)) === 0 && (await unsent()) === 0,
        );
        await Promise.all([kill(a, 'SIGTERM'), kill(b, 'SIGTERM')]);
        const fired = await expectFiredOnce(tickets);
        await expectDelivered();
        console.info(
          `[process-kill postgres] two processes: ${fired.jobs} jobs, ${fired.events} events, no double fire`,
        );
      }, 300_000);

    // Last: it leaves its alerts' messages unsent, which the tests above would have to send before their checks.
    it('kill -9 in the middle of a job batch, restart: every job fired once, late, one outbox row each', async () => {
      // A Monday three weeks on, so these deadlines are apart from the other tests'.
      const openAt = MONDAY_MS + 21 * DAY_MS;
      const first = await startServer(env, openAt);
      procs.push(first);
      const openStartedMs = Date.now();
      const tickets = await openP1s(first.baseUrl, BATCH_TICKETS, 'batch', 6);
      const openMs = Date.now() - openStartedMs;
      await kill(first, 'SIGKILL');

      // Two days later every deadline of every ticket is due at once: killed once the batch is part-way through,
      // some firings committed, others claimed under a lease or not claimed yet.
      const later = openAt + 2 * DAY_MS;
      const jobStates = async () => {
        const rows = await db.db
          .selectFrom('jobs')
          .select(['key', 'state'])
          .where('subject_id', 'in', tickets)
          .where('kind', 'in', ['sla-warning', 'sla-breach'])
          .execute();
        const keys = (states: string[]) => rows.filter((r) => states.includes(r.state)).map((r) => r.key);
        return {
          done: keys(['done']),
          open: keys(['pending', 'running', 'retry']),
          claimed: keys(['running']).length,
          all: rows.length,
        };
      };
      // Watched from the spawn on: the scheduler starts firing before the process says it listens.
      const second = spawnServer(env, later);
      second.listening.catch(() => undefined);
      procs.push(second);
      await waitFor(
        'the first firings committed',
        async () => (await jobStates()).done.length > 0,
        90_000,
        5,
      );
      await kill(second, 'SIGKILL');
      const atKill = await jobStates();
      // Killed mid-batch: the test means nothing if the batch had already finished.
      expect(atKill.open.length).toBeGreaterThan(0);
      // Some of them claimed by the killed process, under a lease that must run out before anyone takes them over.
      expect(atKill.claimed).toBeGreaterThan(0);

      // Restarted after the leases ran out: the claimed jobs are taken over, the rest fire, none twice.
      const restartAt = later + 10 * 60_000;
      const third = await startServer(env, restartAt);
      procs.push(third);
      await waitFor('every job fired', async () => (await pendingJobs(restartAt + 3_600_000)) === 0);
      await kill(third, 'SIGTERM');
      const fired = await expectFiredOnce(tickets);
      const outbox = await expectOutboxOnce(tickets);
      const rows = await db.db
        .selectFrom('jobs')
        .select(['key', 'state', 'lateness_ms', 'fired_at', 'skip_reason'])
        .where('subject_id', 'in', tickets)
        .where('kind', 'in', ['sla-warning', 'sla-breach'])
        .execute();
      const lateness = rows.filter((j) => j.state !== 'skipped');
      // Fired by the second process (late by about two days) or by the third (ten minutes more).
      expect(lateness.every((j) => j.fired_at !== null && Number(j.lateness_ms) > 0)).toBe(true);
      // What was done at the kill stayed done; what was open fired after the restart.
      const firedAfter = new Set(lateness.filter((j) => Number(j.fired_at) >= restartAt).map((j) => j.key));
      expect(atKill.done.filter((k) => firedAfter.has(k))).toEqual([]);
      // Or, for a warning, skipped unfired: a firing's recompute withdraws the pending warnings of a clock already
      // breached (core sla/deadlines.ts), whose breach alert went out instead; the row stays, with why.
      const skippedRows = new Map(rows.filter((j) => j.state === 'skipped').map((j) => [j.key, j]));
      const breached = new Set(
        (
          await db.db
            .selectFrom('ticket_events')
            .select(['ticket_id', 'payload_json'])
            .where('ticket_id', 'in', tickets)
            .where('type', '=', 'sla-breached')
            .execute()
        ).map((e) => `${e.ticket_id}:${(JSON.parse(e.payload_json) as { metric: string }).metric}`),
      );
      const withdrawn = atKill.open.filter((k) => !firedAfter.has(k));
      for (const key of withdrawn) {
        const [, , , threshold] = key.split(':');
        const row = skippedRows.get(key);
        expect({ key, state: row?.state, reason: row?.skip_reason, warning: threshold !== '100' }).toEqual({
          key,
          state: 'skipped',
          reason: 'clock-breached',
          warning: true,
        });
      }
      // Skipped before the kill or after the restart, each for a clock whose breach was recorded.
      for (const key of skippedRows.keys()) {
        const [, ticketId, metric] = key.split(':');
        expect(breached.has(`${ticketId}:${metric}`), key).toBe(true);
      }
      const afterRestart = firedAfter.size;
      console.info(
        `[process-kill ${dialect}] job batch: ${atKill.all} jobs due at once; at the kill ${atKill.done.length} done, ` +
          `${atKill.open.length} open (${atKill.claimed} claimed); after restart ${afterRestart} fired late, ${withdrawn.length} warnings skipped ` +
          `(their clock breached; ${skippedRows.size} skipped in all); ${fired.events} events, ${outbox} outbox rows, ` +
          `none twice (${BATCH_TICKETS} tickets opened in ${openMs} ms)`,
      );
    }, 300_000);
  });
}

it('the test clock is refused in production mode: the process stops before opening anything', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, NODE_ENV: 'production', ACCORD_TEST_CLOCK_OFFSET_MS: '3600000', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  expect(code).toBe(2);
  expect(stderr).toContain('refused when NODE_ENV=production');
}, 60_000);
