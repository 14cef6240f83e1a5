/**
 * End-to-end, issue #15: the public help centre read anonymously in Arabic (right to left) and in French, the agents'
 * chat console (take, real-time answer) in support hours, and a client who chats with the bot outside the
 * consultation agreement's human hours (Sunday–Thursday 09:00–18:00, Riyadh) and ends with a ticket. Headless
 * Chromium against the real server on SQLite (browser-harness.ts), axe on every page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../../server/test/server-harness.ts';
import { join } from 'node:path';
import { browserFound, choose, inspect, SHOTS, startBrowserRig, type BrowserRig } from './browser-harness.ts';

const DAY_MS = 24 * 3600 * 1000;

describe.skipIf(!browserFound)(
  'help centre and chat (Chromium, SQLite)',
  () => {
    let rig: BrowserRig;

    beforeAll(async () => {
      rig = await startBrowserRig();
    }, 120_000);

    afterAll(async () => {
      await rig?.close();
    });

    /** Signs in from a context in the client's own zone (the bot and the page speak Riyadh time). */
    async function signedInRiyadh(email: string): Promise<Page> {
      const page = await rig.visitor({ locale: 'en-GB', timezoneId: 'Asia/Riyadh' });
      page.on('pageerror', (error) => console.error(`page error (${email}):`, error.message));
      try {
        await page.getByLabel('E-mail').waitFor({ timeout: 15_000 });
      } catch (error) {
        await page.screenshot({ path: join(SHOTS, `help-signin-failed-${email}.png`) });
        console.error((await page.content()).slice(-3000));
        throw error;
      }
      await page.getByLabel('E-mail').fill(email);
      await page.locator('input[type=password]').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Menu' }).waitFor();
      return page;
    }

    it('an anonymous visitor searches the help centre in Arabic (RTL) and in French and opens an article', async () => {
      const page = await rig.visitor({ locale: 'ar-SA', timezoneId: 'Asia/Riyadh' });
      page.on('pageerror', (error) => console.error('page error (visitor):', error.message));
      // From the sign-in page: the public pages link leads to the help centre of the service desk named.
      await page.getByRole('link', { name: 'صفحات الحالة والمساعدة' }).click();
      await page.getByLabel('عنوان مكتب الخدمة').fill('consulting-sa');
      await page.getByRole('button', { name: 'افتح مركز المساعدة' }).click();
      await page.waitForURL(/\/help\/consulting-sa$/);
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
      await page.getByRole('heading', { name: 'مركز المساعدة', level: 1 }).waitFor();
      await inspect(page, 'help-centre-ar');

      await page.getByLabel('ابحث في مركز المساعدة').fill('فشل الدفع');
      const first = page.getByTestId('help-results').locator('a').first();
      await expect.poll(() => first.textContent(), { timeout: 10_000 }).toBe('فشل الدفع: ماذا أفعل؟');
      // The matched words are highlighted in the snippet.
      expect(await page.getByTestId('help-results').locator('mark').count()).toBeGreaterThan(0);
      await inspect(page, 'help-search-ar');

      // French: the language switch turns the page left to right and searches the French articles.
      await page.getByText('Français', { exact: true }).click();
      await page.getByRole('heading', { name: 'Centre d’aide', level: 1 }).waitFor();
      expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
      await page.getByLabel('Rechercher dans le centre d’aide').fill('paiements echoues');
      await expect.poll(() => first.textContent(), { timeout: 10_000 }).toBe('Paiement échoué : que faire ?');
      await inspect(page, 'help-search-fr');
      await first.click();
      await page.getByRole('heading', { name: 'Paiement échoué : que faire ?', level: 1 }).waitFor();
      expect(await page.getByTestId('help-article-body').locator('script').count()).toBe(0);
      await page.getByRole('link', { name: 'العربية' }).waitFor(); // its translation
      await inspect(page, 'help-article-fr');
      await page.getByRole('button', { name: 'Oui' }).click();
      await page.getByText('Merci pour votre avis.').waitFor();

      // Staff see the vote.
      const staff = await signedInRiyadh('cagent@acme.test');
      await staff.getByRole('link', { name: 'Help articles' }).click();
      await staff.getByTestId('articles').waitFor();
      await expect
        .poll(async () => (await staff.locator('#help-votes ~ table').textContent()) ?? '', {
          timeout: 10_000,
        })
        .toContain('Paiement échoué');
      await inspect(staff, 'help-articles-staff');

      // A new article: Markdown previewed by the server's sanitiser, published, edited (a second version by the
      // same author), then found by the public search.
      await staff.getByRole('link', { name: 'New article' }).click();
      const editor = staff.getByRole('main');
      await editor.getByRole('textbox', { name: /^Title/ }).fill('Exporter les factures en PDF');
      await staff
        .getByLabel('Body (Markdown)')
        .fill('Menu **Facturation**, puis *Exporter*.\n\n<script>alert(1)</script>');
      await choose(staff, editor.getByLabel('Language'), 'Français');
      await editor.getByLabel('Category').fill('Facturation');
      await staff.getByRole('tab', { name: 'Preview' }).click();
      const preview = staff.getByTestId('article-preview');
      await preview.locator('strong', { hasText: 'Facturation' }).waitFor();
      expect(await preview.locator('script').count()).toBe(0);
      await editor.getByText('Published', { exact: true }).click();
      await staff.getByRole('button', { name: 'Save' }).click();
      await staff.getByText('Saved (version 1)').waitFor();
      await staff.getByRole('tab', { name: 'Write' }).click();
      await editor.getByLabel('Body (Markdown)').fill('Menu **Facturation**, puis *Exporter en PDF*.');
      await staff.getByRole('button', { name: 'Save' }).click();
      await staff
        .getByText('Saved (version 2)')
        .waitFor({ timeout: 10_000 })
        .catch(async (error: unknown) => {
          console.error(await editor.textContent());
          throw error;
        });
      await staff.getByText('by cagent').first().waitFor();
      expect(await staff.getByText(/^Version \d/).count()).toBe(2);
      await inspect(staff, 'help-article-editor');
      await page.getByRole('link', { name: 'Tous les articles' }).click();
      await page.getByLabel('Rechercher dans le centre d’aide').fill('exporter facture');
      await expect
        .poll(() => page.getByTestId('help-results').locator('a').first().textContent(), { timeout: 10_000 })
        .toBe('Exporter les factures en PDF');
    });

    it('in support hours an agent marks themselves available, takes a waiting chat and answers it live', async () => {
      // T0 is Monday 11:00 in Riyadh: human support hours.
      const agent = await signedInRiyadh('cagent@acme.test');
      await agent.getByRole('link', { name: 'Live chat' }).click();
      await agent.getByRole('switch', { name: /Available for chats/ }).check({ force: true });
      await agent.getByText(/1 agent\(s\) available/).waitFor();

      const client = await signedInRiyadh('cclient@acme.test');
      await client.getByRole('button', { name: 'Chat with support' }).click();
      await client.getByLabel('Your question').fill('Hello, I need help with my invoice');
      await client.getByRole('button', { name: 'Start the chat' }).click();
      await client.getByRole('dialog').getByText('Waiting for an agent', { exact: true }).waitFor();

      // A second member of staff sees the same waiting chat; their page's timers are then held still, so their list
      // still offers it after the agent takes it: their take is refused (409) and the page says so.
      const rival = await rig.signedIn('admin@acme.test', 'consulting-sa');
      await rival.getByRole('link', { name: 'Live chat' }).click();
      const rivalTake = rival.getByRole('region', { name: /^Waiting/ }).getByRole('button', { name: 'Take' });
      await rivalTake.first().waitFor({ timeout: 10_000 });
      await rival.clock.pauseAt((await rival.evaluate(() => Date.now())) + 100);

      const waiting = agent.getByRole('region', { name: /^Waiting/ });
      await waiting.getByRole('button', { name: 'Take' }).first().click({ timeout: 10_000 });
      await agent
        .getByRole('region', { name: /^My chats/ })
        .getByText(/Started/)
        .waitFor();
      await rivalTake.first().click();
      await rival.getByText('Another agent took this chat first.').waitFor({ timeout: 10_000 });
      await rival.clock.resume();
      await agent.getByTestId('chat-log').getByText('Hello, I need help with my invoice').waitFor();
      await inspect(agent, 'chat-console');
      await agent.getByLabel('Message').fill('Good morning, let me look at it.');
      await agent.getByRole('button', { name: 'Send' }).click();

      // The client's panel shows the agent's answer through the stream, without reloading.
      await client
        .getByTestId('chat-log')
        .getByText('Good morning, let me look at it.')
        .waitFor({ timeout: 10_000 });
      await client.getByRole('dialog').getByText('With an agent', { exact: true }).waitFor();
      // The agent sees the client typing; the client sends a file, which the agent can download.
      await client.getByLabel('Message').fill('Here is the invoice');
      await agent.getByText('Client is typing…').waitFor({ timeout: 10_000 });
      await client.getByRole('button', { name: 'Send' }).click();
      await client.locator('input[type=file]').setInputFiles({
        name: 'invoice.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('INV-42: 1200 SAR'),
      });
      const file = agent.getByRole('link', { name: 'File: invoice.txt' });
      await file.waitFor({ timeout: 10_000 });
      const download = await agent.request.get(`${rig.server.baseUrl}${await file.getAttribute('href')}`);
      expect(await download.text()).toBe('INV-42: 1200 SAR');
      await inspect(client, 'chat-widget-agent');
      await client.getByRole('button', { name: 'End the chat' }).click();
      await client.getByText('This chat has ended.').waitFor();
      await agent.getByRole('switch', { name: /Available for chats/ }).uncheck({ force: true });
    });

    it('outside human hours a client chats with the bot and ends with a ticket', async () => {
      // Friday 11:00 in Riyadh: no human support until Sunday 09:00; the chatbot runs 24/7.
      // The earlier pages (and their open streams) go first: a fresh client, on a clock moved four days on.
      for (const context of rig.contexts.splice(0)) await context.close();
      rig.server.clock.advance(4 * DAY_MS);
      const page = await signedInRiyadh('cclient@acme.test');
      await page.getByRole('button', { name: 'Chat with support' }).click();
      await page.getByLabel('Your question').fill('My payment failed');
      await page.getByRole('button', { name: 'Start the chat' }).click();
      const log = page.getByTestId('chat-log');
      // The bot answers at once with articles from the help centre, and says when humans are back.
      await log.locator('[data-author=bot] a').first().waitFor({ timeout: 10_000 });
      expect(await log.locator('[data-author=bot] a').first().getAttribute('href')).toMatch(
        /^\/help\/consulting-sa\//,
      );
      await expect.poll(() => page.getByTestId('humans-back').textContent()).toMatch(/Sunday.*09:00/);
      expect(await log.textContent()).toMatch(/Sunday/);
      await inspect(page, 'chat-widget-bot');

      await page.getByRole('button', { name: 'Open a ticket' }).click();
      await page.getByRole('radio', { name: /^P3/ }).check();
      await inspect(page, 'chat-widget-priority');
      await page.getByRole('button', { name: 'Create the ticket' }).click();
      const ticket = page.getByTestId('chat-ticket');
      await ticket.waitFor({ timeout: 10_000 });
      const text = (await ticket.textContent()) ?? '';
      const number = /Ticket ([0-9a-f]{8}) opened/.exec(text)?.[1];
      expect(number).toBeDefined();
      expect(text).toMatch(/due/);
      // The bot confirms in the transcript with the same number.
      await log
        .getByText(new RegExp(number ?? 'none'))
        .first()
        .waitFor({ timeout: 10_000 });
      await inspect(page, 'chat-widget-ticket');
      await ticket.getByRole('link', { name: 'View the ticket' }).click();
      await page.waitForURL(/\/tickets\/[0-9a-f-]{36}$/);
      expect(page.url()).toContain(`/tickets/${number}`);
      await page.getByText('Chatbot').first().waitFor();
    });
  },
  300_000,
);
