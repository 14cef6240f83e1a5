import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import BetterSqlite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type KyselyConfig,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import pg from 'pg';
import type { DialectName } from './dialect.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export type DatabaseConfig =
  | {
      readonly dialect: 'sqlite';
      readonly file: string;
      readonly synchronous?: 'NORMAL' | 'FULL';
      /** Checkpoint the WAL from a worker thread instead of inside the commits of requests (the server does). */
      readonly backgroundCheckpoint?: boolean;
      readonly slowQueryMs?: number;
    }
  | {
      readonly dialect: 'postgres';
      readonly url: string;
      readonly schema?: string;
      readonly maxConnections?: number;
      readonly slowQueryMs?: number;
    };

export interface DatabaseHandle {
  readonly db: Db;
  readonly dialect: DialectName;
  /** Human description without credentials, for start-up logs. */
  readonly description: string;
  destroy(): Promise<void>;
}

const PG_INT8_OID = 20;

/** DATABASE_URL selects PostgreSQL; otherwise SQLite under ACCORD_DATA_DIR (default ./data). */
export function databaseConfigFromEnv(env: NodeJS.ProcessEnv): DatabaseConfig {
  const slow = slowQueryMsFromEnv(env['ACCORD_SLOW_QUERY_MS']);
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '') return { dialect: 'postgres', url, ...slow };
  const dir = resolve(env['ACCORD_DATA_DIR'] ?? './data');
  const synchronous = env['ACCORD_SQLITE_SYNCHRONOUS']?.toUpperCase() === 'FULL' ? 'FULL' : 'NORMAL';
  return {
    dialect: 'sqlite',
    file: join(dir, 'accord.sqlite'),
    synchronous,
    backgroundCheckpoint: true,
    ...slow,
  };
}

/** `ACCORD_SLOW_QUERY_MS`: unset or empty is off; anything but a whole number of milliseconds is refused at start. */
export function slowQueryMsFromEnv(value: string | undefined): { slowQueryMs?: number } {
  if (value === undefined || value.trim() === '') return {};
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0)
    throw new Error(
      `ACCORD_SLOW_QUERY_MS must be a whole number of milliseconds, got ${JSON.stringify(value)}`,
    );
  return { slowQueryMs: ms };
}

/**
 * Kysely's query log, narrowed to statements slower than `slowQueryMs`: one JSON line each on stderr (the shape of
 * the server's log lines), with the SQL and never its parameters (they hold what users wrote).
 */
function slowQueryLog(slowQueryMs: number | undefined): KyselyConfig['log'] {
  if (slowQueryMs === undefined) return undefined;
  return (event) => {
    if (event.queryDurationMillis < slowQueryMs) return;
    const line = {
      level: event.level === 'error' ? 50 : 40,
      time: Date.now(),
      msg: event.level === 'error' ? 'query failed' : 'slow query',
      ms: Math.round(event.queryDurationMillis * 10) / 10,
      sql: event.query.sql,
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  };
}

export function createDatabase(config: DatabaseConfig): DatabaseHandle {
  if (config.dialect === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(resolve(config.file, '..'), { recursive: true });
    const sqlite = new BetterSqlite(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    // In WAL mode NORMAL never corrupts and never half-applies a transaction; it skips the fsync per commit, so a
    // power cut (not a crash) may lose the last commits. ACCORD_SQLITE_SYNCHRONOUS=FULL trades throughput for that.
    sqlite.pragma(`synchronous = ${config.synchronous ?? 'NORMAL'}`);
    sqlite.pragma('busy_timeout = 5000');
    // Without statistics SQLite guesses that an equality on any index column leaves a handful of rows, and with a
    // large desk it then walks a workspace's every ticket to find fifty ids. What SQLite advises for a long-lived
    // connection: analyze the tables never analyzed at open (cheap: ANALYZE reads a bounded sample of each index),
    // then again from time to time (the checkpoint worker) and after migrations (migrate.ts).
    sqlite.pragma('optimize = 0x10002');
    const checkpointer =
      config.backgroundCheckpoint === true && config.file !== ':memory:'
        ? startCheckpointer(resolve(config.file), sqlite)
        : null;
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
      log: slowQueryLog(config.slowQueryMs),
    });
    return {
      db,
      dialect: 'sqlite',
      description: `SQLite ${config.file}`,
      destroy: async () => {
        await checkpointer?.stop();
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.maxConnections ?? 10,
    // Instants are int8 epoch milliseconds; they fit a JS number exactly until year 287396.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
    ...(config.schema === undefined ? {} : { options: `-c search_path=${config.schema}` }),
  });
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: slowQueryLog(config.slowQueryMs),
  });
  const host = safeHost(config.url);
  return {
    db,
    dialect: 'postgres',
    description: `PostgreSQL ${host}${config.schema ? ` (schema ${config.schema})` : ''}`,
    destroy: () => db.destroy(),
  };
}

