/**
 * `npm run bench:api`: autocannon on loopback against the real server (child process, demo data) on SQLite and on
 * PostgreSQL, and against a bare Fastify hello route in the same run: bare Fastify is measured again right before and
 * right after each case, and the higher of the two is the case's 100%, so every ratio compares figures taken a few
 * seconds apart on a machine whose speed drifts, erring on the side of a smaller ratio. Prints req/s
 * and p99 for list, get and create and their ratio to bare Fastify's req/s, with a verdict per goal; a missed goal is reported, not fatal. It exits 1
 * only when a case could not be measured (the server failed to start or answered errors), because then the
 * figures would describe something else.
 *
 * Knobs: BENCH_API_SECONDS (per case, default 5), BENCH_API_CONNECTIONS (default 10), BENCH_FIGURES_FILE (also write
 * the table as Markdown), ACCORD_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import {
  fmt,
  login,
  measure as measureWith,
  startChild,
  stopChild,
  waitHealthy,
  type Load,
  type Measurement,
} from './bench-kit.ts';
import BetterSqlite from 'better-sqlite3';
import pg from 'pg';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER_MAIN = resolve(HERE, '../src/main.ts');
const BARE_FASTIFY = resolve(HERE, 'bare-fastify.ts');
const DURATION_SECONDS = Number(process.env['BENCH_API_SECONDS'] ?? '5');
const WARMUP_SECONDS = 1;
const CONNECTIONS = Number(process.env['BENCH_API_CONNECTIONS'] ?? '10');
const FIGURES_FILE = process.env['BENCH_FIGURES_FILE'];
const PG_URL = process.env['ACCORD_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Tickets on the listed page, per target: the list figure depends on it. */
const listSizes: string[] = [];

/** Share of bare Fastify's req/s each case must reach on SQLite. */
const GOALS: Record<CaseName, number> = { list: 0.2, get: 0.2, create: 0.1 };

type CaseName = 'list' | 'get' | 'create';

/** Measures bare Fastify now (`label` says around which case); the server keeps running, idle, meanwhile. */
type Yardstick = (label: string) => Promise<Measurement>;

/** list, get and create against a running Accord server with demo data. */
async function measureServer(target: string, baseUrl: string, yardstick: Yardstick): Promise<Measurement[]> {
  await waitHealthy(baseUrl);
  const agentToken = await login(baseUrl, 'agent@hosting.demo.test');
  const clientToken = await login(baseUrl, 'client.pro@hosting.demo.test');
  const asAgent = { authorization: `Bearer ${agentToken}` };
  const list = await fetch(`${baseUrl}/api/v1/tickets`, { headers: asAgent });
  if (!list.ok)
    throw new Error(`${target}: GET /api/v1/tickets answered ${list.status}: ${await list.text()}`);
  const { items } = (await list.json()) as { items: { id: string }[] };
  const ticketId = items[0]?.id;
  listSizes.push(`${target} ${items.length}`);
  if (ticketId === undefined) throw new Error(`${target}: the demo data has no ticket the agent can see`);
  let created = 0;
  const runId = randomBytes(4).toString('hex');
  const createBody = (): string =>
    JSON.stringify({
      subject: `Bench ${runId}: site slow #${++created}`,
      description: `Opened by npm run bench:api (run ${runId}, request ${created})`,
      priority: 'P2',
      category: 'hosting',
      channel: 'ticket',
    });
  const loads: [CaseName, Load][] = [
    ['list', { url: `${baseUrl}/api/v1/tickets`, headers: asAgent }],
    ['get', { url: `${baseUrl}/api/v1/tickets/${ticketId}`, headers: asAgent }],
    [
      'create',
      {
        url: `${baseUrl}/api/v1/tickets`,
        method: 'POST',
        headers: { authorization: `Bearer ${clientToken}`, 'content-type': 'application/json' },
        body: createBody,
      },
    ],
  ];
  const out: Measurement[] = [];
  for (const [name, load] of loads) {
    // The machine is shared and its speed drifts over a run: each case gets its own yardstick, measured around it.
    const before = await yardstick(`before ${target} ${name}`);
    const measured = await measure(target, name, load);
    const after = await yardstick(`after ${target} ${name}`);
    // The faster of the two: a yardstick caught in a slow moment would flatter the case (the first one ran low
    // while the server that had just started settled), and the higher figure can only make a ratio smaller.
    const bare = after.requestsPerSecond > before.requestsPerSecond ? after : before;
    out.push({ ...measured, bare });
  }
  return out;
}

