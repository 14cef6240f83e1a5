/**
 * The help centre's seam to `@accord/core` (like sla/sla-core.ts for the SLA): text folding, stemming and snippets,
 * the same for the index, the queries and the chatbot.
 */
export {
  foldText,
  HELP_LANGUAGES,
  highlightSnippet,
  indexTerms,
  isHelpLanguage,
  markdownToPlainText,
  normalizedQuery,
  queryTerms,
  slugify,
  words,
  type HelpLanguage,
} from '@accord/core';
