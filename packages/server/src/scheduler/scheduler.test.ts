import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, databaseConfigFromEnv, type DatabaseHandle } from '../db/database.ts';
import { ManualClock } from '../clock.ts';
import { createTestDatabase, describeDialect, DIALECTS, type TestDatabase } from '../../test/dialects.ts';
import { claimJobs, finishJobs, replaceJobs, type ClaimedJob, type JobSpec } from './jobs.repository.ts';
import { createScheduler, groupBySubject, type JobHandler } from './scheduler.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const WS = 'ws-1';

/**
 * A second instance's database. PostgreSQL: its own pool, like another server process. SQLite: the server runs one
 * process per database file, so the second instance shares the connection (two better-sqlite3 handles in one
 * thread would wait on each other's locks synchronously, a deadlock no real deployment has).
 */
function secondInstance(testDb: TestDatabase): DatabaseHandle {
  if (testDb.dialect === 'sqlite') return { ...testDb.handle, destroy: async () => undefined };
  return createDatabase(databaseConfigFromEnv(testDb.env));
}

function jobRows(handle: DatabaseHandle) {
  return handle.db.selectFrom('jobs').selectAll().orderBy('key').execute();
}

describe('groupBySubject', () => {
  const job = (key: string, subjectId: string, dueAtMs: number): ClaimedJob => ({
    id: key,
    workspaceId: WS,
    kind: 'k',
    key,
    subjectId,
    dueAtMs,
    payload: {},
    attempts: 1,
  });

  it("keeps a subject's jobs in one transaction, in due order, and orders each transaction by subject", () => {
    const jobs = [
      job('b1', 'b', 1),
      job('a1', 'a', 2),
      job('c1', 'c', 3),
      job('b2', 'b', 4),
      job('a2', 'a', 5),
      job('d1', 'd', 6),
    ];
    const groups = groupBySubject(jobs, 3);
    // Subjects in the order of their first due job; a subject that would overflow the transaction starts the next.
    expect(groups.map((g) => g.map((j) => j.key))).toEqual([['b1', 'b2'], ['a1', 'a2', 'c1'], ['d1']]);
  });

  it('fills transactions up to the size when subjects have one job each', () => {
    const jobs = Array.from({ length: 7 }, (_, i) => job(`j${i}`, `s${6 - i}`, i));
    expect(groupBySubject(jobs, 3).map((g) => g.length)).toEqual([3, 3, 1]);
    expect(groupBySubject([], 3)).toEqual([]);
  });
});

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'scheduler', () => {
    let testDb: TestDatabase;
    let clock: ManualClock;
    beforeEach(async () => {
      testDb = await createTestDatabase(dialect);
      clock = new ManualClock(T0);
    });
    afterEach(async () => {
      await testDb.drop();
    });

    /** [state, count] of every job, one pair per state present. */
    const jobCountsByState = async () =>
      (
        await testDb.handle.db
          .selectFrom('jobs')
          .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('state')
          .execute()
      ).map((s) => [s.state, Number(s.n)]);
    const schedule = (subjectId: string, kinds: string[], jobs: JobSpec[]) =>
      testDb.handle.db
        .transaction()
        .execute((trx) =>
          replaceJobs(trx, { workspaceId: WS, subjectId, kinds, jobs, nowMs: clock.nowMs() }),
        );

    it('replaceJobs inserts, moves and deletes pending jobs, and never schedules a fired key again', async () => {
      const fired: string[] = [];
      const handlers = new Map<string, JobHandler>([['warn', async ({ job }) => void fired.push(job.key)]]);
      const scheduler = createScheduler({ db: testDb.handle.db, clock, handlers });
      await schedule(
        't1',
        ['warn'],
        [
          { kind: 'warn', key: 't1:75', dueAtMs: T0 + 1000, payload: { threshold: 75 } },
          { kind: 'warn', key: 't1:90', dueAtMs: T0 + 5000, payload: { threshold: 90 } },
        ],
      );
      clock.advance(1000);
      expect(await scheduler.runOnce()).toBe(1);
      // A recompute: 75 % (already fired) comes again, 90 % moves, a breach appears; other kinds are untouched.
      await schedule('t1', ['other'], [{ kind: 'other', key: 't1:other', dueAtMs: T0 + 9000, payload: {} }]);
      await schedule(
        't1',
        ['warn'],
        [
          { kind: 'warn', key: 't1:75', dueAtMs: T0 + 2000, payload: { threshold: 75 } },
          { kind: 'warn', key: 't1:90', dueAtMs: T0 + 7000, payload: { threshold: 90, moved: true } },
          { kind: 'warn', key: 't1:100', dueAtMs: T0 + 8000, payload: {} },
        ],
      );
      let rows = await jobRows(testDb.handle);
      expect(rows.map((r) => [r.key, r.state, Number(r.due_at)])).toEqual([
        ['t1:100', 'pending', T0 + 8000],
        ['t1:75', 'done', T0 + 1000],
        ['t1:90', 'pending', T0 + 7000],
        ['t1:other', 'pending', T0 + 9000],
      ]);
      expect(JSON.parse(rows.find((r) => r.key === 't1:90')!.payload_json)).toEqual({
        threshold: 90,
        moved: true,
      });
      // The ticket is paused: no warning jobs any more; the fired row stays as history.
      await schedule('t1', ['warn'], []);
      rows = await jobRows(testDb.handle);
      expect(rows.map((r) => r.key)).toEqual(['t1:75', 't1:other']);
      clock.advance(60_000);
      handlers.set('other', async ({ job }) => void fired.push(job.key));
      expect(await scheduler.runOnce()).toBe(1);
      expect(fired).toEqual(['t1:75', 't1:other']);
    });

    it('a job withdrawn after it came due is kept as skipped, never claimed, and scheduled again only if computed again', async () => {
      const fired: string[] = [];
      const handlers = new Map<string, JobHandler>([['warn', async ({ job }) => void fired.push(job.key)]]);
      const scheduler = createScheduler({ db: testDb.handle.db, clock, handlers });
      const rows = async () =>
        (await jobRows(testDb.handle)).map((r) => [
          r.key,
          r.state,
          Number(r.due_at),
          r.fired_at,
          r.attempts,
          r.skip_reason,
        ]);
      await schedule(
        't1',
        ['warn'],
        [
          { kind: 'warn', key: 't1:75', dueAtMs: T0 + 1000, payload: {} },
          { kind: 'warn', key: 't1:90', dueAtMs: T0 + 5000, payload: {} },
        ],
      );
      // Nothing ran (the server was down) and at T0+2s a recompute withdraws both: 75 % was owed, 90 % was not yet.
      clock.set(T0 + 2000);
      await schedule('t1', ['warn'], []);
      expect(await rows()).toEqual([['t1:75', 'skipped', T0 + 1000, null, 0, 'recomputed']]);
      clock.advance(3_600_000);
      expect(
        await claimJobs(testDb.handle.db, dialect, { nowMs: clock.nowMs(), leaseMs: 60_000, limit: 10 }),
      ).toEqual([]);
      expect(await scheduler.runOnce()).toBe(0);
      // A recompute that leaves the key out again does not touch the skipped row.
      await schedule('t1', ['warn'], []);
      expect(await rows()).toEqual([['t1:75', 'skipped', T0 + 1000, null, 0, 'recomputed']]);
      expect(fired).toEqual([]);
      // The same deadline computed again (the clock counts again, past its line): scheduled anew, and fires once.
      const againMs = clock.nowMs();
      await schedule(
        't1',
        ['warn'],
        [{ kind: 'warn', key: 't1:75', dueAtMs: againMs, payload: { again: true } }],
      );
      expect(await rows()).toEqual([['t1:75', 'pending', againMs, null, 0, null]]);
      expect(await scheduler.runOnce()).toBe(1);
      await schedule('t1', ['warn'], [{ kind: 'warn', key: 't1:75', dueAtMs: againMs, payload: {} }]);
      expect(await scheduler.runOnce()).toBe(0);
      expect(fired).toEqual(['t1:75']);
      expect((await rows())[0]?.slice(0, 2)).toEqual(['t1:75', 'done']);
    });

    it('the caller names why a due job was withdrawn; a kept overdue job keeps the instant it came due', async () => {
      await schedule(
        't1',
        ['warn', 'breach'],
        [
          { kind: 'warn', key: 't1:90', dueAtMs: T0 + 1000, payload: { threshold: 90 } },
          { kind: 'breach', key: 't1:100', dueAtMs: T0 + 2000, payload: {} },
        ],
      );
      clock.set(T0 + 10_000);
      await testDb.handle.db.transaction().execute((trx) =>
        replaceJobs(trx, {
          workspaceId: WS,
          subjectId: 't1',
          kinds: ['warn', 'breach'],
          // The breach is due now as computed at T0+10s; it came due at T0+2s, and its lateness counts from there.
          jobs: [{ kind: 'breach', key: 't1:100', dueAtMs: T0 + 10_000, payload: {} }],
          nowMs: clock.nowMs(),
          skipReason: (job) =>
            job.kind === 'warn' && job.payload['threshold'] === 90 ? 'clock-breached' : 'recomputed',
        }),
      );
      expect(
        (await jobRows(testDb.handle)).map((r) => [r.key, r.state, Number(r.due_at), r.skip_reason]),
      ).toEqual([
        ['t1:100', 'pending', T0 + 2000, null],
        ['t1:90', 'skipped', T0 + 1000, 'clock-breached'],
      ]);
      // A deadline pushed back into the future (a calendar edit) moves: it is not due any more.
      await schedule(
        't1',
        ['breach'],
        [{ kind: 'breach', key: 't1:100', dueAtMs: T0 + 60_000, payload: {} }],
      );
      expect(Number((await jobRows(testDb.handle))[0]?.due_at)).toBe(T0 + 60_000);
    });

    it('fires only due jobs, records the lateness, and commits the handler writes with "done"', async () => {
      const handlers = new Map<string, JobHandler>([
        [
          'note',
          async ({ job, trx }) => {
            await trx
              .insertInto('notifications')
              .values({
                id: job.key,
                workspace_id: WS,
                user_id: 'u',
                type: 'x',
                ticket_id: null,
                title: 't',
                body: 'b',
                created_at: clock.nowMs(),
                read_at: null,
              })
              .execute();
          },
        ],
      ]);
      const scheduler = createScheduler({ db: testDb.handle.db, clock, handlers });
      await schedule(
        't',
        ['note'],
        [
          { kind: 'note', key: 'a', dueAtMs: T0 - 30_000, payload: {} },
          { kind: 'note', key: 'b', dueAtMs: T0 + 1, payload: {} },
        ],
      );
      expect(await scheduler.runOnce()).toBe(1);
      expect(await scheduler.runOnce()).toBe(0);
      const rows = await jobRows(testDb.handle);
      expect(
        rows.map((r) => [r.key, r.state, r.lateness_ms === null ? null : Number(r.lateness_ms)]),
      ).toEqual([
        ['a', 'done', 30_000],
        ['b', 'pending', null],
      ]);
      const notes = await testDb.handle.db.selectFrom('notifications').select('id').execute();
      expect(notes.map((n) => n.id)).toEqual(['a']);
    });

    it('two scheduler instances on one database fire each of 500 due jobs exactly once', async () => {
      const other = secondInstance(testDb);
      try {
        const jobs = Array.from({ length: 500 }, (_, i) => ({
          kind: 'race',
          key: `race:${i}`,
          dueAtMs: T0 - i,
          payload: { i },
        }));
        await schedule('race', ['race'], jobs);
        const calls = new Map<string, number>();
        const handler: JobHandler = async ({ job, trx }) => {
          calls.set(job.key, (calls.get(job.key) ?? 0) + 1);
          // Real work in the transaction, so the two instances overlap.
          await trx.selectFrom('jobs').select('id').where('id', '=', job.id).execute();
        };
        const make = (db: DatabaseHandle['db']) =>
          createScheduler({ db, clock, handlers: new Map([['race', handler]]), batchSize: 25 });
        const a = make(testDb.handle.db);
        const b = make(other.db);
        const drain = async (s: ReturnType<typeof make>) => {
          let n = 0;
          for (let got = await s.runOnce(); got > 0; got = await s.runOnce()) n += got;
          return n;
        };
        const [byA, byB] = await Promise.all([drain(a), drain(b)]);
        expect(byA + byB).toBe(500);
        expect(calls.size).toBe(500);
        expect([...calls.values()].every((n) => n === 1)).toBe(true);
        expect(await jobCountsByState()).toEqual([['done', 500]]);
      } finally {
        await other.destroy();
      }
    });

    it('two instances running several transactions at once fire each of 600 jobs over 30 subjects exactly once', async () => {
      const other = secondInstance(testDb);
      try {
        for (let s = 0; s < 30; s++)
          await schedule(
            `s${s}`,
            ['race'],
            Array.from({ length: 20 }, (_, i) => ({
              kind: 'race',
              key: `race:${s}:${i}`,
              dueAtMs: T0 - i * 30 - s,
              payload: {},
            })),
          );
        const calls = new Map<string, number>();
        const handler: JobHandler = async ({ job, trx }) => {
          calls.set(job.key, (calls.get(job.key) ?? 0) + 1);
          await trx.selectFrom('jobs').select('id').where('id', '=', job.id).execute();
        };
        const make = (db: DatabaseHandle['db']) =>
          createScheduler({
            db,
            clock,
            handlers: new Map([['race', handler]]),
            batchSize: 40,
            jobsPerTransaction: 10,
            concurrency: 4,
          });
        const a = make(testDb.handle.db);
        const b = make(other.db);
        // A claim may come back empty while the other instance runs every subject left: drain until none is due.
        const drain = async (s: ReturnType<typeof make>) => {
          for (let idle = 0; idle < 3;) idle = (await s.runOnce()) > 0 ? 0 : idle + 1;
        };
        await Promise.all([drain(a), drain(b)]);
        await drain(a);
        expect(calls.size).toBe(600);
        expect([...calls.values()].every((n) => n === 1)).toBe(true);
        expect(await jobCountsByState()).toEqual([['done', 600]]);
      } finally {
        await other.destroy();
      }
    });

    it.runIf(dialect === 'postgres')(
      "leaves a subject another claim is running to that claim, and takes the subject's due jobs with a takeover",
      async () => {
        await schedule(
          's1',
          ['k'],
          [
            { kind: 'k', key: 's1:a', dueAtMs: T0 - 2, payload: {} },
            { kind: 'k', key: 's1:b', dueAtMs: T0 - 1, payload: {} },
          ],
        );
        await schedule('s2', ['k'], [{ kind: 'k', key: 's2:a', dueAtMs: T0, payload: {} }]);
        // Another worker's claim holds s1's first job (and so s1).
        const [held] = await claimJobs(testDb.handle.db, dialect, { nowMs: T0, leaseMs: 30_000, limit: 1 });
        expect(held?.key).toBe('s1:a');
        const fired: string[] = [];
        const scheduler = createScheduler({
          db: testDb.handle.db,
          clock,
          leaseMs: 30_000,
          handlers: new Map([['k', async ({ job }) => void fired.push(job.key)]]),
        });
        expect(await scheduler.runOnce()).toBe(1);
        expect(fired).toEqual(['s2:a']);
        // That worker crashed: once its lease ran out, one claim takes its job over and s1's other due job with it.
        clock.advance(30_000);
        expect(await scheduler.runOnce()).toBe(2);
        expect(fired).toEqual(['s2:a', 's1:a', 's1:b']);
      },
    );

    it("takes over a crashed worker's job once its lease has expired, and the old claim can no longer finish", async () => {
      const fired: number[] = [];
      const scheduler = createScheduler({
        db: testDb.handle.db,
        clock,
        leaseMs: 30_000,
        handlers: new Map([['k', async ({ job }) => void fired.push(job.attempts)]]),
      });
      await schedule('t', ['k'], [{ kind: 'k', key: 'crash', dueAtMs: T0, payload: {} }]);
      // The crashed worker: claims, then never finishes.
      const [lost] = await claimJobs(testDb.handle.db, dialect, { nowMs: T0, leaseMs: 30_000, limit: 10 });
      expect(lost?.attempts).toBe(1);
      clock.advance(29_999);
      expect(await scheduler.runOnce()).toBe(0);
      clock.advance(1);
      expect(await scheduler.runOnce()).toBe(1);
      expect(await scheduler.runOnce()).toBe(0);
      clock.advance(60_000);
      expect(await scheduler.runOnce()).toBe(0);
      expect(fired).toEqual([2]);
      // The crashed worker comes back and tries to finish its claim: the attempt number fences it out.
      if (lost === undefined) throw new Error('claimed nothing');
      expect(await finishJobs(testDb.handle.db, [lost], clock.nowMs())).toEqual(new Set());
      const [row] = await jobRows(testDb.handle);
      expect([row?.state, Number(row?.lateness_ms), Number(row?.attempts)]).toEqual(['done', 30_000, 2]);
    });

    it.runIf(dialect === 'postgres')(
      "during a burst (full batches) looks for expired claims every quarter lease, holding the stranded job's subject meanwhile",
      async () => {
        const fired: string[] = [];
        const scheduler = createScheduler({
          db: testDb.handle.db,
          clock,
          leaseMs: 20_000,
          batchSize: 2,
          handlers: new Map([['k', async ({ job }) => void fired.push(job.key)]]),
        });
        await schedule('t0', ['k'], [{ kind: 'k', key: 'stranded', dueAtMs: T0, payload: {} }]);
        await claimJobs(testDb.handle.db, dialect, { nowMs: T0, leaseMs: 20_000, limit: 10 });
        // A later job of the stranded job's ticket, and a burst on other tickets.
        await schedule('t0', ['k'], [{ kind: 'k', key: 't0-later', dueAtMs: T0 + 1, payload: {} }]);
        for (let i = 0; i < 8; i++)
          await schedule(`b${i}`, ['k'], [{ kind: 'k', key: `b${i}`, dueAtMs: T0 + 2 + i, payload: {} }]);
        // The stranded lease runs out at T0 + 20 s. The first batch looks (no batch before it was full): not yet.
        clock.set(T0 + 19_999);
        expect(await scheduler.runOnce()).toBe(2);
        // Full batches: the next look is a quarter lease (5 s) after the last. The stranded job waits, and so does
        // its ticket's later job, though the lease that kept it back has run out.
        clock.set(T0 + 20_001);
        expect(await scheduler.runOnce()).toBe(2);
        clock.set(T0 + 24_998);
        expect(await scheduler.runOnce()).toBe(2);
        expect(fired).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5']);
        clock.set(T0 + 24_999);
        expect(await scheduler.runOnce()).toBe(2);
        expect(fired.slice(6)).toEqual(['stranded', 't0-later']);
        expect(await scheduler.runOnce()).toBe(2);
        // A batch that is not full: the next one looks again, 1 ms after the last look.
        expect(await scheduler.runOnce()).toBe(0);
        await schedule('t9', ['k'], [{ kind: 'k', key: 'stranded-2', dueAtMs: T0, payload: {} }]);
        await claimJobs(testDb.handle.db, dialect, { nowMs: T0 + 24_999, leaseMs: 1, limit: 10 });
        clock.set(T0 + 25_000);
        expect(await scheduler.runOnce()).toBe(1);
        expect(fired.filter((k) => k === 'stranded-2')).toHaveLength(1);
        expect(await scheduler.runOnce()).toBe(0);
      },
    );

    it('a job whose batch committed but was run again (a lost reply) is not finished, nor fired, twice', async () => {
      const fired: string[] = [];
      const scheduler = createScheduler({
        db: testDb.handle.db,
        clock,
        handlers: new Map([['k', async ({ job }) => void fired.push(job.key)]]),
      });
      await schedule('t1', ['k'], [{ kind: 'k', key: 'once', dueAtMs: T0, payload: {} }]);
      const [claim] = await claimJobs(testDb.handle.db, dialect, { nowMs: T0, leaseMs: 60_000, limit: 10 });
      if (claim === undefined) throw new Error('claimed nothing');
      expect(await finishJobs(testDb.handle.db, [claim], T0)).toEqual(new Set([claim.id]));
      // The same claim, attempt number and all, finished again: nothing matches.
      expect(await finishJobs(testDb.handle.db, [claim], T0 + 1)).toEqual(new Set());
      expect(await scheduler.runOnce()).toBe(0);
      expect(fired).toEqual([]);
      const [row] = await jobRows(testDb.handle);
      expect([row?.state, Number(row?.fired_at)]).toEqual(['done', T0]);
    });

    it('retries a failing handler with exponential backoff, rolls its writes back, then marks it dead', async () => {
      let calls = 0;
      const scheduler = createScheduler({
        db: testDb.handle.db,
        clock,
        maxAttempts: 3,
        baseBackoffMs: 1000,
        handlers: new Map<string, JobHandler>([
          [
            'fail',
            async ({ trx }) => {
              calls += 1;
              await trx.deleteFrom('jobs').execute();
              throw new Error(`boom ${calls}`);
            },
          ],
        ]),
      });
      await schedule('t', ['fail'], [{ kind: 'fail', key: 'f', dueAtMs: T0, payload: {} }]);
      expect(await scheduler.runOnce()).toBe(1);
      let [row] = await jobRows(testDb.handle);
      expect([row?.state, Number(row?.lease_until), row?.last_error]).toEqual(['retry', T0 + 1000, 'boom 1']);
      clock.advance(999);
      expect(await scheduler.runOnce()).toBe(0);
      clock.advance(1);
      expect(await scheduler.runOnce()).toBe(1);
      [row] = await jobRows(testDb.handle);
      expect([row?.state, Number(row?.lease_until)]).toEqual(['retry', T0 + 1000 + 2000]);
      clock.advance(2000);
      expect(await scheduler.runOnce()).toBe(1);
      [row] = await jobRows(testDb.handle);
      expect([row?.state, row?.attempts, row?.last_error, row?.fired_at]).toEqual([
        'dead',
        3,
        'boom 3',
        null,
      ]);
      clock.advance(3_600_000);
      expect(await scheduler.runOnce()).toBe(0);
      expect(calls).toBe(3);
    });

    it('start() polls, nudge() wakes the loop, stop() returns once the loop has ended', async () => {
      const fired: string[] = [];
      const scheduler = createScheduler({
        db: testDb.handle.db,
        clock,
        pollMs: 60_000,
        handlers: new Map([['k', async ({ job }) => void fired.push(job.key)]]),
      });
      scheduler.start();
      await new Promise((r) => setTimeout(r, 50));
      await schedule('t', ['k'], [{ kind: 'k', key: 'now', dueAtMs: T0, payload: {} }]);
      scheduler.nudge();
      for (let i = 0; i < 100 && fired.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await scheduler.stop();
      expect(fired).toEqual(['now']);
    });

    it.runIf(dialect === 'postgres')(
      "locks a job's subject before its row: a change holding the subject and rescheduling the job never deadlocks with it",
      async () => {
        // The subject stands for a ticket: a row that the handler locks, as a ticket change does.
        await testDb.handle.db.insertInto('live_sequence').values({ name: 'subject-1', value: 0 }).execute();
        const lockSubject = async (trx: Parameters<JobHandler>[0]['trx'], ids: readonly string[]) => {
          await trx
            .selectFrom('live_sequence')
            .select('name')
            .where('name', 'in', [...ids])
            .forUpdate()
            .execute();
        };
        const fired: string[] = [];
        const scheduler = createScheduler({
          db: testDb.handle.db,
          clock,
          handlers: new Map<string, JobHandler>([
            [
              'k',
              async ({ job, trx }) => {
                await lockSubject(trx, [job.subjectId]);
                fired.push(job.key);
              },
            ],
          ]),
          subjectLocks: new Map([['k', lockSubject]]),
        });
        await schedule('subject-1', ['k'], [{ kind: 'k', key: 'subject-1:k', dueAtMs: T0, payload: {} }]);
        const other = secondInstance(testDb);
        try {
          // A change (another instance) locks the subject, then reschedules the subject's jobs while the batch runs.
          const change = other.db.transaction().execute(async (trx) => {
            await lockSubject(trx, ['subject-1']);
            await new Promise((r) => setTimeout(r, 300));
            await replaceJobs(trx, {
              workspaceId: WS,
              subjectId: 'subject-1',
              kinds: ['k'],
              jobs: [{ kind: 'k', key: 'subject-1:k', dueAtMs: T0 + 60_000, payload: {} }],
              nowMs: clock.nowMs(),
            });
          });
          await new Promise((r) => setTimeout(r, 100));
          const batch = scheduler.runOnce();
          // Without the subject locked first, PostgreSQL reports a deadlock and aborts one of the two.
          await expect(change).resolves.toBeUndefined();
          expect(await batch).toBe(1);
          expect(fired).toEqual(['subject-1:k']);
        } finally {
          await other.destroy();
        }
      },
    );
  });
}
