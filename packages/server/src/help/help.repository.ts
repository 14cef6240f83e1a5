import { sql, type Kysely, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { dialectOf } from '../db/dialect.ts';
import type { HelpArticleTable, HelpArticleVersionTable } from '../db/schema.ts';

export type ArticleRow = Selectable<HelpArticleTable>;
export type ArticleVersionRow = Selectable<HelpArticleVersionTable> & { author_name: string | null };

/** The columns every read selects: never PostgreSQL's generated `search_vector`. */
const ARTICLE_COLUMNS = [
  'id',
  'workspace_id',
  'slug',
  'language',
  'title',
  'body',
  'category',
  'tags_json',
  'state',
  'translation_of',
  'author_id',
  'version',
  'search_title',
  'search_body',
  'created_at',
  'updated_at',
  'published_at',
] as const;

export interface SearchOptions {
  readonly workspaceId: string;
  /** Stems from the core's `queryTerms`: letters and digits only. */
  readonly terms: readonly string[];
  /** The last term also matches as a prefix (search as you type). */
  readonly prefixLast: boolean;
  readonly language?: string | undefined;
  readonly limit: number;
}

export interface ListOptions {
  readonly state?: string | undefined;
  readonly language?: string | undefined;
  readonly limit: number;
}

/** Stems are `[\p{L}\p{N}]+` (core `words`); anything else would be query syntax, so it is refused here as well. */
function safeTerm(term: string): string {
  if (!/^[\p{L}\p{N}]+$/u.test(term)) throw new Error(`unsafe search term ${JSON.stringify(term)}`);
  return term;
}

/** Full-text search over published articles: FTS5 `bm25` on SQLite, `ts_rank` on PostgreSQL, best first. */
async function searchIds(db: Db, options: SearchOptions): Promise<{ id: string; rank: number }[]> {
  if (options.terms.length === 0) return [];
  const last = options.terms.length - 1;
  const language = options.language ?? null;
  if (dialectOf(db as unknown as Kysely<unknown>) === 'postgres') {
    const query = options.terms
      .map((t, i) => `'${safeTerm(t)}'${options.prefixLast && i === last ? ':*' : ''}`)
      .join(' | ');
    const result = await sql<{ id: string; rank: number }>`
      select a.id, ts_rank(a.search_vector, q.query) as rank
      from help_articles a, to_tsquery('simple'::regconfig, ${query}) as q(query)
      where a.search_vector @@ q.query and a.workspace_id = ${options.workspaceId} and a.state = 'published'
        and (${language}::text is null or a.language = ${language})
      order by rank desc, a.id
      limit ${options.limit}`.execute(db);
    return result.rows.map((r) => ({ id: r.id, rank: Number(r.rank) }));
  }
  const match = options.terms
    .map((t, i) => `"${safeTerm(t)}"${options.prefixLast && i === last ? '*' : ''}`)
    .join(' OR ');
  // Title words weigh four times body words; bm25 is lower for better matches.
  const result = await sql<{ id: string; rank: number }>`
    select a.id, -bm25(help_articles_fts, 4.0, 1.0) as rank
    from help_articles_fts join help_articles a on a.rowid = help_articles_fts.rowid
    where help_articles_fts match ${match} and a.workspace_id = ${options.workspaceId} and a.state = 'published'
      and (${language} is null or a.language = ${language})
    order by rank desc, a.id
    limit ${options.limit}`.execute(db);
  return result.rows;
}

export function createHelpRepository(db: Db) {
  return {
    db,
    searchIds: (options: SearchOptions) => searchIds(db, options),

    async workspaceBySlug(slug: string): Promise<{ id: string; slug: string; name: string } | undefined> {
      return db
        .selectFrom('workspaces')
        .select(['id', 'slug', 'name'])
        .where('slug', '=', slug)
        .executeTakeFirst();
    },

    async byId(workspaceId: string, id: string, trx: Db = db): Promise<ArticleRow | undefined> {
      return trx
        .selectFrom('help_articles')
        .select(ARTICLE_COLUMNS)
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async byIds(workspaceId: string, ids: readonly string[]): Promise<ArticleRow[]> {
      if (ids.length === 0) return [];
      return db
        .selectFrom('help_articles')
        .select(ARTICLE_COLUMNS)
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', ids)
        .execute();
    },

    async publishedBySlug(workspaceId: string, slug: string): Promise<ArticleRow | undefined> {
      return db
        .selectFrom('help_articles')
        .select(ARTICLE_COLUMNS)
        .where('workspace_id', '=', workspaceId)
        .where('slug', '=', slug)
        .where('state', '=', 'published')
        .executeTakeFirst();
    },

    async slugTaken(workspaceId: string, slug: string, trx: Db = db): Promise<boolean> {
      const row = await trx
        .selectFrom('help_articles')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('slug', '=', slug)
        .executeTakeFirst();
      return row !== undefined;
    },

    async list(workspaceId: string, options: ListOptions): Promise<ArticleRow[]> {
      return db
        .selectFrom('help_articles')
        .select(ARTICLE_COLUMNS)
        .where('workspace_id', '=', workspaceId)
        .$if(options.state !== undefined, (qb) => qb.where('state', '=', options.state ?? ''))
        .$if(options.language !== undefined, (qb) => qb.where('language', '=', options.language ?? ''))
        .orderBy('category')
        .orderBy('title')
        .orderBy('id')
        .limit(options.limit)
        .execute();
    },

    /** The published articles of a translation group (the original and everything translated from it). */
    async publishedTranslations(workspaceId: string, rootId: string): Promise<ArticleRow[]> {
      return db
        .selectFrom('help_articles')
        .select(ARTICLE_COLUMNS)
        .where('workspace_id', '=', workspaceId)
        .where('state', '=', 'published')
        .where((eb) => eb.or([eb('id', '=', rootId), eb('translation_of', '=', rootId)]))
        .orderBy('language')
        .execute();
    },

    async insert(trx: Db, row: ArticleRow): Promise<void> {
      await trx.insertInto('help_articles').values(row).execute();
      await trx
        .insertInto('help_article_versions')
        .values({
          article_id: row.id,
          version: row.version,
          title: row.title,
          body: row.body,
          category: row.category,
          tags_json: row.tags_json,
          state: row.state,
          author_id: row.author_id,
          created_at: row.updated_at,
        })
        .execute();
    },

    /** Writes the new state of an article if it is still at `fromVersion`; false when someone else wrote first. */
    async update(trx: Db, row: ArticleRow, fromVersion: number): Promise<boolean> {
      const { id, workspace_id, ...set } = row;
      const result = await trx
        .updateTable('help_articles')
        .set(set)
        .where('id', '=', id)
        .where('workspace_id', '=', workspace_id)
        .where('version', '=', fromVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto('help_article_versions')
        .values({
          article_id: id,
          version: row.version,
          title: row.title,
          body: row.body,
          category: row.category,
          tags_json: row.tags_json,
          state: row.state,
          author_id: row.author_id,
          created_at: row.updated_at,
        })
        .execute();
      return true;
    },

    async remove(workspaceId: string, id: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        // Translations stay, as originals of their own group.
        await trx
          .updateTable('help_articles')
          .set({ translation_of: null })
          .where('workspace_id', '=', workspaceId)
          .where('translation_of', '=', id)
          .execute();
        await trx.deleteFrom('help_votes').where('article_id', '=', id).execute();
        await trx.deleteFrom('help_article_versions').where('article_id', '=', id).execute();
        const result = await trx
          .deleteFrom('help_articles')
          .where('workspace_id', '=', workspaceId)
          .where('id', '=', id)
          .executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      });
    },

    async versions(articleId: string): Promise<ArticleVersionRow[]> {
      return db
        .selectFrom('help_article_versions as v')
        .leftJoin('users as u', 'u.id', 'v.author_id')
        .select([
          'v.article_id',
          'v.version',
          'v.title',
          'v.body',
          'v.category',
          'v.tags_json',
          'v.state',
          'v.author_id',
          'v.created_at',
          'u.name as author_name',
        ])
        .where('v.article_id', '=', articleId)
        .orderBy('v.version', 'desc')
        .execute();
    },

    /** One vote per visitor per article: voting again replaces the earlier vote. */
    async vote(input: {
      articleId: string;
      visitorKey: string;
      helpful: boolean;
      atMs: number;
    }): Promise<void> {
      await db
        .insertInto('help_votes')
        .values({
          article_id: input.articleId,
          visitor_key: input.visitorKey,
          helpful: input.helpful ? 1 : 0,
          at: input.atMs,
        })
        .onConflict((oc) =>
          oc
            .columns(['article_id', 'visitor_key'])
            .doUpdateSet({ helpful: input.helpful ? 1 : 0, at: input.atMs }),
        )
        .execute();
    },

    async voteCounts(
      articleIds: readonly string[],
    ): Promise<Map<string, { helpful: number; notHelpful: number }>> {
      const out = new Map<string, { helpful: number; notHelpful: number }>();
      if (articleIds.length === 0) return out;
      const rows = await db
        .selectFrom('help_votes')
        .select(['article_id', 'helpful', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('article_id', 'in', articleIds)
        .groupBy(['article_id', 'helpful'])
        .execute();
      for (const row of rows) {
        const counts = out.get(row.article_id) ?? { helpful: 0, notHelpful: 0 };
        if (row.helpful === 1) counts.helpful = Number(row.n);
        else counts.notHelpful = Number(row.n);
        out.set(row.article_id, counts);
      }
      return out;
    },

    /**
     * Counts a search that found nothing, by folded query. The table keeps at most `keep` distinct queries per
     * workspace: a new one pushes out the one seen least recently.
     */
    async recordMiss(input: {
      workspaceId: string;
      query: string;
      language: string;
      atMs: number;
      keep: number;
    }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('help_search_misses')
          .values({
            workspace_id: input.workspaceId,
            query: input.query,
            language: input.language,
            count: 1,
            first_at: input.atMs,
            last_at: input.atMs,
          })
          .onConflict((oc) =>
            oc
              .columns(['workspace_id', 'query', 'language'])
              .doUpdateSet((eb) => ({ count: eb('help_search_misses.count', '+', 1), last_at: input.atMs })),
          )
          .execute();
        const stale = await trx
          .selectFrom('help_search_misses')
          .select(['query', 'language'])
          .where('workspace_id', '=', input.workspaceId)
          .orderBy('last_at', 'desc')
          .orderBy('query')
          .offset(input.keep)
          .limit(100)
          .execute();
        for (const row of stale)
          await trx
            .deleteFrom('help_search_misses')
            .where('workspace_id', '=', input.workspaceId)
            .where('query', '=', row.query)
            .where('language', '=', row.language)
            .execute();
      });
    },

    async misses(workspaceId: string, limit: number) {
      return db
        .selectFrom('help_search_misses')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .orderBy('count', 'desc')
        .orderBy('last_at', 'desc')
        .limit(limit)
        .execute();
    },
  };
}

export type HelpRepository = ReturnType<typeof createHelpRepository>;
