import { iso, isoOrNull } from '../access.ts';
import { indexTerms, markdownToPlainText, type HelpLanguage } from './help-core.ts';
import type { ArticleRow } from './help.repository.ts';
import { renderMarkdown } from './markdown.ts';

/** Help centre inputs, rows and DTOs: what an article is in the API and how its search columns are computed. */

export type ArticleState = 'draft' | 'published';

export interface ArticleInput {
  title: string;
  body: string;
  language: HelpLanguage;
  category: string;
  tags?: string[] | undefined;
  state: ArticleState;
  translationOf?: string | null | undefined;
}

export type ArticlePatch = Partial<ArticleInput> & { version?: number | undefined };

export function tagsOf(tags: readonly string[] | undefined): string[] {
  return [...new Set((tags ?? []).map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))].sort();
}

export function searchColumns(
  input: { title: string; body: string; category: string; tags: string[] },
  language: HelpLanguage,
) {
  return {
    search_title: indexTerms(input.title, language),
    // Category and tags are words a reader may search by.
    search_body: indexTerms(
      `${markdownToPlainText(input.body)} ${input.category} ${input.tags.join(' ')}`,
      language,
    ),
  };
}

/** A new article row (and its stemmed search columns) from validated input; shared with the starter articles. */
export function articleRow(input: {
  id: string;
  workspaceId: string;
  slug: string;
  article: ArticleInput;
  authorId: string | null;
  nowMs: number;
}): ArticleRow {
  const tags = tagsOf(input.article.tags);
  const { article } = input;
  return {
    id: input.id,
    workspace_id: input.workspaceId,
    slug: input.slug,
    language: article.language,
    title: article.title,
    body: article.body,
    category: article.category,
    tags_json: JSON.stringify(tags),
    state: article.state,
    translation_of: article.translationOf ?? null,
    author_id: input.authorId,
    version: 1,
    ...searchColumns({ ...article, tags }, article.language),
    created_at: input.nowMs,
    updated_at: input.nowMs,
    published_at: article.state === 'published' ? input.nowMs : null,
  };
}

export function articleDto(row: ArticleRow, votes: { helpful: number; notHelpful: number } | undefined) {
  return {
    id: row.id,
    slug: row.slug,
    language: row.language as HelpLanguage,
    title: row.title,
    body: row.body,
    html: renderMarkdown(row.body),
    category: row.category,
    tags: JSON.parse(row.tags_json) as string[],
    state: row.state as ArticleState,
    translationOf: row.translation_of,
    authorId: row.author_id,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    publishedAt: isoOrNull(row.published_at),
    votes: votes ?? { helpful: 0, notHelpful: 0 },
  };
}
export type ArticleDto = ReturnType<typeof articleDto>;

export interface SearchHit {
  slug: string;
  title: string;
  language: HelpLanguage;
  category: string;
  /** Plain text around the matched words. */
  snippet: string;
  /** The same, HTML-escaped, matched words in `<mark>`. */
  snippetHtml: string;
}
