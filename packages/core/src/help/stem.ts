import type { HelpLanguage } from './normalize.ts';

/**
 * Light stemmers: they strip inflections (plural, gender, common verb endings) so that "paiements échoués" meets
 * "paiement échoué" and "failing" meets "failed". Both the index and the query go through the same function, so a
 * stem only has to be consistent, not a dictionary word. Input is already folded (lower case, no accents).
 */

/** A stem never gets shorter than this: "client" must not become "cli". */
const MIN_STEM = 4;

function strip(word: string, suffix: string, min = MIN_STEM): string | null {
  return word.endsWith(suffix) && word.length - suffix.length >= min ? word.slice(0, -suffix.length) : null;
}

function firstStrip(word: string, suffixes: readonly string[], min = MIN_STEM): string {
  for (const suffix of suffixes) {
    const out = strip(word, suffix, min);
    if (out !== null) return out;
  }
  return word;
}

const FRENCH_SUFFIXES = [
  'issements',
  'issement',
  'ations',
  'ation',
  'ements',
  'ement',
  'eraient',
  'erions',
  'erons',
  'eront',
  'erait',
  'erais',
  'erai',
  'aient',
  'iez',
  'ons',
  'ent',
  'ant',
  'ees',
  'ee',
  'es',
  'er',
  'ez',
  'e',
  's',
  'x',
];

/** French: plurals (-s, -x, -aux → -al), feminine (-e, -ée), common verb and noun endings. */
export function stemFrench(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('aux') && word.length > 5) return `${word.slice(0, -3)}al`;
  const base = strip(word, 's', 3) ?? strip(word, 'x', 3) ?? word;
  const stem = firstStrip(base, FRENCH_SUFFIXES);
  // Doubled consonants of the same root ("appelle" / "appeler") meet on one.
  return stem.length > MIN_STEM && /([bcdfglmnprst])\1$/.test(stem) ? stem.slice(0, -1) : stem;
}

const ENGLISH_SUFFIXES = [
  'ations',
  'ation',
  'ingly',
  'ings',
  'ing',
  'edly',
  'ed',
  'ies',
  'es',
  'ly',
  's',
  'e',
];

/** English: plurals, -ed, -ing, -ly, a final silent e, a doubled final consonant ("stopped" → "stop"), -y/-ies → -i. */
export function stemEnglish(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ss')) return word;
  let stem = word;
  if (word.endsWith('ies') && word.length > 4) stem = `${word.slice(0, -3)}i`;
  else stem = firstStrip(word, ENGLISH_SUFFIXES, 3);
  if (stem.endsWith('y') && stem.length > 3) stem = `${stem.slice(0, -1)}i`;
  if (stem.endsWith('e') && stem.length > 3) stem = stem.slice(0, -1);
  if (/([bdfgmnprt])\1$/.test(stem) && stem.length > 3) stem = stem.slice(0, -1);
  return stem;
}

// Conjunctions and prepositions glued to a word, with the definite article after them (وال، بال، كال، فال، لل).
const ARABIC_PREFIXES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال'];
const ARABIC_SUFFIXES = ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ه', 'ي'];
const ARABIC_MIN_STEM = 3;

/** Arabic (light stemming after Larkey's light10): the article and glued particles, then common suffixes. */
export function stemArabic(word: string): string {
  let stem = word;
  for (const prefix of ARABIC_PREFIXES) {
    if (stem.startsWith(prefix) && stem.length - prefix.length >= ARABIC_MIN_STEM - 1) {
      stem = stem.slice(prefix.length);
      break;
    }
  }
  // A lone و (and) glued to a word.
  if (stem.startsWith('و') && stem.length > ARABIC_MIN_STEM + 1) stem = stem.slice(1);
  for (const suffix of ARABIC_SUFFIXES) {
    if (stem.endsWith(suffix) && stem.length - suffix.length >= ARABIC_MIN_STEM) {
      stem = stem.slice(0, -suffix.length);
      break;
    }
  }
  return stem;
}

export function stem(word: string, language: HelpLanguage): string {
  // Numbers (ticket numbers, error codes) are matched as typed.
  if (/^\d+$/.test(word)) return word;
  if (language === 'fr') return stemFrench(word);
  if (language === 'en') return stemEnglish(word);
  return stemArabic(word);
}

/** Words too common to say anything about an article, after folding. */
export const STOP_WORDS: Readonly<Record<HelpLanguage, ReadonlySet<string>>> = {
  fr: new Set(
    (
      'a au aux avec ce ces cet cette dans de des du elle en est et etre il ils je la le les leur lui ma mais me ' +
      'mes mon ne nos notre nous on ou par pas plus pour qu que qui sa se ses son sur ta te tes toi ton tu un une ' +
      'vos votre vous y d l j n s c m t comment quoi quand ai as avez avons sont suis ete fait faire faut peut'
    ).split(' '),
  ),
  en: new Set(
    (
      'a an and are as at be been but by can could did do does for from had has have how i if in into is it its ' +
      'me my no not of on or our so that the their them then there these they this to was we were what when ' +
      'where which who why will with would you your am'
    ).split(' '),
  ),
  ar: new Set(
    'في من الي علي عن مع هذا هذه ذلك تلك هو هي انا انت نحن هم كان كيف ماذا متي لماذا هل ما لا لم لن ان او ثم قد'.split(
      ' ',
    ),
  ),
};
