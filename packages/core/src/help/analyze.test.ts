import { describe, expect, it } from 'vitest';
import { highlightSnippet, indexTerms, markdownToPlainText, queryTerms, slugify } from './analyze.ts';
import { foldText } from './normalize.ts';
import { stem } from './stem.ts';

describe('foldText', () => {
  it.each([
    ['Paiement ÉCHOUÉ', 'paiement echoue'],
    ['cœur', 'coeur'],
    ['أَحْمَد', 'احمد'],
    ['إدارة', 'اداره'],
    ['مستشفى', 'مستشفي'],
    ['الدفـــع', 'الدفع'],
    ['تذكرة ١٢٣', 'تذكره 123'],
  ])('%s → %s', (input, expected) => {
    expect(foldText(input)).toBe(expected);
  });
});

describe('stem', () => {
  it.each([
    ['fr', 'paiement', 'paiements'],
    ['fr', 'echoue', 'echoues'],
    ['fr', 'echoue', 'echouee'],
    ['fr', 'echoue', 'echouer'],
    ['fr', 'facture', 'facturation'],
    ['fr', 'priorite', 'priorites'],
    ['fr', 'journal', 'journaux'],
    ['en', 'failed', 'failing'],
    ['en', 'fail', 'fails'],
    ['en', 'payment', 'payments'],
    ['en', 'priority', 'priorities'],
    ['en', 'invoice', 'invoices'],
    ['en', 'stopped', 'stop'],
    ['ar', 'الدفع', 'دفع'],
    ['ar', 'المدفوعات', 'مدفوع'],
    ['ar', 'بالدعم', 'دعم'],
  ] as const)('%s: %s and %s share a stem', (language, a, b) => {
    expect(stem(foldText(a), language)).toBe(stem(foldText(b), language));
  });

  it.each([
    ['fr', 'client'],
    ['en', 'access'],
    ['fr', '404'],
  ] as const)('%s: %s is kept whole', (language, word) => {
    expect(stem(word, language)).toBe(word);
  });
});

describe('queryTerms', () => {
  it('drops stop words and repeats', () => {
    expect(queryTerms('le paiement de la commande a échoué, paiement', 'fr')).toEqual([
      stem('paiement', 'fr'),
      stem('commande', 'fr'),
      stem('echoue', 'fr'),
    ]);
  });
  it('keeps a query made only of stop words', () => {
    expect(queryTerms('the', 'en')).toEqual(['the']);
  });
  it('index and query meet across inflections and accents', () => {
    const indexed = indexTerms('Paiements échoués : que faire ?', 'fr').split(' ');
    for (const term of queryTerms('paiement echoue', 'fr')) expect(indexed).toContain(term);
  });
});

describe('highlightSnippet', () => {
  it('marks the reader’s own words and escapes the rest', () => {
    const snippet = highlightSnippet({
      text: 'If a <payment> failed, the card was refused. Payments fail for many reasons.',
      language: 'en',
      terms: queryTerms('payment failing', 'en'),
    });
    expect(snippet.html).toBe(
      'If a &#60;<mark>payment</mark>&#62; <mark>failed</mark>, the card was refused. <mark>Payments</mark> <mark>fail</mark> for many reasons.',
    );
    expect(snippet.text).not.toContain('<mark>');
  });
  it('cuts a long text around the matches with ellipses', () => {
    const text = `${'lorem ipsum '.repeat(40)}the refund arrives ${'dolor sit '.repeat(40)}`;
    const snippet = highlightSnippet({ text, language: 'en', terms: ['refund'], maxChars: 60 });
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.html).toContain('<mark>refund</mark>');
    expect(snippet.text.length).toBeLessThanOrEqual(62);
  });
});

describe('markdownToPlainText', () => {
  it('keeps the words, drops the markup and link targets', () => {
    expect(
      markdownToPlainText('## Title\n\n- **bold** [link](https://example.test/a)\n\n```\ncode\n```'),
    ).toBe('Title bold link');
  });
});

describe('slugify', () => {
  it.each([
    ['Paiement échoué : que faire ?', 'paiement-echoue-que-faire'],
    ['فشل الدفع', 'فشل-الدفع'],
    ['!!!', 'article'],
  ])('%s → %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });
});
