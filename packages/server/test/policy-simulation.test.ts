import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { createPolicySimulationRepository } from '../src/policy-simulation/policy-simulation.repository.ts';
import { CLOCK_EVENT_TYPES, toCoreEvents } from '../src/sla/sla-clock.service.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, objectOf, startTestServer, T0_MS, ticketOf, type TestServer } from './server-harness.ts';

const HOUR_MS = 3_600_000;
const counts = z.object({
  clocks: z.number(),
  met: z.number(),
  breached: z.number(),
  running: z.number(),
  paused: z.number(),
});
const simulationSchema = z.object({
  draftVersion: z.string(),
  tickets: z.number(),
  skipped: z.object({
    count: z.number(),
    tickets: z.array(z.object({ ticketId: z.string(), code: z.string() })),
  }),
  current: counts,
  proposed: counts,
  byPlan: z.array(z.object({ plan: z.string(), current: counts, proposed: counts, changed: z.number() })),
  cells: z.array(
    z.object({
      plan: z.string(),
      priority: z.string(),
      metric: z.string(),
      current: counts,
      proposed: counts,
    }),
  ),
  changedClocks: z.number(),
  changed: z.array(
    z.object({
      ticketId: z.string(),
      metric: z.string(),
      currentDueAt: z.string().nullable(),
      proposedDueAt: z.string().nullable(),
      currentState: z.string().nullable(),
      proposedState: z.string().nullable(),
      movedMs: z.number().nullable(),
    }),
  ),
});

/** Belgian business hours, as the be-business preset defines them, plus the closed dates given. */
const beBusinessClosedOn = (...closed: string[]) => ({
  name: 'Belgian business hours',
  timeZone: 'Europe/Brussels',
  week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['08:30', '17:30']]])),
  holidays: [{ country: 'BE' }],
  closed,
  businessDay: 'PT9H',
});

type Policy = { version: number; targets: { plans: unknown; duration: string | null }[] } & Record<
  string,
  unknown
