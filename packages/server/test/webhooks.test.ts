import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, itemsOf, objectOf, startTestServer, ticketOf, type TestServer } from './server-harness.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local webhook receiver: records every request, answers what `statusFor` says. */
async function startReceiver(statusFor: (request: Received, index: number) => number) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      res.writeHead(statusFor(entry, received.length - 1)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: (path: string) => `http://127.0.0.1:${address.port}${path}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const createdSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  secret: z.string(),
});
const hosting = { workspace: 'hosting-be' };
const newTicket = {
  subject: 'Shop down',
  description: 'HTTP 500 on checkout',
  priority: 'P1',
  category: 'hosting',
  channel: 'ticket',
};

function standardHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return {
    'webhook-id': String(headers['webhook-id']),
    'webhook-timestamp': String(headers['webhook-timestamp']),
    'webhook-signature': String(headers['webhook-signature']),
  };
}

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'webhooks: server-side request forgery guard', () => {
    let server: TestServer;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'accord-webhooks-'));
      vi.stubEnv('ACCORD_DATA_DIR', dataDir);
      vi.stubEnv('ACCORD_WEBHOOK_ALLOW_PRIVATE', 'false');
      server = await startTestServer(dialect);
      vi.unstubAllEnvs();
    });
    afterAll(async () => {
      await server?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('refuses loopback, private and link-local targets at creation, and only admins create', async () => {
      const admin = await server.login('admin@acme.test');
      const agent = await server.login('agent@acme.test');
      const asAgent = await server.request(
        'POST',
        '/api/v1/webhooks',
        { url: 'https://93.184.216.34/h', events: ['*'] },
        { token: agent },
      );
      expect(asAgent.status).toBe(403);
      for (const url of [
        'http://127.0.0.1:9/hook',
        'http://localhost/hook',
        'http://[::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://[::ffff:a9fe:a9fe]/latest/meta-data',
        'http://10.0.0.5/hook',
        'http://192.168.1.1/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[fe80::1]/hook',
        'http://[fd00::1]/hook',
      ]) {
        const res = await server.request(
          'POST',
          '/api/v1/webhooks',
          { url, events: ['*'] },
          { token: admin, ...hosting },
        );
        expect([url, res.status, errorOf(res).code]).toEqual([url, 422, 'WEBHOOK_TARGET_FORBIDDEN']);
      }
      const ftp = await server.request(
        'POST',
        '/api/v1/webhooks',
        { url: 'ftp://93.184.216.34/', events: ['*'] },
        { token: admin, ...hosting },
      );
      expect(ftp.status).toBe(400);
      const unknownEvent = await server.request(
        'POST',
        '/api/v1/webhooks',
        { url: 'https://93.184.216.34/', events: ['ticket.exploded'] },
        { token: admin, ...hosting },
      );
      expect(unknownEvent.status).toBe(400);
    });

    it('checks the address again at delivery time (a name that now resolves to this host is not called)', async () => {
      const admin = await server.login('admin@acme.test');
      const client = await server.login('pro@acme.test');
      const receiver = await startReceiver(() => 200);
      try {
        const created = await server.request(
          'POST',
          '/api/v1/webhooks',
          { url: 'http://93.184.216.34/hook', events: ['*'] },
          { token: admin, ...hosting },
        );
        expect(created.status).toBe(201);
        const hook = createdSchema.parse(created.body);
        // What DNS rebinding achieves: the checked target now points at loopback.
        await server.testDb.handle.db
          .updateTable('webhooks')
          .set({ url: receiver.url('/rebound') })
          .where('id', '=', hook.id)
          .execute();
        ticketOf(await server.request('POST', '/api/v1/tickets', newTicket, { token: client }));
        await server.background.dispatcher.runOnce();
        expect(receiver.received).toEqual([]);
        const deliveries = itemsOf(
          await server.request('GET', `/api/v1/webhooks/${hook.id}/deliveries`, undefined, {
            token: admin,
            ...hosting,
          }),
        );
        expect(deliveries).toHaveLength(1);
        expect(deliveries[0]).toMatchObject({ eventType: 'ticket.created', status: 'pending', attempts: 1 });
        expect(String(deliveries[0]?.['lastError'])).toMatch(/loopback, private or link-local/);
      } finally {
        await receiver.close();
      }
    });
  });

  describeDialect(dialect, 'webhooks: Standard Webhooks deliveries', () => {
    let server: TestServer;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'accord-webhooks-'));
      vi.stubEnv('ACCORD_DATA_DIR', dataDir);
      vi.stubEnv('ACCORD_WEBHOOK_ALLOW_PRIVATE', 'true');
      // Real time: the receiver's library refuses signatures more than five minutes from its own clock.
      server = await startTestServer(dialect, { startMs: Date.now() });
      vi.unstubAllEnvs();
    });
    afterAll(async () => {
      await server?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('signs each delivery, retries a failure under the same webhook-id, and shows the secret only once', async () => {
      const admin = await server.login('admin@acme.test');
      const client = await server.login('pro@acme.test');
      const receiver = await startReceiver((_r, index) => (index === 0 ? 500 : 204));
      try {
        const res = await server.request(
          'POST',
          '/api/v1/webhooks',
          { url: receiver.url('/created'), events: ['ticket.created'], description: 'CRM' },
          { token: admin, ...hosting },
        );
        expect(res.status).toBe(201);
        const hook = createdSchema.parse(res.body);
        expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
        expect(Buffer.from(hook.secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
        const other = createdSchema.parse(
          (
            await server.request(
              'POST',
              '/api/v1/webhooks',
              { url: receiver.url('/breaches'), events: ['sla.breached'] },
              { token: admin, ...hosting },
            )
          ).body,
        );
        const listed = await server.request('GET', '/api/v1/webhooks', undefined, {
          token: admin,
          ...hosting,
        });
        expect(listed.text).not.toContain(hook.secret.slice(6));
        expect(listed.text).not.toContain('secret');
        const stored = await server.testDb.handle.db
          .selectFrom('webhooks')
          .select('secret_enc')
          .where('id', '=', hook.id)
          .executeTakeFirstOrThrow();
        expect(stored.secret_enc).not.toContain(hook.secret.slice(6));

        const ticket = ticketOf(
          await server.request('POST', '/api/v1/tickets', newTicket, { token: client }),
        );
        await server.background.dispatcher.runOnce();
        expect(receiver.received).toHaveLength(1);
        let deliveries = itemsOf(
          await server.request('GET', `/api/v1/webhooks/${hook.id}/deliveries`, undefined, {
            token: admin,
            ...hosting,
          }),
        );
        expect(deliveries[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500' });
        server.clock.advance(4_999);
        await server.background.dispatcher.runOnce();
        expect(receiver.received).toHaveLength(1);
        server.clock.advance(1);
        await server.background.dispatcher.runOnce();
        expect(receiver.received).toHaveLength(2);

        const verifier = new Webhook(hook.secret);
        const [first, second] = receiver.received;
        expect(first?.headers['webhook-id']).toBe(deliveries[0]?.['id']);
        expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
        expect(second?.body).toBe(first?.body);
        for (const r of receiver.received) {
          expect(r.path).toBe('/created');
          const payload = z
            .object({
              type: z.string(),
              timestamp: z.string(),
              data: z.object({ ticketId: z.string() }).loose(),
            })
            .parse(verifier.verify(r.body, standardHeaders(r.headers)));
          expect(payload).toMatchObject({ type: 'ticket.created', data: { ticketId: ticket.id } });
        }
        expect(
          objectOf({ status: 200, headers: new Headers(), text: '', body: JSON.parse(first?.body ?? '{}') })
            .data,
        ).toMatchObject({ ticket: { id: ticket.id, subject: 'Shop down' } });
        // A forged signature is refused by the same library: the check above is a real one.
        expect(() =>
          new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(
            first?.body ?? '',
            standardHeaders(first?.headers ?? {}),
          ),
        ).toThrow();

        deliveries = itemsOf(
          await server.request('GET', `/api/v1/webhooks/${hook.id}/deliveries`, undefined, {
            token: admin,
            ...hosting,
          }),
        );
        expect(deliveries[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
        const none = itemsOf(
          await server.request('GET', `/api/v1/webhooks/${other.id}/deliveries`, undefined, {
            token: admin,
            ...hosting,
          }),
        );
        expect(none).toEqual([]);

        const deleted = await server.request('DELETE', `/api/v1/webhooks/${hook.id}`, undefined, {
          token: admin,
          ...hosting,
        });
        expect(deleted.status).toBe(204);
        expect(
          (
            await server.request('GET', `/api/v1/webhooks/${hook.id}/deliveries`, undefined, {
              token: admin,
              ...hosting,
            })
          ).status,
        ).toBe(404);
        // Another workspace's admin view does not show it either.
        const elsewhere = await server.request('DELETE', `/api/v1/webhooks/${other.id}`, undefined, {
          token: admin,
          workspace: 'consulting-sa',
        });
        expect(elsewhere.status).toBe(404);
      } finally {
        await receiver.close();
      }
    });

    it('disables a webhook after a day of failures, with the reason, and its delivery goes dead', async () => {
      const admin = await server.login('admin@acme.test');
      const client = await server.login('pro@acme.test');
      const receiver = await startReceiver(() => 503);
      try {
        const hook = createdSchema.parse(
          (
            await server.request(
              'POST',
              '/api/v1/webhooks',
              { url: receiver.url('/down'), events: ['*'] },
              { token: admin, ...hosting },
            )
          ).body,
        );
        ticketOf(await server.request('POST', '/api/v1/tickets', newTicket, { token: client }));
        for (let i = 0; i < 12; i++) {
          await server.background.dispatcher.runOnce();
          server.clock.advance(11 * 3_600_000);
        }
        const listed = itemsOf(
          await server.request('GET', '/api/v1/webhooks', undefined, { token: admin, ...hosting }),
        );
        const row = listed.find((w) => w['id'] === hook.id);
        expect(row).toMatchObject({ enabled: false });
        expect(String(row?.['disabledReason'])).toMatch(/^failing since .*; last error: HTTP 503$/);
        const deliveries = itemsOf(
          await server.request('GET', `/api/v1/webhooks/${hook.id}/deliveries`, undefined, {
            token: admin,
            ...hosting,
          }),
        );
        expect(deliveries.map((d) => d['status'])).toEqual(['dead']);
        // Failures at 0 s, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h (past a day with the next): the rest are not sent.
        const calls = receiver.received.filter((r) => r.path === '/down').length;
        expect(calls).toBeGreaterThanOrEqual(3);
        expect(calls).toBeLessThanOrEqual(8);
        // A disabled webhook gets no new deliveries.
        ticketOf(await server.request('POST', '/api/v1/tickets', newTicket, { token: client }));
        await server.background.dispatcher.runOnce();
        const after = itemsOf(
          await server.request('GET', `/api/v1/webhooks/${hook.id}/deliveries`, undefined, {
            token: admin,
            ...hosting,
          }),
        );
        expect(after).toHaveLength(1);
      } finally {
        await receiver.close();
      }
    });
  });
}
