import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { policyPreset } from '../src/sla/sla-clock.service.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  addConsultant,
  consultationOf,
  outboxOf,
  WS,
  type ConsultantAccount,
} from './consultations-helpers.ts';
import { errorOf, startTestServer, type TestServer } from './server-harness.ts';

const riyadh = (local: string) => Date.parse(`${local}+03:00`);

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'consultation requests: direct assignment, board, deadlines', () => {
    let server: TestServer;
    let admin: string;
    let adminId: string;
    let client: string;
    let a: ConsultantAccount;
    let b: ConsultantAccount;
    let specialty: string;
    let n = 0;

    beforeAll(async () => {
      server = await startTestServer(dialect);
      admin = await server.login('admin@acme.test');
      client = await server.login('cclient@acme.test');
      const me = await server.request('GET', '/api/v1/me', undefined, { token: admin, workspace: WS });
      adminId = String(
        (me.body as { id?: string; user?: { id: string } }).user?.id ?? (me.body as { id: string }).id,
      );
    });
    afterAll(async () => server?.close());
    // Each test gets its own specialty and consultants, so requests of other tests never qualify.
    beforeEach(async () => {
      n += 1;
      specialty = `spec-${n}`;
      server.clock.set(riyadh('2026-03-02T11:00:00'));
      a = await addConsultant(server, admin, `Alpha ${n}`, { specialties: [specialty] });
      b = await addConsultant(server, admin, `Beta ${n}`, { specialties: [specialty] });
    });

    const create = (body: Record<string, unknown>) =>
      server.request(
        'POST',
        '/api/v1/consultations',
        {
          subject: 'Zakat on a holding',
          description: 'How is it computed?',
          specialty,
          ...body,
        },
        { token: client },
      );
    const act = (token: string, id: string, action: string, body?: unknown) =>
      server.request('POST', `/api/v1/consultations/${id}/${action}`, body, { token });

    it('direct: offered with a 4 business-hour deadline, accepted, contacted in time', async () => {
      const offered = consultationOf(await create({ consultantId: a.id }));
      expect(offered).toMatchObject({ state: 'offered', consultantId: a.id, mode: 'direct' });
      expect(Date.parse(offered.acceptDueAt!)).toBe(riyadh('2026-03-02T15:00:00'));
      // The running deadline as a snapshot the page ticks: 4 business hours left, counting until 18:00.
      expect(offered.deadline).toEqual({
        metric: 'accept',
        dueAt: new Date(riyadh('2026-03-02T15:00:00')).toISOString(),
        remainingSeconds: 4 * 3600,
        countingNow: true,
        nextChangeAt: new Date(riyadh('2026-03-02T18:00:00')).toISOString(),
      });
      expect(offered.names[a.id]).toBe(`Alpha ${n}`);
      expect(await outboxOf(server, 'consultation.created', offered.id)).toEqual([
        expect.objectContaining({ recipients: [a.id] }),
      ]);

      server.clock.set(riyadh('2026-03-02T12:00:00'));
      const accepted = consultationOf(await act(a.token, offered.id, 'accept'));
      expect(accepted.state).toBe('accepted');
      expect(accepted.acceptedAt).toBe(new Date(riyadh('2026-03-02T12:00:00')).toISOString());
      // 24 h of open time: 6 h Monday, 9 h Tuesday, 9 h Wednesday.
      expect(Date.parse(accepted.contactDueAt!)).toBe(riyadh('2026-03-04T18:00:00'));
      expect(accepted.deadline).toMatchObject({ metric: 'contact', remainingSeconds: 24 * 3600 });

      const contacted = consultationOf(await act(a.token, offered.id, 'contact', { kind: 'call' }));
      expect(contacted).toMatchObject({ state: 'contacted', contactMet: true, contactKind: 'call' });
      // The acceptance deadline that no longer applies never fires.
      server.clock.set(riyadh('2026-03-10T12:00:00'));
      await server.background.scheduler.runOnce();
      const after = consultationOf(
        await server.request('GET', `/api/v1/consultations/${offered.id}`, undefined, { token: client }),
      );
      expect(after.history.map((e) => e.type)).toEqual(['created', 'accepted', 'contacted']);
    });

    it('decline → back on the board, never again listed for, visible to or claimable by the decliner', async () => {
      const offered = consultationOf(await create({ consultantId: a.id }));
      const declined = consultationOf(
        await act(a.token, offered.id, 'decline', { reason: 'conflict of interest' }),
      );
      expect(declined).toMatchObject({ state: 'open', consultantId: null });

      const boardA = await server.request('GET', '/api/v1/consultations/board', undefined, {
        token: a.token,
      });
      expect((boardA.body as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(offered.id);
      const boardB = await server.request('GET', '/api/v1/consultations/board', undefined, {
        token: b.token,
      });
      expect((boardB.body as { items: { id: string }[] }).items.map((i) => i.id)).toContain(offered.id);
      const seen = await server.request('GET', `/api/v1/consultations/${offered.id}`, undefined, {
        token: a.token,
      });
      expect(seen.status).toBe(404);
      const claim = await act(a.token, offered.id, 'claim');
      expect(claim.status).toBe(422);
      expect(errorOf(claim)).toMatchObject({
        code: 'CONSULTANT_NOT_QUALIFIED',
        details: { reason: 'excluded' },
      });

      const taken = consultationOf(await act(b.token, offered.id, 'claim'));
      expect(taken).toMatchObject({ state: 'accepted', consultantId: b.id });
      const staff = consultationOf(
        await server.request('GET', `/api/v1/consultations/${offered.id}`, undefined, {
          token: admin,
          workspace: WS,
        }),
      );
      expect(staff.history.map((e) => [e.type, e.consultantId])).toEqual([
        ['created', null],
        ['offered', a.id],
        ['declined', a.id],
        ['listed', null],
        ['claimed', b.id],
      ]);
      expect(staff.history[2]?.details).toMatchObject({ reason: 'conflict of interest' });
      // The client sees who took it, not who declined.
      const mine = consultationOf(
        await server.request('GET', `/api/v1/consultations/${offered.id}`, undefined, { token: client }),
      );
      expect(mine.history.map((e) => e.type)).toEqual(['created', 'claimed']);
    });

    it.each([
      ['across the Fri–Sat weekend', '2026-03-05T16:00:00', '2026-03-08T11:00:00'],
      ['across Eid al-Fitr (19–22 March 2026)', '2026-03-18T16:00:00', '2026-03-23T11:00:00'],
    ])(
      'no answer: expires at exactly 4 business hours %s, then the board',
      async (_name, offeredAt, dueAt) => {
        server.clock.set(riyadh(offeredAt));
        const offered = consultationOf(await create({ consultantId: a.id }));
        expect(Date.parse(offered.acceptDueAt!)).toBe(riyadh(dueAt));

        server.clock.set(riyadh(dueAt) - 1);
        await server.background.scheduler.runOnce();
        const before = consultationOf(
          await server.request('GET', `/api/v1/consultations/${offered.id}`, undefined, { token: client }),
        );
        expect(before.state).toBe('offered');

        server.clock.set(riyadh(dueAt));
        await server.background.scheduler.runOnce();
        await server.background.scheduler.runOnce();
        const staff = consultationOf(
          await server.request('GET', `/api/v1/consultations/${offered.id}`, undefined, {
            token: admin,
            workspace: WS,
          }),
        );
        expect(staff.state).toBe('open');
        const expired = staff.history.filter((e) => e.type === 'expired');
        expect(expired).toHaveLength(1);
        expect(expired[0]).toMatchObject({ consultantId: a.id, at: new Date(riyadh(dueAt)).toISOString() });
        expect(await outboxOf(server, 'consultation.expired', offered.id)).toHaveLength(1);
        // The consultant who let it expire cannot take it back.
        expect((await act(a.token, offered.id, 'accept')).status).toBe(404);
        expect(errorOf(await act(a.token, offered.id, 'claim')).code).toBe('CONSULTANT_NOT_QUALIFIED');
      },
    );

    it('claim race: many consultants at once, exactly one 200 and every other a 409', async () => {
      const others = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          addConsultant(server, admin, `Racer ${n}-${i}`, { specialties: [specialty] }),
        ),
      );
      const open = consultationOf(await create({}));
      expect(open.state).toBe('open');
      const results = await Promise.all([a, b, ...others].map((c) => act(c.token, open.id, 'claim')));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(11);
      for (const r of results.filter((x) => x.status === 409))
        expect(errorOf(r).code).toBe('CONSULTATION_ALREADY_TAKEN');
      const claims = await server.services.db
        .selectFrom('consultation_events')
        .select('consultant_id')
        .where('consultation_id', '=', open.id)
        .where('type', '=', 'claimed')
        .execute();
      expect(claims).toHaveLength(1);
    });

    it('capacity and availability refusals are 422 with the reason', async () => {
      const small = await addConsultant(server, admin, `Small ${n}`, {
        specialties: [specialty],
        capacity: 1,
      });
      const first = consultationOf(await create({}));
      const second = consultationOf(await create({}));
      consultationOf(await act(small.token, first.id, 'claim'));
      const full = await act(small.token, second.id, 'claim');
      expect(full.status).toBe(422);
      expect(errorOf(full)).toMatchObject({
        code: 'CONSULTANT_AT_CAPACITY',
        details: { reason: 'at-capacity' },
      });

      const back = new Date(riyadh('2026-03-03T09:00:00')).toISOString();
      await server.request(
        'PATCH',
        '/api/v1/consultants/me',
        { available: false, awayUntil: back },
        { token: b.token },
      );
      const away = await act(b.token, second.id, 'claim');
      expect(away.status).toBe(422);
      expect(errorOf(away)).toMatchObject({ code: 'CONSULTANT_UNAVAILABLE', details: { reason: 'away' } });
      const direct = await create({ consultantId: b.id });
      expect(errorOf(direct)).toMatchObject({ code: 'CONSULTANT_UNAVAILABLE' });
      const board = await server.request('GET', '/api/v1/consultations/board', undefined, { token: b.token });
      expect(board.body).toMatchObject({ items: [], blockedBy: 'away' });
      // Away ends by itself at the instant given.
      server.clock.set(riyadh('2026-03-03T09:00:00'));
      expect((await act(b.token, second.id, 'claim')).status).toBe(200);
    });

    it('contact missed: warning, then overdue at 24 business hours, escalated to the admins', async () => {
      const open = consultationOf(await create({}));
      const taken = consultationOf(await act(a.token, open.id, 'claim'));
      const dueMs = Date.parse(taken.contactDueAt!);
      expect(dueMs).toBe(riyadh('2026-03-04T17:00:00'));
      server.clock.set(dueMs - 1);
      await server.background.scheduler.runOnce();
      let staff = consultationOf(
        await server.request('GET', `/api/v1/consultations/${open.id}`, undefined, {
          token: admin,
          workspace: WS,
        }),
      );
      expect(staff.history.map((e) => e.type)).toContain('contact-warning');
      expect(staff.history.map((e) => e.type)).not.toContain('contact-overdue');
      expect(staff.contactMet).toBeNull();

      server.clock.set(dueMs);
      await server.background.scheduler.runOnce();
      server.clock.set(dueMs + 1);
      staff = consultationOf(
        await server.request('GET', `/api/v1/consultations/${open.id}`, undefined, {
          token: admin,
          workspace: WS,
        }),
      );
      expect(staff.history.filter((e) => e.type === 'contact-overdue')).toHaveLength(1);
      expect(staff.contactMet).toBe(false);
      const [overdue] = await outboxOf(server, 'consultation.contact-overdue', open.id);
      expect(overdue?.recipients).toEqual(expect.arrayContaining([a.id, adminId]));
      // A late contact is recorded but does not meet the deadline.
      const late = consultationOf(await act(a.token, open.id, 'contact', { kind: 'message' }));
      expect(late).toMatchObject({ state: 'contacted', contactMet: false });
    });

    it('next-consultant: everybody declined → the admins are alerted', async () => {
      const preset = policyPreset('consulting-sa');
      const put = await server.request(
        'PUT',
        '/api/v1/policy',
        {
          policy: {
            ...preset,
            version: 100 + n,
            consultations: { ...preset.consultations, onExpiry: 'next-consultant' },
          },
        },
        { token: admin, workspace: WS },
      );
      expect(put.status, put.text).toBe(200);
      try {
        const offered = consultationOf(await create({ consultantId: a.id }));
        const toB = consultationOf(await act(a.token, offered.id, 'decline'));
        expect(toB).toMatchObject({ state: 'offered' });
        const staff1 = consultationOf(
          await server.request('GET', `/api/v1/consultations/${offered.id}`, undefined, {
            token: admin,
            workspace: WS,
          }),
        );
        expect(staff1.consultantId).toBe(b.id);
        const none = consultationOf(await act(b.token, offered.id, 'decline'));
        expect(none.state).toBe('open');
        const alerts = await outboxOf(server, 'consultation.unassigned', offered.id);
        expect(alerts).toHaveLength(1);
        expect(alerts[0]?.recipients).toContain(adminId);
      } finally {
        await server.request(
          'PUT',
          '/api/v1/policy',
          { policy: { ...preset, version: 200 + n } },
          { token: admin, workspace: WS },
        );
      }
    });

    it('a client sees only its own requests; a consultant cannot create one; bad input is 400', async () => {
      const other = await server.login('cother@acme.test');
      const mine = consultationOf(await create({}));
      expect(
        (await server.request('GET', `/api/v1/consultations/${mine.id}`, undefined, { token: other })).status,
      ).toBe(404);
      const asConsultant = await server.request(
        'POST',
        '/api/v1/consultations',
        { subject: 's', description: 'd', specialty },
        { token: a.token },
      );
      expect(asConsultant.status).toBe(403);
      const bad = await server.request(
        'POST',
        '/api/v1/consultations',
        { subject: '', description: 'd', specialty },
        { token: client },
      );
      expect(bad.status).toBe(400);
      const nobody = await create({ consultantId: adminId });
      expect(errorOf(nobody).code).toBe('CONSULTANT_NOT_FOUND');
    });
  });
}
