import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, databaseConfigFromEnv } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { runPrepared } from '../src/db/prepared.ts';
import { createTestDatabase, describeDialect, DIALECTS, type TestDatabase } from './dialects.ts';

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'prepared queries', () => {
    let testDb: TestDatabase;
    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      const { db } = testDb.handle;
      for (const [i, slug] of ['alpha', 'beta', 'gamma', 'delta'].entries()) {
        await db
          .insertInto('workspaces')
          .values({
            id: `w${i}`,
            slug,
            name: slug.toUpperCase(),
            policy_preset: null,
            policy_version: '1',
            created_at: i,
          })
          .execute();
      }
    });
    afterAll(async () => {
      await testDb.drop();
    });

    const bySlug = (slug: string) =>
      runPrepared(
        testDb.handle.db,
        'test.workspaceBySlug',
        (p) =>
          testDb.handle.db
            .selectFrom('workspaces')
            .select(['id', 'name'])
            .where('slug', '=', p<string>('slug')),
        { slug },
      );

    it('binds each call its own values (a shape compiled once never freezes the first values)', async () => {
      expect((await bySlug('alpha')).rows).toEqual([{ id: 'w0', name: 'ALPHA' }]);
      expect((await bySlug('gamma')).rows).toEqual([{ id: 'w2', name: 'GAMMA' }]);
      expect((await bySlug('nope')).rows).toEqual([]);
    });

    it('binds lists element by element, one shape per length, and keeps constants', async () => {
      const { db } = testDb.handle;
      const some = (slugs: string[]) =>
        runPrepared(
          db,
          `test.workspacesIn:${slugs.length}`,
          (p) =>
            db
              .selectFrom('workspaces')
              .select('id')
              .where('slug', 'in', p.list<string>('slugs', slugs.length))
              .where('policy_version', '=', '1')
              .orderBy('id')
              .limit(p<number>('limit')),
          { slugs, limit: 10 },
        );
      expect((await some(['beta', 'delta'])).rows.map((r) => r.id)).toEqual(['w1', 'w3']);
      expect((await some(['alpha', 'gamma'])).rows.map((r) => r.id)).toEqual(['w0', 'w2']);
      expect((await some(['gamma'])).rows.map((r) => r.id)).toEqual(['w2']);
    });

    it('binds a value used twice in raw SQL, and writes through transactions', async () => {
      const { db } = testDb.handle;
      await db.transaction().execute(async (trx) => {
        await runPrepared(
          trx,
          'test.insertWorkspace',
          (p) =>
            trx.insertInto('workspaces').values({
              id: p<string>('id'),
              slug: p<string>('id'),
              name: p<string>('name'),
              policy_preset: null,
              policy_version: '1',
              created_at: p<number>('atMs'),
            }),
          { id: 'w9', name: 'Nine', atMs: 9 },
        );
      });
      const { rows } = await runPrepared(
        db,
        'test.createdBetween',
        (p) =>
          db
            .selectFrom('workspaces')
            .select('slug')
            .where(sql<boolean>`created_at >= ${p<number>('atMs')} and created_at <= ${p<number>('atMs')}`),
        { atMs: 9 },
      );
      expect(rows).toEqual([{ slug: 'w9' }]);
    });

    it('refuses a placeholder that would end up in the SQL text instead of a parameter', async () => {
      const { db } = testDb.handle;
      await expect(
        runPrepared(
          db,
          'test.literalPlaceholder',
          (p) =>
            db
              .selectFrom('workspaces')
              .select('id')
              .where('slug', '=', sql.lit(p<string>('slug'))),
          { slug: 'alpha' },
        ),
      ).rejects.toThrow(/placeholder ended up in the SQL text/);
    });

    it('a kept read shows every change: its own writes, a rollback, and commits of another connection', async () => {
      const { db } = testDb.handle;
      const nameOf = async (slug: string) =>
        (
          await runPrepared(
            db,
            'test.keptWorkspaceName',
            (p) => db.selectFrom('workspaces').select('name').where('slug', '=', p<string>('slug')),
            { slug },
            { readCache: true },
          )
        ).rows[0]?.name;
      expect(await nameOf('alpha')).toBe('ALPHA');
      expect(await nameOf('alpha')).toBe('ALPHA');
      // A write through this connection, outside any transaction.
      await db.updateTable('workspaces').set({ name: 'Alpha 2' }).where('slug', '=', 'alpha').execute();
      expect(await nameOf('alpha')).toBe('Alpha 2');
      // Inside a transaction: its own write shows, then the rollback takes it away again.
      await expect(
        db.transaction().execute(async (trx) => {
          await trx
            .updateTable('workspaces')
            .set({ name: 'Rolled back' })
            .where('slug', '=', 'alpha')
            .execute();
          const inside = await runPrepared(
            trx,
            'test.keptWorkspaceName',
            (p) => trx.selectFrom('workspaces').select('name').where('slug', '=', p<string>('slug')),
            { slug: 'alpha' },
            { readCache: true },
          );
          expect(inside.rows[0]?.name).toBe('Rolled back');
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await nameOf('alpha')).toBe('Alpha 2');
      // Another connection (another process, the CLI) commits: the next read shows it.
      const other = createDatabase(databaseConfigFromEnv({ ...testDb.env }));
      try {
        await other.db
          .updateTable('workspaces')
          .set({ name: 'From elsewhere' })
          .where('slug', '=', 'alpha')
          .execute();
      } finally {
        await other.destroy();
      }
      expect(await nameOf('alpha')).toBe('From elsewhere');
      // Kept rows are shared: frozen, so no caller can change what the next one reads.
      const { rows } = await runPrepared(
        db,
        'test.keptWorkspaceName',
        (p) => db.selectFrom('workspaces').select('name').where('slug', '=', p<string>('slug')),
        { slug: 'beta' },
        { readCache: true },
      );
      if (dialect === 'sqlite') expect(Object.isFrozen(rows[0])).toBe(true);
    });

    it('refuses to run with a missing value instead of binding NULL', async () => {
      await expect(
        runPrepared(
          testDb.handle.db,
          'test.workspaceBySlug',
          (p) => testDb.handle.db.selectFrom('workspaces').select('id').where('slug', '=', p<string>('slug')),
          {},
        ),
      ).rejects.toThrow(/no value for 'slug'/);
    });
  });
}

