import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, itemsOf, startTestServer, ticketOf, type TestServer } from './server-harness.ts';

const consulting = { workspace: 'consulting-sa' };
/** Friday 6 March 2026, 12:00 in Riyadh: the Saudi weekend, human chat closed. */
const FRIDAY_NOON_MS = Date.parse('2026-03-06T09:00:00Z');
/** Sunday 8 March 2026, 09:00 in Riyadh: when humans are back. */
const SUNDAY_OPEN_MS = Date.parse('2026-03-08T06:00:00Z');
/** Monday 9 March 2026, 11:00 in Riyadh: open. */
const MONDAY_11_MS = Date.parse('2026-03-09T08:00:00Z');

const chatSchema = z.object({
  id: z.string(),
  mode: z.enum(['bot', 'waiting', 'agent', 'closed']),
  agentId: z.string().nullable(),
  ticketId: z.string().nullable(),
  startedAt: z.string(),
  humansBackAt: z.string().nullable(),
  waitingUntil: z.string().nullable(),
  typing: z.object({ client: z.boolean(), agent: z.boolean() }),
});
const messageSchema = z.object({
  seq: z.number(),
  author: z.enum(['client', 'agent', 'bot']),
  text: z.string(),
  articles: z.array(z.object({ slug: z.string(), title: z.string() })),
});
const messagesSchema = z.object({ chat: chatSchema, items: z.array(messageSchema) });

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'live chat and chatbot', () => {
    let server: TestServer;
    let client: string;
    let agent: string;
    let admin: string;

    beforeAll(async () => {
      server = await startTestServer(dialect);
      client = await server.login('cclient@acme.test');
      agent = await server.login('cagent@acme.test');
      admin = await server.login('admin@acme.test');
    }, 60_000);
    afterAll(async () => server?.close());
    beforeEach(async () => {
      // Nobody at the console unless a test says so.
      server.clock.set(MONDAY_11_MS);
      for (const token of [agent, admin])
        await server.request('POST', '/api/v1/chat/presence', { available: false }, { token, ...consulting });
    });

    const as = (token: string) => ({ token, ...consulting });
    async function start(body: Record<string, unknown> = { language: 'en' }) {
      const res = await server.request('POST', '/api/v1/chats', body, as(client));
      expect(res.status, res.text).toBe(201);
      return chatSchema.parse(res.body);
    }
    async function messages(id: string, token = client) {
      const res = await server.request('GET', `/api/v1/chats/${id}/messages`, undefined, as(token));
      expect(res.status, res.text).toBe(200);
      return messagesSchema.parse(res.body);
    }
    async function say(id: string, text: string) {
      const res = await server.request('POST', `/api/v1/chats/${id}/messages`, { text }, as(client));
      expect(res.status, res.text).toBe(201);
      return z.object({ items: z.array(messageSchema) }).parse(res.body).items;
    }
    const online = (token: string) =>
      server.request('POST', '/api/v1/chat/presence', { available: true }, as(token));

    it.each([
      ['en', 'a human agent will be available Sunday 09:00'],
      ['fr', 'un agent humain sera disponible dimanche 09:00'],
      ['ar', 'سيكون أحد الموظفين متاحاً الأحد 09:00'],
    ])(
      'outside support hours the bot answers at once and says when humans are back (%s)',
      async (language, text) => {
        server.clock.set(FRIDAY_NOON_MS);
        await online(agent); // an agent at the console on Friday does not open the chat channel's calendar
        const chat = await start({ language, timeZone: 'Asia/Riyadh' });
        expect(chat.mode).toBe('bot');
        expect(chat.humansBackAt).toBe(new Date(SUNDAY_OPEN_MS).toISOString());
        const { items } = await messages(chat.id);
        expect(items[0]?.author).toBe('bot');
        expect(items[0]?.text).toContain(text);
      },
    );

    it('formats the opening in the client’s own zone', async () => {
      server.clock.set(FRIDAY_NOON_MS);
      const chat = await start({ language: 'en', timeZone: 'Europe/Brussels' });
      expect((await messages(chat.id)).items[0]?.text).toContain('Sunday 07:00');
    });

    it('in support hours with no agent online, the bot answers', async () => {
      const chat = await start();
      expect(chat.mode).toBe('bot');
      expect((await messages(chat.id)).items[0]?.text).toContain('No agent is online');
    });

    it('in support hours with an agent online the chat waits; exactly one of several agents takes it', async () => {
      await online(agent);
      const chat = await start({ language: 'en', text: 'Hello, my requests are not delivered' });
      expect(chat.mode).toBe('waiting');
      const waiting = await server.request('GET', '/api/v1/chats?mode=waiting', undefined, as(agent));
      expect(
        z
          .object({ items: z.array(chatSchema) })
          .parse(waiting.body)
          .items.map((c) => c.id),
      ).toContain(chat.id);
      const attempts = await Promise.all(
        [agent, admin, agent, admin, agent, admin].map((token) =>
          server.request('POST', `/api/v1/chats/${chat.id}/take`, undefined, as(token)),
        ),
      );
      expect(attempts.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
      for (const r of attempts.filter((a) => a.status === 409))
        expect(errorOf(r).code).toBe('CHAT_ALREADY_TAKEN');
      const taken = chatSchema.parse(attempts.find((r) => r.status === 200)?.body);
      expect(taken.mode).toBe('agent');
      const holder = taken.agentId;
      const holderToken = attempts.findIndex((r) => r.status === 200) % 2 === 0 ? agent : admin;
      const other = holderToken === agent ? admin : agent;
      // Only the holder writes; the client sees the agent's message and typing indicator.
      expect(
        (await server.request('POST', `/api/v1/chats/${chat.id}/messages`, { text: 'me too' }, as(other)))
          .status,
      ).toBe(403);
      await server.request('POST', `/api/v1/chats/${chat.id}/typing`, undefined, as(holderToken));
      const reply = await server.request(
        'POST',
        `/api/v1/chats/${chat.id}/messages`,
        { text: 'Hello, I am looking' },
        as(holderToken),
      );
      expect(reply.status, reply.text).toBe(201);
      const seen = await messages(chat.id);
      expect(seen.chat.typing.agent).toBe(true);
      expect(seen.items.map((m) => m.author)).toEqual(['bot', 'client', 'bot', 'agent']);
      expect(holder).not.toBeNull();
    });

    it('the bot takes a waiting chat nobody took within the configured wait', async () => {
      const set = await server.request('PUT', '/api/v1/chat/settings', { waitSeconds: 30 }, as(admin));
      expect(set.status, set.text).toBe(200);
      expect(
        (await server.request('PUT', '/api/v1/chat/settings', { waitSeconds: 5 }, as(agent))).status,
      ).toBe(403);
      await online(agent);
      const chat = await start();
      expect(chat.mode).toBe('waiting');
      expect(chat.waitingUntil).toBe(new Date(MONDAY_11_MS + 30_000).toISOString());
      server.clock.advance(29_000);
      expect((await messages(chat.id)).chat.mode).toBe('waiting');
      server.clock.advance(1_000);
      const after = await messages(chat.id);
      expect(after.chat.mode).toBe('bot');
      expect(after.items.at(-1)?.text).toContain('No agent could take your chat in time');
      await server.request('PUT', '/api/v1/chat/settings', { waitSeconds: 120 }, as(admin));
    });

    it('answers from the help centre, then opens a ticket (channel chatbot) with the transcript and the clocks', async () => {
      const article = await server.request(
        'POST',
        '/api/v1/articles',
        {
          title: 'Payment failed at checkout',
          body: 'If a payment failed, check the card and try again.',
          language: 'en',
          category: 'Billing',
          state: 'published',
        },
        as(agent),
      );
      expect(article.status, article.text).toBe(201);
      server.clock.set(FRIDAY_NOON_MS);
      const chat = await start();
      server.clock.advance(60_000);
      const answer = await say(chat.id, 'my payment is failing');
      const suggestion = answer.at(-1);
      expect(suggestion?.author).toBe('bot');
      // The starter article on failed payments competes with this one; both are fair answers.
      expect(suggestion?.articles.map((a) => a.title)).toContain('Payment failed at checkout');
      expect(suggestion?.text).toContain('Did this solve it?');
      const ask = await say(chat.id, 'no');
      expect(ask.at(-1)?.text).toContain('P1 — Critical: The platform is completely down, or payment fails.');
      server.clock.advance(60_000);
      const opened = await say(chat.id, 'P1');
      const confirmation = opened.at(-1)?.text ?? '';
      expect(confirmation).toMatch(/^Ticket [0-9a-f]{8} opened\. First response by .+\. Resolution by .+\.$/);
      const state = await messages(chat.id);
      expect(state.chat.ticketId).not.toBeNull();
      const ticket = ticketOf(
        await server.request('GET', `/api/v1/tickets/${state.chat.ticketId}`, undefined, as(client)),
      );
      expect(ticket.channel).toBe('chatbot');
      expect(ticket.priority).toBe('P1');
      expect(ticket.subject).toBe('my payment is failing');
      expect(ticket.description).toContain('my payment is failing');
      expect(ticket.description).toContain('Payment failed at checkout');
      // The clocks start when the chat did: Friday, so the first hour of Sunday is the P1 response target.
      expect(ticket.createdAt).toBe(new Date(FRIDAY_NOON_MS).toISOString());
      expect(ticket.sla.find((c) => c.metric === 'firstResponse')?.dueAt).toBe(
        new Date(SUNDAY_OPEN_MS + 3_600_000).toISOString(),
      );
      const again = await server.request(
        'POST',
        `/api/v1/chats/${chat.id}/ticket`,
        { priority: 'P2' },
        as(client),
      );
      expect(errorOf(again).code).toBe('CHAT_TICKET_EXISTS');
    });

    it('an agent turns a chat they hold into a ticket (channel chat) whose clocks start at the chat’s start', async () => {
      await online(agent);
      const chat = await start({ language: 'en', text: 'Consultants do not receive my requests' });
      server.clock.advance(10 * 60_000);
      expect(
        (await server.request('POST', `/api/v1/chats/${chat.id}/take`, undefined, as(agent))).status,
      ).toBe(200);
      const byClient = await server.request(
        'POST',
        `/api/v1/chats/${chat.id}/ticket`,
        { priority: 'P2' },
        as(client),
      );
      expect(byClient.status).toBe(403);
      server.clock.advance(5 * 60_000);
      const res = await server.request(
        'POST',
        `/api/v1/chats/${chat.id}/ticket`,
        { priority: 'P2' },
        as(agent),
      );
      const ticket = ticketOf(res);
      expect(res.status).toBe(201);
      expect(ticket.channel).toBe('chat');
      expect(ticket.createdAt).toBe(new Date(MONDAY_11_MS).toISOString());
      expect(ticket.sla.find((c) => c.metric === 'firstResponse')?.dueAt).toBe(
        new Date(MONDAY_11_MS + 4 * 3_600_000).toISOString(),
      );
      expect(ticket.description).toContain('Consultants do not receive my requests');
    });

    it('a chat older than 24 hours starts the ticket’s clocks 24 hours back, and says so', async () => {
      server.clock.set(FRIDAY_NOON_MS);
      const chat = await start();
      server.clock.advance(30 * 3_600_000);
      const res = await server.request(
        'POST',
        `/api/v1/chats/${chat.id}/ticket`,
        { priority: 'P3' },
        as(client),
      );
      const ticket = ticketOf(res);
      expect(ticket.createdAt).toBe(new Date(FRIDAY_NOON_MS + 6 * 3_600_000).toISOString());
      expect((await messages(chat.id)).items.at(-1)?.text).toContain('The clocks run from');
    });

    it.each([
      ['en', 'what are your opening hours?', 'Human support:'],
      ['fr', 'quels sont vos horaires ?', 'Support humain :'],
      ['ar', 'ما هي ساعات الدعم؟', 'الدعم البشري:'],
      ['en', 'I want to talk to a human', 'a human agent will be available'],
      ['fr', 'je veux parler à un conseiller', 'un agent humain sera disponible'],
      ['ar', 'أريد التحدث مع موظف', 'سيكون أحد الموظفين متاحاً'],
      ['en', 'I want to open a ticket', 'What is the priority?'],
      ['fr', 'ouvrir un ticket', 'Quelle est la priorité ?'],
      ['ar', 'أريد فتح تذكرة', 'ما هي الأولوية؟'],
      ['en', 'status of ticket 0badc0de', 'I cannot find that ticket'],
    ])('recognises intents (%s: %s)', async (language, text, expected) => {
      server.clock.set(FRIDAY_NOON_MS);
      const chat = await start({ language });
      const reply = await say(chat.id, text);
      expect(reply.at(-1)?.author).toBe('bot');
      expect(reply.at(-1)?.text).toContain(expected);
    });

    it('gives the status of the client’s own ticket by its number', async () => {
      const created = ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          {
            subject: 'Slow pages',
            description: 'x',
            priority: 'P3',
            category: 'application',
            channel: 'ticket',
          },
          as(client),
        ),
      );
      const chat = await start();
      const reply = await say(chat.id, `what is the status of ticket ${created.id.slice(0, 8)}?`);
      expect(reply.at(-1)?.text).toBe(`Ticket ${created.id.slice(0, 8)} (“Slow pages”): status new.`);
    });

    it('asking for a human in hours hands the bot chat to the waiting agents', async () => {
      const chat = await start();
      expect(chat.mode).toBe('bot');
      await online(agent);
      await say(chat.id, 'agent please');
      expect((await messages(chat.id)).chat.mode).toBe('waiting');
    });

    it('the consulting workspace opens with starter articles in three languages, which the bot suggests', async () => {
      for (const lang of ['fr', 'en', 'ar'])
        expect(
          itemsOf(await server.request('GET', `/api/v1/help/consulting-sa/articles?lang=${lang}`)).length,
        ).toBeGreaterThanOrEqual(4);
      // Arabic slugs travel percent-encoded: every one must still open.
      for (const item of itemsOf(
        await server.request('GET', '/api/v1/help/consulting-sa/articles?lang=ar'),
      )) {
        const page = await server.request(
          'GET',
          `/api/v1/help/consulting-sa/articles/${encodeURIComponent(String(item['slug']))}`,
        );
        expect(page.status, page.text).toBe(200);
      }
      server.clock.set(FRIDAY_NOON_MS);
      const chat = await start({ language: 'ar' });
      const reply = await say(chat.id, 'فشل الدفع');
      expect(reply.at(-1)?.articles[0]?.title).toBe('فشل الدفع: ماذا أفعل؟');
      expect(reply.at(-1)?.text).toContain('هل حُلّت مشكلتك؟');
    });

    it('carries files both ways and keeps them with the chat', async () => {
      await online(agent);
      const chat = await start();
      await server.request('POST', `/api/v1/chats/${chat.id}/take`, undefined, as(agent));
      const png = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');
      const sent = await server.request(
        'POST',
        `/api/v1/chats/${chat.id}/attachments`,
        { filename: 'error.png', contentType: 'image/png', contentBase64: png, text: 'here is the error' },
        as(client),
      );
      expect(sent.status, sent.text).toBe(201);
      const message = z
        .object({
          items: z.array(
            z.object({ text: z.string(), attachment: z.object({ id: z.string(), sizeBytes: z.number() }) }),
          ),
        })
        .parse(sent.body).items[0];
      expect(message?.attachment.sizeBytes).toBe(8);
      const path = `/api/v1/chats/${chat.id}/attachments/${message?.attachment.id}`;
      const download = await server.request('GET', path, undefined, as(agent));
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('image/png');
      const other = await server.login('cother@acme.test');
      expect((await server.request('GET', path, undefined, as(other))).status).toBe(404);
      const exe = await server.request(
        'POST',
        `/api/v1/chats/${chat.id}/attachments`,
        { filename: 'a.exe', contentType: 'application/x-msdownload', contentBase64: png },
        as(client),
      );
      expect(errorOf(exe).code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    });

    it('keeps chats private: other clients and other workspaces get 404; clients cannot take', async () => {
      const chat = await start();
      const other = await server.login('cother@acme.test');
      expect(
        errorOf(await server.request('GET', `/api/v1/chats/${chat.id}`, undefined, as(other))).code,
      ).toBe('CHAT_NOT_FOUND');
      const hostingAgent = await server.login('agent@acme.test');
      expect(
        (await server.request('GET', `/api/v1/chats/${chat.id}`, undefined, { token: hostingAgent })).status,
      ).toBe(404);
      expect(
        (await server.request('POST', `/api/v1/chats/${chat.id}/take`, undefined, as(client))).status,
      ).toBe(403);
      // The hosting plans have no chat channel.
      const pro = await server.login('pro@acme.test');
      const refused = await server.request('POST', '/api/v1/chats', { language: 'fr' }, { token: pro });
      expect(errorOf(refused).code).toBe('CHANNEL_NOT_ALLOWED');
    });

    it('streams messages as server-sent events', async () => {
      const chat = await start();
      const controller = new AbortController();
      const response = await fetch(`${server.baseUrl}/api/v1/chats/${chat.id}/stream`, {
        headers: { authorization: `Bearer ${client}`, 'x-accord-workspace': 'consulting-sa' },
        signal: controller.signal,
      });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let received = '';
      const readUntil = async (needle: string) => {
        while (!received.includes(needle)) {
          const { value, done } = await reader.read();
          if (done) throw new Error(`stream ended before ${needle}`);
          received += decoder.decode(value);
        }
      };
      await readUntil('event: chat');
      expect(received).toContain('id: 1\nevent: message');
      await say(chat.id, 'hours?');
      await readUntil('id: 3\n');
      expect(received).toContain('"author":"client"');
      controller.abort();
    });
  });
}
