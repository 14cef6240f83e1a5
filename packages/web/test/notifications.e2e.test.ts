/**
 * End-to-end: the notifications page (issue #11) in headless Chromium against the real server on SQLite — the list
 * updated live through the SSE stream, the preferences matrix saved and reloaded, language and zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserFound, choose, inspect, startBrowserRig, type BrowserRig } from './browser-harness.ts';

describe.skipIf(!browserFound)(
  'notifications page (Chromium, SQLite)',
  () => {
    let rig: BrowserRig;
    beforeAll(async () => {
      rig = await startBrowserRig();
    }, 120_000);
    afterAll(async () => {
      await rig?.close();
    });

    it('lists a notification as soon as the event is dispatched, without reloading, and marks it read', async () => {
      const page = await rig.signedIn('agent@acme.test');
      await page.goto(`${rig.server.baseUrl}/notifications`);
      await page.getByRole('heading', { name: 'Recent notifications' }).waitFor();
      await page.getByText('Nothing yet').waitFor();

      // A client opens a P1: the presets' escalation rule notifies every agent.
      const pro = await rig.server.login('pro@acme.test');
      const created = await rig.server.request(
        'POST',
        '/api/v1/tickets',
        {
          subject: 'Checkout broken for every customer',
          description: 'HTTP 500 on /checkout',
          priority: 'P1',
          category: 'hosting',
          channel: 'ticket',
        },
        { token: pro },
      );
      expect(created.status).toBe(201);
      await rig.server.background.dispatcher.runOnce();
      await rig.server.background.dispatcher.runOnce();

      const list = page.getByTestId('notifications');
      await list.getByText('Checkout broken for every customer').first().waitFor({ timeout: 15_000 });
      await inspect(page, 'notifications');
      const markRead = list.getByRole('button', { name: /^Mark read: .*Checkout broken/ }).first();
      await markRead.click();
      await expect
        .poll(async () => list.getByRole('button', { name: /Checkout broken/ }).count(), { timeout: 10_000 })
        .toBe(0);
    });

    it('eight tabs of one browser share one stream: every tab loads, and a tab without the stream updates live', async () => {
      // A browser keeps six HTTP/1.1 connections per host: with a stream per tab the seventh tab loaded nothing.
      const first = await rig.signedIn('agent@acme.test');
      const context = first.context();
      const tabs = [first];
      for (let i = 1; i < 8; i++) tabs.push(await context.newPage());
      for (const tab of tabs) {
        await tab.goto(`${rig.server.baseUrl}/notifications`);
        await tab.getByRole('heading', { name: 'Recent notifications' }).waitFor({ timeout: 10_000 });
      }
      const pro = await rig.server.login('pro@acme.test');
      const subject = 'Eight tabs open, one stream';
      const created = await rig.server.request(
        'POST',
        '/api/v1/tickets',
        { subject, description: 'HTTP 500', priority: 'P1', category: 'hosting', channel: 'ticket' },
        { token: pro },
      );
      expect(created.status).toBe(201);
      await rig.server.background.dispatcher.runOnce();
      await rig.server.background.dispatcher.runOnce();
      // Sooner than the 15 s polling: the event reached the last tab through the tab holding the stream.
      await tabs[7]!.getByTestId('notifications').getByText(subject).first().waitFor({ timeout: 8_000 });
      for (const tab of tabs.slice(1)) await tab.close();
    });

    it('the open ticket and the queue update through the stream, without reloading', async () => {
      const pro = await rig.server.login('pro@acme.test');
      const agent = await rig.server.login('agent@acme.test');
      const created = await rig.server.request(
        'POST',
        '/api/v1/tickets',
        {
          subject: 'Mailbox quota exceeded',
          description: 'Bounces since 8:00',
          priority: 'P2',
          category: 'hosting',
          channel: 'ticket',
        },
        { token: pro },
      );
      const ticketId = String((created.body as { id: string }).id);
      const client = await rig.signedIn('pro@acme.test');
      await client.goto(`${rig.server.baseUrl}/tickets/${ticketId}`);
      await client.getByTestId('comments').waitFor();
      const queue = await rig.signedIn('agent@acme.test');
      await queue.goto(`${rig.server.baseUrl}/queue`);
      await queue.getByTestId('queue').getByText('Mailbox quota exceeded').waitFor();

      const reply = await rig.server.request(
        'POST',
        `/api/v1/tickets/${ticketId}/comments`,
        { body: 'Quota raised to 10 GB.', visibility: 'public' },
        { token: agent },
      );
      expect(reply.status).toBe(201);
      const another = await rig.server.request(
        'POST',
        '/api/v1/tickets',
        {
          subject: 'DNS zone not updating',
          description: 'TTL?',
          priority: 'P3',
          category: 'hosting',
          channel: 'ticket',
        },
        { token: pro },
      );
      expect(another.status).toBe(201);
      await rig.server.background.dispatcher.runOnce();
      // Polling would take 15 s: well within that, the stream brought both.
      await client.getByTestId('comments').getByText('Quota raised to 10 GB.').waitFor({ timeout: 8_000 });
      await queue.getByTestId('queue').getByText('DNS zone not updating').waitFor({ timeout: 8_000 });
    });

    it('saves the preferences matrix and shows it again after a reload; P1 breaches stay locked for staff', async () => {
      const page = await rig.signedIn('agent@acme.test');
      await page.goto(`${rig.server.baseUrl}/notifications`);
      const warningByEmail = page.getByRole('checkbox', { name: 'E-mail: Deadline approaching' });
      await warningByEmail.waitFor();
      await expect(warningByEmail.isChecked()).resolves.toBe(true);
      await expect(
        page.getByRole('checkbox', { name: 'E-mail: Deadline missed on a P1' }).isDisabled(),
      ).resolves.toBe(true);
      await warningByEmail.uncheck();
      await page.getByRole('checkbox', { name: 'Push: New reply' }).uncheck();
      await page.getByRole('button', { name: 'Save preferences' }).click();
      await page.getByRole('status').getByText('Preferences saved.').waitFor();

      await page.reload();
      await page.getByRole('checkbox', { name: 'E-mail: Deadline approaching' }).waitFor();
      await expect(
        page.getByRole('checkbox', { name: 'E-mail: Deadline approaching' }).isChecked(),
      ).resolves.toBe(false);
      await expect(page.getByRole('checkbox', { name: 'Push: New reply' }).isChecked()).resolves.toBe(false);
      await expect(
        page.getByRole('checkbox', { name: 'In the app: Deadline approaching' }).isChecked(),
      ).resolves.toBe(true);
      await inspect(page, 'notification-preferences');
    });

    it('a client sets French and Brussels time: the page follows after a reload', async () => {
      const page = await rig.signedIn('pro@acme.test');
      await page.goto(`${rig.server.baseUrl}/notifications`);
      await choose(page, page.getByRole('textbox', { name: 'My language' }), 'Français');
      await choose(page, page.getByRole('textbox', { name: 'My time zone' }), 'Europe/Brussels', {
        typing: 'Europe/Brus',
      });
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('heading', { name: 'Langue et fuseau horaire' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Ce que vous recevez, et comment' }).waitFor();
      await inspect(page, 'notifications-fr');
      const me = await rig.server.request('GET', '/api/v1/me', undefined, {
        token: await rig.server.login('pro@acme.test'),
      });
      expect(me.body).toMatchObject({ language: 'fr', timeZone: 'Europe/Brussels' });
    });
  },
  300_000,
);
