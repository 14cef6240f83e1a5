import type { CompiledQuery } from 'kysely';
import { planOf as planOfQuery } from './query-plan.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readAfterQuery } from '../src/live/live-event.repository.ts';
import { claimQuery, skipOverdueJobs, stalePendingJobs } from '../src/scheduler/jobs.repository.ts';
import {
  pruneDeliveriesQuery,
  pruneJobsQuery,
  pruneOutboxQuery,
} from '../src/housekeeping/housekeeping.repository.ts';
import { createTestDatabase, describeDialect, DIALECTS, type TestDatabase } from './dialects.ts';

/**
 * Statements that run on every ticket write must read the rows they are about through an index, whatever the size
 * of the desk: a plan that walks a table-wide index (all pending jobs) makes each write cost grow with the open work.
 */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'query plans on the write path', () => {
    let testDb: TestDatabase;
    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await testDb?.drop();
    });

    const planOf = (query: CompiledQuery) => planOfQuery(testDb, query);

    it("rescheduling a ticket's jobs reads that ticket's pending jobs by the subject index", async () => {
      const query = stalePendingJobs(
        testDb.handle.db,
        'ticket-1',
        ['sla-warning', 'sla-breach'],
        ['k1', 'k2', 'k3'],
      ).compile();
      const plan = await planOf(query);
      expect(plan).toContain('jobs_subject_state_idx');
      if (dialect === 'sqlite') expect(plan).toMatch(/subject_id=\? AND state=\? AND kind=\?/);
      // Before the delete, the same rows already due are marked skipped: the same index, not (state, due_at).
      const skip = skipOverdueJobs(testDb.handle.db, {
        subjectId: 'ticket-1',
        kinds: ['sla-warning', 'sla-breach'],
        keptKeys: ['k1', 'k2', 'k3'],
        nowMs: 1_800_000_000_000,
      }).compile();
      const skipPlan = await planOf(skip);
      expect(skipPlan).toContain('jobs_subject_state_idx');
      if (dialect === 'sqlite') expect(skipPlan).toMatch(/subject_id=\? AND state=\? AND kind=\?/);
    });

    it("a stream reader's events are one range scan of the workspace's log, its own recipient rows by key", async () => {
      const scope = {
        workspaceId: 'w1',
        staff: false,
        organizationId: null,
        requesterId: 'u1',
        userId: 'u1',
      };
      const plan = await planOf(readAfterQuery(testDb.handle.db, scope, 41, 200).compile());
      expect(plan).toContain('live_events_workspace_seq_idx');
      if (dialect === 'sqlite') {
        expect(plan).toMatch(
          /live_events USING INDEX live_events_workspace_seq_idx \(workspace_id=\? AND seq>\?\)/,
        );
        expect(plan).toMatch(/live_event_recipients.*\(user_id=\? AND seq=\?\)/);
      } else expect(plan).toMatch(/live_event_recipients_pk/);
      expect(plan).not.toMatch(/SCAN live_events|Seq Scan/);
    });

    it('a scheduler claim walks due jobs in due order and stops at its batch, however many are due', async () => {
      const due = claimQuery(testDb.handle.db, dialect, {
        states: ['pending'],
        column: 'due_at',
        nowMs: 1_800_000_000_000,
        leaseMs: 60_000,
        count: 100,
      }).compile();
      const plan = await planOf(due);
      expect(plan).toContain('jobs_state_due_idx');
      // With the expired leases in the same OR, SQLite sorted every due job for each batch.
      if (dialect === 'sqlite') expect(plan).not.toContain('TEMP B-TREE');
      const expired = claimQuery(testDb.handle.db, dialect, {
        states: ['running', 'retry'],
        column: 'lease_until',
        nowMs: 1_800_000_000_000,
        leaseMs: 60_000,
        count: 100,
      }).compile();
      expect(await planOf(expired)).toContain('jobs_state_lease_idx');
    });

    // Housekeeping (src/housekeeping/): each bounded delete walks its table's (state, instant) index from the oldest
    // and stops at its batch, its guards look rows up by key; never a scan of the table or a sort of what is old.
    it('housekeeping deletes walk the (state, instant) indexes in order and look their guards up by key', async () => {
      const db = testDb.handle.db;
      const beforeMs = 1_800_000_000_000;
      const noScanNoSort = (plan: string) => {
        expect(plan).not.toMatch(/SCAN (j|d|o|t|c|jobs|outbox|deliveries)\b|Seq Scan/);
        expect(plan).not.toMatch(/TEMP B-TREE|"Node Type":"Sort"/);
      };
      for (const state of ['done', 'dead', 'skipped'] as const) {
        const plan = await planOf(pruneJobsQuery(db, { state, beforeMs, limit: 1000 }).compile());
        expect(plan).toContain('jobs_state_due_idx');
        if (dialect === 'sqlite') expect(plan).toMatch(/jobs_state_due_idx \(state=\? AND due_at<\?\)/);
        else expect(plan).toMatch(/"Index Cond":"\(\(state = '\w+'::text\) AND \(due_at < /);
        noScanNoSort(plan);
        // A fired SLA or consultation job's subject is looked up by its primary key.
        if (state !== 'skipped')
          if (dialect === 'sqlite')
            expect(plan).toMatch(/SEARCH t USING .*\(id=\?\)[\s\S]*SEARCH c USING .*\(id=\?\)/);
          else expect(plan).toMatch(/tickets_pkey[\s\S]*consultations_pkey/);
      }
      for (const status of ['sent', 'dead'] as const) {
        const plan = await planOf(pruneDeliveriesQuery(db, { status, beforeMs, limit: 1000 }).compile());
        expect(plan).toContain('deliveries_status_next_idx');
        if (dialect === 'sqlite')
          expect(plan).toMatch(/deliveries_status_next_idx \(status=\? AND next_attempt_at<\?\)/);
        noScanNoSort(plan);
      }
      const outbox = await planOf(pruneOutboxQuery(db, { beforeMs, limit: 1000 }).compile());
      expect(outbox).toContain('outbox_status_available_idx');
      if (dialect === 'sqlite') {
        expect(outbox).toMatch(/outbox_status_available_idx \(status=\? AND available_at<\?\)/);
        expect(outbox).toMatch(/SEARCH d USING .*\(outbox_id=\?\)/);
      } else expect(outbox).toMatch(/deliveries_outbox_channel_target_unique","Relation Name":"deliveries"/);
      noScanNoSort(outbox);
    });
  });
}
