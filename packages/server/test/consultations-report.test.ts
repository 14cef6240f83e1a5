import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import { addConsultant, consultationOf, WS, type ConsultantAccount } from './consultations-helpers.ts';
import { startTestServer, type TestServer } from './server-harness.ts';

const riyadh = (local: string) => Date.parse(`${local}+03:00`);

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'consultation report and notifications', () => {
    let server: TestServer;
    let admin: string;
    let client: string;
    let a: ConsultantAccount;
    let b: ConsultantAccount;

    const create = (body: Record<string, unknown>) =>
      server.request(
        'POST',
        '/api/v1/consultations',
        { subject: 'Inheritance', description: 'Shares of heirs', specialty: 'estates', ...body },
        { token: client },
      );
    const act = (token: string, id: string, action: string, body?: unknown) =>
      server.request('POST', `/api/v1/consultations/${id}/${action}`, body, { token });

    beforeAll(async () => {
      server = await startTestServer(dialect, { startMs: riyadh('2026-03-01T10:00:00') });
      admin = await server.login('admin@acme.test');
      client = await server.login('cclient@acme.test');
      // A name that would run as a formula in a spreadsheet.
      a = await addConsultant(server, admin, '=HYPERLINK("http://evil.test")', { specialties: ['estates'] });
      b = await addConsultant(server, admin, 'Beta', { specialties: ['estates'] });

      // a: offered at 10:00, accepted at 11:00 (1 h), contacted in time.
      const one = consultationOf(await create({ consultantId: a.id }));
      server.clock.set(riyadh('2026-03-01T11:00:00'));
      await act(a.token, one.id, 'accept');
      await act(a.token, one.id, 'contact', { kind: 'appointment', at: '2026-03-03T10:00:00+03:00' });
      // a: offered at 11:00, accepted at 14:00 (3 h), never contacted → missed.
      const two = consultationOf(await create({ consultantId: a.id }));
      server.clock.set(riyadh('2026-03-01T14:00:00'));
      await act(a.token, two.id, 'accept');
      // a: offered at 14:00, declined; b claims it from the board 30 min later.
      const three = consultationOf(await create({ consultantId: a.id }));
      await act(a.token, three.id, 'decline', { reason: 'busy' });
      server.clock.set(riyadh('2026-03-01T14:30:00'));
      await act(b.token, three.id, 'claim');
      // b: offered at 14:30 and left to expire.
      consultationOf(await create({ consultantId: b.id }));
      server.clock.set(riyadh('2026-03-08T12:00:00'));
      for (let i = 0; i < 4; i++) await server.background.scheduler.runOnce();
    });
    afterAll(async () => server?.close());

    it('counts per consultant and month, in JSON', async () => {
      const res = await server.request('GET', '/api/v1/consultations/report?month=2026-03', undefined, {
        token: admin,
        workspace: WS,
      });
      expect(res.status, res.text).toBe(200);
      const items = (res.body as { items: Record<string, unknown>[] }).items;
      const ofA = items.find((i) => i['consultantId'] === a.id);
      const ofB = items.find((i) => i['consultantId'] === b.id);
      expect(ofA).toMatchObject({
        offers: 3,
        acceptances: 2,
        declines: 1,
        expiries: 0,
        medianTimeToAcceptMs: 2 * 3_600_000,
        contactsMet: 1,
        contactsMissed: 1,
      });
      // b's request three was claimed then never contacted: missed too.
      expect(ofB).toMatchObject({ offers: 1, acceptances: 1, declines: 0, expiries: 1, contactsMissed: 1 });
      const empty = await server.request('GET', '/api/v1/consultations/report?month=2026-02', undefined, {
        token: admin,
        workspace: WS,
      });
      expect((empty.body as { items: unknown[] }).items).toEqual([]);
      const forbidden = await server.request('GET', '/api/v1/consultations/report?month=2026-03', undefined, {
        token: a.token,
      });
      expect(forbidden.status).toBe(403);
      const bad = await server.request('GET', '/api/v1/consultations/report?month=2026-13', undefined, {
        token: admin,
        workspace: WS,
      });
      expect(bad.status).toBe(400);
    });

    it('in CSV, with formula cells neutralised', async () => {
      const res = await server.request(
        'GET',
        '/api/v1/consultations/report?month=2026-03&format=csv',
        undefined,
        {
          token: admin,
          workspace: WS,
        },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = res.text.trim().split('\r\n');
      expect(lines[0]).toBe(
        '"month","consultant_id","consultant_name","offers","acceptances","declines","expiries","median_time_to_accept_minutes","contacts_met","contacts_missed"',
      );
      expect(res.text).toContain(
        `"2026-03","${a.id}","'=HYPERLINK(""http://evil.test"")","3","2","1","0","120","1","1"`,
      );
    });

    it('reaches the named recipients by e-mail and in-app', async () => {
      for (let i = 0; i < 5; i++) await server.background.dispatcher.runOnce();
      const deliveries = await server.services.db
        .selectFrom('deliveries')
        .select(['channel', 'target', 'event_type'])
        .where('event_type', 'like', 'consultation.%')
        .execute();
      const inApp = (user: string, type: string) =>
        deliveries.some((d) => d.channel === 'in-app' && d.target === user && d.event_type === type);
      expect(inApp(a.id, 'consultation.created')).toBe(true);
      expect(inApp(a.id, 'consultation.contact-overdue')).toBe(true);
      expect(deliveries.some((d) => d.channel === 'email' && d.event_type === 'consultation.accepted')).toBe(
        true,
      );
      const mine = await server.request('GET', '/api/v1/notifications', undefined, { token: a.token });
      expect((mine.body as { items: { type: string }[] }).items.map((n) => n.type)).toContain(
        'consultation.contact-overdue',
      );
    });
  });
}
