import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createScheduler } from '../src/scheduler/scheduler.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import { clockOf, itemsOf, startTestServer, T0_MS, ticketOf, type TestServer } from './server-harness.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Deadlines that act: every clock recompute schedules the ticket's SLA jobs in the change's transaction, and the
 * scheduler fires each once, at its instant, through the ticket write path.
 */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'SLA deadlines', () => {
    let server: TestServer;
    let agent: string;
    let pro: string;
    beforeAll(async () => {
      server = await startTestServer(dialect);
      agent = await server.login('agent@acme.test');
      pro = await server.login('pro@acme.test');
    });
    afterAll(async () => {
      await server?.close();
    });
    beforeEach(() => server.clock.set(T0_MS));

    const openP1 = async () =>
      ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          { subject: 'Down', description: '500', priority: 'P1', category: 'hosting', channel: 'ticket' },
          { token: pro },
        ),
      );
    const jobsOf = (ticketId: string) =>
      server.services.db
        .selectFrom('jobs')
        .select(['kind', 'key', 'due_at', 'state', 'lateness_ms', 'fired_at', 'skip_reason'])
        .where('subject_id', '=', ticketId)
        .orderBy('due_at')
        .orderBy('key')
        .execute();
    const historyOf = async (ticketId: string) =>
      itemsOf(await server.request('GET', `/api/v1/tickets/${ticketId}/events`, undefined, { token: agent }));
    const alertsOf = async (ticketId: string) =>
      (await historyOf(ticketId)).filter((e) => String(e['type']).startsWith('sla-'));
    const runDue = async () => {
      while ((await server.background.scheduler.runOnce()) > 0);
    };
    const at = (ms: number) => new Date(ms).toISOString();

    it('a Pro P1 warns at 75 % and 90 % and breaches at 4 business hours, each once, and the breach is stored', async () => {
      const ticket = await openP1();
      // Monday 09:00 Brussels: the GTI is due 13:00 (12:00 UTC); 75 % at 12:00, 90 % at 12:36 Brussels.
      const gti = (await jobsOf(ticket.id)).filter((j) => j.key.includes(':intervention:'));
      expect(gti.map((j) => [j.kind, at(Number(j.due_at))])).toEqual([
        ['sla-warning', at(T0_MS + 3 * HOUR_MS)],
        ['sla-warning', at(T0_MS + 3 * HOUR_MS + 36 * MINUTE_MS)],
        ['sla-breach', at(T0_MS + 4 * HOUR_MS + 1)],
      ]);

      server.clock.set(T0_MS + 3 * HOUR_MS - 1);
      await runDue();
      expect(await alertsOf(ticket.id)).toEqual([]);

      server.clock.set(T0_MS + 3 * HOUR_MS);
      await runDue();
      await runDue();
      const warnings = await alertsOf(ticket.id);
      expect(warnings.map((e) => [e['type'], (e['data'] as { threshold?: number }).threshold])).toEqual([
        ['sla-warning', 75],
      ]);

      // Late by ten minutes: both the 90 % warning and the breach fire once, with their lateness.
      server.clock.set(T0_MS + 4 * HOUR_MS + 10 * MINUTE_MS);
      await runDue();
      const alerts = (await alertsOf(ticket.id)).filter((e) =>
        JSON.stringify(e['data']).includes('intervention'),
      );
      expect(alerts.map((e) => e['type'])).toEqual(['sla-warning', 'sla-warning', 'sla-breached']);
      expect(alerts[2]!['data']).toMatchObject({
        metric: 'intervention',
        dueAt: at(T0_MS + 4 * HOUR_MS),
        breachedAt: at(T0_MS + 4 * HOUR_MS),
        latenessMs: 10 * MINUTE_MS - 1,
      });
      const stored = await server.services.db
        .selectFrom('ticket_sla')
        .select('state')
        .where('ticket_id', '=', ticket.id)
        .where('metric', '=', 'intervention')
        .executeTakeFirstOrThrow();
      expect(stored.state).toBe('breached');
      const topics = (
        await server.services.db.selectFrom('outbox').select(['topic', 'payload_json']).execute()
      ).filter((r) => r.payload_json.includes(ticket.id) && r.topic.startsWith('sla.'));
      expect(topics.map((r) => r.topic).sort()).toEqual(['sla.breached', 'sla.warning', 'sla.warning']);
      // Nothing left to fire for the GTI.
      server.clock.set(T0_MS + 48 * HOUR_MS);
      await runDue();
      expect((await alertsOf(ticket.id)).filter((e) => e['type'] === 'sla-breached')).toHaveLength(1);
    });

    it('escalates as the policy says: a new P1 reaches every agent, a breach the admins (unassigned: agents)', async () => {
      const ticket = await openP1();
      const idOf = async (email: string) =>
        (
          await server.services.db
            .selectFrom('users')
            .select('id')
            .where('email', '=', email)
            .executeTakeFirstOrThrow()
        ).id;
      const [agentId, adminId] = [await idOf('agent@acme.test'), await idOf('admin@acme.test')];
      const recipientsOf = async (topic: string) => {
        const row = (
          await server.services.db.selectFrom('outbox').select(['topic', 'payload_json']).execute()
        ).find((r) => r.topic === topic && r.payload_json.includes(ticket.id));
        return (JSON.parse(row?.payload_json ?? '{}') as { recipients?: string[] }).recipients;
      };
      expect(await recipientsOf('ticket.created')).toEqual([agentId]);
      server.clock.set(T0_MS + 4 * HOUR_MS + 1);
      await runDue();
      expect((await recipientsOf('sla.breached'))?.sort()).toEqual([agentId, adminId].sort());
    });

    it('analysis started before the deadline cancels its jobs: nothing fires', async () => {
      const ticket = await openP1();
      server.clock.set(T0_MS + HOUR_MS);
      await server.request('POST', `/api/v1/tickets/${ticket.id}/analysis`, undefined, { token: agent });
      const pending = (await jobsOf(ticket.id)).filter(
        (j) => j.key.includes(':intervention:') && j.state === 'pending',
      );
      expect(pending).toEqual([]);
      server.clock.set(T0_MS + 6 * HOUR_MS);
      await runDue();
      expect(
        (await alertsOf(ticket.id)).filter((e) => JSON.stringify(e['data']).includes('intervention')),
      ).toEqual([]);
    });

    /** The ticket's GTI jobs as `[kind, threshold, state, lateness, fired, skip reason]`, in due order. */
    const gtiRows = async (ticketId: string) =>
      (await jobsOf(ticketId))
        .filter((j) => j.key.includes(':intervention:'))
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((j) => [
          j.kind,
          j.key.split(':')[3],
          j.state,
          j.lateness_ms === null ? null : Number(j.lateness_ms),
          j.fired_at === null ? null : Number(j.fired_at),
          j.skip_reason,
        ]);

    it('down past a warning and the breach, fired one job per batch: the withdrawn warning stays, skipped', async () => {
      const ticket = await openP1();
      // The server was down from before 75 % (12:00) until 13:10 Brussels: every GTI deadline is overdue. A restart
      // whose claims come one at a time (a small batch, a second instance) fires the 75 % warning first; its recompute
      // sees the clock breached and withdraws the 90 % warning, which was owed and never sent.
      const restartMs = T0_MS + 4 * HOUR_MS + 10 * MINUTE_MS;
      server.clock.set(restartMs);
      const oneByOne = createScheduler({
        db: server.services.db,
        clock: server.clock,
        handlers: server.background.jobHandlers,
        subjectLocks: server.background.jobSubjectLocks,
        batchSize: 1,
      });
      while ((await oneByOne.runOnce()) > 0);
      expect(await gtiRows(ticket.id)).toEqual([
        ['sla-breach', '100', 'done', 10 * MINUTE_MS - 1, restartMs, null],
        ['sla-warning', '75', 'done', 70 * MINUTE_MS, restartMs, null],
        ['sla-warning', '90', 'skipped', null, null, 'clock-breached'],
      ]);
      const alerts = (await alertsOf(ticket.id)).filter((e) =>
        JSON.stringify(e['data']).includes('intervention'),
      );
      expect(alerts.map((e) => [e['type'], (e['data'] as { latenessMs: number }).latenessMs])).toEqual([
        ['sla-warning', 70 * MINUTE_MS],
        ['sla-breached', 10 * MINUTE_MS - 1],
      ]);
      // Skipped is final: later runs and recomputes neither fire nor resurrect it.
      server.clock.set(restartMs + HOUR_MS);
      await runDue();
      await server.request('POST', `/api/v1/tickets/${ticket.id}/analysis`, undefined, { token: agent });
      expect((await gtiRows(ticket.id)).at(-1)).toEqual([
        'sla-warning',
        '90',
        'skipped',
        null,
        null,
        'clock-breached',
      ]);
      const metrics = await server.request('GET', '/metrics');
      expect(metrics.text).toMatch(/accord_jobs_skipped\{kind="sla-warning",reason="clock-breached"\} [1-9]/);
    });

    it('stopped after 75 % came due and before it fired: 75 % skipped, what was not due yet leaves no row', async () => {
      const ticket = await openP1();
      // 12:10 Brussels: the 75 % warning (12:00) is overdue and unfired (the scheduler has not run); analysis starts.
      server.clock.set(T0_MS + 3 * HOUR_MS + 10 * MINUTE_MS);
      await server.request('POST', `/api/v1/tickets/${ticket.id}/analysis`, undefined, { token: agent });
      expect(await gtiRows(ticket.id)).toEqual([['sla-warning', '75', 'skipped', null, null, 'recomputed']]);
      server.clock.set(T0_MS + 6 * HOUR_MS);
      await runDue();
      expect(await gtiRows(ticket.id)).toEqual([['sla-warning', '75', 'skipped', null, null, 'recomputed']]);
      expect(
        (await alertsOf(ticket.id)).filter((e) => JSON.stringify(e['data']).includes('intervention')),
      ).toEqual([]);
    });

    it('stopped before any GTI line came due: its jobs leave no row at all', async () => {
      const ticket = await openP1();
      server.clock.set(T0_MS + HOUR_MS);
      await server.request('POST', `/api/v1/tickets/${ticket.id}/analysis`, undefined, { token: agent });
      expect(await gtiRows(ticket.id)).toEqual([]);
    });

    it('a priority change moves the deadlines to the new target', async () => {
      const ticket = await openP1();
      const updated = ticketOf(
        await server.request(
          'PATCH',
          `/api/v1/tickets/${ticket.id}`,
          { version: ticket.version, priority: 'P2' },
          { token: agent },
        ),
      );
      expect(clockOf(updated, 'intervention').target).toBe('PT24H');
      const gti = (await jobsOf(ticket.id)).filter(
        (j) => j.key.includes(':intervention:') && j.state === 'pending',
      );
      expect(gti).toHaveLength(3);
      expect(gti.every((j) => j.key.endsWith(':PT24H'))).toBe(true);
      expect(Number(gti.at(-1)!.due_at)).toBe(Date.parse(clockOf(updated, 'intervention').dueAt!) + 1);
    });

    /** A worker claimed the ticket's due GTI breach job and died: the job is `running` until its lease ends. */
    const strandBreachJob = async (ticketId: string, leaseUntilMs: number) =>
      server.services.db
        .updateTable('jobs')
        .set({ state: 'running', attempts: 1, lease_until: leaseUntilMs })
        .where('subject_id', '=', ticketId)
        .where('kind', '=', 'sla-breach')
        .where('key', 'like', '%:intervention:%')
        .execute();
    const resolve = async (ticketId: string) => {
      const fresh = ticketOf(
        await server.request('GET', `/api/v1/tickets/${ticketId}`, undefined, { token: agent }),
      );
      await server.request(
        'PATCH',
        `/api/v1/tickets/${ticketId}`,
        { version: fresh.version, status: 'resolved' },
        { token: agent },
      );
    };
    const breachJob = async (ticketId: string) =>
      (await jobsOf(ticketId)).find((j) => j.kind === 'sla-breach' && j.key.includes(':intervention:'));

    it('a claimed job whose ticket was resolved in time records nothing when it is taken over', async () => {
      const ticket = await openP1();
      // A claimed job is not the recompute's to delete: the resolve below leaves it in the table.
      await strandBreachJob(ticket.id, T0_MS + 4 * HOUR_MS + 2 * MINUTE_MS);
      server.clock.set(T0_MS + 3 * HOUR_MS);
      await resolve(ticket.id);
      server.clock.set(T0_MS + 4 * HOUR_MS + 3 * MINUTE_MS);
      await runDue();
      expect((await breachJob(ticket.id))?.state).toBe('done');
      expect((await alertsOf(ticket.id)).filter((e) => e['type'] === 'sla-breached')).toEqual([]);
    });

    it('a breach that happened is recorded once even if the ticket was resolved before the job ran', async () => {
      const ticket = await openP1();
      await strandBreachJob(ticket.id, T0_MS + 4 * HOUR_MS + 2 * MINUTE_MS);
      server.clock.set(T0_MS + 4 * HOUR_MS + MINUTE_MS);
      await resolve(ticket.id);
      server.clock.set(T0_MS + 4 * HOUR_MS + 3 * MINUTE_MS);
      await runDue();
      await runDue();
      const breaches = (await alertsOf(ticket.id)).filter((e) => e['type'] === 'sla-breached');
      expect(breaches).toHaveLength(1);
      expect(breaches[0]!['data']).toMatchObject({ breachedAt: at(T0_MS + 4 * HOUR_MS) });
    });

    it('a breach the scheduler had not fired when the ticket was resolved is still recorded and told, once', async () => {
      const ticket = await openP1();
      // 13:10 Brussels: breached at 13:00, the scheduler behind (not run); the agent resolves.
      server.clock.set(T0_MS + 4 * HOUR_MS + 10 * MINUTE_MS);
      await resolve(ticket.id);
      expect((await breachJob(ticket.id))?.state).toBe('pending');
      await runDue();
      // A later change recomputes the clocks again: the breach, already told, is not told twice.
      const reply = await server.request(
        'POST',
        `/api/v1/tickets/${ticket.id}/comments`,
        { body: 'Thanks' },
        { token: pro },
      );
      expect(reply.status).toBe(201);
      await runDue();
      const breaches = (await alertsOf(ticket.id)).filter((e) => e['type'] === 'sla-breached');
      expect(breaches).toHaveLength(1);
      expect(breaches[0]!['data']).toMatchObject({ breachedAt: at(T0_MS + 4 * HOUR_MS) });
      expect((await breachJob(ticket.id))?.state).toBe('done');
      const told = await server.services.db
        .selectFrom('outbox')
        .select('topic')
        .where('topic', '=', 'sla.breached')
        .where('payload_json', 'like', `%${ticket.id}%`)
        .execute();
      expect(told).toHaveLength(1);
    });
  });
}
