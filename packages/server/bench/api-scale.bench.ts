/**
 * `npm run bench:api:scale` (or `npm run bench:api -- --scale N`): the API with a desk's years of tickets. For each
 * dialect it seeds the same desk twice — 1,000 tickets, then N (default 1,000,000) over 10,000 organizations and 50
 * agents (scale-seed.ts) — starts the real server on it in a child process, and measures with autocannon the agent
 * queue, a list filtered by organization, the queue's breaching-before filter, a ticket, its history, create and
 * comment. It prints req/s and p99 for both sizes, the large/small throughput ratio (goal: within 1.5×), p99 against
 * the goals, database bytes per ticket, the time the seed took and the server's peak memory.
 *
 * Knobs: BENCH_SCALE_TICKETS (or --scale N), BENCH_SCALE_DIALECTS (sqlite,postgres), BENCH_API_SECONDS (per case,
 * default 5), BENCH_API_CONNECTIONS (default 50), ACCORD_BENCH_PG_URL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabase, databaseConfigFromEnv } from '../src/db/database.ts';
import {
  login,
  measure,
  startChild,
  stopChild,
  waitHealthy,
  type Load,
  type Measurement,
} from './bench-kit.ts';
import { seedScale } from './scale-seed.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER_MAIN = resolve(HERE, '../src/main.ts');
const flag = process.argv.indexOf('--scale');
const LARGE = Number(
  (flag >= 0 ? process.argv[flag + 1] : undefined) ?? process.env['BENCH_SCALE_TICKETS'] ?? 1_000_000,
);
const SMALL = 1_000;
const DIALECTS = (process.env['BENCH_SCALE_DIALECTS'] ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const OPTIONS = {
  connections: Number(process.env['BENCH_API_CONNECTIONS'] ?? '50'),
  warmupSeconds: 1,
  durationSeconds: Number(process.env['BENCH_API_SECONDS'] ?? '5'),
};
const PG_URL = process.env['ACCORD_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
/** p99 goals in ms per dialect: reads, and writes (create, comment). */
const GOALS = { sqlite: { read: 25, write: 40 }, postgres: { read: 50, write: 80 } } as const;
const WRITES = new Set(['create', 'comment']);

if (!Number.isInteger(LARGE) || LARGE < SMALL) {
  console.error(`bench:api:scale: the ticket count must be an integer ≥ ${SMALL}, got ${LARGE}`);
  process.exit(2);
}

interface Desk {
  readonly env: NodeJS.ProcessEnv;
  bytes(): Promise<number>;
  drop(): Promise<void>;
}

