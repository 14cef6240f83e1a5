import { createHash } from 'node:crypto';
import { iso, requireRole } from '../access.ts';
import { STAFF_ROLES, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError, isUniqueViolation } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  articleDto,
  articleRow,
  searchColumns,
  tagsOf,
  type ArticleDto,
  type ArticleInput,
  type ArticlePatch,
  type ArticleState,
  type SearchHit,
} from './help.dto.ts';
import {
  highlightSnippet,
  markdownToPlainText,
  normalizedQuery,
  queryTerms,
  slugify,
  type HelpLanguage,
} from './help-core.ts';
import type { ArticleRow, HelpRepository } from './help.repository.ts';
import { renderMarkdown } from './markdown.ts';

export type { ArticleDto, ArticleInput, ArticlePatch, ArticleState, SearchHit } from './help.dto.ts';
export { articleRow } from './help.dto.ts';

/** How many distinct fruitless queries a workspace keeps (the least recent go first). */
export const MAX_RECORDED_MISSES = 1000;

/** Help centre use cases: staff write articles; anyone reads and searches the published ones of a workspace. */
export function createHelpService({ help, clock }: { help: HelpRepository; clock: Clock }) {
  async function workspaceIdOf(slug: string): Promise<string> {
    const workspace = await help.workspaceBySlug(slug);
    if (!workspace) throw new DomainError('WORKSPACE_NOT_FOUND', `no help centre named ${slug}`);
    return workspace.id;
  }

  async function freeSlug(trx: Db, workspaceId: string, title: string): Promise<string> {
    const base = slugify(title);
    for (let n = 1; n <= 20; n++) {
      const slug = n === 1 ? base : `${base}-${n}`;
      if (!(await help.slugTaken(workspaceId, slug, trx))) return slug;
    }
    return `${base}-${newId().slice(0, 8)}`;
  }

  async function checkTranslationOf(actor: Actor, translationOf: string | null | undefined, selfId?: string) {
    if (translationOf === undefined || translationOf === null) return;
    const original = await help.byId(actor.workspaceId, translationOf);
    if (!original || original.id === selfId)
      throw new DomainError(
        'VALIDATION_FAILED',
        'translationOf must name another article of this workspace',
        {
          field: 'translationOf',
        },
      );
  }

  async function withVotes(rows: ArticleRow[]): Promise<ArticleDto[]> {
    const votes = await help.voteCounts(rows.map((r) => r.id));
    return rows.map((row) => articleDto(row, votes.get(row.id)));
  }

  /** Ranked hits for a query; no terms (empty or only punctuation) is no hit. */
  async function searchIn(
    workspaceId: string,
    query: string,
    language: HelpLanguage | undefined,
    limit: number,
  ) {
    // Without a language, stems of both Latin-script languages are tried (Arabic script is told apart by the core).
    const languages: HelpLanguage[] =
      language !== undefined ? [language] : /[\u0600-\u06FF]/.test(query) ? ['ar'] : ['fr', 'en'];
    const terms = [...new Set(languages.flatMap((l) => queryTerms(query, l)))];
    const endsInWord = /[\p{L}\p{N}]$/u.test(query);
    const ranked = await help.searchIds({ workspaceId, terms, prefixLast: endsInWord, language, limit });
    const rows = new Map(
      (
        await help.byIds(
          workspaceId,
          ranked.map((r) => r.id),
        )
      ).map((r) => [r.id, r]),
    );
    const hits: SearchHit[] = [];
    for (const { id } of ranked) {
      const row = rows.get(id);
      if (!row) continue;
      const lang = row.language as HelpLanguage;
      const snippet = highlightSnippet({
        text: markdownToPlainText(row.body),
        language: lang,
        terms: queryTerms(query, lang),
      });
      hits.push({
        slug: row.slug,
        title: row.title,
        language: lang,
        category: row.category,
        snippet: snippet.text,
        snippetHtml: snippet.html,
      });
    }
    return hits;
  }

  async function get(actor: Actor, id: string) {
    requireRole(actor, STAFF_ROLES, 'read help articles in the editor');
    const row = await help.byId(actor.workspaceId, id);
    if (!row) throw new DomainError('ARTICLE_NOT_FOUND', 'article not found');
    const [dto] = await withVotes([row]);
    const versions = await help.versions(id);
    return {
      ...(dto as ArticleDto),
      versions: versions.map((v) => ({
        version: v.version,
        title: v.title,
        body: v.body,
        state: v.state as ArticleState,
        authorId: v.author_id,
        authorName: v.author_name,
        createdAt: iso(v.created_at),
      })),
    };
  }

  return {
    async create(actor: Actor, input: ArticleInput) {
      requireRole(actor, STAFF_ROLES, 'write help articles');
      await checkTranslationOf(actor, input.translationOf);
      const nowMs = clock.nowMs();
      const id = newId();
      for (let attempt = 0; ; attempt++) {
        try {
          await help.db.transaction().execute(async (trx) => {
            const slug = await freeSlug(trx, actor.workspaceId, input.title);
            const row = articleRow({
              id,
              workspaceId: actor.workspaceId,
              slug,
              article: input,
              authorId: actor.userId,
              nowMs,
            });
            await help.insert(trx, row);
          });
          break;
        } catch (error) {
          // Two articles with the same title at once: the loser takes the next free slug.
          if (!isUniqueViolation(error) || attempt >= 2) throw error;
        }
      }
      return get(actor, id);
    },

    get,

    async list(
      actor: Actor,
      input: { state?: ArticleState | undefined; language?: HelpLanguage | undefined },
    ) {
      requireRole(actor, STAFF_ROLES, 'list help articles');
      return withVotes(await help.list(actor.workspaceId, { ...input, limit: 500 }));
    },

    async update(actor: Actor, id: string, patch: ArticlePatch) {
      requireRole(actor, STAFF_ROLES, 'edit help articles');
      const current = await help.byId(actor.workspaceId, id);
      if (!current) throw new DomainError('ARTICLE_NOT_FOUND', 'article not found');
      if (patch.version !== undefined && patch.version !== current.version)
        throw new DomainError('VERSION_CONFLICT', `the article is at version ${current.version}; reload it`, {
          version: current.version,
        });
      await checkTranslationOf(actor, patch.translationOf, id);
      const nowMs = clock.nowMs();
      const language = patch.language ?? (current.language as HelpLanguage);
      const tags =
        patch.tags !== undefined ? tagsOf(patch.tags) : (JSON.parse(current.tags_json) as string[]);
      const next = {
        title: patch.title ?? current.title,
        body: patch.body ?? current.body,
        category: patch.category ?? current.category,
        state: patch.state ?? current.state,
      };
      const row: ArticleRow = {
        ...current,
        ...next,
        language,
        tags_json: JSON.stringify(tags),
        translation_of: patch.translationOf === undefined ? current.translation_of : patch.translationOf,
        author_id: actor.userId,
        version: current.version + 1,
        ...searchColumns({ ...next, tags }, language),
        updated_at: nowMs,
        published_at: next.state === 'published' ? (current.published_at ?? nowMs) : null,
      };
      const written = await help.db.transaction().execute((trx) => help.update(trx, row, current.version));
      if (!written) throw new DomainError('VERSION_CONFLICT', 'the article changed meanwhile; reload it');
      return get(actor, id);
    },

    async remove(actor: Actor, id: string): Promise<void> {
      requireRole(actor, STAFF_ROLES, 'delete help articles');
      if (!(await help.remove(actor.workspaceId, id)))
        throw new DomainError('ARTICLE_NOT_FOUND', 'article not found');
    },

    /** The editor's preview: Markdown rendered and sanitised exactly as readers will get it (nothing is saved). */
    preview(actor: Actor, body: string): { html: string } {
      requireRole(actor, STAFF_ROLES, 'preview help articles');
      return { html: renderMarkdown(body) };
    },

    /** What staff learn from readers: the searches that found nothing and the articles voted unhelpful. */
    async insights(actor: Actor) {
      requireRole(actor, STAFF_ROLES, 'read help centre insights');
      const misses = await help.misses(actor.workspaceId, 100);
      const articles = await withVotes(await help.list(actor.workspaceId, { limit: 500 }));
      return {
        zeroResultSearches: misses.map((m) => ({
          query: m.query,
          language: m.language === '' ? null : (m.language as HelpLanguage),
          count: Number(m.count),
          firstAt: iso(Number(m.first_at)),
          lastAt: iso(Number(m.last_at)),
        })),
        votes: articles
          .filter((a) => a.votes.helpful + a.votes.notHelpful > 0)
          .map((a) => ({ id: a.id, slug: a.slug, title: a.title, ...a.votes }))
          .sort((a, b) => b.notHelpful - a.notHelpful || b.helpful - a.helpful),
      };
    },

    /** Public search (or, without a query, the published articles), ranked; a fruitless query is recorded. */
    async publicSearch(
      workspaceSlug: string,
      input: { q?: string | undefined; lang?: HelpLanguage | undefined; limit: number },
    ): Promise<SearchHit[]> {
      const workspaceId = await workspaceIdOf(workspaceSlug);
      const query = input.q?.trim() ?? '';
      if (query === '') {
        const rows = await help.list(workspaceId, {
          state: 'published',
          language: input.lang,
          limit: input.limit,
        });
        return rows.map((row) => {
          const plain = markdownToPlainText(row.body);
          const snippet = highlightSnippet({
            text: plain,
            language: row.language as HelpLanguage,
            terms: [],
          });
          return {
            slug: row.slug,
            title: row.title,
            language: row.language as HelpLanguage,
            category: row.category,
            snippet: snippet.text,
            snippetHtml: snippet.html,
          };
        });
      }
      const hits = await searchIn(workspaceId, query, input.lang, input.limit);
      const folded = normalizedQuery(query);
      if (hits.length === 0 && folded !== '')
        await help.recordMiss({
          workspaceId,
          query: folded,
          language: input.lang ?? '',
          atMs: clock.nowMs(),
          keep: MAX_RECORDED_MISSES,
        });
      return hits;
    },

    /** The chatbot's search: the same ranking, no miss recorded twice (the bot records its own misses). */
    async searchForBot(workspaceId: string, query: string, language: HelpLanguage, limit = 3) {
      const hits = await searchIn(workspaceId, query, language, limit);
      const folded = normalizedQuery(query);
      if (hits.length === 0 && folded !== '')
        await help.recordMiss({
          workspaceId,
          query: folded,
          language,
          atMs: clock.nowMs(),
          keep: MAX_RECORDED_MISSES,
        });
      return hits;
    },

    async publicArticle(workspaceSlug: string, slug: string) {
      const workspaceId = await workspaceIdOf(workspaceSlug);
      const row = await help.publishedBySlug(workspaceId, slug);
      if (!row) throw new DomainError('ARTICLE_NOT_FOUND', 'article not found');
      const group = await help.publishedTranslations(workspaceId, row.translation_of ?? row.id);
      return {
        slug: row.slug,
        title: row.title,
        language: row.language as HelpLanguage,
        category: row.category,
        tags: JSON.parse(row.tags_json) as string[],
        body: row.body,
        html: renderMarkdown(row.body),
        updatedAt: iso(row.updated_at),
        translations: group
          .filter((r) => r.id !== row.id)
          .map((r) => ({ language: r.language as HelpLanguage, slug: r.slug, title: r.title })),
      };
    },

    /**
     * "Was this helpful?": one vote per visitor and article (a visitor is their network address, IPv6 by /64, hashed
     * with the article so the table holds no address); voting again replaces the vote.
     */
    async vote(workspaceSlug: string, slug: string, input: { helpful: boolean; visitor: string }) {
      const workspaceId = await workspaceIdOf(workspaceSlug);
      const row = await help.publishedBySlug(workspaceId, slug);
      if (!row) throw new DomainError('ARTICLE_NOT_FOUND', 'article not found');
      const visitorKey = createHash('sha256').update(`${row.id}\u0000${input.visitor}`).digest('base64url');
      await help.vote({ articleId: row.id, visitorKey, helpful: input.helpful, atMs: clock.nowMs() });
      const counts = (await help.voteCounts([row.id])).get(row.id);
      return counts ?? { helpful: 0, notHelpful: 0 };
    },
  };
}

export type HelpService = ReturnType<typeof createHelpService>;
