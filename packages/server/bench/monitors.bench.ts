/**
 * `npm run bench:monitors`: 2,000 monitors checked every 30 s by one instance (in this process) on SQLite, against a
 * local keep-alive HTTP endpoint in a child process. The real scheduler hands each due check over, the real check
 * runner performs and records it. Prints checks per second, scheduling lateness (check start − due instant: p50,
 * p99, max; goal p99 < 1 s), CPU (share of one core, this process) and peak RSS. Bounded: a warm-up interval, then
 * BENCH_MONITORS_SECONDS of measure (default 60).
 *
 * Knobs: BENCH_MONITORS (2000), BENCH_MONITOR_INTERVAL (30 s), BENCH_MONITORS_SECONDS (60), ACCORD_POLL_MS (the
 * scheduler's poll, default here 100: the product default of 1000 alone adds up to a second of lateness),
 * ACCORD_MONITOR_POLL_MS (the check runner's poll, default here 50).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAvailability } from '../src/availability/availability.module.ts';
import { MONITOR_CHECK_KIND, scheduleNextCheck } from '../src/availability/check-runner.ts';
import type { Actor } from '../src/auth/actor.ts';
import { systemClock } from '../src/clock.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createScheduler } from '../src/scheduler/scheduler.ts';
import { createServices } from '../src/services.ts';

const MONITORS = Number(process.env['BENCH_MONITORS'] ?? '2000');
const INTERVAL_SECONDS = Number(process.env['BENCH_MONITOR_INTERVAL'] ?? '30');
const MEASURE_SECONDS = Number(process.env['BENCH_MONITORS_SECONDS'] ?? '60');
const POLL_MS = Number(process.env['ACCORD_POLL_MS'] ?? '100');
const RUNNER_POLL_MS = Number(process.env['ACCORD_MONITOR_POLL_MS'] ?? '50');

async function startTarget(): Promise<{ url: string; stop: () => void }> {
  const code = `require('node:http').createServer((q, r) => { r.writeHead(200); r.end('ok'); })
    .listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'accord-bench-monitors-'));
  const handle = createDatabase({ dialect: 'sqlite', file: join(dir, 'accord.sqlite') });
  await migrateToLatest(handle.db);
  const target = await startTarget();
  const clock = systemClock;
  const services = createServices({ db: handle.db, clock });
  const workspaceId = await services.workspaces.ensureWorkspace({
    slug: 'bench',
    name: 'Bench',
    preset: 'hosting-be',
  });
  const admin: Actor = {
    userId: 'bench',
    name: 'bench',
    sessionId: 'bench',
    workspaceId,
    role: 'admin',
    organizationId: null,
  };
  const org = await services.organizations.create(admin, {
    name: 'Bench Org',
    contract: { plan: 'pro', maintenanceContract: false, hourlyRateCents: 9000, currency: 'EUR' },
  });

  let measuring = false;
  const lateness: number[] = [];
  let checks = 0;
  const availability = createAvailability({
    db: handle.db,
    clock,
    sla: services.sla,
    change: services.change,
    createTicket: (actor, input) => services.tickets.create(actor, input),
    readTicket: (actor, id) => services.tickets.get(actor, id),
    config: {
      allowPrivate: true,
      publicUrl: '',
      pollMs: RUNNER_POLL_MS,
      onChecked: (ms) => {
        if (!measuring) return;
        checks++;
        lateness.push(ms);
      },
    },
  });
  const scheduler = createScheduler({
    db: handle.db,
    clock,
    handlers: new Map([[MONITOR_CHECK_KIND, availability.jobHandler]]),
    pollMs: POLL_MS,
    batchSize: 500,
    jobsPerTransaction: 100,
  });

  const setupStart = Date.now();
  for (let i = 0; i < MONITORS; i++) {
    const created = await availability.monitors.create(admin, {
      name: `site ${i}`,
      organizationId: org.id,
      kind: 'http',
      url: `${target.url}${i}`,
      intervalSeconds: INTERVAL_SECONDS,
      timeoutSeconds: 5,
      confirmations: 2,
    });
    // Spread the first checks over one interval, as monitors created over time would be.
    const nowMs = clock.nowMs();
    await scheduleNextCheck(
      handle.db,
      { id: created.id, workspace_id: workspaceId, interval_seconds: INTERVAL_SECONDS },
      { dueAtMs: nowMs + Math.floor((i / MONITORS) * INTERVAL_SECONDS * 1000), nowMs },
    );
  }
  console.log(`setup: ${MONITORS} monitors in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);

  scheduler.start();
  availability.runner.start();
  await new Promise((r) => setTimeout(r, INTERVAL_SECONDS * 1000));
  measuring = true;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 500);
  await new Promise((r) => setTimeout(r, MEASURE_SECONDS * 1000));
  measuring = false;
  clearInterval(sampler);
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  await scheduler.stop();
  await availability.runner.stop();
  availability.close();
  target.stop();

  const sorted = [...lateness].sort((a, b) => a - b);
  const expected = (MONITORS / INTERVAL_SECONDS) * wallSeconds;
  const p99 = percentile(sorted, 99);
  console.log(
    `monitors ${MONITORS} every ${INTERVAL_SECONDS} s, scheduler poll ${POLL_MS} ms, runner poll ${RUNNER_POLL_MS} ms, ${wallSeconds.toFixed(0)} s measured`,
  );
  console.log(
    `checks/s        ${(checks / wallSeconds).toFixed(1)} (expected ${(expected / wallSeconds).toFixed(1)})`,
  );
  console.log(
    `lateness ms     p50 ${percentile(sorted, 50)}  p99 ${p99}  max ${sorted.at(-1) ?? NaN}  (goal p99 < 1000: ${p99 < 1000 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `cpu             ${(((cpu.user + cpu.system) / 1e6 / wallSeconds) * 100).toFixed(0)} % of one core`,
  );
  console.log(`peak rss        ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
  await handle.destroy();
  rmSync(dir, { recursive: true, force: true });
  process.exit(checks > 0 ? 0 : 1);
}

await main();
