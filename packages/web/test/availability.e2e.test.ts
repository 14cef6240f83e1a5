/**
 * Availability pages in Chromium against the real server on SQLite: an admin creates a heartbeat monitor, the
 * monitored system pushes, the admin sees it listed with its check; an anonymous visitor reads the public status page
 * (in English and, right to left, in Arabic); the client sees its own site. axe on every page (inspect).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { choose, browserFound, inspect, startBrowserRig, type BrowserRig } from './browser-harness.ts';

describe.skipIf(!browserFound)(
  'availability pages (Chromium, SQLite)',
  () => {
    let rig: BrowserRig;
    let admin: Page;
    const name = 'Pro shop storefront';

    beforeAll(async () => {
      rig = await startBrowserRig();
    }, 180_000);

    afterAll(async () => {
      await rig?.close();
    });

    it('an admin creates a heartbeat monitor, gets its push URL, and sees it listed with its check', async () => {
      admin = await rig.signedIn('admin@acme.test', 'hosting-be');
      await admin.getByRole('link', { name: 'Monitors' }).click();
      await admin.getByRole('heading', { name: 'Monitors' }).waitFor();
      await admin.getByRole('link', { name: 'New monitor' }).click();
      await admin.getByRole('textbox', { name: 'Name' }).fill(name);
      await choose(admin, admin.getByRole('textbox', { name: 'Organization' }), 'Pro Org');
      await admin.getByText('Heartbeat', { exact: true }).click();
      await admin.getByText('The monitored system calls a push URL').waitFor();
      await admin.getByRole('checkbox', { name: 'Show on the public status page' }).check();
      await inspect(admin, 'monitor-new');
      await admin.getByRole('button', { name: 'Create the monitor' }).click();
      const pushUrl = (await admin.getByTestId('push-url').textContent()) ?? '';
      expect(pushUrl).toMatch(/\/api\/v1\/heartbeats\/[\w-]{16,}$/);
      await inspect(admin, 'monitor-created');

      // The monitored system calls its push URL: one check, recorded up.
      const path = pushUrl.slice(pushUrl.indexOf('/api/v1/'));
      const push = await fetch(`${rig.server.baseUrl}${path}`, { method: 'POST' });
      expect(push.status).toBe(200);

      await admin.getByRole('link', { name: 'Open the monitor' }).click();
      await admin.getByRole('heading', { name }).waitFor();
      await admin.getByTestId('results').getByText('heartbeat received').waitFor();
      await expect(
        admin.getByTestId('results-chart').getByRole('img').getAttribute('aria-label'),
      ).resolves.toMatch(/^1 checks: 1 up/);
      await admin.getByTestId('figures').getByText('Availability').waitFor();
      await inspect(admin, 'monitor');

      // A certificate ending in ten days, already warned about (the check and the message are the server tests'
      // business): the page says when it ends and who was told, and when.
      const monitorId = new URL(admin.url()).pathname.split('/').at(-1) ?? '';
      const nowMs = rig.server.clock.nowMs();
      const expiresAtMs = nowMs + 10 * 86_400_000;
      await rig.server.services.db
        .updateTable('monitors')
        .set({ tls_expires_at: expiresAtMs })
        .where('id', '=', monitorId)
        .execute();
      await rig.server.services.db
        .insertInto('monitor_tls_warnings')
        .values({ monitor_id: monitorId, expires_at: expiresAtMs, threshold_days: 14, warned_at: nowMs })
        .execute();
      await admin.reload();
      await admin.getByText(/^The TLS certificate expires on .*: renew it\.$/).waitFor();
      await admin.getByText(/^The organization and the admins were warned 14 days ahead, on /).waitFor();
      await inspect(admin, 'monitor-tls');

      await admin.getByRole('link', { name: 'All monitors' }).click();
      const row = admin.getByTestId('monitors').locator('tbody tr').filter({ hasText: name });
      await row.waitFor();
      await expect(row.textContent()).resolves.toContain('Pro Org');
      await expect(row.textContent()).resolves.toContain('Heartbeat');
      await inspect(admin, 'monitors');
    });

    it('an admin schedules maintenance and reads the monthly SLA report', async () => {
      await admin.getByRole('link', { name: 'Maintenance' }).click();
      await admin.getByRole('heading', { name: 'Maintenance and exclusions' }).waitFor();
      await choose(admin, admin.getByRole('textbox', { name: 'Organization' }).first(), 'Pro Org');
      await admin.getByRole('textbox', { name: 'Title' }).fill('Storefront database upgrade');
      // The browser's clock started at the server's: 2 March 2026.
      await admin.getByLabel('Starts').fill('2026-03-08T01:00');
      await admin.getByLabel('Ends').fill('2026-03-08T03:00');
      await admin.getByRole('textbox', { name: 'Repeat (RRULE, optional)' }).fill('FREQ=WEEKLY;COUNT=4');
      await admin.getByRole('button', { name: 'Schedule', exact: true }).click();
      const windows = admin.getByTestId('maintenance-windows');
      await windows.getByText('Storefront database upgrade').waitFor();
      await expect(windows.textContent()).resolves.toContain('FREQ=WEEKLY;COUNT=4');
      await inspect(admin, 'maintenance');

      await admin.getByRole('link', { name: 'SLA reports' }).click();
      // The organizations first (the picker shows the first one once they are loaded), then the choice.
      const picker = admin.getByRole('textbox', { name: 'Organization' });
      await expect.poll(() => picker.inputValue()).not.toBe('');
      await choose(admin, picker, 'Pro Org');
      await admin.getByRole('heading', { name: /Pro Org — March 2026/ }).waitFor();
      await admin.getByTestId('sla-report').getByRole('link', { name }).waitFor();
      await admin.getByRole('textbox', { name: 'Contract target' }).fill('99.9');
      await admin.getByRole('button', { name: 'Save' }).click();
      await admin.getByRole('status').getByText('Saved').waitFor();
      await admin.getByTestId('sla-report').getByText('99.9%').first().waitFor();
      await inspect(admin, 'sla-report');
      const download = admin.waitForEvent('download');
      await admin.getByRole('button', { name: 'Download PDF' }).click();
      expect((await download).suggestedFilename()).toBe('sla-2026-03.pdf');
    });

    it('an anonymous visitor reads the public status page, with a text for each daily bar', async () => {
      const visitor = await rig.visitor();
      await visitor.goto(`${rig.server.baseUrl}/status/hosting-be`);
      await visitor.getByRole('heading', { name: 'Hosting — service status' }).waitFor();
      const monitor = visitor.getByTestId('status-monitor').filter({ hasText: name });
      await monitor.waitFor();
      const bars = monitor.getByRole('list', { name: `${name}: availability over the last 90 days` });
      await expect(bars.getByRole('listitem').count()).resolves.toBe(90);
      await expect(bars.getByRole('listitem').last().textContent()).resolves.toMatch(
        /2 Mar 2026: (100\.00|no data)/,
      );
      await expect(visitor.getByTestId('status-summary').textContent()).resolves.toContain(
        'All services are operating normally',
      );
      await visitor.getByText('Storefront database upgrade').first().waitFor();
      // Nothing private: no organization, no push URL, no sign-in form.
      const text = (await visitor.textContent('body')) ?? '';
      expect(text).not.toMatch(/Pro Org|heartbeats|Sign in/);
      await inspect(visitor, 'status');
    });

    it('lays the status page out right to left in Arabic', async () => {
      const visitor = await rig.visitor({ locale: 'ar' });
      await visitor.goto(`${rig.server.baseUrl}/status/hosting-be?lang=ar`);
      await visitor.getByRole('heading', { name: 'Hosting — حالة الخدمات' }).waitFor();
      expect(
        await visitor.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
      ).toEqual(['ar', 'rtl']);
      await visitor.getByRole('list', { name: `${name}: التوفر خلال آخر 90 يومًا` }).waitFor();
      await inspect(visitor, 'status-ar');
    });

    it('the client sees its own site, the announced maintenance and its report', async () => {
      const client = await rig.signedIn('pro@acme.test');
      await client.getByRole('link', { name: 'Availability' }).click();
      await client.getByRole('heading', { name: 'Availability of your sites' }).waitFor();
      await client.getByRole('link', { name }).first().waitFor();
      await client.getByText('Storefront database upgrade').first().waitFor();
      await client.getByRole('button', { name: 'Download CSV' }).waitFor();
      await inspect(client, 'availability-client');
    });
  },
  600_000,
);
