import { CompiledQuery, sql } from 'kysely';
import type { TestDatabase } from './dialects.ts';

/**
 * The plan of a query, as text: SQLite's `explain query plan` details, PostgreSQL's JSON plan with sequential scans
 * off (on a small test table PostgreSQL rightly prefers one; the question is which index it can use).
 */
export async function planOf(testDb: TestDatabase, query: CompiledQuery): Promise<string> {
  const db = testDb.handle.db;
  if (testDb.dialect === 'sqlite') {
    const result = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    );
    return result.rows.map((r) => r.detail).join('\n');
  }
  return db.transaction().execute(async (trx) => {
    await sql`set local enable_seqscan = off`.execute(trx);
    const result = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
    );
    return JSON.stringify(result.rows[0]?.['QUERY PLAN']);
  });
}
