import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
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

interface Message {
  id: string;
  authorId: string;
  fromConsultant: boolean;
  body: string;
}

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'consultation requests: the message thread, first message = contact', () => {
    let server: TestServer;
    let admin: string;
    let client: string;
    let a: ConsultantAccount;
    let b: ConsultantAccount;
    let n = 0;

    beforeAll(async () => {
      server = await startTestServer(dialect);
      admin = await server.login('admin@acme.test');
      client = await server.login('cclient@acme.test');
    });
    afterAll(async () => server?.close());
    beforeEach(async () => {
      n += 1;
      server.clock.set(riyadh('2026-03-02T11:00:00'));
      a = await addConsultant(server, admin, `Gamma ${n}`, { specialties: [`msg-${n}`] });
      b = await addConsultant(server, admin, `Delta ${n}`, { specialties: [`msg-${n}`] });
    });

    const accepted = async () => {
      const created = consultationOf(
        await server.request(
          'POST',
          '/api/v1/consultations',
          {
            subject: 'Inheritance',
            description: 'Shares of a house',
            specialty: `msg-${n}`,
            consultantId: a.id,
          },
          { token: client },
        ),
      );
      consultationOf(
        await server.request('POST', `/api/v1/consultations/${created.id}/accept`, undefined, {
          token: a.token,
        }),
      );
      return created.id;
    };
    const post = (token: string, id: string, body: string, workspace?: string) =>
      server.request('POST', `/api/v1/consultations/${id}/messages`, { body }, { token, workspace });
    const read = async (token: string, id: string, workspace?: string) =>
      consultationOf(
        await server.request('GET', `/api/v1/consultations/${id}`, undefined, { token, workspace }),
      );
    const contacts = async (id: string) =>
      (await read(admin, id, WS)).history.filter((e) => e.type === 'contacted');

    it("the client's message is not a contact; the consultant's first one is, once (kind message, met)", async () => {
      const id = await accepted();
      server.clock.set(riyadh('2026-03-02T12:00:00'));
      const fromClient = await post(client, id, 'Hello, when can we talk?');
      expect(fromClient.status, fromClient.text).toBe(201);
      expect((fromClient.body as Message).fromConsultant).toBe(false);
      expect((await read(client, id)).state).toBe('accepted');
      expect(await outboxOf(server, 'consultation.message', id)).toEqual([
        expect.objectContaining({ recipients: [a.id] }),
      ]);

      server.clock.set(riyadh('2026-03-02T13:00:00'));
      expect((await post(a.token, id, 'Tomorrow at 10?')).status).toBe(201);
      const after = await read(client, id);
      expect(after).toMatchObject({ state: 'contacted', contactKind: 'message', contactMet: true });
      expect(after.contactedAt).toBe(new Date(riyadh('2026-03-02T13:00:00')).toISOString());

      server.clock.set(riyadh('2026-03-02T14:00:00'));
      expect((await post(a.token, id, 'Or at 11')).status).toBe(201);
      expect((await read(client, id)).contactedAt).toBe(
        new Date(riyadh('2026-03-02T13:00:00')).toISOString(),
      );
      expect(await contacts(id)).toHaveLength(1);
      expect((await outboxOf(server, 'consultation.contacted', id)).length).toBe(1);

      const thread = await server.request('GET', `/api/v1/consultations/${id}/messages`, undefined, {
        token: client,
      });
      expect((thread.body as { items: Message[] }).items.map((m) => [m.body, m.fromConsultant])).toEqual([
        ['Hello, when can we talk?', false],
        ['Tomorrow at 10?', true],
        ['Or at 11', true],
      ]);
    });

    it('many first messages at once record one contact', async () => {
      const id = await accepted();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => post(a.token, id, `message ${i}`)),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      expect(await contacts(id)).toHaveLength(1);
      expect((await contacts(id))[0]!.details).toMatchObject({ kind: 'message', first: true, met: true });
    });

    it('a contact by call first: a later message records nothing more', async () => {
      const id = await accepted();
      consultationOf(
        await server.request(
          'POST',
          `/api/v1/consultations/${id}/contact`,
          { kind: 'call' },
          { token: a.token },
        ),
      );
      expect((await post(a.token, id, 'Summary of our call')).status).toBe(201);
      expect(await contacts(id)).toHaveLength(1);
      expect((await read(client, id)).contactKind).toBe('call');
    });

    it('a missed deadline stays missed when the first message comes late', async () => {
      const id = await accepted();
      // 24 business hours after Monday 11:00 (Sun–Thu, 9–18): Wednesday 17:00.
      server.clock.set(riyadh('2026-03-05T10:00:00'));
      expect((await post(a.token, id, 'Sorry for the delay')).status).toBe(201);
      expect(await read(client, id)).toMatchObject({ state: 'contacted', contactMet: false });
    });

    it('nobody else reads or writes; no thread before acceptance or after the end', async () => {
      const other = await server.login('cother@acme.test');
      const early = consultationOf(
        await server.request(
          'POST',
          '/api/v1/consultations',
          { subject: 'Early', description: 'd', specialty: `msg-${n}`, consultantId: a.id },
          { token: client },
        ),
      );
      const tooEarly = await post(client, early.id, 'hi');
      expect(tooEarly.status).toBe(422);
      expect(errorOf(tooEarly).code).toBe('INVALID_TRANSITION');
      // Offered, not yet taken: the consultant has no thread either.
      expect((await post(a.token, early.id, 'hi')).status).toBe(404);

      const id = await accepted();
      expect((await post(other, id, 'hi')).status).toBe(404);
      expect((await post(b.token, id, 'hi')).status).toBe(404);
      expect(
        (await server.request('GET', `/api/v1/consultations/${id}/messages`, undefined, { token: b.token }))
          .status,
      ).toBe(404);
      expect(
        (
          await server.request('GET', `/api/v1/consultations/${id}/messages`, undefined, {
            token: admin,
            workspace: WS,
          })
        ).status,
      ).toBe(200);
      expect((await post(admin, id, 'hi', WS)).status).toBe(403);
      expect((await post(client, id, '   ')).status).toBe(400);

      consultationOf(
        await server.request('POST', `/api/v1/consultations/${id}/close`, undefined, { token: a.token }),
      );
      const closed = await post(client, id, 'one more thing');
      expect(closed.status).toBe(422);
      expect(await contacts(id)).toHaveLength(0);
    });
  });
}
