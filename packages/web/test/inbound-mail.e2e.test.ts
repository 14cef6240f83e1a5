/**
 * End-to-end: held inbound e-mail (issue #11) in headless Chromium against the real server on SQLite. A mail from an
 * unknown sender arrives through the real SMTP listener and is held; an agent finds it on the page, reads it, replays
 * it in vain, replays it again once an admin has added the sender as a contact, and the new ticket shows the message.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpListener } from '../../server/src/mail-inbound/smtp-listener.ts';
import { PASSWORD } from '../../server/test/server-harness.ts';
import { browserFound, inspect, startBrowserRig, type BrowserRig } from './browser-harness.ts';

describe.skipIf(!browserFound)(
  'held inbound e-mail page (Chromium, SQLite, real SMTP listener)',
  () => {
    let rig: BrowserRig;
    let listener: Awaited<ReturnType<typeof startSmtpListener>>;
    let transport: nodemailer.Transporter;
    beforeAll(async () => {
      rig = await startBrowserRig();
      listener = await startSmtpListener(rig.server.inbound, {
        port: 0,
        host: '127.0.0.1',
        maxBytes: 1024 * 1024,
      });
      transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: listener.port,
        secure: false,
        ignoreTLS: true,
      });
    }, 120_000);
    afterAll(async () => {
      transport?.close();
      await listener?.close();
      await rig?.close();
    });

    /** Sends through SMTP; the stored message's id once it has been processed. */
    async function send(mail: nodemailer.SendMailOptions): Promise<string> {
      const info = (await transport.sendMail(mail)) as { response: string };
      const id = /stored as ([0-9a-f-]{36})/.exec(info.response)?.[1];
      if (id === undefined) throw new Error(`no id in ${info.response}`);
      await expect
        .poll(
          async () =>
            (
              await rig.server.testDb.handle.db
                .selectFrom('inbound_mail')
                .select('status')
                .where('id', '=', id)
                .executeTakeFirstOrThrow()
            ).status,
          { timeout: 15_000 },
        )
        .not.toMatch(/^(received|processing)$/);
      return id;
    }

    it('an agent replays a stranger’s mail once the sender is a contact, and the ticket shows the message', async () => {
      const subject = 'Order page blank since this morning';
      const body = 'Hello,\nthe order page of shop.example shows a blank page since 8:00.\nRegards, Nora';
      await send({
        from: 'Nora Shop <nora@shop.example>',
        to: 'support+hosting-be@desk.example',
        subject,
        text: body,
        attachments: [{ filename: 'screen.txt', content: 'blank', contentType: 'text/plain' }],
      });

      const page = await rig.signedIn('agent@acme.test');
      await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Held e-mail' }).click();
      const table = page.getByTestId('inbound-mail');
      const row = table.getByRole('row').filter({ hasText: subject });
      await row.waitFor();
      await expect.poll(() => row.innerText()).toContain('nora@shop.example');
      await expect.poll(() => row.innerText()).toContain('Unknown sender');
      await inspect(page, 'inbound-mail-list');

      await row.getByRole('link', { name: `Read: ${subject}` }).click();
      await page.getByRole('heading', { name: subject }).waitFor();
      await expect.poll(() => page.getByTestId('inbound-text').innerText()).toContain('shows a blank page');
      await expect.poll(() => page.getByTestId('inbound-files').innerText()).toContain('screen.txt');
      await inspect(page, 'inbound-mail-message');

      // Replayed before anyone knows the sender: still held, and the page says why.
      await page.getByRole('button', { name: 'Replay', exact: true }).click();
      await expect.poll(() => page.getByTestId('outcome').innerText()).toContain('Still held');

      // An admin adds the sender as a contact of the Pro organization (its plan takes e-mail).
      const admin = await rig.server.login('admin@acme.test');
      const added = await rig.server.request(
        'POST',
        '/api/v1/users',
        {
          email: 'nora@shop.example',
          name: 'Nora Shop',
          password: PASSWORD,
          role: 'client',
          organizationId: rig.server.fixture.hosting.pro,
        },
        { token: admin, workspace: 'hosting-be' },
      );
      expect(added.status, added.text).toBe(201);

      await page.getByRole('button', { name: 'Replay', exact: true }).click();
      await expect.poll(() => page.getByTestId('outcome').innerText()).toContain('Applied');
      await expect
        .poll(() => page.getByTestId('inbound-history').innerText())
        .toMatch(/Replayed by agent.*\n.*Replayed by agent/);
      await page.getByTestId('outcome').getByRole('link', { name: 'Open the ticket' }).click();
      await page.getByRole('heading', { name: subject }).waitFor();
      await expect.poll(() => page.locator('main').innerText()).toContain('shows a blank page since 8:00');

      // Applied once: the list of held mail no longer has it.
      await page.goto(`${rig.server.baseUrl}/inbound-mail`);
      await page.getByRole('heading', { name: 'Held e-mail' }).waitFor();
      await expect.poll(() => page.getByText(subject).count()).toBe(0);
    });

    it('a client following the link gets no page, and the menu offers it to staff only', async () => {
      const page = await rig.signedIn('pro@acme.test');
      const menu = page.getByRole('navigation', { name: 'Menu' });
      expect(await menu.getByRole('link', { name: 'Held e-mail' }).count()).toBe(0);
      await page.goto(`${rig.server.baseUrl}/inbound-mail`);
      await page.getByTestId('staff-only').waitFor();
      expect(await page.getByTestId('inbound-mail').count()).toBe(0);
    });
  },
  300_000,
);
