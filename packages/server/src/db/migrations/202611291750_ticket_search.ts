import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

/**
 * Text search on tickets' subject and description (issue #12, the agents' queue and lists), indexed on both dialects
 * with the same reading of the text: lower case, Latin accents folded (the query is folded the same way, by
 * `ticketSearchTerms`), ASCII punctuation as a word break, each query word matched as a word prefix.
 * - PostgreSQL: a GIN index on an expression (no stored column, so `select *` on tickets is unchanged); the list
 *   query repeats the expression exactly (`TICKET_SEARCH_DOCUMENT_PG`) so that the planner uses the index.
 * - SQLite: an external-content FTS5 table over `tickets`, kept in step by triggers (the write path is unchanged:
 *   the database maintains the index, as PostgreSQL does its GIN index).
 */

/** Accented Latin lower-case letters (those NFD splits into an ASCII letter and marks) and their ASCII letter. */
export const FOLD_FROM =
  'àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏőŕŗřśŝşšţťũūŭůűųŵŷźżžơưǎǐǒǔǖǘǚǜǟǡǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯȱȳ';
export const FOLD_TO =
  'aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooorrrssssttuuuuuuwyzzzouaiouuuuuaagkoojgnaaaeeiioorruusthaeooooy';

/** The indexed document on PostgreSQL; the list query must use this very expression. */
export const TICKET_SEARCH_DOCUMENT_PG = `to_tsvector('simple'::regconfig, translate(regexp_replace(lower(subject || ' ' || description), '[[:punct:]]+', ' ', 'g'), '${FOLD_FROM}', '${FOLD_TO}'))`;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`create index tickets_search_idx on tickets using gin (${sql.raw(TICKET_SEARCH_DOCUMENT_PG)})`.execute(
      db,
    );
  } else {
    // unicode61 splits on anything but letters and digits and folds case; remove_diacritics 2 folds accents.
    await sql`create virtual table tickets_fts using fts5(
      subject, description, content='tickets', content_rowid='rowid',
      tokenize='unicode61 remove_diacritics 2', prefix='2 3')`.execute(db);
    await sql`insert into tickets_fts(tickets_fts) values ('rebuild')`.execute(db);
    await sql`create trigger tickets_fts_insert after insert on tickets begin
      insert into tickets_fts(rowid, subject, description) values (new.rowid, new.subject, new.description);
    end`.execute(db);
    await sql`create trigger tickets_fts_delete after delete on tickets begin
      insert into tickets_fts(tickets_fts, rowid, subject, description)
        values ('delete', old.rowid, old.subject, old.description);
    end`.execute(db);
    // Only when the text changes: most ticket changes (status, clocks, version) leave the index alone.
    await sql`create trigger tickets_fts_update after update of subject, description on tickets begin
      insert into tickets_fts(tickets_fts, rowid, subject, description)
        values ('delete', old.rowid, old.subject, old.description);
      insert into tickets_fts(rowid, subject, description) values (new.rowid, new.subject, new.description);
    end`.execute(db);
  }
  // Breaches per organization and month (the dashboard): the few clocks that ever breached, by workspace and instant.
  await sql`create index ticket_sla_breached_idx on ticket_sla (workspace_id, breached_at) where breached_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index ticket_sla_breached_idx`.execute(db);
  if (dialectOf(db) === 'postgres') {
    await sql`drop index tickets_search_idx`.execute(db);
    return;
  }
  for (const trigger of ['tickets_fts_insert', 'tickets_fts_delete', 'tickets_fts_update'])
    await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
  await sql`drop table if exists tickets_fts`.execute(db);
}
