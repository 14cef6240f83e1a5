import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import { addConsultant, consultationOf, WS } from './consultations-helpers.ts';
import { PASSWORD, startTestServer, type TestServer } from './server-harness.ts';
import { openStream, type SseEvent } from './stream-client.ts';

const riyadh = (local: string) => Date.parse(`${local}+03:00`);

/** The stream's events about one request, by type (order within one outbox batch is not promised). */
const about = (events: readonly SseEvent[], id: string) =>
  events
    .filter((e) => e.data['consultationId'] === id)
    .map((e) => e.event)
    .sort();

/**
 * Consultation requests on the live stream (`GET /api/v1/stream`): staff see every one; outside staff, only the
 * client who made it, the consultant it is offered to or taken by, and, while it is on the board, the consultants
 * qualified for it. Nobody else: not another consultant, not the client's own colleague, not another workspace.
 */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'consultation requests on the live stream', () => {
    let server: TestServer;
    let admin: string;
    let client: string;
    let colleague: string;
    let otherClient: string;
    let staff: string;
    let hostingClient: string;
    let specialty: string;
    let n = 0;
    const streams: { close(): void }[] = [];
    const open = (token: string) => {
      const stream = openStream(server.baseUrl, `/api/v1/stream?workspace=${WS}`, {
        authorization: `Bearer ${token}`,
      });
      streams.push(stream);
      return stream;
    };
    /** One stream per token, in the tokens' order (a tuple, so each has its own name below). */
    const openEach = <const T extends readonly string[]>(tokens: T) =>
      tokens.map(open) as { [K in keyof T]: ReturnType<typeof open> };
    const dispatch = async () => {
      while ((await server.background.dispatcher.runOnce()) > 0);
    };
    /** Long enough for an event to reach a stream that should not get it (the hub polls every half second). */
    const settle = () => new Promise((r) => setTimeout(r, 800));
    const consultant = (name: string, specialties = [specialty]) =>
      addConsultant(server, admin, name, { specialties });
    const act = async (token: string, id: string, action: string, body?: unknown) =>
      consultationOf(await server.request('POST', `/api/v1/consultations/${id}/${action}`, body, { token }));
    const request = async (consultantId?: string) =>
      consultationOf(
        await server.request(
          'POST',
          '/api/v1/consultations',
          {
            subject: 'Secret subject of the request',
            description: 'Private details',
            specialty,
            ...(consultantId === undefined ? {} : { consultantId }),
          },
          { token: client },
        ),
      );

    beforeAll(async () => {
      server = await startTestServer(dialect);
      admin = await server.login('admin@acme.test');
      client = await server.login('cclient@acme.test');
      otherClient = await server.login('cother@acme.test');
      staff = await server.login('cagent@acme.test');
      hostingClient = await server.login('pro@acme.test');
      // A colleague in the client's own organization: tickets are shared within it, consultation requests are not.
      const added = await server.request(
        'POST',
        '/api/v1/users',
        {
          email: 'colleague@acme.test',
          name: 'Colleague',
          password: PASSWORD,
          role: 'client',
          organizationId: server.fixture.consulting.org,
        },
        { token: admin, workspace: WS },
      );
      expect(added.status, added.text).toBe(201);
      colleague = await server.login('colleague@acme.test');
    });
    afterAll(async () => {
      for (const s of streams) s.close();
      await server?.close();
    });
    beforeEach(() => {
      n += 1;
      specialty = `live-${n}`;
      server.clock.set(riyadh('2026-03-02T11:00:00'));
    });

    it('a direct request: the chosen consultant and the client follow it live, nobody else outside staff', async () => {
      const chosen = await consultant('Chosen');
      const sameSkill = await consultant('Same Skill');
      const elsewhere = await consultant('Elsewhere', ['other-skill']);
      const [toChosen, toClient, toStaff, toSameSkill, toElsewhere, toColleague, toOther] = openEach([
        chosen.token,
        client,
        staff,
        sameSkill.token,
        elsewhere.token,
        colleague,
        otherClient,
      ] as const);
      const toHosting = openStream(server.baseUrl, '/api/v1/stream', {
        authorization: `Bearer ${hostingClient}`,
      });
      streams.push(toHosting);
      for (const s of [
        toChosen,
        toClient,
        toStaff,
        toSameSkill,
        toElsewhere,
        toColleague,
        toOther,
        toHosting,
      ])
        expect(await s.status).toBe(200);

      const offered = await request(chosen.id);
      await dispatch();
      // The offer arrives.
      await toChosen.waitFor((e) => about(e, offered.id).includes('consultation.offered'));
      await toClient.waitFor((e) => about(e, offered.id).includes('consultation.created'));
      await toStaff.waitFor((e) => about(e, offered.id).length >= 2);
      expect(about(toChosen.events, offered.id)).toEqual(['consultation.created', 'consultation.offered']);

      // Accepted, a message, the contact: each reaches both sides.
      await act(chosen.token, offered.id, 'accept');
      await dispatch();
      await toClient.waitFor((e) => about(e, offered.id).includes('consultation.accepted'));
      await toChosen.waitFor((e) => about(e, offered.id).includes('consultation.accepted'));
      const message = await server.request(
        'POST',
        `/api/v1/consultations/${offered.id}/messages`,
        { body: 'A private question' },
        { token: client },
      );
      expect(message.status, message.text).toBe(201);
      await dispatch();
      await toChosen.waitFor((e) => about(e, offered.id).includes('consultation.message'));
      await act(chosen.token, offered.id, 'contact', { kind: 'call' });
      await dispatch();
      await toClient.waitFor((e) => about(e, offered.id).includes('consultation.contacted'));
      await toStaff.waitFor((e) => about(e, offered.id).includes('consultation.contacted'));

      await settle();
      for (const stranger of [toSameSkill, toElsewhere, toColleague, toOther, toHosting])
        expect(about(stranger.events, offered.id)).toEqual([]);
      // Ids and instants only: neither the subject, the details nor a message travels on the stream, nor who follows.
      for (const s of [toChosen, toClient, toStaff]) {
        const text = JSON.stringify(s.events);
        for (const secret of ['Secret subject', 'Private details', 'A private question', chosen.id])
          expect(text).not.toContain(secret);
        for (const e of s.events.filter((x) => x.data['consultationId'] === offered.id))
          expect(Object.keys(e.data).sort()).toEqual(['consultationId', 'occurredAt']);
      }
    });

    it('the board: every qualified consultant sees a request arrive and, once claimed, leave', async () => {
      const first = await consultant('Board First');
      const second = await consultant('Board Second');
      const away = await addConsultant(server, admin, 'Board Away', {
        specialties: [specialty],
        available: false,
      });
      const unqualified = await consultant('Board Unqualified', ['other-skill']);
      const [toFirst, toSecond, toAway, toUnqualified, toClient, toColleague] = openEach([
        first.token,
        second.token,
        away.token,
        unqualified.token,
        client,
        colleague,
      ] as const);
      for (const s of [toFirst, toSecond, toAway, toUnqualified, toClient, toColleague])
        expect(await s.status).toBe(200);

      const listed = await request();
      expect(listed.state).toBe('open');
      await dispatch();
      for (const s of [toFirst, toSecond, toAway, toClient])
        await s.waitFor((e) => about(e, listed.id).includes('consultation.created'));

      await act(first.token, listed.id, 'claim');
      await dispatch();
      // Gone from the other boards (the away consultant's too: it comes back when they do).
      for (const s of [toFirst, toSecond, toAway, toClient])
        await s.waitFor((e) => about(e, listed.id).includes('consultation.claimed'));
      await settle();
      expect(about(toUnqualified.events, listed.id)).toEqual([]);
      expect(about(toColleague.events, listed.id)).toEqual([]);
    });

    it('an offer that expires: its consultant sees it go, the board sees it arrive, the one who let it pass never again', async () => {
      const slow = await consultant('Slow');
      const next = await consultant('Next');
      const unqualified = await consultant('Expiry Unqualified', ['other-skill']);
      const [toSlow, toNext, toUnqualified, toClient] = openEach([
        slow.token,
        next.token,
        unqualified.token,
        client,
      ] as const);
      for (const s of [toSlow, toNext, toUnqualified, toClient]) expect(await s.status).toBe(200);

      const offered = await request(slow.id);
      await dispatch();
      await toSlow.waitFor((e) => about(e, offered.id).includes('consultation.offered'));
      expect(about(toNext.events, offered.id)).toEqual([]);

      // The consulting preset's onExpiry is "board": past four business hours it is listed again.
      server.clock.set(riyadh('2026-03-03T11:00:00'));
      while ((await server.background.scheduler.runOnce()) > 0);
      await dispatch();
      await toSlow.waitFor((e) => about(e, offered.id).includes('consultation.expired'));
      await toClient.waitFor((e) => about(e, offered.id).includes('consultation.expired'));
      await toNext.waitFor((e) => about(e, offered.id).includes('consultation.listed'));

      await act(next.token, offered.id, 'claim');
      await dispatch();
      await toClient.waitFor((e) => about(e, offered.id).includes('consultation.claimed'));
      await settle();
      // Excluded for good: the claim is none of the slow consultant's business any more.
      expect(about(toSlow.events, offered.id)).not.toContain('consultation.claimed');
      expect(about(toSlow.events, offered.id)).not.toContain('consultation.listed');
      expect(about(toUnqualified.events, offered.id)).toEqual([]);
    });
  });
}
