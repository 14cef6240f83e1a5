import type { CompiledQuery } from 'kysely';
import { planOf as planOfQuery } from './query-plan.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Placeholders } from '../src/db/prepared.ts';
import { ticketQueueQuery } from '../src/tickets/repositories/ticket-queue.repository.ts';
import {
  ticketListQuery,
  ticketsByIdQuery,
  type TicketListOptions,
} from '../src/tickets/repositories/ticket-rows.repository.ts';
import { ticketsOnCalendar } from '../src/workspaces/calendar-recompute.ts';
import { createTestDatabase, describeDialect, DIALECTS, type TestDatabase } from './dialects.ts';

/** The values themselves where the prepared query has placeholders: the plan of one concrete request. */
function valuesOf(values: Record<string, unknown>): Placeholders {
  return Object.assign(<T>(name: string) => values[name] as T, {
    list: <T>(name: string, count: number) => (values[name] as T[]).slice(0, count),
  });
}

const WS = '00000000-0000-4000-8000-000000000001';
const list = (opts: Partial<TicketListOptions>): TicketListOptions => ({
  workspaceId: WS,
  sort: '-createdAt',
  limit: 50,
  ...opts,
});

/**
 * The reads an agent or a client makes on every page must walk an index in the order they show, and stop at the
 * page's end, whatever the size of the desk. These plans are asked of a database without statistics (SQLite plans
 * blind until ANALYZE has run): the same shapes walked a workspace's every ticket at 100,000 tickets (bench:api:scale).
 */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'query plans of the ticket pages', () => {
    let testDb: TestDatabase;
    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await testDb?.drop();
    });

    const planOf = (query: CompiledQuery) => planOfQuery(testDb, query);

    /** The index walked, and (SQLite) no sort of what it found: the walk itself is in the page's order. */
    function expectWalk(plan: string, index: string): void {
      expect(plan).toContain(index);
      if (dialect === 'sqlite') expect(plan).not.toContain('TEMP B-TREE');
      else expect(plan).not.toContain('"Node Type":"Sort"');
    }

    it("the agents' queue walks the open tickets in queue order (tickets_queue), with or without breachingBefore", async () => {
      const db = testDb.handle.db;
      expectWalk(
        await planOf(ticketQueueQuery(db, { workspaceId: WS, limit: 50 }).compile()),
        'tickets_queue',
      );
      expectWalk(
        await planOf(
          ticketQueueQuery(db, {
            workspaceId: WS,
            limit: 50,
            breachingBeforeMs: 1_800_000_000_000,
          }).compile(),
        ),
        'tickets_queue',
      );
    });

    it("one organization's list (every client's own) and one requester's are read in creation order by their index", async () => {
      const db = testDb.handle.db;
      const org = list({ organizationId: 'org-1' });
      expectWalk(
        await planOf(ticketListQuery(db, org, valuesOf({ ...org })).compile()),
        'tickets_workspace_org_idx',
      );
      const mine = list({ requesterId: 'user-1' });
      expectWalk(
        await planOf(ticketListQuery(db, mine, valuesOf({ ...mine })).compile()),
        'tickets_workspace_requester_idx',
      );
    });

    it('a page of tickets is read by primary key', async () => {
      const ids = Array.from(
        { length: 50 },
        (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      );
      const query = ticketsByIdQuery(testDb.handle.db, valuesOf({ ids }), ids.length).compile();
      const plan = await planOf(query);
      if (dialect === 'sqlite')
        expect(plan).toMatch(/USING (INDEX sqlite_autoindex_tickets_1|PRIMARY KEY) \(id=\?\)/);
      else expect(plan).toContain('tickets_pkey');
    });

    it('a calendar edit finds its tickets among the unclosed ones, and their clocks by key, never by scanning every clock', async () => {
      const plan = await planOf(ticketsOnCalendar(testDb.handle.db, WS, 'be-business').compile());
      if (dialect === 'sqlite') {
        expect(plan).toMatch(
          /tickets USING INDEX tickets_workspace_status_idx \(workspace_id=\? AND status=\?\)/,
        );
        expect(plan).toMatch(
          /ticket_sla USING (INDEX sqlite_autoindex_ticket_sla_1|PRIMARY KEY) \(ticket_id=\?\)/,
        );
        expect(plan).not.toMatch(/SCAN (tickets|ticket_sla)\b/);
      } else {
        // Without statistics PostgreSQL rates every index led by the workspace alike; what matters is that the clocks
        // are reached by their key and nothing is scanned whole.
        expect(plan).toMatch(/"Index Name":"tickets_workspace_\w+"/);
        expect(plan).toContain('"Index Name":"ticket_sla_pk"');
        expect(plan).not.toContain('"Node Type":"Seq Scan"');
      }
    });
  });
}
