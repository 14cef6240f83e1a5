import { foldText, words, type HelpLanguage } from './normalize.ts';
import { stem, STOP_WORDS } from './stem.ts';

/** The longest query the search takes (in words): a pasted page is not a question. */
export const MAX_QUERY_TERMS = 16;

/**
 * The indexed form of a text: its stems in order, stop words left out, separated by spaces. The database indexes
 * this string with a plain whitespace/alphanumeric tokenizer (FTS5 `unicode61`, PostgreSQL `simple`), so stemming
 * and folding are the same on both dialects.
 */
export function indexTerms(text: string, language: HelpLanguage): string {
  const stops = STOP_WORDS[language];
  const out: string[] = [];
  for (const word of words(text)) if (!stops.has(word)) out.push(stem(word, language));
  return out.join(' ');
}

/** The distinct stems of a query, stop words left out (a query of only stop words keeps them). */
export function queryTerms(query: string, language: HelpLanguage): string[] {
  const all = words(query);
  const stops = STOP_WORDS[language];
  const kept = all.filter((w) => !stops.has(w));
  const chosen = kept.length > 0 ? kept : all;
  return [...new Set(chosen.map((w) => stem(w, language)))].slice(0, MAX_QUERY_TERMS);
}

/** The folded query as recorded for "searches that found nothing": case, accents and spacing do not split it. */
export function normalizedQuery(query: string): string {
  return words(query).join(' ').slice(0, 200);
}

/** Markdown to the text a reader sees, for snippets: no markup, link targets, images or code fences. */
export function markdownToPlainText(markdown: string): string {
  return markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, ' ')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/[*_`~|]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface Snippet {
  /** Plain text around the first matching words, with an ellipsis where it was cut. */
  readonly text: string;
  /** The same text, HTML-escaped, with each matching word in `<mark>…</mark>`. */
  readonly html: string;
}

/**
 * A short extract of `text` around the densest group of words whose stem is among `terms`, highlighted. Computed on
 * the original text (not the stems the database matched), so the reader sees their own words marked.
 */
export function highlightSnippet(input: {
  text: string;
  language: HelpLanguage;
  terms: readonly string[];
  maxChars?: number;
}): Snippet {
  const maxChars = input.maxChars ?? 200;
  const wanted = new Set(input.terms);
  const matches: { start: number; end: number }[] = [];
  for (const match of input.text.matchAll(/[\p{L}\p{M}\p{N}]+/gu)) {
    const folded = foldText(match[0]);
    if (folded !== '' && wanted.has(stem(folded, input.language)))
      matches.push({ start: match.index, end: match.index + match[0].length });
  }
  // The window holding the most matches, starting at a match.
  let bestStart = 0;
  let bestCount = 0;
  for (let i = 0; i < matches.length; i++) {
    const from = matches[i]?.start ?? 0;
    const count = matches.filter((m) => m.start >= from && m.end <= from + maxChars).length;
    if (count > bestCount) [bestStart, bestCount] = [from, count];
  }
  // A little context before the first match, cut at a word boundary.
  let start = Math.max(0, bestStart - Math.floor(maxChars / 4));
  if (start > 0) {
    const space = input.text.indexOf(' ', start);
    start = space === -1 || space > bestStart ? bestStart : space + 1;
  }
  let end = Math.min(input.text.length, start + maxChars);
  if (end < input.text.length) {
    const space = input.text.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  const prefix = start > 0 ? '…' : '';
  const suffix = end < input.text.length ? '…' : '';
  let html = '';
  let at = start;
  for (const m of matches) {
    if (m.start < start || m.end > end) continue;
    html += `${escapeHtml(input.text.slice(at, m.start))}<mark>${escapeHtml(input.text.slice(m.start, m.end))}</mark>`;
    at = m.end;
  }
  html += escapeHtml(input.text.slice(at, end));
  return { text: `${prefix}${input.text.slice(start, end)}${suffix}`, html: `${prefix}${html}${suffix}` };
}

/** A URL-safe slug from a title: folded Latin letters and digits, Arabic letters kept, hyphens between words. */
export function slugify(title: string): string {
  const slug = words(title).join('-').slice(0, 80).replace(/-+$/, '');
  return slug === '' ? 'article' : slug;
}
