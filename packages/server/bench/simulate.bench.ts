/**
 * `npm run bench:simulate`: the policy what-if's throughput. Seeds ACCORD_BENCH_TICKETS tickets (default 100,000)
 * with realistic histories into a fresh SQLite file, in batches through the ticket repositories (one transaction per
 * batch; their clocks computed by the core as the write path would have stored them), then runs the simulation of a
 * draft policy over all of them and prints tickets replayed per second and the heap's peak. The goal is 100,000
 * tickets within 10 s; a miss is reported, not fatal.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../src/clock.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { newId } from '../src/ids.ts';
import { createStandalonePolicySimulation } from '../src/policy-simulation/policy-simulation.service.ts';
import { createServices } from '../src/services.ts';
import { createSlaClockService, toCoreEvents } from '../src/sla/sla-clock.service.ts';
import { inTicketTransaction, type NewEvent, type TicketRow } from '../src/tickets/ticket.repository.ts';
import { slaRowsOf } from '../src/tickets/ticket-sla.ts';
import type { Actor } from '../src/auth/actor.ts';
import { createFirstAdmin } from '../src/users/admin-bootstrap.ts';

const TICKETS = Number(process.env['ACCORD_BENCH_TICKETS'] ?? '100000');
/**
 * ACCORD_BENCH_DB=FILE keeps the seeded database at FILE, and a later run with the same FILE skips the seeding (a
 * minute and more) to measure the simulation alone, e.g. under `node --cpu-prof`.
 */
const KEPT_FILE = process.env['ACCORD_BENCH_DB'];
const BATCH = 1000;
const GOAL_SECONDS = 10;
const HOUR_MS = 3_600_000;
const FROM_MS = Date.parse('2026-01-05T00:00:00Z');
/** Six months of tickets, as a review looks at. */
const SPAN_MS = 180 * 24 * HOUR_MS;
const NOW_MS = FROM_MS + SPAN_MS + 7 * 24 * HOUR_MS;

/** A small deterministic generator: the same histories on every run. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

interface History {
  readonly steps: readonly { atMs: number; event: NewEvent }[];
  readonly status: string;
  readonly priority: string;
}

/** Opened, then (mostly) analysed, sometimes re-prioritised, waiting on the customer, resolved. */
function historyOf(next: () => number, createdMs: number, plan: string): History {
  let priority = ['P1', 'P2', 'P3'][Math.floor(next() * 3)]!;
  let atMs = createdMs;
  let status = 'new';
  const steps: { atMs: number; event: NewEvent }[] = [
    {
      atMs,
      event: { type: 'created', payload: { plan, priority, category: 'hosting', channel: 'ticket' } },
    },
  ];
  const later = (maxHours: number) => (atMs += Math.ceil(next() * maxHours * HOUR_MS));
  if (next() < 0.3) {
    priority = priority === 'P1' ? 'P2' : 'P1';
    steps.push({ atMs: later(6), event: { type: 'priority-changed', payload: { priority } } });
  }
  if (next() < 0.8) steps.push({ atMs: later(60), event: { type: 'analysis-started', payload: {} } });
  if (next() < 0.3) {
    status = 'pending-customer';
    steps.push({ atMs: later(24), event: { type: 'status-changed', payload: { status } } });
  }
  if (next() < 0.6) {
    status = 'resolved';
    steps.push({ atMs: later(96), event: { type: 'status-changed', payload: { status } } });
  }
  return { steps, status, priority };
}

