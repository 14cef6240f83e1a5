import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, itemsOf, objectOf, startTestServer, type TestServer } from './server-harness.ts';

const consulting = { workspace: 'consulting-sa' };

/** A fixed corpus: each entry's key is what the query table expects on top. */
const CORPUS = {
  'pay-fr': {
    language: 'fr',
    category: 'Facturation',
    title: 'Paiement échoué : que faire ?',
    body: 'Si votre paiement a échoué, vérifiez la carte. Un échec de paiement bloque la réservation de la consultation.',
  },
  'pay-en': {
    language: 'en',
    category: 'Billing',
    title: 'What to do when a payment fails',
    body: 'If your payment failed, check your card. A failed payment blocks the consultation booking.',
  },
  'pay-ar': {
    language: 'ar',
    category: 'الفواتير',
    title: 'فشل عملية الدفع',
    body: 'إذا فشلت عملية الدفع، تحقق من البطاقة. فشل الدفع يمنع حجز الاستشارة.',
  },
  'notif-fr': {
    language: 'fr',
    category: 'Demandes',
    title: 'Le consultant ne reçoit pas les notifications',
    body: 'Les notifications de nouvelles demandes sont envoyées par e-mail et par l’application mobile.',
  },
  'notif-en': {
    language: 'en',
    category: 'Requests',
    title: 'Consultant does not receive notifications',
    body: 'Notifications of new requests are sent by e-mail and by the mobile app.',
  },
  'hours-ar': {
    language: 'ar',
    category: 'الدعم',
    title: 'ساعات عمل الدعم الفني',
    body: 'الدعم البشري من الأحد إلى الخميس من الساعة 9:00 إلى 18:00 بتوقيت السعودية. الدعم الآلي متاح على مدار الساعة.',
  },
  'slow-en': {
    language: 'en',
    category: 'Performance',
    title: 'Pages are slow to load',
    body: 'Slow pages and interface problems are medium priority (P3). Clear the cache and try again.',
  },
  'slow-fr': {
    language: 'fr',
    category: 'Performance',
    title: 'Les pages sont lentes',
    body: 'La lenteur des pages et les problèmes d’interface sont de priorité moyenne (P3).',
  },
} as const;
type Key = keyof typeof CORPUS;

const QUERIES: [string, 'fr' | 'en' | 'ar' | undefined, Key][] = [
  ['paiement échoué', 'fr', 'pay-fr'],
  ['paiements echoues', 'fr', 'pay-fr'],
  ['PAIEMENT ECHOUE', undefined, 'pay-fr'],
  ['payment failed', 'en', 'pay-en'],
  ['payment failing', 'en', 'pay-en'],
  ['payments fail', undefined, 'pay-en'],
  ['my card payment is failing again', 'en', 'pay-en'],
  ['فشل الدفع', 'ar', 'pay-ar'],
  ['الدفع', undefined, 'pay-ar'],
  ['مدفوعات فاشلة الدفع', 'ar', 'pay-ar'],
  ['ساعات الدعم', 'ar', 'hours-ar'],
  ['notification reçue', 'fr', 'notif-fr'],
  ['notifications not received', 'en', 'notif-en'],
  ['slow page', 'en', 'slow-en'],
  ['lenteur', 'fr', 'slow-fr'],
  ['pages lentes', 'fr', 'slow-fr'],
];

