/**
 * Consultation requests in Chromium against the real server on SQLite (browser-harness.ts): a consulting-sa client
 * asks a chosen consultant, who sees the acceptance countdown tick and accepts; a second request goes to the board
 * and the consultant takes it; a board request someone else took first says so; the client sees the states change;
 * the desk sees the history and the month's report. axe on every page; one page in Arabic, right to left.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addConsultant } from '../../server/test/consultations-helpers.ts';
import { browserFound, inspect, startBrowserRig, type BrowserRig } from './browser-harness.ts';

describe.skipIf(!browserFound)(
  'consultation requests end to end (Chromium, SQLite)',
  () => {
    let rig: BrowserRig;
    let consultant: Page;
    let client: Page;
    const direct = 'Zakat on a new holding company';
    const board = 'VAT on services sold to Bahrain';
    const raced = 'Inheritance of a family business';
    const url = (path: string) => `${rig.server.baseUrl}${path}`;
    const state = (page: Page) => page.getByTestId('consultation-state').first().getAttribute('data-state');

    /**
     * Navigates and waits for `ready`, loading the page again if it came up blank: other sessions on this machine
     * rebuild packages/web/dist while a test runs (Vite empties it first), and a page loaded mid-build never renders.
     */
    async function visit(page: Page, path: string, ready: Locator): Promise<void> {
      for (let attempt = 1; ; attempt += 1) {
        await page.goto(url(path));
        try {
          await ready.waitFor({ timeout: 15_000 });
          return;
        } catch (error) {
          if (attempt >= 4) throw error;
          console.warn(`e2e: ${path} did not render (attempt ${attempt}), loading it again`);
        }
      }
    }
    async function signIn(email: string): Promise<Page> {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await rig.signedIn(email);
        } catch (error) {
          if (attempt >= 3) throw error;
          console.warn(`e2e: sign-in page did not render (attempt ${attempt}), trying again`);
        }
      }
    }

    beforeAll(async () => {
      rig = await startBrowserRig();
    }, 120_000);
    afterAll(async () => {
      await rig?.close();
    });

    it('a consultant sets up their profile: specialties, languages, capacity, availability', async () => {
      consultant = await signIn('consultant@acme.test');
      await consultant.getByRole('link', { name: 'My consultant profile' }).click();
      await consultant.getByRole('heading', { name: 'My consultant profile' }).waitFor();
      const specialties = consultant.getByRole('textbox', { name: 'Specialties' });
      await specialties.fill('tax');
      await specialties.press('Enter');
      const languages = consultant.getByRole('textbox', { name: 'Languages' });
      for (const l of ['ar', 'en']) {
        await languages.fill(l);
        await languages.press('Enter');
      }
      await consultant.getByLabel('Open requests at once').fill('5');
      await consultant.getByLabel('About me (shown to clients)').fill('Zakat and VAT for companies.');
      await consultant.getByRole('button', { name: 'Save' }).click();
      await consultant.getByText('Profile saved.').waitFor();
      await expect(consultant.getByTestId('profile-status').textContent()).resolves.toContain('available');
      await inspect(consultant, 'consultant-profile');
    });

    it('a client asks that consultant directly; the request awaits them with its 4 business-hour deadline', async () => {
      client = await signIn('cclient@acme.test');
      await client.getByRole('link', { name: 'Request a consultation' }).first().click();
      await client.getByLabel('Subject').fill(direct);
      await client
        .getByLabel('What do you need advice on?')
        .fill('We are setting up a holding company in Riyadh.');
      await client.getByRole('textbox', { name: 'Specialty' }).fill('tax');
      await client.getByRole('radio', { name: 'A consultant I choose' }).check();
      await client.getByRole('radio', { name: 'consultant', exact: true }).check();
      await inspect(client, 'consultation-request');
      await client.getByRole('button', { name: 'Send the request' }).click();
      await client.waitForURL(/\/consultations\/[0-9a-f-]{36}$/);
      await expect(state(client)).resolves.toBe('offered');
      // Monday 11:00 in Riyadh: four hours of open time, due 15:00 (14:00 in Brussels, the browser's zone).
      await expect(client.getByTestId('deadline-accept').textContent()).resolves.toMatch(
        /The consultant answers by Monday 2 March.* 13:00 — [34]h \d+m of business time left/,
      );
      await inspect(client, 'consultation-client-offered');
    });

    it('the consultant sees it offered with a ticking countdown, accepts, and their first message is the contact', async () => {
      const offered = consultant.getByTestId('offered');
      await visit(consultant, '/consultations/list', offered.getByRole('link', { name: direct }));
      const countdown = offered.getByTestId('deadline-accept');
      const remaining = async () => Number(await countdown.getAttribute('data-remaining-seconds'));
      const before = await remaining();
      expect(before).toBeGreaterThan(4 * 3600 - 60);
      await consultant.waitForTimeout(2200);
      expect(before - (await remaining())).toBeGreaterThanOrEqual(1);
      await inspect(consultant, 'consultations-consultant');

      await offered.getByRole('link', { name: direct }).click();
      await consultant.getByRole('button', { name: 'Accept' }).click();
      await consultant.getByTestId('deadline-contact').waitFor();
      await expect(state(consultant)).resolves.toBe('accepted');
      // The server's clock stays at the acceptance instant; the browser's has run since its context opened (over a
      // minute on a loaded machine), so the countdown may already show 23h 59m.
      await expect(consultant.getByTestId('deadline-contact').textContent()).resolves.toMatch(
        /Contact the client by .* — (24h 0m|23h [45]\dm) of business time left/,
      );
      await consultant.getByLabel('Your message').fill('Hello, can we talk tomorrow at 10:00?');
      await consultant.getByRole('button', { name: 'Send' }).click();
      await consultant.getByTestId('thread').getByText('Hello, can we talk tomorrow at 10:00?').waitFor();
      await expect.poll(() => state(consultant)).toBe('contacted');
      await inspect(consultant, 'consultation-consultant-contacted');
    });

    it('a second request goes to the board, and the consultant takes it', async () => {
      await visit(client, '/consultations/new', client.getByLabel('Subject'));
      await client.getByLabel('Subject').fill(board);
      await client.getByLabel('What do you need advice on?').fill('Which VAT rate applies?');
      await client.getByRole('textbox', { name: 'Specialty' }).fill('tax');
      await client.getByRole('button', { name: 'Send the request' }).click();
      await client.waitForURL(/\/consultations\/[0-9a-f-]{36}$/);
      await expect(state(client)).resolves.toBe('open');

      const item = consultant.getByTestId('board-item').filter({ hasText: board });
      await visit(consultant, '/consultations/board', item);
      await inspect(consultant, 'consultation-board');
      await item.getByRole('button', { name: 'Take this request' }).click();
      await consultant.waitForURL(/\/consultations\/[0-9a-f-]{36}$/);
      await expect.poll(() => state(consultant)).toBe('accepted');
    });

    it('a request another consultant took first says so plainly', async () => {
      const admin = await rig.server.login('admin@acme.test');
      const rival = await addConsultant(rig.server, admin, 'Rival Consultant', { specialties: ['tax'] });
      const cclient = await rig.server.login('cclient@acme.test');
      const created = await rig.server.request(
        'POST',
        '/api/v1/consultations',
        { subject: raced, description: 'Shares of a family business', specialty: 'tax' },
        { token: cclient },
      );
      expect(created.status).toBe(201);
      const item = consultant.getByTestId('board-item').filter({ hasText: raced });
      await visit(consultant, '/consultations/board', item);
      const id = (created.body as { id: string }).id;
      const taken = await rig.server.request('POST', `/api/v1/consultations/${id}/claim`, undefined, {
        token: rival.token,
      });
      expect(taken.status).toBe(200);
      await item.getByRole('button', { name: 'Take this request' }).click();
      const alert = consultant.getByRole('alert');
      await alert.getByText('Another consultant took this request first.').waitFor();
      await expect(alert.textContent()).resolves.toContain('CONSULTATION_ALREADY_TAKEN');
      await consultant.getByTestId('board-item').filter({ hasText: raced }).waitFor({ state: 'detached' });
    });

    it('the client sees the states change; the desk sees who was offered what, and the month report', async () => {
      const table = client.getByTestId('consultations');
      await visit(client, '/consultations/list', table.getByRole('link', { name: direct }));
      const rowState = (subject: string) =>
        table
          .locator('tr', { hasText: subject })
          .getByTestId('consultation-state')
          .getAttribute('data-state');
      await expect(rowState(direct)).resolves.toBe('contacted');
      await expect(rowState(board)).resolves.toBe('accepted');
      await expect(rowState(raced)).resolves.toBe('accepted');
      await inspect(client, 'consultations-client');

      const desk = await signIn('cagent@acme.test');
      await desk.getByRole('link', { name: 'Consultations' }).click();
      await desk.getByTestId('consultations').getByRole('link', { name: direct }).click();
      const history = desk.getByTestId('history');
      await history.getByText('Offered to consultant').waitFor();
      await expect(history.textContent()).resolves.toMatch(
        /Accepted by consultant.*Contact by consultant \(Message\)/,
      );
      await inspect(desk, 'consultation-desk');

      await desk.getByRole('link', { name: 'Consultation report' }).click();
      const report = desk.getByTestId('report');
      await report.waitFor();
      // consultant: one direct offer; accepted it and took one from the board; one first contact in time.
      const cells = await report
        .locator('tbody tr', { hasText: /^consultant/ })
        .locator('td')
        .allTextContents();
      expect(cells).toEqual(['consultant', '1', '2', '0', '0', expect.any(String), '1', '0']);
      const csv = await desk.evaluate(async () => {
        const res = await fetch('/api/v1/consultations/report?month=2026-03&format=csv');
        return { type: res.headers.get('content-type'), text: await res.text() };
      });
      expect(csv.type).toContain('text/csv');
      expect(csv.text).toContain('consultant');
      await inspect(desk, 'consultation-report');
    });

    it('a consultant declines with a reason, then marks themselves away: the board says why it is empty', async () => {
      const cclient = await rig.server.login('cclient@acme.test');
      const me = await rig.server.login('consultant@acme.test');
      const consultantId = (
        (await rig.server.request('GET', '/api/v1/consultants/me', undefined, { token: me })).body as {
          userId: string;
        }
      ).userId;
      const offered = await rig.server.request(
        'POST',
        '/api/v1/consultations',
        { subject: 'Conflict of interest case', description: 'd', specialty: 'tax', consultantId },
        { token: cclient },
      );
      expect(offered.status).toBe(201);
      const id = (offered.body as { id: string }).id;
      await visit(consultant, `/consultations/${id}`, consultant.getByRole('button', { name: 'Decline' }));
      await consultant.getByRole('button', { name: 'Decline' }).click();
      const dialog = consultant.getByRole('dialog', { name: 'Decline this request' });
      await dialog.getByLabel('Reason (seen by the desk only)').fill('I advised the other party');
      // Past the modal's fade-in: axe reads colours, and a half-transparent dialog fails contrast.
      await consultant.waitForTimeout(500);
      await inspect(consultant, 'consultation-decline');
      await dialog.getByRole('button', { name: 'Decline' }).click();
      await consultant.waitForURL(/\/consultations\/list$/);
      const seen = await rig.server.request('GET', `/api/v1/consultations/${id}`, undefined, {
        token: cclient,
      });
      expect((seen.body as { state: string }).state).toBe('open');

      await visit(consultant, '/consultations/profile', consultant.getByLabel('Available for new requests'));
      await consultant.getByLabel('Available for new requests').uncheck();
      await consultant.getByRole('button', { name: 'Save' }).click();
      await consultant.getByText('Profile saved.').waitFor();
      await visit(
        consultant,
        '/consultations/board',
        consultant.getByText('You are marked away: set yourself available in your profile to take requests.'),
      );
    });

    it('the menu shows consultation links only in a workspace whose policy offers consultations', async () => {
      const menuOf = (page: Page) => page.getByRole('navigation', { name: 'Menu' });
      // The consulting workspace: its consultant and client have theirs.
      const inConsulting = await signIn('consultant@acme.test');
      await menuOf(inConsulting).getByRole('link', { name: 'Request board' }).waitFor();
      await inConsulting.close();
      const consultingClient = await signIn('cclient@acme.test');
      await menuOf(consultingClient).getByRole('link', { name: 'Request a consultation' }).waitFor();
      await consultingClient.close();
      // The hosting workspace's policy (the Belgian preset) has no consultations section.
      for (const email of ['agent@acme.test', 'pro@acme.test']) {
        const page = await signIn(email);
        const policyRead = page.waitForResponse(
          (r) => r.url().endsWith('/api/v1/policy') && r.request().method() === 'GET',
        );
        await page.reload();
        await policyRead;
        await menuOf(page)
          .getByRole('link', { name: /ticket/i })
          .first()
          .waitFor();
        // Past the render that follows the policy's answer.
        await page.waitForTimeout(500);
        await expect(
          menuOf(page)
            .getByRole('link', { name: /consult|request board/i })
            .count(),
        ).resolves.toBe(0);
        await page.close();
      }
    });

    it('a request follows its consultant’s answer live: the client’s page turns accepted without reloading', async () => {
      const admin = await rig.server.login('admin@acme.test');
      const live = await addConsultant(rig.server, admin, 'Live Consultant', { specialties: ['tax'] });
      const cclient = await rig.server.login('cclient@acme.test');
      const created = await rig.server.request(
        'POST',
        '/api/v1/consultations',
        { subject: 'Transfer pricing file', description: 'd', specialty: 'tax', consultantId: live.id },
        { token: cclient },
      );
      expect(created.status).toBe(201);
      const id = (created.body as { id: string }).id;
      const page = await signIn('cclient@acme.test');
      await visit(page, `/consultations/${id}`, page.getByTestId('consultation-state').first());
      await expect(state(page)).resolves.toBe('offered');
      const accepted = await rig.server.request('POST', `/api/v1/consultations/${id}/accept`, undefined, {
        token: live.token,
      });
      expect(accepted.status).toBe(200);
      while ((await rig.server.background.dispatcher.runOnce()) > 0);
      // Sooner than the 15 s polling: the stream told the client's page.
      await expect.poll(() => state(page), { timeout: 8_000 }).toBe('accepted');
      await page.close();
    });

    it('a notification opens what it is about: a consultation request its page, a ticket its ticket', async () => {
      const me = await rig.server.login('consultant@acme.test');
      const profile = await rig.server.request(
        'PATCH',
        '/api/v1/consultants/me',
        { specialties: ['tax'], languages: ['ar', 'en'], capacity: 10, available: true },
        { token: me },
      );
      expect(profile.status).toBe(200);
      const subject = 'Where the notification leads';
      const created = await rig.server.request(
        'POST',
        '/api/v1/consultations',
        {
          subject,
          description: 'd',
          specialty: 'tax',
          consultantId: (profile.body as { userId: string }).userId,
        },
        { token: await rig.server.login('cclient@acme.test') },
      );
      expect(created.status).toBe(201);
      const id = (created.body as { id: string }).id;
      while ((await rig.server.background.dispatcher.runOnce()) > 0);

      // The consultant's bell: the offer opens the request's page.
      const page = await signIn('consultant@acme.test');
      await page.getByRole('button', { name: /^Notifications [1-9]\d*$/ }).click();
      await page.getByRole('menuitem').filter({ hasText: subject }).first().click();
      await page.waitForURL(url(`/consultations/${id}`));
      await page.getByTestId('consultation-state').first().waitFor();
      // The same from the notifications page.
      const list = page.getByTestId('notifications');
      const link = list.getByRole('link', { name: new RegExp(subject) }).first();
      await visit(page, '/notifications', link);
      await link.click();
      await page.waitForURL(url(`/consultations/${id}`));
      await page.close();

      // A hosting agent's bell: a new P1 opens its ticket.
      const agent = await signIn('agent@acme.test');
      const ticket = await rig.server.request(
        'POST',
        '/api/v1/tickets',
        {
          subject: 'Mail relay refuses every message',
          description: '550 on every send',
          priority: 'P1',
          category: 'hosting',
          channel: 'ticket',
        },
        { token: await rig.server.login('pro@acme.test') },
      );
      expect(ticket.status).toBe(201);
      while ((await rig.server.background.dispatcher.runOnce()) > 0);
      // The hosting agent has no other notification in this file: the count shows once the P1's note arrives.
      await agent.getByRole('button', { name: /^Notifications [1-9]\d*$/ }).click({ timeout: 20_000 });
      const item = agent
        .getByRole('menuitem')
        .filter({ hasText: 'Mail relay refuses every message' })
        .first();
      await item.click();
      await agent.waitForURL(url(`/tickets/${(ticket.body as { id: string }).id}`));
      await agent.close();
    });

    it('reads right to left in Arabic', async () => {
      await visit(
        client,
        '/consultations/list?lang=ar',
        client.getByRole('heading', { name: 'طلبات الاستشارة الخاصة بي' }),
      );
      await expect(client.evaluate(() => document.documentElement.dir)).resolves.toBe('rtl');
      await inspect(client, 'consultations-client-ar');
    });
  },
  300_000,
);
