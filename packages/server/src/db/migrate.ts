import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { dialectOf } from './dialect.ts';
import { migrations } from './migrations/index.ts';

export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
}

/** Runs every pending migration; throws (never half-reports) when one fails. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<NonNullable<MigrationResultSet['results']>> {
  const untyped = db as unknown as Kysely<unknown>;
  // Kysely looks for its bookkeeping tables in every schema unless told which one: with several Accord schemas in
  // one PostgreSQL database (tests, staging) it would find another schema's and skip creating its own.
  const schema =
    dialectOf(untyped) === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(untyped)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const cause = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new MigrationFailedError(
      `migration ${failed?.migrationName ?? '(before any migration)'} failed: ${cause}`,
      { cause: error },
    );
  }
  // New tables and indexes have no statistics yet: SQLite plans blind until they do (see createDatabase).
  if ((results?.length ?? 0) > 0 && dialectOf(untyped) === 'sqlite')
    await sql`pragma optimize = 0x10002`.execute(untyped);
  return results ?? [];
}
