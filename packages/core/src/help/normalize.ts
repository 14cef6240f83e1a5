/**
 * Text normalisation shared by the help centre's index and its queries, so both sides of a match are folded the
 * same way whichever database runs the search: lower case, accents dropped, Arabic letter variants unified.
 */

export const HELP_LANGUAGES = ['fr', 'en', 'ar'] as const;
export type HelpLanguage = (typeof HELP_LANGUAGES)[number];

export function isHelpLanguage(value: string): value is HelpLanguage {
  return (HELP_LANGUAGES as readonly string[]).includes(value);
}

const COMBINING_MARKS = /\p{M}/gu;
// Tatweel (kashida) only stretches a word on screen.
const TATWEEL = /\u0640/g;

/**
 * Arabic spelling variants readers type interchangeably: hamza-carrying alefs and alef wasla → bare alef, alef
 * maqsura → yaa, taa marbuta → haa, hamza on waw/yaa → the bare letter. Diacritics (harakat) are combining marks and
 * go with the accents.
 */
const ARABIC_LETTERS: Readonly<Record<string, string>> = {
  '\u0622': '\u0627', // آ
  '\u0623': '\u0627', // أ
  '\u0625': '\u0627', // إ
  '\u0671': '\u0627', // ٱ
  '\u0649': '\u064A', // ى → ي
  '\u0629': '\u0647', // ة → ه
  '\u0624': '\u0648', // ؤ → و
  '\u0626': '\u064A', // ئ → ي
};
const ARABIC_VARIANTS = /[\u0622\u0623\u0625\u0671\u0649\u0629\u0624\u0626]/g;
// Arabic-Indic and Eastern Arabic-Indic digits read as ASCII digits (a ticket number typed on an Arabic keyboard).
const ARABIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

/** Lower case, no accents or Arabic diacritics, Arabic variants unified, ligatures (œ, æ) spelled out. */
export function foldText(text: string): string {
  return (
    text
      // Decompose: accents split off, and so does the hamza of أ إ آ ؤ ئ (their canonical decompositions).
      .normalize('NFD')
      .replace(COMBINING_MARKS, '')
      .replace(TATWEEL, '')
      .replace(ARABIC_VARIANTS, (c) => ARABIC_LETTERS[c] ?? c)
      .replace(ARABIC_DIGITS, (c) => {
        const code = c.charCodeAt(0);
        return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
      })
      .toLowerCase()
      .replace(/œ/g, 'oe')
      .replace(/æ/g, 'ae')
      .replace(/ß/g, 'ss')
  );
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text after folding, in order (letters and digits; everything else separates). */
export function words(text: string): string[] {
  return foldText(text).match(WORD) ?? [];
}

/** Arabic script is the one signal a query's language can be told from reliably; fr/en are told by the caller. */
export function guessLanguage(text: string): HelpLanguage | undefined {
  if (/[\u0600-\u06FF]/.test(text)) return 'ar';
  return undefined;
}