/** Server env shared by both dialects: no request logging (the bare baseline logs nothing either), demo data on. */
const SERVER_ENV = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'warn',
  ACCORD_DEMO: '1',
  // The bench measures the API: no web build at start (under load it would outlast the start timeout).
  ACCORD_WEB_BUILD: '0',
  NODE_ENV: 'production',
};

async function benchSqlite(yardstick: Yardstick): Promise<Measurement[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'accord-bench-'));
  const server = await startChild(SERVER_MAIN, { ...SERVER_ENV, ACCORD_DATA_DIR: dataDir, DATABASE_URL: '' });
  try {
    return await measureServer('sqlite', server.baseUrl, yardstick);
  } finally {
    await stopChild(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function benchPostgres(yardstick: Yardstick): Promise<Measurement[] | string> {
  const database = `accord_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
    await admin.query(`create database ${database}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    return `PostgreSQL unreachable or refused at ${PG_URL}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const url = new URL(PG_URL);
  url.pathname = `/${database}`;
  try {
    const server = await startChild(SERVER_MAIN, { ...SERVER_ENV, DATABASE_URL: url.toString() });
    try {
      return await measureServer('postgres', server.baseUrl, yardstick);
    } finally {
      await stopChild(server);
    }
  } finally {
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
}

const measure = (target: string, name: string, load: Load): Promise<Measurement> =>
  measureWith(target, name, load, {
    connections: CONNECTIONS,
    warmupSeconds: WARMUP_SECONDS,
    durationSeconds: DURATION_SECONDS,
  });

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function report(rows: readonly Measurement[], pgSkipped: string | null): string[] {
  const lines = [
    `| target | case | req/s | p99 (ms) | bare Fastify around it (req/s) | vs bare Fastify | goal (SQLite) | verdict |`,
    `|---|---|---:|---:|---:|---:|---:|---|`,
  ];
  for (const row of rows) {
    const bare = row.bare?.requestsPerSecond ?? Number.NaN;
    const ratio = row.requestsPerSecond / bare;
    const goal = row.target === 'sqlite' ? GOALS[row.name as CaseName] : undefined;
    const verdict = goal === undefined ? '' : ratio >= goal ? 'met' : 'MISSED';
    const route =
      row.name === 'list'
        ? 'GET /api/v1/tickets'
        : row.name === 'get'
          ? 'GET /api/v1/tickets/:id'
          : 'POST /api/v1/tickets';
    lines.push(
      `| ${row.target} | ${row.name} (${route}) | ${fmt(row.requestsPerSecond)} | ${row.p99Ms} | ${fmt(bare)} | ${pct(ratio)} | ${goal === undefined ? '' : `≥ ${pct(goal)}`} | ${verdict} |`,
    );
  }
  if (pgSkipped !== null) lines.push('', `PostgreSQL skipped: ${pgSkipped}`);
  return lines;
}

/**
 * What one SQLite commit costs on this machine as a function of the B-trees (tables and indexes) it touches: in WAL
 * mode every modified page is one frame written with its own pwrite, so the commit grows with the trees touched
 * whatever the row sizes. A ticket creation touches 16 (tickets and its 4 indexes, its event, its 2 clock rows, its
 * outbox message, each with their indexes): this line bounds what the create case can reach here.
 */
function sqliteCommitFloor(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'accord-bench-commit-'));
  const lines: string[] = [];
  try {
    for (const trees of [2, 8, 16]) {
      const db = new BetterSqlite(join(dir, `commit-${trees}.sqlite`));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // As in the server: no commit checkpoints the WAL itself (its worker does, off the request path).
      db.pragma('wal_autocheckpoint = 0');
      const tables = trees / 2; // a table with a text primary key is two B-trees (rows, key index)
      for (let t = 0; t < tables; t++)
        db.exec(`create table t${t} (id text primary key, body text, n integer)`);
      const inserts = Array.from({ length: tables }, (_, t) =>
        db.prepare(`insert into t${t} values (?, ?, ?)`),
      );
      const begin = db.prepare('begin');
      const commit = db.prepare('commit');
      const rounds = 3000;
      let commitNs = 0n;
      for (let i = 0; i < rounds + 500; i++) {
        begin.run();
        for (const insert of inserts) insert.run(randomBytes(16).toString('hex'), 'x'.repeat(200), i);
        const before = process.hrtime.bigint();
        commit.run();
        if (i >= 500) commitNs += process.hrtime.bigint() - before;
        if (i % 1000 === 999) db.pragma('wal_checkpoint(TRUNCATE)');
      }
      db.close();
      lines.push(
        `  SQLite commit touching ${String(trees).padStart(2)} B-trees: ${(Number(commitNs) / rounds / 1000).toFixed(0)} µs`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

const startedMs = Date.now();
console.log(
  `bench:api — ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${DURATION_SECONDS} s per case, loopback, servers in child processes`,
);
// Bare Fastify runs beside the servers for the whole run, idle except while it is being measured.
const bareServer = await startChild(BARE_FASTIFY, {});
// A cold process answers slower for its first seconds (JIT): unwarmed, the first yardstick read low and made the
// first case's ratio look better than it is. Warmed up once here, off the record.
await autocannon({ url: `${bareServer.baseUrl}/hello`, connections: CONNECTIONS, duration: 3 });
const yardstick: Yardstick = (label) =>
  measure('bare', `GET /hello (${label})`, { url: `${bareServer.baseUrl}/hello` });
const rows: Measurement[] = [];
let pgSkipped: string | null = null;
try {
  rows.push(...(await benchSqlite(yardstick)));
  const pgResult = await benchPostgres(yardstick);
  if (typeof pgResult === 'string') {
    pgSkipped = pgResult;
    console.warn(`  postgres   skipped: ${pgResult}`);
  } else rows.push(...pgResult);
} finally {
  await stopChild(bareServer);
}
const table = report(rows, pgSkipped);
const floor = sqliteCommitFloor();
const cpu = cpus();
const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, load ${loadavg()
  .map((l) => l.toFixed(2))
  .join(' ')}, Node ${process.version}`;
console.log(
  `\n${table.join('\n')}\n\nThe floor under create (the commit of one transaction per ticket; WAL, synchronous=NORMAL, checkpoints off the commit):\n${floor.join('\n')}\n\n${machine}; ${((Date.now() - startedMs) / 1000).toFixed(0)} s in all`,
);
const broken = rows
  .flatMap((r) => (r.bare === undefined ? [r] : [r, r.bare]))
  .filter((r) => r.errors > 0 || r.non2xx > 0);
if (FIGURES_FILE !== undefined) {
  const header = [
    `# API throughput (npm run bench:api)`,
    '',
    `${new Date().toISOString()} — ${machine}.`,
    `autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${DURATION_SECONDS} s per case, loopback; each server in its own process`,
    `(demo data, LOG_LEVEL=warn). list (first page, default limit 25; tickets on it: ${listSizes.join(', ')}) and get as`,
    `agent@hosting.demo.test (Bearer); create as client.pro@hosting.demo.test with a unique body per request.`,
    '',
  ];
  writeFileSync(
    FIGURES_FILE,
    `${[...header, ...table, '', 'SQLite commit cost on the same machine (WAL, synchronous=NORMAL, checkpoints off the commit; what bounds create):', '', ...floor].join('\n')}\n`,
  );
  console.log(`figures written to ${FIGURES_FILE}`);
}
if (broken.length > 0) {
  console.error(
    `bench:api: ${broken.map((r) => `${r.target} ${r.name}`).join(', ')} answered errors; the figures above do not measure successful requests`,
  );
  process.exit(1);
}