async function seed(database: ReturnType<typeof createDatabase>, clock: ManualClock): Promise<void> {
  await migrateToLatest(database.db);
  const services = createServices({ db: database.db, clock });
  const { userId, workspaceId } = await createFirstAdmin(database.db, clock, {
    email: 'bench@bench.test',
    name: 'Bench',
    password: 'a long bench password 42',
    workspaceSlug: 'bench',
    workspaceName: 'Bench',
    preset: 'hosting-be',
  });
  const admin: Actor = {
    userId,
    name: 'bench',
    sessionId: 'bench',
    workspaceId,
    role: 'admin',
    organizationId: null,
  };
  const plans = ['start', 'classique', 'pro'];
  const orgs = new Map<string, string>();
  for (const plan of plans)
    orgs.set(
      plan,
      (
        await services.organizations.create(admin, {
          name: `Org ${plan}`,
          contract: { plan, maintenanceContract: false, hourlyRateCents: 9000, currency: 'EUR' },
        })
      ).id,
    );
  // One real ticket, through the write path: every row after it is a copy of it with its own history.
  const first = await services.tickets.create(admin, {
    subject: 'Template',
    description: 'bench',
    priority: 'P2',
    category: 'hosting',
    channel: 'ticket',
    organizationId: orgs.get('pro'),
  });
  const template = (await database.db
    .selectFrom('tickets')
    .selectAll()
    .where('id', '=', first.id)
    .executeTakeFirstOrThrow()) as TicketRow;
  const ctx = await services.sla.policyContext(workspaceId);

  const seedStarted = performance.now();
  const next = random(42);
  for (let done = 1; done < TICKETS; done += BATCH) {
    await inTicketTransaction(database.db, async (repo) => {
      for (let i = done; i < Math.min(done + BATCH, TICKETS); i++) {
        const plan = plans[i % plans.length]!;
        const createdMs = FROM_MS + Math.floor((i / TICKETS) * SPAN_MS);
        const history = historyOf(next, createdMs, plan);
        const lastMs = history.steps.at(-1)!.atMs;
        const row: TicketRow = {
          ...template,
          id: newId(),
          organization_id: orgs.get(plan)!,
          plan,
          priority: history.priority,
          status: history.status,
          created_at: createdMs,
          updated_at: lastMs,
          version: history.steps.length,
        };
        await repo.insert(row);
        for (const [seq, step] of history.steps.entries())
          await repo.appendEvents(row, [step.event], null, step.atMs, { firstSeq: seq + 1 });
        const clocks = services.sla.clocks(ctx, {
          events: toCoreEvents(
            history.steps.map((s) => ({
              type: s.event.type,
              payload_json: JSON.stringify(s.event.payload),
              at: s.atMs,
            })),
          ),
          nowMs: lastMs,
          extendedCalendarKey: null,
        });
        await repo.replaceSla(row.id, slaRowsOf(row, clocks, lastMs));
      }
    });
  }
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  process.stdout.write(`seeded ${TICKETS} tickets in ${seedSeconds.toFixed(1)} s\n`);
}

async function workspaceIdOf(database: ReturnType<typeof createDatabase>): Promise<string> {
  const row = await database.db
    .selectFrom('workspaces')
    .select('id')
    .where('slug', '=', 'bench')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'accord-simulate-bench-'));
  const file = KEPT_FILE ?? join(dir, 'bench.sqlite');
  const seeded = KEPT_FILE !== undefined && existsSync(KEPT_FILE);
  const database = createDatabase({ dialect: 'sqlite', file });
  try {
    const clock = new ManualClock(FROM_MS);
    if (seeded) process.stdout.write(`reusing the seeded database ${file}\n`);
    else await seed(database, clock);
    const ctx = await createSlaClockService({ db: database.db }).policyContext(await workspaceIdOf(database));

    // The draft: P2 and P3 given twice the time, and a closed Friday in the Belgian calendar.
    const live = ctx.policy;
    const draft = {
      ...live,
      version: live.version + 1,
      targets: live.targets.map((rule) =>
        rule.duration === 'PT24H' || rule.duration === 'PT48H'
          ? { ...rule, duration: rule.duration === 'PT24H' ? 'PT48H' : 'PT96H' }
          : rule,
      ),
    };
    clock.set(NOW_MS);
    const simulation = createStandalonePolicySimulation(database.db, clock);
    let heapPeak = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 20);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await simulation.simulateWorkspace('bench', {
      draft: { policy: draft },
      fromMs: FROM_MS,
      toMs: FROM_MS + SPAN_MS + HOUR_MS,
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    clearInterval(sampler);
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    const perSecond = result.tickets / seconds;
    process.stdout.write(
      `policy what-if (SQLite): ${result.tickets} tickets replayed in ${seconds.toFixed(2)} s, ` +
        `${Math.round(perSecond)} tickets/s (CPU ${cpuSeconds.toFixed(2)} s: ${Math.round(result.tickets / cpuSeconds)} tickets per CPU second), heap peak ${(heapPeak / 2 ** 20).toFixed(0)} MB; ` +
        `${result.changedClocks} clocks changed, breaches ${result.current.breached} → ${result.proposed.breached}, ` +
        `${result.skipped.count} skipped\n`,
    );
    const projectedSeconds = (100_000 / perSecond).toFixed(1);
    process.stdout.write(
      `goal: 100,000 tickets within ${GOAL_SECONDS} s → ${projectedSeconds} s at this rate: ` +
        `${Number(projectedSeconds) <= GOAL_SECONDS ? 'met' : 'MISSED'}\n`,
    );
  } finally {
    await database.destroy();
    rmSync(dir, { recursive: true, force: true });
    if (KEPT_FILE === undefined) rmSync(file, { force: true });
  }
}

await main();
