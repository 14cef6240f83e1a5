import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  errorOf,
  itemsOf,
  objectOf,
  startTestServer,
  T0_MS,
  ticketOf,
  ticketsOf,
  type TestServer,
} from './server-harness.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Issue #12: the agents' queue and lists filtered by text, organization, tag, assignee and breaching-before. */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'ticket search and queue filters', () => {
    let server: TestServer;
    let agent: string;
    let pro: string;
    let start: string;
    let cagent: string;
    let agentId: string;
    const ids: Record<string, string> = {};

    const get = (path: string, token = agent) => server.request('GET', path, undefined, { token });
    const queueIds = async (query: string, token = agent) => {
      const res = await get(`/api/v1/queue?limit=200&${query}`, token);
      expect(res.status, res.text).toBe(200);
      return ticketsOf(res).items.map((t) => t.id);
    };
    const listIds = async (query: string, token = agent) => {
      const res = await get(`/api/v1/tickets?limit=100&${query}`, token);
      expect(res.status, res.text).toBe(200);
      return ticketsOf(res).items.map((t) => t.id);
    };
    const ours = (found: string[]) => Object.keys(ids).filter((k) => found.includes(ids[k]!));

    beforeAll(async () => {
      server = await startTestServer(dialect);
      agent = await server.login('agent@acme.test');
      pro = await server.login('pro@acme.test');
      start = await server.login('start@acme.test');
      cagent = await server.login('cagent@acme.test');
      agentId = (objectOf(await get('/api/v1/me'))['id'] as string | undefined) ?? '';
      const base = T0_MS + 7 * DAY_MS; // Monday 9 March 2026, 09:00 Brussels
      server.clock.set(base);
      const open = async (token: string, key: string, body: Record<string, unknown>) => {
        const res = await server.request(
          'POST',
          '/api/v1/tickets',
          { category: 'hosting', channel: 'ticket', description: '', ...body },
          { token },
        );
        ids[key] = ticketOf(res).id;
      };
      await open(pro, 'mail', {
        subject: 'Réseau lent sur le serveur de messagerie',
        description: 'Les courriels arrivent avec 20 minutes de retard (web-3, john@acme.be).',
        priority: 'P1',
      });
      server.clock.set(base + HOUR_MS);
      await open(agent, 'disk', {
        organizationId: server.fixture.hosting.pro,
        subject: 'Disk almost full',
        description: 'The database volume is at 95 %',
        priority: 'P3',
        tags: ['storage'],
      });
      await open(start, 'dns', {
        subject: 'DNS record for the shop',
        description: 'Please point shop.example to the new host; the mail server is unchanged.',
        priority: 'P3',
      });
      // A ticket of another workspace that matches the same words must never show.
      await open(cagent, 'other', {
        subject: 'Serveur de messagerie',
        description: 'other workspace',
        priority: 'P3',
        organizationId: server.fixture.consulting.org,
      });
      const assigned = await server.request(
        'PATCH',
        `/api/v1/tickets/${ids['disk']}`,
        { version: 1, assigneeId: agentId },
        { token: agent },
      );
      expect(assigned.status, assigned.text).toBe(200);
      server.clock.set(base + 2 * HOUR_MS);
    }, 60_000);
    afterAll(async () => {
      await server?.close();
    });

    it('finds tickets by words of subject and description, as word prefixes, case and accents ignored', async () => {
      expect(ours(await queueIds('q=reseau'))).toEqual(['mail']);
      expect(ours(await queueIds('q=MESSAG'))).toEqual(['mail']);
      expect(ours(await queueIds(`q=${encodeURIComponent('mail server')}`))).toEqual(['dns']);
      expect(ours(await queueIds('q=web-3'))).toEqual(['mail']);
      expect(ours(await queueIds('q=john'))).toEqual(['mail']);
      expect(ours(await queueIds(`q=${encodeURIComponent('disk database')}`))).toEqual(['disk']);
      expect(ours(await queueIds('q=nothinglikethis'))).toEqual([]);
      // The middle of a word is not a match (the index reads word starts).
      expect(ours(await queueIds('q=atabase'))).toEqual([]);
      expect(ours(await listIds('q=reseau'))).toEqual(['mail']);
      expect(ours(await listIds(`q=${encodeURIComponent('the')}&sort=createdAt`))).toEqual(['disk', 'dns']);
    });

    it('follows an edit of the subject (the index is kept by the database, not by the write path)', async () => {
      const ticket = ticketOf(await get(`/api/v1/tickets/${ids['dns']}`));
      const res = await server.request(
        'PATCH',
        `/api/v1/tickets/${ticket.id}`,
        { version: ticket.version, subject: 'Zone apex record for the shop' },
        { token: agent },
      );
      expect(res.status, res.text).toBe(200);
      expect(ours(await queueIds('q=apex'))).toEqual(['dns']);
      expect(ours(await queueIds('q=dns'))).toEqual([]);
    });

    it('a client searches only their organization’s tickets; the queue stays staff-only', async () => {
      expect(ours(await listIds('q=shop', start))).toEqual(['dns']);
      expect(ours(await listIds('q=shop', pro))).toEqual([]);
      // Each workspace searches its own tickets only.
      expect(ours(await listIds('q=serveur', cagent))).toEqual(['other']);
      expect(ours(await queueIds('q=serveur', cagent))).toEqual(['other']);
      expect(ours(await queueIds('q=serveur'))).toEqual(['mail']);
      expect((await get('/api/v1/queue?q=shop', pro)).status).toBe(403);
    });

    it('combines the queue filters: organization, priority, status, tag, assignee, breaching before', async () => {
      const proOrg = server.fixture.hosting.pro;
      expect(ours(await queueIds(`organizationId=${proOrg}`)).sort()).toEqual(['disk', 'mail']);
      expect(ours(await queueIds('priority=P2,P3')).sort()).toEqual(['disk', 'dns']);
      expect(ours(await queueIds('tag=storage'))).toEqual(['disk']);
      expect(ours(await queueIds(`assignee=${agentId}`))).toEqual(['disk']);
      expect(ours(await queueIds('assignee=me'))).toEqual(['disk']);
      expect(ours(await queueIds('assignee=none&q=reseau'))).toEqual(['mail']);
      expect(ours(await queueIds('status=new&priority=P1'))).toEqual(['mail']);
      // The P1's intervention clock (4 business hours from 09:00) is due at 13:00 Brussels; the others much later.
      const soon = new Date(T0_MS + 7 * DAY_MS + 4 * HOUR_MS).toISOString();
      expect(ours(await queueIds(`breachingBefore=${encodeURIComponent(soon)}`))).toEqual(['mail']);
      expect(ours(await listIds(`breachingBefore=${encodeURIComponent(soon)}&q=reseau`))).toEqual(['mail']);
      // The queue keeps the agreements' order under filters: the P1 first.
      const both = ours(await queueIds(`organizationId=${proOrg}`));
      expect(both[0]).toBe('mail');
    });

    it('refuses malformed filters with a 400 and a code, never a 500', async () => {
      for (const query of [
        'q=',
        `q=${'x'.repeat(201)}`,
        'status=resolved',
        'priority=P9',
        'assignee=someone',
        'breachingBefore=tomorrow',
        'organizationId=42',
        'tag=%3Cb%3E',
      ]) {
        const res = await get(`/api/v1/queue?${query}`);
        expect(res.status, query).toBe(400);
        expect(errorOf(res).code, query).toBe('VALIDATION_FAILED');
      }
      // Words are needed: punctuation alone is not "everything", and query syntax is inert.
      const punct = await get(`/api/v1/tickets?q=${encodeURIComponent('*** "')}`);
      expect(punct.status).toBe(400);
      expect(errorOf(punct).code).toBe('VALIDATION_FAILED');
      for (const q of ['reseau OR disk', 'NEAR(a b)', "x' | y:*", 'a & !b', '"mail']) {
        const res = await get(`/api/v1/queue?q=${encodeURIComponent(q)}`);
        expect(res.status, q).toBe(200);
      }
    });

    it('counts breaches per organization in a period, staff only', async () => {
      // Past the P1's intervention target, a read records nothing; the breach job does. Let the scheduler run it.
      server.clock.set(T0_MS + 7 * DAY_MS + 6 * HOUR_MS);
      await server.background.scheduler.runOnce();
      const from = new Date(Date.UTC(2026, 2, 1)).toISOString();
      const to = new Date(Date.UTC(2026, 3, 1)).toISOString();
      const res = await get(`/api/v1/tickets/breaches?from=${from}&to=${to}`);
      expect(res.status, res.text).toBe(200);
      const rows = itemsOf(res);
      const proRow = rows.find((r) => r['organizationId'] === server.fixture.hosting.pro);
      expect(proRow?.['tickets']).toBe(1);
      expect(Number(proRow?.['clocks'])).toBeGreaterThanOrEqual(1);
      const before = await get(`/api/v1/tickets/breaches?from=${from}&to=${from}`);
      expect(before.status).toBe(400);
      expect((await get(`/api/v1/tickets/breaches?from=${from}&to=${to}`, pro)).status).toBe(403);
      const other = itemsOf(await get(`/api/v1/tickets/breaches?from=${from}&to=${to}`, cagent));
      expect(other.find((r) => r['organizationId'] === server.fixture.hosting.pro)).toBeUndefined();
    });

    it('reads along the indexes', async () => {
      const db = server.testDb.handle.db;
      if (dialect === 'postgres') {
        const { TICKET_SEARCH_DOCUMENT_PG } =
          await import('../src/db/migrations/202611291750_ticket_search.ts');
        const lines = await db.connection().execute(async (conn) => {
          // Few rows: without this the planner rightly prefers a sequential scan; the point is that it can use the index.
          await sql`set enable_seqscan = off`.execute(conn);
          const plan = await sql<Record<string, string>>`explain select id from tickets where ${sql.raw(
            TICKET_SEARCH_DOCUMENT_PG,
          )} @@ to_tsquery('simple'::regconfig, 'reseau:*')`.execute(conn);
          await sql`reset enable_seqscan`.execute(conn);
          return plan.rows.map((r) => Object.values(r).join(' '));
        });
        expect(lines.join('\n')).toContain('tickets_search_idx');
      } else {
        const plan = await sql<{ detail: string }>`explain query plan select id from tickets
          where rowid in (select rowid from tickets_fts where tickets_fts match '"reseau"*')`.execute(db);
        expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(/VIRTUAL TABLE INDEX/);
      }
    });
  });
}
