import { afterEach, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { createDatabase, databaseConfigFromEnv, type DatabaseHandle } from '../db/database.ts';
import { createTestDatabase, describeDialect, DIALECTS, type TestDatabase } from '../../test/dialects.ts';
import { createOutboxDispatcher } from './outbox-dispatcher.ts';
import type { Channel, NotificationProvider, OutgoingMessage } from './provider.ts';

const T0 = Date.parse('2026-03-02T08:00:00Z');

/** A second server process's database; SQLite runs one process per file (see scheduler.test.ts). */
function secondInstance(testDb: TestDatabase): DatabaseHandle {
  if (testDb.dialect === 'sqlite') return { ...testDb.handle, destroy: async () => undefined };
  return createDatabase(databaseConfigFromEnv(testDb.env));
}

/** A channel that records what it is asked to send (the webhook channel's place, without a network). */
function recordingProvider(sent: OutgoingMessage[], fail = () => false): NotificationProvider {
  return {
    retryDelayMs: (attempts) => (attempts < 3 ? 1000 : null),
    async send(message) {
      await new Promise((r) => setTimeout(r, 1));
      if (fail()) throw new Error('receiver down');
      sent.push(message);
      return { externalId: `ext-${message.id}` };
    },
  };
}

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'outbox dispatcher', () => {
    let testDb: TestDatabase;
    let clock: ManualClock;
    beforeEach(async () => {
      testDb = await createTestDatabase(dialect);
      clock = new ManualClock(T0);
      const db = testDb.handle.db;
      await db
        .insertInto('workspaces')
        .values({
          id: 'ws',
          slug: 'ws',
          name: 'ws',
          policy_preset: null,
          policy_version: '1',
          created_at: T0,
        })
        .execute();
      await db
        .insertInto('webhooks')
        .values({
          id: 'hook',
          workspace_id: 'ws',
          url: 'https://93.184.216.34/',
          events_json: '["*"]',
          description: null,
          secret_enc: 'unused',
          enabled: 1,
          failing_since: null,
          disabled_at: null,
          disabled_reason: null,
          created_by: 'u',
          created_at: T0,
          deleted_at: null,
        })
        .execute();
    });
    afterEach(async () => {
      await testDb.drop();
    });

    async function enqueue(count: number): Promise<void> {
      const rows = Array.from({ length: count }, (_, i) => ({
        id: `o${i}`,
        workspace_id: 'ws',
        idempotency_key: `k${i}`,
        topic: 'ticket.updated',
        payload_json: JSON.stringify({ ticketId: `t${i}`, version: 2 }),
        status: 'pending',
        attempts: 0,
        available_at: T0,
        created_at: T0,
        sent_at: null,
      }));
      for (let i = 0; i < rows.length; i += 100)
        await testDb.handle.db
          .insertInto('outbox')
          .values(rows.slice(i, i + 100))
          .execute();
    }

    it('two dispatchers on one database send each of 600 messages exactly once', async () => {
      await enqueue(300);
      // And 300 deliveries already fanned out, due at once: the two instances race on claiming them.
      const ready = Array.from({ length: 300 }, (_, i) => ({
        id: `d${i}`,
        workspace_id: 'ws',
        outbox_id: `earlier${i}`,
        channel: 'webhook',
        target: 'hook',
        event_type: 'ticket.created',
        message_json: JSON.stringify({ body: '{}' }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: T0 - i,
        lease_until: null,
        last_error: null,
        external_id: null,
        created_at: T0,
        sent_at: null,
      }));
      for (let i = 0; i < ready.length; i += 100)
        await testDb.handle.db
          .insertInto('deliveries')
          .values(ready.slice(i, i + 100))
          .execute();
      const other = secondInstance(testDb);
      try {
        const sent: OutgoingMessage[] = [];
        const providers = new Map<Channel, NotificationProvider>([['webhook', recordingProvider(sent)]]);
        const make = (db: DatabaseHandle['db']) =>
          createOutboxDispatcher({ db, clock, providers, fanOut: { publicUrl: 'https://x' }, batchSize: 20 });
        const drain = async (d: ReturnType<typeof make>) => {
          for (let n = await d.runOnce(); n > 0; n = await d.runOnce());
        };
        await Promise.all([drain(make(testDb.handle.db)), drain(make(other.db))]);
        expect(sent).toHaveLength(600);
        expect(new Set(sent.map((m) => m.id)).size).toBe(600);
        const db = testDb.handle.db;
        const outbox = await db.selectFrom('outbox').select('status').distinct().execute();
        expect(outbox.map((o) => o.status)).toEqual(['dispatched']);
        const deliveries = await db.selectFrom('deliveries').selectAll().execute();
        expect(deliveries).toHaveLength(600);
        expect(deliveries.every((d) => d.status === 'sent' && d.external_id === `ext-${d.id}`)).toBe(true);
        const fanned = sent.find((m) => !m.id.startsWith('d'));
        const body = JSON.parse(String(fanned?.content['body'])) as Record<string, unknown>;
        expect(body).toMatchObject({ type: 'ticket.updated', timestamp: '2026-03-02T08:00:00.000Z' });
      } finally {
        await other.destroy();
      }
    });

    it('retries a failed send after its delay under the same id, then gives up', async () => {
      await enqueue(1);
      const sent: OutgoingMessage[] = [];
      let failures = 0;
      const dispatcher = createOutboxDispatcher({
        db: testDb.handle.db,
        clock,
        providers: new Map([['webhook', recordingProvider(sent, () => ++failures <= 1)]]),
        fanOut: { publicUrl: 'https://x' },
      });
      await dispatcher.runOnce();
      const [first] = await testDb.handle.db.selectFrom('deliveries').selectAll().execute();
      expect(first).toMatchObject({ status: 'pending', attempts: 1, last_error: 'receiver down' });
      clock.advance(999);
      await dispatcher.runOnce();
      expect(sent).toHaveLength(0);
      clock.advance(1);
      await dispatcher.runOnce();
      expect(sent.map((m) => [m.id, m.attempt])).toEqual([[first?.id, 2]]);

      const dead = createOutboxDispatcher({
        db: testDb.handle.db,
        clock,
        providers: new Map([['webhook', recordingProvider([], () => true)]]),
        fanOut: { publicUrl: 'https://x' },
      });
      await testDb.handle.db
        .insertInto('outbox')
        .values({
          id: 'o-dead',
          workspace_id: 'ws',
          idempotency_key: 'k-dead',
          topic: 'sla.breached',
          payload_json: JSON.stringify({ ticketId: 't', metric: 'resolution' }),
          status: 'pending',
          attempts: 0,
          available_at: clock.nowMs(),
          created_at: clock.nowMs(),
          sent_at: null,
        })
        .execute();
      for (let i = 0; i < 4; i++) {
        await dead.runOnce();
        clock.advance(1000);
      }
      const row = await testDb.handle.db
        .selectFrom('deliveries')
        .selectAll()
        .where('outbox_id', '=', 'o-dead')
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        status: 'dead',
        attempts: 3,
        last_error: 'receiver down',
        event_type: 'sla.breached',
      });
    });
  });
}
