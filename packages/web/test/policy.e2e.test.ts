/**
 * The policy page in Chromium against the real server (SQLite): the targets table, then the admin's what-if — a
 * draft refused with the server's 422 code, a lengthened target simulated (fewer breaches than today), adopted with
 * its review and listed as the new version — and the page in Arabic, right to left, with the overdue review banner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserFound, choose, inspect, startBrowserRig, type BrowserRig } from './browser-harness.ts';

describe.skipIf(!browserFound)(
  'policy page and what-if (Chromium, SQLite)',
  () => {
    let rig: BrowserRig;

    beforeAll(async () => {
      rig = await startBrowserRig();
      // A Classique client's P2 opened Monday 09:00 (Brussels) and never picked up: by Friday its GTI of one
      // business day (PT24H on be-business) is breached; under a two-day draft it would still be running.
      const token = await rig.server.login('classique@acme.test');
      const opened = await rig.server.request(
        'POST',
        '/api/v1/tickets',
        {
          subject: 'Mail relay refuses our messages',
          description: 'Since this morning, every message bounces.',
          priority: 'P2',
          category: 'hosting',
          channel: 'ticket',
        },
        { token },
      );
      expect(opened.status).toBe(201);
      rig.server.clock.set(rig.server.clock.nowMs() + 4 * 86_400_000);
    }, 180_000);

    afterAll(async () => {
      await rig?.close();
    });

    it('an admin lengthens a target in a draft, simulates it, adopts it and sees the new version', async () => {
      const page = await rig.signedIn('admin@acme.test', 'hosting-be');
      await page.goto(`${rig.server.baseUrl}/admin/policy`);
      const matrix = page.getByTestId('targets-matrix');
      await matrix.waitFor();
      // Business durations read as words, per plan × priority.
      await expect(matrix.locator('tr', { hasText: 'classique · P1' }).textContent()).resolves.toContain(
        '24 h',
      );
      await page.getByTestId('policy-version-1').waitFor();
      await inspect(page, 'policy');

      const target = page.getByLabel('Target for Time to intervention · classique · P1, P2 · hosting', {
        exact: true,
      });
      await expect(target.inputValue()).resolves.toBe('PT24H');
      // A malformed duration: the server's validation (422) is shown with its code, nothing is simulated.
      await target.fill('PT24 hours');
      await page.getByRole('button', { name: 'Run the simulation' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toMatch(/INVALID_POLICY|VALIDATION_FAILED/);
      await expect(page.getByTestId('simulation-result').count()).resolves.toBe(0);

      // Lengthened: one business day → two, for Classique P1/P2 and Start P1/P2 (hosting).
      await target.fill('PT48H');
      await page
        .getByLabel('Target for Time to intervention · start · P1, P2 · hosting', { exact: true })
        .fill('PT96H');
      // And a closed day in the draft's Belgian calendar (Thursday 5 March): it only ever moves due instants later.
      await choose(page, page.getByRole('textbox', { name: 'Calendar', exact: true }), 'be-business');
      await page.getByLabel('Close a date').fill('2026-03-05');
      await page.getByRole('button', { name: 'Add the closed date' }).click();
      await page.getByTestId('draft-calendar-edits').getByText('be-business: closed on 2026-03-05').waitFor();
      await page.getByRole('button', { name: 'Run the simulation' }).click();
      const result = page.getByTestId('simulation-result');
      await result.waitFor();
      const figure = async (id: string) => Number(await page.getByTestId(id).textContent());
      const breachesNow = await figure('breaches-current');
      const breachesProposed = await figure('breaches-proposed');
      expect(breachesNow).toBeGreaterThanOrEqual(1);
      expect(breachesProposed).toBeLessThan(breachesNow);
      await expect(page.getByTestId('simulation-cells').getByRole('row').count()).resolves.toBeGreaterThan(1);
      await inspect(page, 'policy-what-if');

      const note = page.getByLabel('Review note (recorded with the new version)');
      await expect(note.inputValue()).resolves.toMatch(/^Adopted after a what-if/);
      await note.fill('Six-monthly review: GTI for Start and Classique doubled after the what-if.');
      await page.getByRole('button', { name: 'Adopt as version 2' }).click();
      await page.getByTestId('adopted').waitFor();
      const adopted = page.getByTestId('policy-version-2');
      await adopted.waitFor();
      await expect(adopted.textContent()).resolves.toMatch(/in force/);
      await expect(adopted.textContent()).resolves.toContain('Six-monthly review');
      // The page now reads the adopted version: the lengthened target is the one in force.
      await expect(matrix.locator('tr', { hasText: 'classique · P1' }).textContent()).resolves.toContain(
        '48 h',
      );
      await expect(page.getByText('Version 2', { exact: false }).first().isVisible()).resolves.toBe(true);
      // The draft's calendar was saved as the workspace's own be-business, the closed day in it.
      const calendar = await rig.server.request('GET', '/api/v1/calendars/be-business', undefined, {
        token: await rig.server.login('admin@acme.test'),
        workspace: 'hosting-be',
      });
      expect(calendar.status).toBe(200);
      expect((calendar.body as { spec: { closed: string[] } }).spec.closed).toContain('2026-03-05');
    });

    it('lays the policy page out right to left in Arabic, with the overdue review banner', async () => {
      // consulting-sa's review date is 1 March 2027 (effectiveFrom + 6 months): overdue four days later.
      rig.server.clock.set(Date.parse('2027-03-05T09:00:00Z'));
      const page = await rig.signedIn('admin@acme.test', 'consulting-sa');
      await page.goto(`${rig.server.baseUrl}/admin/policy?lang=ar`);
      await page.getByTestId('targets-matrix').waitFor();
      expect(
        await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
      ).toEqual(['ar', 'rtl']);
      await page.getByRole('button', { name: 'تشغيل المحاكاة' }).waitFor();
      await page.getByTestId('review-overdue').waitFor();
      await inspect(page, 'policy-ar');
    });
  },
  300_000,
);