/**
 * Marks a read whose result may be kept (see `withStatementCache`): a comment, so the SQL stays valid on every dialect
 * (PostgreSQL just ignores it). `runPrepared(…, { readCache: true })` adds it.
 */
export const READ_CACHE_MARK = '/* accord:read-cache */ ';

/** Bumped by every statement that may change what a read returns (a write, a transaction's begin or end…). */
interface ConnectionState {
  writes: number;
}

/**
 * Kysely prepares every query afresh; better-sqlite3 statements are reusable, and preparing is a large share of a
 * short query's cost. Queries are built from a fixed set of shapes, so the cache stays small.
 */
function withStatementCache(sqlite: SqliteDatabaseHandle, maxStatements = 1000): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  const state: ConnectionState = { writes: 0 };
  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  return {
    close: () => sqlite.close(),
    prepare: (requested) => {
      // Kysely opens every transaction with a plain (deferred) BEGIN: its first write must then upgrade a read lock,
      // which SQLite refuses at once (SQLITE_BUSY_SNAPSHOT, no busy wait) if any other connection wrote meanwhile,
      // the `accord` CLI or the checkpoint worker truncating the WAL. IMMEDIATE takes the write lock at BEGIN, where
      // the busy timeout applies; with one connection serving every request it costs nothing else.
      const sqlText = requested === 'begin' ? 'begin immediate' : requested;
      let statement = statements.get(sqlText);
      if (statement === undefined) {
        const prepared = sqlite.prepare(sqlText);
        statement =
          prepared.reader && prepared.readonly && sqlText.startsWith(READ_CACHE_MARK)
            ? keptReads(rowsAsPlainObjects(prepared, state), state, () => dataVersion.get() as number)
            : rowsAsPlainObjects(prepared, state);
        if (statements.size >= maxStatements) statements.clear();
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}

/** Distinct parameter sets kept per marked read; beyond, it starts over. */
const MAX_KEPT_READS = 256;

/**
 * The rows of a marked read, kept per parameter values for as long as nothing can have changed them: no statement that
 * may write has run on this connection since (`state.writes`), and no other connection has committed
 * (`PRAGMA data_version`: another process, the `accord` CLI, moves it). The server's reads run one at a time on this
 * one connection, so between two such checks nothing else runs. A hit costs the pragma and a map lookup instead of
 * the dearer query (see docs/performance.md). PostgreSQL, shared by several instances, has no
 * such signal: there the same reads always run.
 */
function keptReads(
  statement: SqliteStatement,
  state: ConnectionState,
  dataVersion: () => number,
): SqliteStatement {
  const kept = new Map<string, readonly unknown[]>();
  let keptAtWrites = -1;
  let keptAtVersion = -1;
  return {
    reader: true,
    all: (parameters) => {
      const version = dataVersion();
      if (keptAtWrites !== state.writes || keptAtVersion !== version) {
        kept.clear();
        keptAtWrites = state.writes;
        keptAtVersion = version;
      }
      const key = JSON.stringify(parameters);
      let rows = kept.get(key);
      if (rows === undefined) {
        const read = statement.all(parameters) as object[];
        // Shared by every later caller: frozen, so none can change what the others read.
        for (const row of read) Object.freeze(row);
        rows = Object.freeze(read);
        if (kept.size >= MAX_KEPT_READS) kept.clear();
        kept.set(key, rows);
      }
      return rows as unknown[];
    },
    run: (parameters) => statement.run(parameters),
    iterate: (parameters) => statement.iterate(parameters),
  };
}

/**
 * The same rows better-sqlite3 returns (column name → value, a later duplicate name winning), built from its raw
 * arrays: it creates every key of every row afresh, which was half the cost of reading a page of tickets. Counts the
 * executions of every statement that may change what a read returns.
 */
function rowsAsPlainObjects(statement: BetterSqlite.Statement, state: ConnectionState): SqliteStatement {
  // Writes, and also BEGIN, COMMIT, ROLLBACK, SAVEPOINT and PRAGMA, which SQLite calls read-only: a read kept inside a
  // transaction must not outlive its rollback.
  const mayChangeReads =
    !statement.readonly || !/^\s*(select|with)\b/i.test(statement.source.replace(READ_CACHE_MARK, ''));
  if (!statement.reader) {
    if (!mayChangeReads) return statement;
    return {
      reader: false,
      all: (parameters) => {
        state.writes++;
        return statement.all(parameters);
      },
      run: (parameters) => {
        state.writes++;
        return statement.run(parameters);
      },
      iterate: (parameters) => {
        state.writes++;
        return statement.iterate(parameters);
      },
    };
  }
  const names = statement.columns().map((c) => c.name);
  const raw = statement.raw(true);
  const toRow = (values: unknown[]): Record<string, unknown> => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
    return row;
  };
  return {
    reader: true,
    all: (parameters) => {
      if (mayChangeReads) state.writes++;
      const rows = raw.all(parameters) as unknown[][];
      const out = new Array<Record<string, unknown>>(rows.length);
      for (let r = 0; r < rows.length; r++) out[r] = toRow(rows[r]!);
      return out;
    },
    run: (parameters) => {
      if (mayChangeReads) state.writes++;
      return raw.run(parameters);
    },
    iterate: function* (parameters) {
      if (mayChangeReads) state.writes++;
      for (const values of raw.iterate(parameters) as IterableIterator<unknown[]>) yield toRow(values);
    },
  };
}

const CHECKPOINT_INTERVAL_MS = 20;
/** How often the worker asks SQLite to refresh the planner's statistics (PRAGMA optimize). */
const OPTIMIZE_EVERY_MS = 3_600_000;
/** Idle, the worker looks less and less often, up to this: ~5 wake-ups a second instead of 50. */
const CHECKPOINT_IDLE_INTERVAL_MS = 200;
/** If the worker falls behind (or died), commits checkpoint again beyond this many WAL pages (~40 MB). */
const BACKSTOP_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * SQLite checkpoints the WAL inside whichever commit crosses 1000 pages: that commit copies the pages back and
 * fsyncs twice while better-sqlite3 holds the event loop (a ticket creation writes ~16 pages, so one creation in
 * some sixty paid for the copying of all of them). A worker thread with its own connection checkpoints instead, every
 * CHECKPOINT_INTERVAL_MS while commits arrive and backing off to CHECKPOINT_IDLE_INTERVAL_MS when none do; PASSIVE
 * never waits for, nor blocks, the server's reads and writes. Durability is unchanged: the same copying and fsyncs
 * happen, off the request path, and a commit is durable exactly as before.
 */
function startCheckpointer(file: string, sqlite: SqliteDatabaseHandle): { stop(): Promise<void> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
// data_version moves when another connection commits: no commit since the last look, nothing to copy back.
let seen = -1;
let delay = workerData.intervalMs;
let truncated = false;
let timer;
let optimizedAt = Date.now();
const tick = () => {
  try {
    // Statistics that moved a lot since the last look are refreshed (a no-op when none did).
    if (Date.now() - optimizedAt >= workerData.optimizeEveryMs) {
      optimizedAt = Date.now();
      db.pragma('optimize');
    }
    const version = db.pragma('data_version', { simple: true });
    if (version !== seen) {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)');
      // A reader kept part of the WAL from being copied back: look again soon even if no commit comes.
      // -1 means another connection held the checkpoint lock: nothing was copied either.
      if (result && result.log >= 0 && result.checkpointed >= result.log) seen = version;
      delay = workerData.intervalMs;
      truncated = false;
    } else if (delay < workerData.idleIntervalMs) {
      delay = Math.min(delay * 2, workerData.idleIntervalMs);
    } else if (!truncated) {
      // Idle at the slowest pace, everything copied back: empty the WAL file too. Reads then find no WAL to look
      // pages up in (measurably more reads answered: docs/performance.md). Never waits: with readers on the WAL it is busy and
      // comes back at the next idle tick. It takes the write lock for a moment: a write arriving then waits in the
      // server's busy timeout (SQLite sleeps at least 1 ms); its transactions begin IMMEDIATE for that reason.
      db.pragma('busy_timeout = 0');
      try {
        const [result] = db.pragma('wal_checkpoint(TRUNCATE)');
        truncated = result !== undefined && result.busy === 0 && result.log === 0;
      } finally {
        db.pragma('busy_timeout = 5000');
      }
    }
  } catch { /* busy or closing: the next tick or the backstop retries */ }
  timer = setTimeout(tick, delay);
};
timer = setTimeout(tick, delay);
parentPort.once('message', () => { clearTimeout(timer); db.close(); parentPort.close(); });`,
    {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        intervalMs: CHECKPOINT_INTERVAL_MS,
        idleIntervalMs: CHECKPOINT_IDLE_INTERVAL_MS,
        optimizeEveryMs: OPTIMIZE_EVERY_MS,
      },
    },
  );
  worker.unref();
  let running = true;
  const exited = new Promise<void>((done) =>
    worker.once('exit', () => {
      running = false;
      done();
    }),
  );
  // A worker that cannot run leaves checkpoints to the commits, as without it.
  worker.on('error', () => {
    try {
      sqlite.pragma('wal_autocheckpoint = 1000');
    } catch {
      // already closed: nothing left to checkpoint
    }
  });
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
  return {
    stop: async () => {
      if (!running) return;
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

type SqliteDatabaseHandle = InstanceType<typeof BetterSqlite>;

function safeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
