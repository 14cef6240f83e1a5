import { createECDH, createHmac, createDecipheriv, createPublicKey, randomBytes, verify } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createPushService } from '../src/notifications/push.service.ts';
import { createVapidKeys } from '../src/notifications/vapid-keys.ts';
import { createSecretBox } from '../src/notifications/secret-box.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, objectOf, startTestServer, ticketOf, type TestServer } from './server-harness.ts';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A push service in-process: records each POST and answers with the status its path asks for (`/gone/…`: 410). */
async function startPushEndpoint() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = req.url?.startsWith('/gone/') ? 410 : 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A browser's side of a subscription: its P-256 key pair and 16-byte auth secret (RFC 8291 §3). */
function browserKeys() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    auth,
    json: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
  };
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();

/** RFC 8188 + RFC 8291 decryption, written from the RFCs (independent of the library that encrypted). */
function decryptAes128gcm(body: Buffer, keys: ReturnType<typeof browserKeys>): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const serverPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  expect(recordSize).toBeGreaterThanOrEqual(ciphertext.length);
  const shared = keys.ecdh.computeSecret(serverPublic);
  const prkKey = hmac(keys.auth, shared);
  const keyInfo = Buffer.concat([
    Buffer.from('WebPush: info\0'),
    keys.ecdh.getPublicKey(),
    serverPublic,
    Buffer.from([1]),
  ]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01')).subarray(0, 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final(),
  ]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  expect(padded[end]).toBe(2);
  return padded.subarray(0, end).toString('utf8');
}

/** RFC 8292: `vapid t=<JWT>, k=<public key>`; the JWT is ES256 over the push service's origin. */
function verifyVapid(authorization: string | undefined, audience: string, publicKey: string) {
  const match = /^vapid t=([^,\s]+),\s*k=(\S+)$/.exec(authorization ?? '');
  expect(match, authorization).not.toBeNull();
  const [, jwt, k] = match!;
  expect(k).toBe(publicKey);
  const [header, payload, signature] = jwt!.split('.');
  const point = Buffer.from(k!, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const valid = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature!, 'base64url'),
  );
  expect(valid).toBe(true);
  expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toMatchObject({ alg: 'ES256' });
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
  expect(claims['aud']).toBe(audience);
  expect(claims['sub']).toBe('mailto:support@desk.example');
  const nowSeconds = Math.floor(Date.now() / 1000);
  expect(Number(claims['exp'])).toBeGreaterThan(nowSeconds);
  expect(Number(claims['exp'])).toBeLessThanOrEqual(nowSeconds + 24 * 3600);
}

