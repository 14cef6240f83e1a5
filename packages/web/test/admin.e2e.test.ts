/**
 * End-to-end: the administration pages in headless Chromium against the real server on SQLite
 * (browser-harness.ts): organizations and contracts, users, webhooks (secret shown once), API tokens, and that
 * nobody but an admin gets an admin page.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  browserFound,
  choose,
  DESKTOP,
  inspect,
  PHONE,
  startBrowserRig,
  type BrowserRig,
} from './browser-harness.ts';

describe.skipIf(!browserFound)(
  'admin pages end to end (Chromium, SQLite)',
  () => {
    let rig: BrowserRig;
    let admin: Page;
    /** A real webhook receiver on loopback (allowed for this server only): answers 500, so deliveries retry. */
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(500).end();
      });
    });
    let hookUrl = '';
    const url = (path: string) => `${rig.server.baseUrl}${path}`;
    /** A Mantine Select: open it by its label, pick the option. */
    const chooseIn = async (page: Page, label: string, option: string) => {
      await choose(page, page.getByRole('textbox', { name: label, exact: true }), option);
    };

    /** axe and screenshots, then: nothing wider than a 360 px phone (the widest offenders named on failure). */
    const check = async (page: Page, name: string) => {
      await inspect(page, name);
      await page.setViewportSize(PHONE);
      const wide = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return [];
        if (document.documentElement.dir === 'rtl')
          return [`scrollWidth ${document.documentElement.scrollWidth}`];
        return [...document.querySelectorAll('body *')]
          .filter((e) => e.closest('nav') === null && e.getBoundingClientRect().right > width + 1)
          .slice(-5)
          .map((e) => `${e.tagName}.${e.className}`);
      });
      await page.setViewportSize(DESKTOP);
      expect(wide, `${name} at 360 px`).toEqual([]);
    };

    beforeAll(async () => {
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/accord-hook`;
      vi.stubEnv('ACCORD_WEBHOOK_ALLOW_PRIVATE', 'true');
      rig = await startBrowserRig();
      admin = await rig.signedIn('admin@acme.test', 'hosting-be');
    }, 120_000);

    afterAll(async () => {
      vi.unstubAllEnvs();
      receiver.close();
      await rig?.close();
    });

    it('an admin creates an organization with a Sur Mesure contract, told first that it needs its calendar', async () => {
      await admin.goto(url('/admin/organizations'));
      await admin.getByRole('link', { name: 'Pro Org', exact: true }).waitFor();
      await check(admin, 'admin-organizations');
      await admin.getByRole('button', { name: 'New organization' }).click();
      await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Brasserie Lumière');
      await admin.getByLabel('Contact name').fill('Léa Martin');
      await admin.getByLabel('Contact e-mail').fill('lea@brasserie.example');
      await chooseIn(admin, 'Plan', 'Custom');
      await admin.getByRole('button', { name: 'Save', exact: true }).click();
      // The server refuses a Sur Mesure contract without its calendar: said on the field, with the server's code.
      const refusal = admin.getByRole('alert').filter({ hasText: 'CONTRACT_CALENDAR_REQUIRED' });
      await refusal.waitFor();
      await admin.getByText('choose its calendar').waitFor();
      await check(admin, 'admin-organization-refused');
      await chooseIn(
        admin,
        'Extended-hours calendar',
        'Sur Mesure Org extended hours (sur-mesure-org-hours)',
      );
      await admin.getByRole('button', { name: 'Save', exact: true }).click();
      await admin.getByText('Organization Brasserie Lumière created').waitFor();
      const row = admin
        .getByTestId('organizations')
        .getByRole('row')
        .filter({ hasText: 'Brasserie Lumière' });
      await expect(row.textContent()).resolves.toContain('Custom');

      await row.getByRole('link', { name: 'Brasserie Lumière' }).click();
      await admin.getByRole('heading', { name: 'Brasserie Lumière', level: 1 }).waitFor();
      const contracts = admin.getByTestId('contracts');
      await expect(contracts.textContent()).resolves.toContain('sur-mesure-org-hours');
      await expect(contracts.textContent()).resolves.toContain('In force');
      await expect(admin.getByTestId('contacts').textContent()).resolves.toContain('lea@brasserie.example');
      await check(admin, 'admin-organization');

      const api = await rig.server.request('GET', '/api/v1/organizations', undefined, {
        token: await rig.server.login('admin@acme.test'),
        workspace: 'hosting-be',
      });
      const created = (
        api.body as { items: { name: string; contract: { plan: string } | null }[] }
      ).items.find((o) => o.name === 'Brasserie Lumière');
      expect(created?.contract?.plan).toBe('sur-mesure');
    });

    it('an admin creates a client user of that organization, then changes a role', async () => {
      await admin.goto(url('/admin/users'));
      await admin.getByTestId('users').getByText('pro@acme.test').waitFor();
      await check(admin, 'admin-users');
      await admin.getByRole('button', { name: 'New user' }).click();
      await admin.getByRole('textbox', { name: 'E-mail', exact: true }).fill('chef@brasserie.example');
      await admin.getByRole('textbox', { name: 'Name', exact: true }).fill('Chef Lumière');
      await admin.getByLabel('Initial password').fill('short');
      await chooseIn(admin, 'Organization', 'Brasserie Lumière');
      await admin.getByRole('button', { name: 'Save', exact: true }).click();
      await admin.getByRole('alert').filter({ hasText: 'WEAK_PASSWORD' }).waitFor();
      await admin.getByLabel('Initial password').fill('a long enough password');
      await admin.getByRole('button', { name: 'Save', exact: true }).click();
      await admin.getByText('User chef@brasserie.example created').waitFor();
      const row = admin.getByTestId('users').getByRole('row').filter({ hasText: 'chef@brasserie.example' });
      await expect(
        row.getByRole('textbox', { name: 'Organization of Chef Lumière' }).inputValue(),
      ).resolves.toBe('Brasserie Lumière');
      // The new account signs in with the initial password.
      expect(
        (await rig.server.login('chef@brasserie.example', 'a long enough password')).length,
      ).toBeGreaterThan(0);

      // Moved to another organization from the list.
      await chooseIn(admin, 'Organization of Chef Lumière', 'Pro Org');
      await admin.getByText('User updated').waitFor();
      const moved = await rig.server.request('GET', '/api/v1/users?role=client', undefined, {
        token: await rig.server.login('admin@acme.test'),
        workspace: 'hosting-be',
      });
      const chef = (moved.body as { items: { email: string; organizationId: string }[] }).items.find(
        (u) => u.email === 'chef@brasserie.example',
      );
      const orgs = await rig.server.request('GET', '/api/v1/organizations', undefined, {
        token: await rig.server.login('admin@acme.test'),
        workspace: 'hosting-be',
      });
      const pro = (orgs.body as { items: { id: string; name: string }[] }).items.find(
        (o) => o.name === 'Pro Org',
      );
      expect(chef?.organizationId).toBe(pro?.id);

      // An agent made a client without an organization: the server's refusal is shown.
      await chooseIn(admin, 'Role of agent', 'Client');
      await admin.getByRole('alert').filter({ hasText: 'VALIDATION_FAILED' }).waitFor();
    });

    it('an admin creates a webhook and sees its secret once, then its deliveries', async () => {
      await admin.goto(url('/admin/webhooks'));
      await admin.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await admin.getByLabel('URL').fill('https://user:secret@example.com/hook');
      await admin.getByRole('button', { name: 'New webhook' }).click();
      await admin.getByRole('alert').filter({ hasText: 'WEBHOOK_TARGET_FORBIDDEN' }).waitFor();
      await admin.getByLabel('URL').fill(hookUrl);
      await admin.getByLabel('Description').fill('ERP bridge');
      await admin.getByRole('button', { name: 'New webhook' }).click();
      const secret = (await admin.getByTestId('secret-value').textContent()) ?? '';
      expect(secret).toMatch(/^whsec_/);
      await admin.getByRole('button', { name: 'Copy' }).waitFor();
      await admin.getByTestId('webhooks').getByText(hookUrl).waitFor();
      await check(admin, 'admin-webhooks');
      await admin.getByRole('button', { name: 'I have copied it' }).click();
      await admin.reload();
      await admin.getByTestId('webhooks').getByText(hookUrl).waitFor();
      expect(await admin.getByTestId('secret-once').count()).toBe(0);
      expect(await admin.content()).not.toContain('whsec_');

      // A ticket makes a delivery; the receiver answers 500, so it waits for its retry.
      const opened = await rig.server.request(
        'POST',
        '/api/v1/tickets',
        {
          subject: 'Shop down',
          description: 'HTTP 500 on checkout',
          priority: 'P2',
          category: 'hosting',
          channel: 'ticket',
        },
        { token: await rig.server.login('pro@acme.test') },
      );
      expect(opened.status).toBe(201);
      await rig.server.background.dispatcher.runOnce();
      expect(received).toHaveLength(1);
      // The secret shown once is the one the deliveries are signed with (Standard Webhooks).
      const { headers, body } = received[0]!;
      const signed = `${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`;
      const signature = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
        .update(signed)
        .digest('base64');
      expect(String(headers['webhook-signature']).split(' ')).toContain(`v1,${signature}`);

      await admin.getByRole('link', { name: `Deliveries of ${hookUrl}` }).click();
      await admin.getByRole('heading', { name: 'Deliveries', level: 1 }).waitFor();
      const row = admin.getByTestId('deliveries').locator('tbody tr').first();
      await row.getByText('Ticket created').waitFor();
      await expect(row.textContent()).resolves.toMatch(/Pending.*1/);
      await expect(row.textContent()).resolves.toContain('HTTP 500');
      await check(admin, 'admin-deliveries');

      await admin.goto(url('/admin/webhooks'));
      await admin.getByRole('button', { name: `Delete the webhook ${hookUrl}` }).click();
      await admin.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      await admin.getByText('No webhook.').waitFor();
    });

    it('an admin creates an API token (shown once, works), then revokes it', async () => {
      await admin.goto(url('/admin/tokens'));
      await admin.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
      await admin.getByLabel('Token name').fill('monitoring export');
      await admin.getByLabel('Expires in (days)').fill('30');
      await admin.getByRole('button', { name: 'Create the token' }).click();
      const token = (await admin.getByTestId('secret-value').textContent()) ?? '';
      expect(token.length).toBeGreaterThan(20);
      const me = () => rig.server.request('GET', '/api/v1/me', undefined, { token });
      expect((await me()).status).toBe(200);
      await check(admin, 'admin-tokens');
      await admin.getByRole('button', { name: 'Revoke the token monitoring export' }).click();
      await admin.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
      const row = admin.getByTestId('tokens').getByRole('row').filter({ hasText: 'monitoring export' });
      await row.getByText('Revoked').waitFor();
      expect((await me()).status).toBe(401);
    });

    it('an agent or a client following an admin URL gets no admin page', async () => {
      for (const [email, path] of [
        ['agent@acme.test', '/admin/users'],
        ['pro@acme.test', '/admin/organizations'],
        ['agent@acme.test', '/admin/tokens'],
      ] as const) {
        const page = await rig.signedIn(email);
        expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
        await page.goto(url(path));
        await page.getByText('Administrators only').waitFor();
        expect(await page.getByRole('table').count()).toBe(0);
        expect(await page.getByRole('heading', { level: 1 }).count()).toBe(0);
      }
    });

    it('lays the users page out right to left in Arabic', async () => {
      await admin.goto(url('/admin/users?lang=ar'));
      await admin.getByRole('heading', { name: 'المستخدمون والأدوار' }).waitFor();
      expect(
        await admin.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
      ).toEqual(['ar', 'rtl']);
      await admin.getByTestId('users').getByText('pro@acme.test').waitFor();
      await check(admin, 'admin-users-ar');
      await admin.goto(url('/admin/organizations?lang=ar'));
      await admin.getByRole('heading', { name: 'المؤسسات', level: 1 }).waitFor();
      await check(admin, 'admin-organizations-ar');
    });
  },
  240_000,
);