async function sqliteDesk(): Promise<Desk> {
  const dir = mkdtempSync(join(tmpdir(), 'accord-scale-'));
  const file = join(dir, 'accord.sqlite');
  return {
    env: { ACCORD_DATA_DIR: dir, DATABASE_URL: '' },
    bytes: async () =>
      [file, `${file}-wal`].reduce((sum, f) => {
        try {
          return sum + statSync(f).size;
        } catch {
          return sum;
        }
      }, 0),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresDesk(): Promise<Desk> {
  const database = `accord_scale_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  // The server's own files (secret key, mail written as .eml) go to a directory of the run, not ./data.
  const dir = mkdtempSync(join(tmpdir(), 'accord-scale-'));
  return {
    env: { DATABASE_URL: url.toString(), ACCORD_DATA_DIR: dir },
    bytes: async () => {
      const { rows } = await admin.query<{ size: string }>(
        `select pg_database_size('${database}')::text as size`,
      );
      return Number(rows[0]?.size ?? 0);
    },
    drop: async () => {
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const SERVER_ENV = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  ACCORD_DEMO: '1',
  // The bench measures the API: no web build at start (under load it would outlast the start timeout).
  ACCORD_WEB_BUILD: '0',
  NODE_ENV: 'production',
};

/** Peak resident memory of a child process (Linux), in MiB. */
function peakMemoryMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

interface SizeResult {
  readonly tickets: number;
  readonly rows: Measurement[];
  readonly bytesPerTicket: number;
  readonly seedSeconds: number;
  readonly peakMiB: number;
}

async function benchSize(dialect: string, tickets: number): Promise<SizeResult> {
  const desk = dialect === 'sqlite' ? await sqliteDesk() : await postgresDesk();
  try {
    // The demo (migrations, presets, its tickets: the templates) through the real server, then the clones.
    const first = await startChild(SERVER_MAIN, { ...SERVER_ENV, ...desk.env });
    await waitHealthy(first.baseUrl);
    await stopChild(first);
    const handle = createDatabase(databaseConfigFromEnv({ ...process.env, ...desk.env }));
    const seeded = await seedScale(handle.db, 'hosting-be', {
      tickets,
      organizations: Math.min(10_000, Math.max(10, Math.floor(tickets / 100))),
      agents: 50,
      openShare: 0.02,
      rowsPerInsert: dialect === 'sqlite' ? 200 : 500,
    });
    await handle.destroy();
    const bytesPerTicket = (await desk.bytes()) / tickets;
    console.log(
      `  ${dialect}: seeded ${tickets.toLocaleString('en-US')} tickets in ${seeded.seconds.toFixed(1)} s, ${Math.round(bytesPerTicket)} bytes per ticket`,
    );

    const server = await startChild(SERVER_MAIN, { ...SERVER_ENV, ...desk.env });
    try {
      await waitHealthy(server.baseUrl);
      const base = server.baseUrl;
      const agent = { authorization: `Bearer ${await login(base, seeded.agentEmails[0]!)}` };
      const client = {
        authorization: `Bearer ${await login(base, 'client.pro@hosting.demo.test')}`,
        'content-type': 'application/json',
      };
      const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
      const open = seeded.openTicketIds;
      if (open.length === 0) throw new Error('scale seed made no open ticket');
      const soon = new Date(Date.now() + 8 * 3_600_000).toISOString();
      let n = 0;
      const loads: [string, Load][] = [
        ['queue', { url: `${base}/api/v1/queue?limit=50`, headers: agent }],
        [
          'by-org',
          {
            url: `${base}/api/v1/tickets`,
            headers: agent,
            path: () => `/api/v1/tickets?organizationId=${pick(seeded.organizationIds)}&limit=50`,
          },
        ],
        [
          'breaching',
          {
            url: `${base}/api/v1/queue?breachingBefore=${encodeURIComponent(soon)}&limit=50`,
            headers: agent,
          },
        ],
        [
          'get',
          { url: `${base}/api/v1/tickets`, headers: agent, path: () => `/api/v1/tickets/${pick(open)}` },
        ],
        [
          'history',
          {
            url: `${base}/api/v1/tickets`,
            headers: agent,
            path: () => `/api/v1/tickets/${pick(open)}/events`,
          },
        ],
        [
          'create',
          {
            url: `${base}/api/v1/tickets`,
            method: 'POST',
            headers: client,
            body: () =>
              JSON.stringify({
                subject: `Scale bench: site slow #${++n}`,
                description: 'Opened by npm run bench:api:scale',
                priority: 'P2',
                category: 'hosting',
                channel: 'ticket',
              }),
          },
        ],
        [
          'comment',
          {
            url: `${base}/api/v1/tickets`,
            method: 'POST',
            headers: { ...agent, 'content-type': 'application/json' },
            path: () => `/api/v1/tickets/${pick(open)}/comments`,
            body: () => JSON.stringify({ body: `Looking into it (${++n})`, visibility: 'internal' }),
          },
        ],
      ];
      const exitedEarly = (code: number | null, signal: NodeJS.Signals | null): void =>
        console.error(
          `  ${dialect}: the server exited (${code ?? signal}) during the run:\n${server.output.join('').slice(-4000)}`,
        );
      server.process.once('exit', exitedEarly);
      const rows: Measurement[] = [];
      for (const [name, load] of loads)
        rows.push(
          await measure(
            `${dialect} ${tickets >= 1_000_000 ? `${tickets / 1e6}M` : tickets}`,
            name,
            load,
            OPTIONS,
          ),
        );
      // Stopped by the bench from here on: not worth a warning.
      server.process.off('exit', exitedEarly);
      return {
        tickets,
        rows,
        bytesPerTicket,
        seedSeconds: seeded.seconds,
        peakMiB: peakMemoryMiB(server.process.pid),
      };
    } finally {
      await stopChild(server);
    }
  } finally {
    await desk.drop();
  }
}

const started = Date.now();
console.log(
  `bench:api:scale — ${SMALL.toLocaleString('en-US')} and ${LARGE.toLocaleString('en-US')} tickets, ${OPTIONS.connections} connections, ${OPTIONS.durationSeconds} s per case`,
);
const lines = [
  '| dialect | case | req/s at 1k | req/s at scale | ratio | p99 at scale (ms) | p99 goal | verdict |',
  '|---|---|---:|---:|---:|---:|---:|---|',
];
const notes: string[] = [];
let broken = false;
for (const dialect of DIALECTS) {
  if (dialect !== 'sqlite' && dialect !== 'postgres') throw new Error(`unknown dialect ${dialect}`);
  let small: SizeResult;
  let large: SizeResult;
  try {
    small = await benchSize(dialect, SMALL);
    large = await benchSize(dialect, LARGE);
  } catch (error) {
    notes.push(`${dialect}: not measured: ${error instanceof Error ? error.message : String(error)}`);
    broken = true;
    continue;
  }
  for (const [i, row] of large.rows.entries()) {
    const base = small.rows[i]!;
    const ratio = base.requestsPerSecond / row.requestsPerSecond;
    const goal = WRITES.has(row.name) ? GOALS[dialect].write : GOALS[dialect].read;
    const failed = row.errors + row.non2xx + base.errors + base.non2xx > 0;
    broken ||= failed;
    const verdict = failed ? 'ERRORS' : row.p99Ms <= goal && ratio <= 1.5 ? 'met' : 'MISSED';
    lines.push(
      `| ${dialect} | ${row.name} | ${Math.round(base.requestsPerSecond)} | ${Math.round(row.requestsPerSecond)} | ${ratio.toFixed(2)}× | ${row.p99Ms} | ${goal} | ${verdict} |`,
    );
  }
  notes.push(
    `${dialect}: ${Math.round(large.bytesPerTicket)} database bytes per ticket at ${LARGE.toLocaleString('en-US')} (${Math.round(small.bytesPerTicket)} at 1,000); seeded in ${large.seedSeconds.toFixed(0)} s; server peak memory ${large.peakMiB.toFixed(0)} MiB (${small.peakMiB.toFixed(0)} MiB at 1,000)`,
  );
}
const cpu = cpus();
console.log(
  `\n${lines.join('\n')}\n\n${notes.join('\n')}\n\n${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, Node ${process.version}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
);
if (broken) process.exit(1);