const p1 = (subject: string) => ({
  subject,
  description: 'details',
  priority: 'P1',
  category: 'hosting',
  channel: 'ticket',
});

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'web push: VAPID, subscriptions, encrypted delivery to a real endpoint', () => {
    let server: TestServer;
    let endpoint: Awaited<ReturnType<typeof startPushEndpoint>>;
    beforeAll(async () => {
      endpoint = await startPushEndpoint();
      vi.stubEnv('ACCORD_WEBHOOK_ALLOW_PRIVATE', 'true');
      vi.stubEnv('ACCORD_MAIL_FROM', 'Accord Support <support@desk.example>');
      vi.stubEnv('ACCORD_SECRET_KEY', 'push test key');
      server = await startTestServer(dialect);
      vi.unstubAllEnvs();
    });
    afterAll(async () => {
      await server?.close();
      await endpoint?.close();
    });

    it('generates the VAPID pair once, keeps the private half sealed, and pushes an aes128gcm payload the browser decrypts', async () => {
      const agent = await server.login('agent@acme.test');
      const pro = await server.login('pro@acme.test');
      const first = objectOf(
        await server.request('GET', '/api/v1/push/vapid-public-key', undefined, { token: agent }),
      );
      const again = objectOf(
        await server.request('GET', '/api/v1/push/vapid-public-key', undefined, { token: pro }),
      );
      const publicKey = String(first['publicKey']);
      expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
      expect(again['publicKey']).toBe(publicKey);
      const stored = await server.services.db.selectFrom('server_keys').selectAll().execute();
      expect(stored).toHaveLength(1);
      expect(stored[0]!.public_key).toBe(publicKey);
      expect(stored[0]!.private_key_enc).toMatch(/^v1\./);

      const keys = browserKeys();
      const created = await server.request(
        'POST',
        '/api/v1/push/subscriptions',
        { endpoint: `${endpoint.origin}/push/agent-1`, expirationTime: null, keys: keys.json },
        { token: agent },
      );
      expect(created.status).toBe(201);
      const subscriptionId = String(objectOf(created)['id']);
      // The same browser again: the same subscription.
      const repeat = await server.request(
        'POST',
        '/api/v1/push/subscriptions',
        { endpoint: `${endpoint.origin}/push/agent-1`, keys: keys.json },
        { token: agent },
      );
      expect(objectOf(repeat)['id']).toBe(subscriptionId);

      // A new P1 notifies every agent (the presets' escalation rule): in-app, e-mail, and push to this browser.
      const ticket = ticketOf(
        await server.request('POST', '/api/v1/tickets', p1('Hosting down'), { token: pro }),
      );
      await server.background.dispatcher.runOnce();
      await server.background.dispatcher.runOnce();
      const pushes = endpoint.received.filter((r) => r.path === '/push/agent-1');
      expect(pushes).toHaveLength(1);
      const push = pushes[0]!;
      expect(push.headers['content-encoding']).toBe('aes128gcm');
      expect(Number(push.headers['ttl'])).toBeGreaterThan(0);
      verifyVapid(push.headers['authorization'], endpoint.origin, publicKey);
      const payload = JSON.parse(decryptAes128gcm(push.body, keys)) as Record<string, unknown>;
      expect(payload).toMatchObject({
        url: `/tickets/${ticket.id}`,
        ticketId: ticket.id,
        type: 'ticket.created',
      });
      // Staff hear of a new ticket as such, not through the requester's acknowledgement.
      expect(String(payload['title'])).toContain('Nouvelle demande : Hosting down');
      const delivery = await server.services.db
        .selectFrom('deliveries')
        .selectAll()
        .where('channel', '=', 'push')
        .where('target', '=', subscriptionId)
        .executeTakeFirstOrThrow();
      expect(delivery.status).toBe('sent');
    });

    it('honours the push preference, deletes a subscription the push service says is gone, and keeps subscriptions private', async () => {
      const agent = await server.login('agent@acme.test');
      const admin = await server.login('admin@acme.test');
      const pro = await server.login('pro@acme.test');
      const mine = objectOf(
        await server.request('GET', '/api/v1/push/subscriptions', undefined, { token: agent }),
      );
      const [subscription] = mine['items'] as { id: string }[];
      expect(subscription).toBeDefined();
      // Another user cannot see or delete it.
      const foreign = await server.request(
        'DELETE',
        `/api/v1/push/subscriptions/${subscription!.id}`,
        undefined,
        {
          token: admin,
          workspace: 'hosting-be',
        },
      );
      expect(foreign.status, foreign.text).toBe(404);

      const off = await server.request(
        'PUT',
        '/api/v1/me/notification-preferences',
        { items: [{ eventType: 'ticket.created', channel: 'push', enabled: false }] },
        { token: agent },
      );
      expect(off.status).toBe(200);
      const before = endpoint.received.length;
      const quiet = ticketOf(
        await server.request('POST', '/api/v1/tickets', p1('Quiet one'), { token: pro }),
      );
      await server.background.dispatcher.runOnce();
      expect(endpoint.received.length).toBe(before);
      // In-app still arrives: only push was turned off.
      const notes = await server.services.db
        .selectFrom('notifications')
        .select('ticket_id')
        .where('ticket_id', '=', quiet.id)
        .execute();
      expect(notes.length).toBeGreaterThan(0);

      // The requester's browser has been unsubscribed at the push service: 410, the subscription goes.
      const keys = browserKeys();
      const gone = objectOf(
        await server.request(
          'POST',
          '/api/v1/push/subscriptions',
          { endpoint: `${endpoint.origin}/gone/pro`, keys: keys.json },
          { token: pro },
        ),
      );
      // Their acknowledgement of a new ticket meets the 410.
      await server.request('POST', '/api/v1/tickets', p1('Another'), { token: pro });
      await server.background.dispatcher.runOnce();
      const remaining = await server.services.db
        .selectFrom('push_subscriptions')
        .select('id')
        .where('id', '=', String(gone['id']))
        .execute();
      expect(endpoint.received.some((r) => r.path === '/gone/pro')).toBe(true);
      expect(remaining).toEqual([]);

      expect(
        (
          await server.request('DELETE', `/api/v1/push/subscriptions/${subscription!.id}`, undefined, {
            token: agent,
          })
        ).status,
      ).toBe(204);
    });

    it('refuses bad keys, and private or plain-http endpoints unless private targets are allowed', async () => {
      const agent = await server.login('agent@acme.test');
      const badKeys = await server.request(
        'POST',
        '/api/v1/push/subscriptions',
        { endpoint: `${endpoint.origin}/push/x`, keys: { p256dh: 'abc', auth: 'def' } },
        { token: agent },
      );
      expect(badKeys.status).toBe(400);
      expect(errorOf(badKeys).code).toBe('VALIDATION_FAILED');
      // The same service as the server's, with the default rule (no ACCORD_WEBHOOK_ALLOW_PRIVATE).
      const strict = createPushService({
        db: server.services.db,
        clock: server.clock,
        vapid: createVapidKeys({
          db: server.services.db,
          clock: server.clock,
          secrets: createSecretBox(() => Buffer.alloc(32, 1)),
        }),
        allowPrivate: false,
      });
      const actor = {
        userId: 'u',
        name: 'u',
        sessionId: 's',
        workspaceId: server.fixture.hosting.id,
        role: 'agent' as const,
        organizationId: null,
      };
      const keys = browserKeys().json;
      for (const url of [
        `${endpoint.origin}/push/x`,
        'https://127.0.0.1/push',
        'https://169.254.169.254/latest',
      ])
        await expect(strict.subscribe(actor, { endpoint: url, keys })).rejects.toMatchObject({
          code: 'PUSH_ENDPOINT_FORBIDDEN',
        });
    });
  });
}