describe('sqlite: rows and background checkpoints', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'accord-sqlite-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads rows as better-sqlite3 would, duplicate names included (the later column wins)', async () => {
    const handle = createDatabase({ dialect: 'sqlite', file: join(dir, 'rows.sqlite') });
    try {
      const { rows } = await sql<{ a: number; b: string | null }>`select 1 as a, null as b, 2 as a`.execute(
        handle.db,
      );
      expect(rows).toEqual([{ a: 2, b: null }]);
      const native = new BetterSqlite(':memory:');
      expect(native.prepare('select 1 as a, null as b, 2 as a').all()).toEqual(rows);
      native.close();
    } finally {
      await handle.destroy();
    }
  });

  it('a transaction that reads, then writes after the worker emptied the WAL meanwhile, commits', async () => {
    const handle = createDatabase({
      dialect: 'sqlite',
      file: join(dir, 'upgrade.sqlite'),
      backgroundCheckpoint: true,
    });
    try {
      await sql`create table t (x integer)`.execute(handle.db);
      await sql`insert into t values (1)`.execute(handle.db);
      await new Promise((r) => setTimeout(r, 100)); // copied back: the worker's next idle ticks truncate the WAL
      await handle.db.transaction().execute(async (trx) => {
        await sql`select count(*) from t`.execute(trx);
        await new Promise((r) => setTimeout(r, 1_500)); // past the worker's idle truncation
        await sql`insert into t values (2)`.execute(trx);
      });
      const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(handle.db);
      expect(rows[0]?.n).toBe(2);
    } finally {
      await handle.destroy();
    }
  });

  it('checkpoints the WAL into the database file from the worker, without any commit doing it', async () => {
    const file = join(dir, 'checkpoint.sqlite');
    const handle = createDatabase({ dialect: 'sqlite', file, backgroundCheckpoint: true });
    try {
      await migrateToLatest(handle.db);
      await handle.db
        .insertInto('workspaces')
        .values({ id: 'w', slug: 'late', name: 'L', policy_preset: null, policy_version: '1', created_at: 1 })
        .execute();
      // A copy of the database file alone (no WAL beside it) holds the row once it has been checkpointed.
      const inMainFile = (slug: string): number => {
        const copy = join(dir, 'copy.sqlite');
        rmSync(copy, { force: true });
        copyFileSync(file, copy);
        const reader = new BetterSqlite(copy, { readonly: true });
        try {
          const row = reader.prepare('select count(*) as n from workspaces where slug = ?').get(slug);
          return (row as { n: number }).n;
        } catch {
          return 0; // copied halfway through a checkpoint: try again
        } finally {
          reader.close();
        }
      };
      const checkpointed = async (slug: string): Promise<number> => {
        const deadline = Date.now() + 5_000;
        while (inMainFile(slug) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        return inMainFile(slug);
      };
      expect(await checkpointed('late')).toBe(1);
      // Idle long enough for the worker to back off to its slowest pace: a new commit is still copied back.
      await new Promise((r) => setTimeout(r, 1_000));
      await handle.db
        .insertInto('workspaces')
        .values({
          id: 'w2',
          slug: 'later',
          name: 'L2',
          policy_preset: null,
          policy_version: '1',
          created_at: 2,
        })
        .execute();
      expect(await checkpointed('later')).toBe(1);
      // Idle again: the WAL file itself is emptied (reads then have no WAL to look pages up in)…
      const walBytes = (): number => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
      const emptied = async (): Promise<boolean> => {
        const deadline = Date.now() + 5_000;
        while (walBytes() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        return walBytes() === 0;
      };
      expect(await emptied()).toBe(true);
      // …and the next commit writes to it again, and is copied back in turn.
      await handle.db
        .insertInto('workspaces')
        .values({
          id: 'w3',
          slug: 'last',
          name: 'L3',
          policy_preset: null,
          policy_version: '1',
          created_at: 3,
        })
        .execute();
      expect(walBytes()).toBeGreaterThan(0);
      expect(await checkpointed('last')).toBe(1);
      expect(await emptied()).toBe(true);
    } finally {
      await handle.destroy();
    }
  });
});
