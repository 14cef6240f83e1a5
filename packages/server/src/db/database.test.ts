import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, slowQueryMsFromEnv } from './database.ts';
import { migrateToLatest } from './migrate.ts';

describe('SQLite planner statistics', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('are gathered after migrations and at open, so that the planner does not plan blind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'accord-stats-'));
    dirs.push(dir);
    const file = join(dir, 'accord.sqlite');
    const first = createDatabase({ dialect: 'sqlite', file });
    await migrateToLatest(first.db);
    const stat = async (db: typeof first.db) =>
      (await sql<{ tbl: string }>`select tbl from sqlite_stat1`.execute(db)).rows.map((r) => r.tbl);
    // Right after the migrations: the tables that hold rows (here Kysely's own bookkeeping) have statistics.
    expect(await stat(first.db)).toContain('kysely_migration');
    // Statistics lost (or never gathered: a database from an older version): the next open gathers them.
    await sql`delete from sqlite_stat1`.execute(first.db);
    await first.destroy();

    const reopened = createDatabase({ dialect: 'sqlite', file });
    try {
      expect(await stat(reopened.db)).toContain('kysely_migration');
    } finally {
      await reopened.destroy();
    }
  });
});

describe('ACCORD_SLOW_QUERY_MS', () => {
  it('is off when unset or empty, a whole number of milliseconds otherwise', () => {
    expect(slowQueryMsFromEnv(undefined)).toEqual({});
    expect(slowQueryMsFromEnv(' ')).toEqual({});
    expect(slowQueryMsFromEnv('50')).toEqual({ slowQueryMs: 50 });
    expect(slowQueryMsFromEnv('0')).toEqual({ slowQueryMs: 0 });
    for (const bad of ['-1', '1.5', 'fast', '1e999'])
      expect(() => slowQueryMsFromEnv(bad)).toThrow(/ACCORD_SLOW_QUERY_MS/);
  });
});