>;

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'policy what-if (POST /policy/simulate)', () => {
    let server: TestServer;
    let admin: string;
    let live: Policy;
    const window = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };

    const open = async (token: string, priority: string, workspace?: string) =>
      ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          { subject: 'Site down', description: 'HTTP 500', priority, category: 'hosting', channel: 'ticket' },
          { token, workspace },
        ),
      );
    const simulate = (body: Record<string, unknown>, token = admin, workspace = 'hosting-be') =>
      server.request('POST', '/api/v1/policy/simulate', { ...window, ...body }, { token, workspace });
    const resultOf = async (body: Record<string, unknown>, workspace = 'hosting-be') => {
      const res = await simulate(body, admin, workspace);
      expect(res.status, res.text).toBe(200);
      return simulationSchema.parse(res.body);
    };

    /** Every row a simulation could touch: a simulation that wrote anything would change this. */
    const everything = async () => {
      const db = server.services.db;
      return {
        tickets: await db.selectFrom('tickets').selectAll().orderBy('id').execute(),
        events: await db.selectFrom('ticket_events').selectAll().orderBy('id').execute(),
        clocks: await db
          .selectFrom('ticket_sla')
          .selectAll()
          .orderBy('ticket_id')
          .orderBy('metric')
          .execute(),
        jobs: await db.selectFrom('jobs').selectAll().orderBy('id').execute(),
        outbox: await db.selectFrom('outbox').selectAll().orderBy('id').execute(),
        policies: await db.selectFrom('policy_versions').selectAll().orderBy('version').execute(),
        workspaces: await db.selectFrom('workspaces').selectAll().orderBy('id').execute(),
      };
    };

    beforeAll(async () => {
      server = await startTestServer(dialect);
      admin = await server.login('admin@acme.test');
      const agent = await server.login('agent@acme.test');
      const pro = await server.login('pro@acme.test');
      // Monday 2 March 2026, 09:00 Brussels: two Pro P1 (GTI 4 business hours), a Start P2, a Classique P3.
      const analysed = await open(pro, 'P1');
      await open(pro, 'P1');
      await open(await server.login('start@acme.test'), 'P2');
      await open(await server.login('classique@acme.test'), 'P3');
      await open(await server.login('cclient@acme.test'), 'P2');
      server.clock.set(T0_MS + 2 * HOUR_MS);
      const started = await server.request('POST', `/api/v1/tickets/${analysed.id}/analysis`, undefined, {
        token: agent,
      });
      expect(started.status, started.text).toBeLessThan(300);
      // Tuesday 15:00: the untouched Pro P1 breached Monday 13:00; the scheduler records it through the write path.
      server.clock.set(T0_MS + 30 * HOUR_MS);
      while ((await server.background.scheduler.runOnce()) > 0);
      live = objectOf(
        await server.request('GET', '/api/v1/policy', undefined, { token: admin, workspace: 'hosting-be' }),
      )['policy'] as Policy;
    });
    afterAll(async () => {
      await server?.close();
    });

    it('the policy in force, simulated, reproduces every live clock: nothing changes', async () => {
      const result = await resultOf({ policy: live });
      expect(result.tickets).toBe(4);
      expect(result.skipped.count).toBe(0);
      expect(result.current.breached).toBeGreaterThan(0);
      expect(result.proposed).toEqual(result.current);
      expect(result.changedClocks).toBe(0);
      expect(result.changed).toEqual([]);
      // The preset by name is the same draft.
      expect((await resultOf({ preset: 'hosting-be' })).changedClocks).toBe(0);
    });

    it('a longer Pro P1 target moves its due instants later and removes the breach', async () => {
      const draft = {
        ...live,
        targets: live.targets.map((rule) =>
          rule.duration === 'PT4H' ? { ...rule, duration: 'PT48H' } : rule,
        ),
      };
      const result = await resultOf({ policy: draft });
      expect(result.proposed.breached).toBeLessThan(result.current.breached);
      const pro = result.changed.filter((c) => c.metric === 'intervention');
      expect(pro).toHaveLength(2);
      // 44 more business hours: most moved first, both by the same amount, later.
      expect(pro.every((c) => c.movedMs !== null && c.movedMs > 0)).toBe(true);
      expect(pro.map((c) => [c.currentState, c.proposedState]).sort()).toEqual([
        ['breached', 'running'],
        ['met', 'met'],
      ]);
      const cell = result.cells.find(
        (c) => c.plan === 'pro' && c.priority === 'P1' && c.metric === 'intervention',
      );
      expect(cell?.current.breached).toBe(1);
      expect(cell?.proposed.breached).toBe(0);
    });

    it('a closed day in a draft calendar moves due instants later, never earlier', async () => {
      const result = await resultOf({
        policy: live,
        calendars: { 'be-business': beBusinessClosedOn('2026-03-02') },
      });
      expect(result.changedClocks).toBeGreaterThan(0);
      for (const change of result.changed) expect(change.movedMs).toBeGreaterThan(0);
    });

    it('writes nothing: tickets, versions, events, clocks, jobs, outbox and policies are unchanged', async () => {
      const before = await everything();
      await resultOf({ policy: { ...live, targets: live.targets.map((r) => ({ ...r, duration: 'PT1H' })) } });
      await resultOf({ policy: live, calendars: { 'be-business': beBusinessClosedOn('2026-03-03') } });
      expect(await everything()).toEqual(before);
    });

    it('sees only the workspace of the request', async () => {
      const consulting = await resultOf({ preset: 'consulting-sa' }, 'consulting-sa');
      expect(consulting.tickets).toBe(1);
      expect(consulting.byPlan.map((r) => r.plan)).toEqual(['standard']);
      const otherOrg = await simulate({ policy: live, organizationId: server.fixture.consulting.org });
      expect(otherOrg.status).toBe(404);
      expect(errorOf(otherOrg).code).toBe('ORGANIZATION_NOT_FOUND');
      const ownOrg = await resultOf({ policy: live, organizationId: server.fixture.hosting.pro });
      expect(ownOrg.tickets).toBe(2);
    });

    it('is for admins: an agent and a client are refused', async () => {
      for (const email of ['agent@acme.test', 'pro@acme.test']) {
        const res = await simulate({ policy: live }, await server.login(email));
        expect(res.status).toBe(403);
        expect(errorOf(res).code).toBe('FORBIDDEN');
      }
    });

    it('validates the draft as PUT /policy does (same code and message), without the version check', async () => {
      const bad = {
        ...live,
        targets: [{ ...live.targets[0], duration: 'four hours' }, ...live.targets.slice(1)],
      };
      const put = await server.request(
        'PUT',
        '/api/v1/policy',
        { policy: bad },
        { token: admin, workspace: 'hosting-be' },
      );
      const simulated = await simulate({ policy: bad });
      expect(put.status).toBe(422);
      expect(simulated.status).toBe(422);
      expect(simulated.body).toEqual(put.body);
      const unknownPreset = await simulate({ preset: 'nope' });
      expect(unknownPreset.body).toEqual(
        (
          await server.request(
            'PUT',
            '/api/v1/policy',
            { preset: 'nope' },
            { token: admin, workspace: 'hosting-be' },
          )
        ).body,
      );
      // The live version number with other content: PUT would answer 409, a draft is fine.
      const sameVersion = { ...live, name: 'A draft' };
      expect(
        (
          await server.request(
            'PUT',
            '/api/v1/policy',
            { policy: sameVersion },
            { token: admin, workspace: 'hosting-be' },
          )
        ).status,
      ).toBe(409);
      expect((await simulate({ policy: sameVersion })).status).toBe(200);
    });

    it('refuses a bad calendar, an empty or reversed window and one longer than the maximum', async () => {
      const calendar = await simulate({
        policy: live,
        calendars: { 'be-business': { timeZone: 'Mars/Olympus' } },
      });
      expect(calendar.status).toBe(422);
      expect(errorOf(calendar).code).toBe('INVALID_CALENDAR');
      expect(errorOf(calendar).message).toMatch(/^calendars\.be-business: /);
      for (const range of [
        { from: window.from, to: window.from },
        { from: window.to, to: window.from },
        { from: '2025-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' },
      ]) {
        const res = await simulate({ policy: live, ...range });
        expect(res.status).toBe(400);
        expect(errorOf(res).code).toBe('VALIDATION_FAILED');
      }
      expect((await simulate({ policy: live, from: 'yesterday' })).status).toBe(400);
    });

    it('reports tickets a draft cannot replay (a plan it drops) rather than failing', async () => {
      const draft = {
        ...live,
        plans: (live['plans'] as { id: string }[]).filter((p) => p.id !== 'start'),
        targets: live.targets
          .map((r) => (Array.isArray(r.plans) ? { ...r, plans: r.plans.filter((p) => p !== 'start') } : r))
          .filter((r) => !Array.isArray(r.plans) || r.plans.length > 0),
      };
      const res = await simulate({ policy: draft });
      expect(res.status, res.text).toBe(200);
      const result = simulationSchema.parse(res.body);
      expect(result.skipped.count).toBe(1);
      expect(result.skipped.tickets[0]?.code).toBe('UNKNOWN_PLAN');
      expect(result.tickets).toBe(3);
    });

    it('pages by keyset through tickets opened at the same instant, each once and in order', async () => {
      // The four hosting tickets were all opened at T0: a page of one must still step through every one of them.
      const repository = createPolicySimulationRepository(server.services.db);
      const options = {
        workspaceId: server.fixture.hosting.id,
        fromMs: Date.parse(window.from),
        toMs: Date.parse(window.to),
        limit: 1,
      };
      const all = (await repository.page({ ...options, limit: 100 })).tickets.map((t) => t.id);
      expect(all).toHaveLength(4);
      const stepped: string[] = [];
      let after: { createdAt: number; id: string } | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await repository.page({ ...options, after });
        const last = page.tickets.at(-1);
        if (last === undefined) break;
        stepped.push(last.id);
        // Each page brings its tickets' own histories and stored clocks, nobody else's.
        expect([...page.events.keys()]).toEqual([last.id]);
        expect([...page.clocks.keys()]).toEqual([last.id]);
        after = { createdAt: last.created_at, id: last.id };
      }
      expect(stepped).toEqual(all);
    });

    it('reads only the events that move clocks: exactly those toCoreEvents keeps', async () => {
      const payload = JSON.stringify({
        plan: 'pro',
        priority: 'P1',
        category: 'hosting',
        channel: 'ticket',
        status: 'open',
      });
      const keeps = (type: string) => toCoreEvents([{ type, payload_json: payload, at: T0_MS }]).length === 1;
      for (const type of CLOCK_EVENT_TYPES) expect(keeps(type), type).toBe(true);
      // Every type the fixtures stored: kept by the replay if and only if the what-if reads it.
      const stored = await server.services.db.selectFrom('ticket_events').select('type').distinct().execute();
      expect(stored.length).toBeGreaterThan(2);
      for (const { type } of stored)
        expect(keeps(type), type).toBe((CLOCK_EVENT_TYPES as readonly string[]).includes(type));
    });

    it('gives a draft its calendars as the clocks resolve them, to admins only', async () => {
      const res = await server.request('GET', '/api/v1/policy/calendars', undefined, {
        token: admin,
        workspace: 'hosting-be',
      });
      expect(res.status, res.text).toBe(200);
      const items = z
        .object({ items: z.array(z.object({ key: z.string(), source: z.string(), spec: z.unknown() })) })
        .parse(res.body).items;
      // The hosting policy names be-business (the GTI) and always-open (24/7 channels); the Sur Mesure slot is filled
      // per contract and is not a calendar a draft edits.
      expect(items.map((c) => [c.key, c.source])).toEqual([
        ['always-open', 'preset'],
        ['be-business', 'preset'],
      ]);
      expect(items[1]?.spec).toMatchObject({ timeZone: 'Europe/Brussels', businessDay: 'PT9H' });
      const agent = await server.request('GET', '/api/v1/policy/calendars', undefined, {
        token: await server.login('agent@acme.test'),
      });
      expect(agent.status).toBe(403);
    });
  });
}
