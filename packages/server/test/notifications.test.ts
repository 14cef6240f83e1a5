import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, itemsOf, startTestServer, ticketOf, type TestServer } from './server-harness.ts';

/** A real SMTP peer in-process: every message it accepts, parsed by mailparser. */
async function startSmtp() {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const ticketBody = (subject: string, priority = 'P1') => ({
  subject,
  description: 'details',
  priority,
  category: 'hosting',
  channel: 'ticket',
});

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'notifications: e-mail over SMTP, in-app, metrics', () => {
    let server: TestServer;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    let dataDir: string;
    beforeAll(async () => {
      smtp = await startSmtp();
      dataDir = mkdtempSync(join(tmpdir(), 'accord-mail-'));
      vi.stubEnv('ACCORD_DATA_DIR', dataDir);
      vi.stubEnv('ACCORD_SMTP_URL', smtp.url);
      vi.stubEnv('ACCORD_MAIL_FROM', 'Accord Support <support@desk.example>');
      vi.stubEnv('ACCORD_PUBLIC_URL', 'https://desk.example');
      vi.stubEnv('ACCORD_METRICS_TOKEN', '');
      server = await startTestServer(dialect);
      vi.unstubAllEnvs();
    });
    afterAll(async () => {
      await server?.close();
      await smtp?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('acknowledges a new ticket by mail in French, with its due instant in Brussels time, and resends under the same Message-ID', async () => {
      const client = await server.login('pro@acme.test');
      const ticket = ticketOf(
        await server.request('POST', '/api/v1/tickets', ticketBody('Boutique en panne'), { token: client }),
      );
      await server.background.dispatcher.runOnce();
      const toText = (m: (typeof smtp.received)[number]) => (m.to && !Array.isArray(m.to) ? m.to.text : '');
      const about = smtp.received.filter((m) => m.subject?.includes('Boutique en panne'));
      // The requester's acknowledgement, and (the presets' escalation rule for a new P1) one to the agent.
      expect(about.map(toText).sort()).toEqual(['agent@acme.test', 'pro@acme.test']);
      const mails = about.filter((m) => toText(m) === 'pro@acme.test');
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      const reference = ticket.id.slice(0, 8).toUpperCase();
      expect(mail.subject).toBe(`[#${reference}] Demande reçue : Boutique en panne`);
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('pro@acme.test');
      expect(mail.from?.value[0]).toMatchObject({ name: 'Accord Support', address: 'support@desk.example' });
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      // Monday 2 March 09:00 in Brussels + 4 business hours (Pro GTI): 13:00 Brussels.
      expect(mail.text).toContain('lundi 2 mars 2026');
      expect(mail.text).toContain('13:00 (Europe/Brussels), 4 h ouvrées');
      expect(mail.text).toContain(`https://desk.example/tickets/${ticket.id}`);
      expect(String(mail.html)).toContain('<html dir="ltr" lang="fr">');
      expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@desk\.example>$/);

      // A crash after the SMTP server accepted the mail but before the delivery was recorded: sent again, same id.
      const db = server.testDb.handle.db;
      const delivery = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('channel', '=', 'email')
        .where('target', '=', 'pro@acme.test')
        .executeTakeFirstOrThrow();
      expect(delivery).toMatchObject({ status: 'sent', external_id: mail.messageId });
      await db
        .updateTable('deliveries')
        .set({ status: 'sending', lease_until: server.clock.nowMs() - 1 })
        .where('id', '=', delivery.id)
        .execute();
      await server.background.dispatcher.runOnce();
      const toPro = () =>
        smtp.received.filter(
          (m) => m.subject?.includes('Boutique en panne') && toText(m) === 'pro@acme.test',
        );
      const again = toPro();
      expect(again).toHaveLength(2);
      expect(again[1]?.messageId).toBe(mail.messageId);
      await server.background.dispatcher.runOnce();
      expect(toPro()).toHaveLength(2);
    });

    it('writes to an Arabic-speaking workspace right to left, in Riyadh time', async () => {
      const client = await server.login('cclient@acme.test');
      const ticket = ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          { ...ticketBody('تعذر الدخول'), category: 'application' },
          { token: client },
        ),
      );
      await server.background.dispatcher.runOnce();
      const about = smtp.received.filter((m) => m.subject?.includes('تعذر الدخول'));
      const to = (m: (typeof about)[number]) => (m.to && !Array.isArray(m.to) ? m.to.text : '');
      // The requester's acknowledgement; staff alerted by the escalation rules read "طلب جديد" (new request).
      const mail = about.find((m) => to(m).includes('cclient@acme.test'));
      expect(mail?.subject).toBe(`[#${ticket.id.slice(0, 8).toUpperCase()}] تم استلام طلبك: تعذر الدخول`);
      expect(about.filter((m) => !to(m).includes('cclient@acme.test')).map((m) => m.subject)).toSatisfy(
        (subjects: unknown[]) => subjects.every((s) => String(s).includes('طلب جديد')),
      );
      expect(String(mail?.html)).toContain('<html dir="rtl" lang="ar">');
      expect(mail?.text).toContain('(Asia/Riyadh)');
    });

    it('lists in-app notifications unread first, for their user and workspace only, and marks them read', async () => {
      const client = await server.login('classique@acme.test');
      const other = await server.login('start@acme.test');
      const first = ticketOf(
        await server.request('POST', '/api/v1/tickets', ticketBody('Premier', 'P3'), { token: client }),
      );
      server.clock.advance(1000);
      const second = ticketOf(
        await server.request('POST', '/api/v1/tickets', ticketBody('Second', 'P3'), { token: client }),
      );
      await server.background.dispatcher.runOnce();
      let items = itemsOf(await server.request('GET', '/api/v1/notifications', undefined, { token: client }));
      expect(items.map((n) => [n['ticketId'], n['readAt']])).toEqual([
        [second.id, null],
        [first.id, null],
      ]);
      expect(String(items[0]?.['title'])).toContain('Demande reçue : Second');
      const newest = String(items[0]?.['id']);
      expect(
        errorOf(
          await server.request('POST', `/api/v1/notifications/${newest}/read`, undefined, { token: other }),
        ).code,
      ).toBe('NOTIFICATION_NOT_FOUND');
      expect(
        (await server.request('POST', `/api/v1/notifications/${newest}/read`, undefined, { token: client }))
          .status,
      ).toBe(204);
      items = itemsOf(await server.request('GET', '/api/v1/notifications', undefined, { token: client }));
      expect(items.map((n) => n['ticketId'])).toEqual([first.id, second.id]);
      expect(items[1]?.['readAt']).not.toBeNull();
      expect(
        itemsOf(await server.request('GET', '/api/v1/notifications', undefined, { token: other })),
      ).toEqual([]);
    });

    it('serves /metrics to loopback clients only when no token is set', async () => {
      await server.background.scheduler.runOnce();
      const res = await server.request('GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      for (const name of [
        'accord_jobs_due',
        'accord_jobs_fired_total',
        'accord_job_lateness_seconds',
        'accord_outbox_backlog{stage="outbox"}',
        'accord_deliveries{channel="email",status="sent"}',
        'accord_delivery_attempts_total{channel="email",outcome="sent"}',
        'accord_http_request_duration_seconds_bucket',
      ])
        expect(res.text).toContain(name);
      const remote = await server.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: '203.0.113.9',
      });
      expect(remote.statusCode).toBe(403);
      const spoofed = await server.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: '203.0.113.9',
        headers: { 'x-forwarded-for': '127.0.0.1' },
      });
      expect(spoofed.statusCode).toBe(403);
    });
  });

  describeDialect(dialect, 'notifications: without SMTP, and /metrics with a token', () => {
    let server: TestServer;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'accord-mail-'));
      vi.stubEnv('ACCORD_DATA_DIR', dataDir);
      vi.stubEnv('ACCORD_SMTP_URL', '');
      vi.stubEnv('ACCORD_METRICS_TOKEN', 'metrics-secret-token');
      server = await startTestServer(dialect);
      vi.unstubAllEnvs();
    });
    afterAll(async () => {
      await server?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('writes each message as an .eml file under the data directory and says so', async () => {
      expect(server.background.emailDescription).toContain(join(dataDir, 'mail'));
      const client = await server.login('pro@acme.test');
      ticketOf(await server.request('POST', '/api/v1/tickets', ticketBody('Sauvegarde'), { token: client }));
      await server.background.dispatcher.runOnce();
      const dir = join(dataDir, 'mail');
      expect(existsSync(dir)).toBe(true);
      const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
      // The requester's acknowledgement and the new-P1 escalation to the agent: one file each.
      expect(files).toHaveLength(2);
      const parsed = await Promise.all(
        files.map(async (f) => ({ f, mail: await simpleParser(readFileSync(join(dir, f))) })),
      );
      const ack = parsed.find(
        ({ mail }) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '') === 'pro@acme.test',
      );
      expect(ack).toBeDefined();
      expect(ack!.mail.subject).toMatch(/Demande reçue : Sauvegarde$/);
      expect(ack!.mail.messageId).toBe(`<${ack!.f.replace(/\.eml$/, '')}@localhost>`);
    });

    it('needs the bearer token', async () => {
      expect((await server.request('GET', '/metrics')).status).toBe(401);
      expect(
        (await server.request('GET', '/metrics', undefined, { token: 'metrics-secret-tokem' })).status,
      ).toBe(401);
      const ok = await server.request('GET', '/metrics', undefined, { token: 'metrics-secret-token' });
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('accord_outbox_backlog');
      const remote = await server.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress: '203.0.113.9',
        headers: { authorization: 'Bearer metrics-secret-token' },
      });
      expect(remote.statusCode).toBe(200);
    });
  });
}
