import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { countDueJobs, countSkippedJobs } from '../scheduler/jobs.repository.ts';

/**
 * The Prometheus registry of one server (not prom-client's global one: tests run several servers in a process).
 * Counters and histograms count what this instance did; gauges read the database at scrape time, so every instance
 * reports the same backlog.
 */
export function createMetrics({ db, clock }: { db: Db; clock: Clock }) {
  const registry = new Registry();
  const jobsFired = new Counter({
    name: 'accord_jobs_fired_total',
    help: 'Scheduled jobs fired by this instance',
    labelNames: ['kind'],
    registers: [registry],
  });
  const jobsFailed = new Counter({
    name: 'accord_jobs_failed_total',
    help: 'Scheduled job attempts that failed (dead="true": no retry left)',
    labelNames: ['kind', 'dead'],
    registers: [registry],
  });
  const jobLateness = new Histogram({
    name: 'accord_job_lateness_seconds',
    help: 'How late a job fired after its due instant',
    labelNames: ['kind'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  const deliveryAttempts = new Counter({
    name: 'accord_delivery_attempts_total',
    help: 'Delivery attempts by this instance, by channel and outcome',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  });
  const housekeepingPruned = new Counter({
    name: 'accord_housekeeping_pruned_total',
    help: 'Rows deleted by the housekeeping job on this instance, by table (jobs, outbox, deliveries)',
    labelNames: ['table'],
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'accord_http_request_duration_seconds',
    help: 'HTTP request durations by route pattern',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'accord_jobs_due',
    help: 'Jobs due now and not yet done (pending, running or waiting to retry)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { kind, count } of await countDueJobs(db, clock.nowMs())) this.set({ kind }, count);
    },
  });
  new Gauge({
    // A gauge of the stored rows, not a counter: a skip happens in a write's transaction (which may roll back), and
    // reading the table gives every instance the same figure. Labels are the job kind and the closed SkipReason set.
    name: 'accord_jobs_skipped',
    help: 'Jobs withdrawn after their due instant without firing (state skipped), by kind and reason',
    labelNames: ['kind', 'reason'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { kind, reason, count } of await countSkippedJobs(db)) this.set({ kind, reason }, count);
    },
  });
  new Gauge({
    name: 'accord_outbox_backlog',
    help: 'Outbox rows not yet fanned out, and deliveries not yet sent',
    labelNames: ['stage'],
    registers: [registry],
    async collect() {
      const outbox = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirst();
      const deliveries = await db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['pending', 'sending'])
        .executeTakeFirst();
      this.set({ stage: 'outbox' }, Number(outbox?.n ?? 0));
      this.set({ stage: 'deliveries' }, Number(deliveries?.n ?? 0));
    },
  });
  new Gauge({
    name: 'accord_deliveries',
    help: 'Deliveries stored, by channel and status',
    labelNames: ['channel', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await db
        .selectFrom('deliveries')
        .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['channel', 'status'])
        .execute();
      for (const r of rows) this.set({ channel: r.channel, status: r.status }, Number(r.n));
    },
  });

  return {
    registry,
    httpDuration,
    scheduler: {
      fired: (job: { kind: string }, latenessMs: number) => {
        jobsFired.inc({ kind: job.kind });
        jobLateness.observe({ kind: job.kind }, latenessMs / 1000);
      },
      failed: (job: { kind: string }, _error: string, dead: boolean) =>
        jobsFailed.inc({ kind: job.kind, dead: String(dead) }),
    },
    housekeeping: {
      pruned: (table: string, rows: number) => housekeepingPruned.inc({ table }, rows),
    },
    dispatcher: {
      delivered: (channel: string) => deliveryAttempts.inc({ channel, outcome: 'sent' }),
      failed: (channel: string, dead: boolean) =>
        deliveryAttempts.inc({ channel, outcome: dead ? 'dead' : 'retry' }),
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
