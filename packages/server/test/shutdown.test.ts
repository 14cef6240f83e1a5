import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createDatabase, databaseConfigFromEnv, type DatabaseHandle } from '../src/db/database.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import { startTestServer, type TestServer } from './server-harness.ts';
import { openStream } from './stream-client.ts';

/** A second server on the test database, with its own shutdown grace (the harness's is short). */
async function serverWithGrace(server: TestServer, shutdownGraceMs: number) {
  const database = createDatabase(databaseConfigFromEnv(server.testDb.env));
  const { app } = await buildApp({ database, clock: server.clock, shutdownGraceMs });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { app, database, baseUrl: `http://127.0.0.1:${address.port}` };
}

async function closingMs(app: FastifyInstance): Promise<number> {
  const started = performance.now();
  await app.close();
  return performance.now() - started;
}

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'a closing server never waits on an open connection', () => {
    let server: TestServer;
    const databases: DatabaseHandle[] = [];
    beforeAll(async () => {
      server = await startTestServer(dialect);
    });
    afterAll(async () => {
      for (const database of databases) await database.destroy();
      await server?.close();
    });

    it('ends the live and chat streams it serves at once, without waiting for the grace', async () => {
      const other = await serverWithGrace(server, 60_000);
      databases.push(other.database);
      const agent = await server.login('agent@acme.test');
      const client = await server.login('cclient@acme.test');
      const chat = await server.request(
        'POST',
        '/api/v1/chats',
        { language: 'en' },
        {
          token: client,
          workspace: 'consulting-sa',
        },
      );
      expect(chat.status, chat.text).toBe(201);
      const chatId = (chat.body as { id: string }).id;
      const live = openStream(other.baseUrl, '/api/v1/stream', { authorization: `Bearer ${agent}` });
      const chatStream = openStream(other.baseUrl, `/api/v1/chats/${chatId}/stream`, {
        authorization: `Bearer ${client}`,
        'x-accord-workspace': 'consulting-sa',
      });
      expect(await live.status).toBe(200);
      expect(await chatStream.status).toBe(200);
      try {
        // Well under the chat stream's poll and the 60 s grace: the streams were ended, not cut.
        expect(await closingMs(other.app)).toBeLessThan(900);
      } finally {
        live.close();
        chatStream.close();
      }
    });

    it('cuts a request still in flight once the grace is over', async () => {
      const other = await serverWithGrace(server, 300);
      databases.push(other.database);
      const { port } = new URL(other.baseUrl);
      const socket = net.connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      const cut = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      // A body announced and never sent: without the cut, close would wait for Node's request timeout (5 min).
      socket.write(
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          'Content-Length: 100\r\n\r\n{"email":',
      );
      await new Promise((r) => setTimeout(r, 100));
      const ms = await closingMs(other.app);
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(5_000);
      await cut;
    });
  });
}
