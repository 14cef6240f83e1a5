import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import { createDatabase, type DatabaseHandle } from '../src/db/database.ts';
import type { DialectName } from '../src/db/dialect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

/**
 * One test body, every dialect: `for (const dialect of DIALECTS) describeDialect(dialect, 'tickets', (ctx) => …)`.
 * ACCORD_TEST_DIALECTS=sqlite (or postgres) narrows the run. With CI=true PostgreSQL is mandatory;
 * elsewhere an unreachable server skips its suites and says why.
 */
const ALL_DIALECTS: readonly DialectName[] = ['sqlite', 'postgres'];

export const DIALECTS: readonly DialectName[] = (() => {
  const wanted = process.env['ACCORD_TEST_DIALECTS'];
  if (wanted === undefined || wanted.trim() === '') return ALL_DIALECTS;
  const names = wanted.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !ALL_DIALECTS.includes(n as DialectName));
  if (unknown.length > 0)
    throw new Error(
      `ACCORD_TEST_DIALECTS: unknown dialect(s) ${unknown.join(', ')}; use ${ALL_DIALECTS.join(', ')}`,
    );
  return ALL_DIALECTS.filter((d) => names.includes(d));
})();

export const PG_TEST_URL = process.env['ACCORD_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const pgUnavailableReason = DIALECTS.includes('postgres') ? await probePostgres() : null;
if (pgUnavailableReason !== null && process.env['CI'] === 'true') {
  throw new Error(
    `PostgreSQL is mandatory when CI=true but ${PG_TEST_URL} is unreachable: ${pgUnavailableReason}`,
  );
}

/** Why a dialect cannot run here, or null when it can. */
export function dialectUnavailable(dialect: DialectName): string | null {
  return dialect === 'postgres' ? pgUnavailableReason : null;
}

export interface TestDatabase {
  readonly dialect: DialectName;
  readonly handle: DatabaseHandle;
  /** Environment that makes `databaseConfigFromEnv` (the CLI, main.ts) open this same database. */
  readonly env: Record<string, string>;
  /** Closes the connection and drops what was created (the PostgreSQL schema, the SQLite directory). */
  drop(): Promise<void>;
}

/**
 * Kysely's migrator looks for its tables by reading every schema of the database (`has_schema_privilege` by name for
 * each): a schema another test file drops at that moment makes the read fail with 3F000 "schema … does not exist".
 * Nothing was written by then; the migration is simply tried again.
 */
async function migrateRacingDrops(handle: DatabaseHandle): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await migrateToLatest(handle.db);
      return;
    } catch (error) {
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      if (code !== '3F000' || attempt === 3) throw error;
    }
  }
}

/** A fresh, migrated database: a temp SQLite file (so WAL and locking are real) or its own PostgreSQL schema. */
export async function createTestDatabase(
  dialect: DialectName,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'accord-test-'));
    const handle = createDatabase({ dialect: 'sqlite', file: join(dir, 'accord.sqlite') });
    if (migrate) await migrateToLatest(handle.db);
    return {
      dialect,
      handle,
      env: { ACCORD_DATA_DIR: dir },
      drop: async () => {
        await handle.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `accord_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_TEST_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${schema}`);
  } finally {
    await admin.end();
  }
  const handle = createDatabase({ dialect: 'postgres', url: PG_TEST_URL, schema, maxConnections: 5 });
  if (migrate) await migrateRacingDrops(handle);
  const url = new URL(PG_TEST_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    dialect,
    handle,
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      await handle.destroy();
      const client = new pg.Client({ connectionString: PG_TEST_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** `describe` for one dialect, or `describe.skip` with the reason printed when it cannot run here. */
export function describeDialect(dialect: DialectName, name: string, body: () => void): void {
  const reason = dialectUnavailable(dialect);
  if (reason !== null) {
    console.warn(
      `[accord tests] skipping "${dialect}: ${name}": PostgreSQL unreachable at ${PG_TEST_URL} (${reason})`,
    );
    describe.skip(`${dialect}: ${name} (skipped: ${reason})`, body);
    return;
  }
  describe(`${dialect}: ${name}`, body);
}
