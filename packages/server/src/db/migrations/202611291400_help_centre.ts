import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

// The help centre (issue #15): articles with their version history, "was this helpful?" votes (one per visitor per
// article, so the table grows with real visitors only) and the searches that found nothing (one row per distinct
// folded query). `search_title` / `search_body` hold the stemmed, folded words computed by the core
// (packages/core/src/help): each dialect indexes those words with its own full-text engine, so stemming is the same
// on both. SQLite: an FTS5 table over them kept in step by triggers; PostgreSQL: a generated tsvector with a GIN index.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('help_articles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('tags_json', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('translation_of', 'text')
    .addColumn('author_id', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('search_title', 'text', (c) => c.notNull())
    .addColumn('search_body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('published_at', 'bigint')
    .addUniqueConstraint('help_articles_workspace_slug_unique', ['workspace_id', 'slug'])
    .execute();
  await db.schema
    .createIndex('help_articles_workspace_state_idx')
    .on('help_articles')
    .columns(['workspace_id', 'state', 'language'])
    .execute();

  await db.schema
    .createTable('help_article_versions')
    .addColumn('article_id', 'text', (c) => c.notNull().references('help_articles.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('tags_json', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_article_versions_pk', ['article_id', 'version'])
    .execute();

  await db.schema
    .createTable('help_votes')
    .addColumn('article_id', 'text', (c) => c.notNull().references('help_articles.id').onDelete('cascade'))
    .addColumn('visitor_key', 'text', (c) => c.notNull())
    .addColumn('helpful', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_votes_pk', ['article_id', 'visitor_key'])
    .execute();

  await db.schema
    .createTable('help_search_misses')
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('help_search_misses_pk', ['workspace_id', 'query', 'language'])
    .execute();
  await db.schema
    .createIndex('help_search_misses_last_idx')
    .on('help_search_misses')
    .columns(['workspace_id', 'last_at'])
    .execute();

  if (dialectOf(db) === 'postgres') {
    await sql`alter table help_articles add column search_vector tsvector generated always as (
      setweight(to_tsvector('simple'::regconfig, search_title), 'A') ||
      setweight(to_tsvector('simple'::regconfig, search_body), 'B')) stored`.execute(db);
    await sql`create index help_articles_search_idx on help_articles using gin (search_vector)`.execute(db);
    return;
  }
  // External-content FTS5 over the stemmed columns; the words are already folded, so the tokenizer only splits.
  await sql`create virtual table help_articles_fts using fts5(
    search_title, search_body, content='help_articles', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 0')`.execute(db);
  await sql`create trigger help_articles_fts_insert after insert on help_articles begin
    insert into help_articles_fts(rowid, search_title, search_body)
      values (new.rowid, new.search_title, new.search_body);
  end`.execute(db);
  await sql`create trigger help_articles_fts_delete after delete on help_articles begin
    insert into help_articles_fts(help_articles_fts, rowid, search_title, search_body)
      values ('delete', old.rowid, old.search_title, old.search_body);
  end`.execute(db);
  await sql`create trigger help_articles_fts_update after update on help_articles begin
    insert into help_articles_fts(help_articles_fts, rowid, search_title, search_body)
      values ('delete', old.rowid, old.search_title, old.search_body);
    insert into help_articles_fts(rowid, search_title, search_body)
      values (new.rowid, new.search_title, new.search_body);
  end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'sqlite') await sql`drop table if exists help_articles_fts`.execute(db);
  for (const table of ['help_search_misses', 'help_votes', 'help_article_versions', 'help_articles'])
    await db.schema.dropTable(table).execute();
}
