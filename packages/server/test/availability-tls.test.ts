import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { DIALECTS, describeDialect } from './dialects.ts';
import { startTestServer, type TestServer } from './server-harness.ts';

// The target is a local https server: loopback must be allowed (read when the server is built).
process.env['ACCORD_MONITOR_ALLOW_PRIVATE'] = 'true';

const DAY_MS = 86_400_000;

/** A self-signed certificate for 127.0.0.1, valid `days` from the real clock (openssl, as an operator would make one). */
function selfSigned(days: number): { key: string; cert: string; validToMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'accord-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        String(days),
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert,
      validToMs: Date.parse(new X509Certificate(cert).validTo),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const monitorOf = (body: unknown) =>
  z
    .object({
      id: z.string(),
      state: z.string(),
      tlsExpiresAt: z.string().nullable(),
      tlsExpiringSoon: z.boolean(),
    })
    .passthrough()
    .parse(body);

for (const dialect of DIALECTS)
  describeDialect(dialect, 'availability: TLS certificates', () => {
    let server: TestServer;
    let target: Server;
    let admin: string;
    let url = '';
    const tls = selfSigned(20);
    const ws = { workspace: 'hosting-be' };

    beforeAll(async () => {
      target = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
      // The clock a month before the certificate ends: not yet within the warning.
      server = await startTestServer(dialect, { startMs: tls.validToMs - 30 * DAY_MS });
      admin = await server.login('admin@acme.test');
    });
    afterAll(async () => {
      await server?.close();
      await new Promise((resolve) => target?.close(resolve));
    });

    it('records the certificate end, refuses a self-signed one as an error, and warns 14 days ahead', async () => {
      const created = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'Secure shop',
          organizationId: server.fixture.hosting.pro,
          kind: 'http',
          url,
          intervalSeconds: 30,
          timeoutSeconds: 5,
          confirmations: 1,
        },
        { token: admin, ...ws },
      );
      expect(created.status, created.text).toBe(201);
      const { id } = monitorOf(created.body);
      await server.background.scheduler.runOnce();
      await server.services.availability.runner.runOnce();

      const read = async () =>
        monitorOf(
          (await server.request('GET', `/api/v1/monitors/${id}`, undefined, { token: admin, ...ws })).body,
        );
      const checked = await read();
      expect(checked.tlsExpiresAt).toBe(new Date(tls.validToMs).toISOString());
      expect(checked.tlsExpiringSoon).toBe(false);
      // The site answers, but a browser would refuse its certificate: an error, with the reason.
      expect(checked.state).toBe('error');
      const results = z
        .object({ items: z.array(z.object({ status: z.string(), detail: z.string() })) })
        .parse(
          (await server.request('GET', `/api/v1/monitors/${id}/results`, undefined, { token: admin, ...ws }))
            .body,
        );
      expect(results.items.at(-1)).toMatchObject({ status: 'error' });
      expect(results.items.at(-1)?.detail).toMatch(/^TLS certificate refused: .*SELF_SIGNED/);

      // Ten days before the end: within the 14-day warning.
      server.clock.set(tls.validToMs - 10 * DAY_MS);
      admin = await server.login('admin@acme.test');
      expect((await read()).tlsExpiringSoon).toBe(true);
    });

    /** Runs the monitor's due check, then fans the outbox out; the deliveries of certificate warnings so far. */
    async function checkAndDispatch() {
      await server.background.scheduler.runOnce();
      await server.services.availability.runner.runOnce();
      await server.background.dispatcher.runOnce();
      const rows = await server.services.db
        .selectFrom('deliveries')
        .select(['channel', 'target', 'message_json'])
        .where('event_type', '=', 'monitor.tls-expiring')
        .orderBy('created_at')
        .orderBy('target')
        .execute();
      return rows;
    }

    it('warns the organization and the admins once per threshold, by e-mail and in-app, per their preferences', async () => {
      // The Pro client does not want deadline warnings by e-mail: in-app only for them.
      const pro = await server.login('pro@acme.test');
      const muted = await server.request(
        'PUT',
        '/api/v1/me/notification-preferences',
        { items: [{ eventType: 'sla.warning', channel: 'email', enabled: false }] },
        { token: pro, ...ws },
      );
      expect(muted.status, muted.text).toBe(200);
      const first = await checkAndDispatch();
      const users = await server.services.db
        .selectFrom('users')
        .select(['id', 'email'])
        .where('email', 'in', ['admin@acme.test', 'pro@acme.test'])
        .execute();
      const idOf = (email: string) => users.find((u) => u.email === email)?.id;
      expect(first.map((d) => `${d.channel} ${d.target}`).sort()).toEqual(
        [
          `email admin@acme.test`,
          `in-app ${idOf('admin@acme.test')}`,
          `in-app ${idOf('pro@acme.test')}`,
        ].sort(),
      );
      const mail = z
        .object({ wording: z.object({ subject: z.string(), intro: z.string() }) })
        .passthrough()
        .parse(JSON.parse(first.find((d) => d.channel === 'email')?.message_json ?? '{}'));
      // The hosting workspace writes in French; ten days are left.
      expect(mail.wording.subject).toBe('Le certificat TLS de Secure shop expire dans 10 jours');
      const inbox = z
        .object({ items: z.array(z.object({ type: z.string(), title: z.string() }).passthrough()) })
        .passthrough()
        .parse((await server.request('GET', '/api/v1/notifications', undefined, { token: pro, ...ws })).body);
      expect(inbox.items.filter((n) => n.type === 'monitor.tls-expiring')).toHaveLength(1);

      // Further checks, a day later: the 14-day warning is not sent again.
      server.clock.set(tls.validToMs - 9 * DAY_MS);
      expect(await checkAndDispatch()).toHaveLength(3);
      const warned = z
        .object({ tlsWarnings: z.array(z.object({ thresholdDays: z.number(), warnedAt: z.string() })) })
        .passthrough()
        .parse(
          (
            await server.request('GET', `/api/v1/monitors/${await monitorIdOf()}`, undefined, {
              token: pro,
              ...ws,
            })
          ).body,
        );
      expect(warned.tlsWarnings.map((w) => w.thresholdDays)).toEqual([14]);

      // Two days before the end: the 3-day warning, once.
      server.clock.set(tls.validToMs - 2 * DAY_MS);
      expect(await checkAndDispatch()).toHaveLength(6);
      server.clock.set(tls.validToMs - 2 * DAY_MS + 60_000);
      expect(await checkAndDispatch()).toHaveLength(6);
    });

    async function monitorIdOf() {
      const row = await server.services.db.selectFrom('monitors').select('id').executeTakeFirstOrThrow();
      return row.id;
    }
  });
