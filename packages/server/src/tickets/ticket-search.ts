/** At most this many words count in a search (more would only narrow an already precise query). */
export const MAX_SEARCH_TERMS = 8;

/**
 * The words of a ticket text search, read as the index reads the text (migration 202611291750): lower case, Latin
 * accents folded, split on anything but letters and digits. Each word then matches the start of a word.
 */
export function ticketSearchTerms(query: string): string[] {
  const words = query
    .toLocaleLowerCase('und')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')
    .map((w) => w.slice(0, 50));
  return [...new Set(words)].slice(0, MAX_SEARCH_TERMS);
}