const hitSchema = z.object({
  slug: z.string(),
  title: z.string(),
  language: z.string(),
  snippet: z.string(),
  snippetHtml: z.string(),
});

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'help centre search', () => {
    let server: TestServer;
    let staff: string;
    const slugOf = new Map<Key, string>();

    beforeAll(async () => {
      server = await startTestServer(dialect);
      staff = await server.login('cagent@acme.test');
      // Only the fixed corpus: the starter articles the workspace was created with are removed.
      const existing = await server.request('GET', '/api/v1/articles', undefined, {
        token: staff,
        ...consulting,
      });
      for (const article of itemsOf(existing))
        await server.request('DELETE', `/api/v1/articles/${String(article['id'])}`, undefined, {
          token: staff,
          ...consulting,
        });
      for (const [key, article] of Object.entries(CORPUS) as [Key, (typeof CORPUS)[Key]][]) {
        const res = await server.request(
          'POST',
          '/api/v1/articles',
          { ...article, state: 'published' },
          { token: staff, ...consulting },
        );
        expect(res.status, res.text).toBe(201);
        slugOf.set(key, String(objectOf(res)['slug']));
      }
    }, 60_000);
    afterAll(async () => server?.close());

    async function search(q: string, lang?: string) {
      const params = new URLSearchParams({ q });
      if (lang !== undefined) params.set('lang', lang);
      const res = await server.request('GET', `/api/v1/help/consulting-sa/articles?${params.toString()}`);
      expect(res.status, res.text).toBe(200);
      return z.object({ items: z.array(hitSchema) }).parse(res.body).items;
    }

    it.each(QUERIES)('"%s" (lang %s) finds %s first', async (q, lang, expected) => {
      const items = await search(q, lang);
      expect(items[0]?.slug, JSON.stringify(items.map((i) => i.slug))).toBe(slugOf.get(expected));
    });

    it('ranks the failed-payment article above unrelated ones, and highlights the reader’s words', async () => {
      const items = await search('paiements echoues', 'fr');
      expect(items.map((i) => i.slug)).not.toContain(slugOf.get('notif-fr'));
      expect(items[0]?.snippetHtml).toContain('<mark>paiement</mark>');
      expect(items[0]?.snippetHtml).toMatch(/<mark>échoué<\/mark>/);
    });

    it('is public but shows only published articles of that workspace', async () => {
      const draft = await server.request(
        'POST',
        '/api/v1/articles',
        { ...CORPUS['pay-en'], title: 'Secret draft about payments', state: 'draft' },
        { token: staff, ...consulting },
      );
      expect(draft.status).toBe(201);
      const slug = String(objectOf(draft)['slug']);
      expect((await search('secret draft payments', 'en')).map((i) => i.slug)).not.toContain(slug);
      expect((await server.request('GET', `/api/v1/help/consulting-sa/articles/${slug}`)).status).toBe(404);
      // The hosting workspace's help centre does not see the consulting articles.
      const other = await server.request('GET', '/api/v1/help/hosting-be/articles?q=paiement');
      expect(itemsOf(other).map((i) => i['slug'])).not.toContain(slugOf.get('pay-fr'));
      expect(errorOf(await server.request('GET', '/api/v1/help/no-such-workspace/articles?q=x')).code).toBe(
        'WORKSPACE_NOT_FOUND',
      );
    });

    it('ships starter articles from the agreement, translations linked', async () => {
      const fr = itemsOf(await server.request('GET', '/api/v1/help/hosting-be/articles?lang=fr'));
      const en = itemsOf(await server.request('GET', '/api/v1/help/hosting-be/articles?lang=en'));
      expect(fr.length).toBeGreaterThanOrEqual(3);
      expect(en.length).toBe(fr.length);
      const hits = itemsOf(
        await server.request(
          'GET',
          '/api/v1/help/hosting-be/articles?q=facturation%20en%20r%C3%A9gie&lang=fr',
        ),
      );
      expect(hits[0]?.['title']).toBe('Hébergement ou maintenance applicative : ce qui est facturé');
      const page = objectOf(
        await server.request('GET', `/api/v1/help/hosting-be/articles/${String(hits[0]?.['slug'])}`),
      );
      expect(page['html']).toContain('<strong>devis</strong>');
      expect(page['translations']).toEqual([
        expect.objectContaining({
          language: 'en',
          title: 'Hosting or application maintenance: what is billed',
        }),
      ]);
    });

    it('records searches that found nothing, folded, for staff only', async () => {
      await search('Remboursement  PARTIEL', 'fr');
      await search('remboursement partiel', 'fr');
      const client = await server.login('cclient@acme.test');
      const forbidden = await server.request('GET', '/api/v1/articles/insights', undefined, {
        token: client,
        ...consulting,
      });
      expect(forbidden.status).toBe(403);
      const res = await server.request('GET', '/api/v1/articles/insights', undefined, {
        token: staff,
        ...consulting,
      });
      const misses = z
        .object({ zeroResultSearches: z.array(z.object({ query: z.string(), count: z.number() })) })
        .parse(res.body).zeroResultSearches;
      expect(misses).toContainEqual(expect.objectContaining({ query: 'remboursement partiel', count: 2 }));
    });

    it('counts one vote per visitor and article; a new vote replaces it', async () => {
      const slug = slugOf.get('pay-en') ?? '';
      const path = `/api/v1/help/consulting-sa/articles/${slug}/votes`;
      await server.request('POST', path, { helpful: true });
      await server.request('POST', path, { helpful: true });
      const last = await server.request('POST', path, { helpful: false });
      expect(last.body).toEqual({ helpful: 0, notHelpful: 1 });
    });

    it('renders Markdown sanitised: no script, event handler or javascript: link survives', async () => {
      const body = [
        '# Title',
        '<script>alert(1)</script>',
        '<img src="x" onerror="alert(1)">',
        '[click](javascript:alert(1)) [click2](JAVASCRIPT:alert(1)) [ok](https://example.test)',
        '<a href="javascript:alert(1)" onclick="alert(1)">raw</a>',
        '![img](javascript:alert(1))',
      ].join('\n\n');
      const res = await server.request(
        'POST',
        '/api/v1/articles',
        { title: 'Markdown safety', body, language: 'en', category: 'Test', state: 'published' },
        { token: staff, ...consulting },
      );
      const slug = String(objectOf(res)['slug']);
      const page = objectOf(await server.request('GET', `/api/v1/help/consulting-sa/articles/${slug}`));
      const html = String(page['html']);
      expect(html).toContain('<h1>Title</h1>');
      expect(html).toContain('href="https://example.test"');
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
      expect(html).not.toMatch(/<[^>]*(href|src)\s*=\s*["']?\s*javascript:/i);
      expect(page['body']).toBe(body);
      // The editor's preview is the same renderer and sanitiser, for staff only, and saves nothing.
      const preview = await server.request(
        'POST',
        '/api/v1/articles/preview',
        { body },
        { token: staff, ...consulting },
      );
      expect(preview.status).toBe(200);
      expect(objectOf(preview)['html']).toBe(html);
      const client = await server.login('cclient@acme.test');
      const refused = await server.request('POST', '/api/v1/articles/preview', { body }, { token: client });
      expect(refused.status).toBe(403);
    });

    it('keeps a version history with the author, and refuses a stale edit', async () => {
      const created = objectOf(
        await server.request(
          'POST',
          '/api/v1/articles',
          { title: 'Versioned', body: 'one', language: 'en', category: 'Test', state: 'draft' },
          { token: staff, ...consulting },
        ),
      );
      const id = String(created['id']);
      const edited = await server.request(
        'PATCH',
        `/api/v1/articles/${id}`,
        { body: 'two', state: 'published', version: 1 },
        { token: staff, ...consulting },
      );
      expect(edited.status, edited.text).toBe(200);
      const versions = z
        .object({
          version: z.number(),
          versions: z.array(
            z.object({ version: z.number(), body: z.string(), authorName: z.string().nullable() }),
          ),
        })
        .parse(edited.body);
      expect(versions.version).toBe(2);
      expect(versions.versions.map((v) => [v.version, v.body])).toEqual([
        [2, 'two'],
        [1, 'one'],
      ]);
      expect(versions.versions[0]?.authorName).toBe('cagent');
      const stale = await server.request(
        'PATCH',
        `/api/v1/articles/${id}`,
        { body: 'three', version: 1 },
        { token: staff, ...consulting },
      );
      expect(errorOf(stale).code).toBe('VERSION_CONFLICT');
      const client = await server.login('cclient@acme.test');
      const denied = await server.request(
        'POST',
        '/api/v1/articles',
        { title: 'x', body: 'y', language: 'en', category: 'c', state: 'draft' },
        { token: client, ...consulting },
      );
      expect(denied.status).toBe(403);
    });
  });
}
