import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import type { DialectName } from './dialect.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export type DatabaseConfig =
  | { readonly dialect: 'sqlite'; readonly file: string; readonly synchronous?: 'NORMAL' | 'FULL' }
  | {
      readonly dialect: 'postgres';
      readonly url: string;
      readonly schema?: string;
      readonly maxConnections?: number;
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
  const url = env['DATABASE_URL'];
  if (url !== undefined && url !== '') return { dialect: 'postgres', url };
  const dir = resolve(env['ACCORD_DATA_DIR'] ?? './data');
  const synchronous = env['ACCORD_SQLITE_SYNCHRONOUS']?.toUpperCase() === 'FULL' ? 'FULL' : 'NORMAL';
  return { dialect: 'sqlite', file: join(dir, 'accord.sqlite'), synchronous };
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
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', description: `SQLite ${config.file}`, destroy: () => db.destroy() };
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const host = safeHost(config.url);
  return {
    db,
    dialect: 'postgres',
    description: `PostgreSQL ${host}${config.schema ? ` (schema ${config.schema})` : ''}`,
    destroy: () => db.destroy(),
  };
}

/**
 * Kysely prepares every query afresh; better-sqlite3 statements are reusable, and preparing is a large share of a
 * short query's cost. Queries are built from a fixed set of shapes, so the cache stays small.
 */
function withStatementCache(sqlite: SqliteDatabase, maxStatements = 1000): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare: (sqlText) => {
      let statement = statements.get(sqlText);
      if (statement === undefined) {
        statement = sqlite.prepare(sqlText);
        if (statements.size >= maxStatements) statements.clear();
        statements.set(sqlText, statement);
      }
      return statement;
    },
  };
}

function safeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
