import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import { addConsultant, consultationOf } from './consultations-helpers.ts';
import { startTestServer, type TestServer } from './server-harness.ts';

/** A browser's side of a push subscription: a P-256 public key and a 16-byte auth secret. */
const browserKeys = () => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
  };
};

interface Note {
  type: string;
  title: string;
  body: string;
}

for (const dialect of DIALECTS) {
  describeDialect(
    dialect,
    'consultation notifications: wording per event, in the recipient’s language',
    () => {
      let server: TestServer;
      let admin: string;
      let client: string;

      beforeAll(async () => {
        // A push subscription on this machine (its endpoint is never reached: the test reads what was planned).
        vi.stubEnv('ACCORD_WEBHOOK_ALLOW_PRIVATE', 'true');
        server = await startTestServer(dialect);
        admin = await server.login('admin@acme.test');
        client = await server.login('cclient@acme.test');
      });
      afterAll(async () => {
        vi.unstubAllEnvs();
        await server?.close();
      });

      const dispatch = async () => {
        while ((await server.background.dispatcher.runOnce()) > 0);
      };
      const notes = async (token: string) =>
        (
          (await server.request('GET', '/api/v1/notifications', undefined, { token })).body as {
            items: Note[];
          }
        ).items;
      const emails = async (type: string) =>
        (
          await server.services.db
            .selectFrom('deliveries')
            .select(['event_type', 'message_json'])
            .where('channel', '=', 'email')
            .where('event_type', '=', type)
            .execute()
        ).map(
          (d) => JSON.parse(d.message_json) as { to: string; language: string; wording: { subject: string } },
        );

      it('the chosen consultant reads the offer in the workspace’s Arabic; the client reads acceptance in English', async () => {
        const a = await addConsultant(server, admin, 'Notified One', { specialties: ['wording'] });
        const setLanguage = await server.request(
          'PATCH',
          '/api/v1/me',
          { language: 'en' },
          { token: client },
        );
        expect(setLanguage.status, setLanguage.text).toBe(200);

        const created = consultationOf(
          await server.request(
            'POST',
            '/api/v1/consultations',
            { subject: 'Zakat $& on shares', description: 'd', specialty: 'wording', consultantId: a.id },
            { token: client },
          ),
        );
        await dispatch();
        const offer = (await notes(a.token)).find((n) => n.type === 'consultation.created');
        // consulting-sa writes in Arabic to users who chose no language; the subject is quoted as typed.
        expect(offer?.title).toContain('طلب استشارة جديد موجه إليك: Zakat $& on shares');
        expect(offer?.body).toBe('اختارك عميل لاستشارة. اقبل الطلب أو ارفضه قبل الموعد المذكور أدناه.');

        consultationOf(
          await server.request('POST', `/api/v1/consultations/${created.id}/accept`, undefined, {
            token: a.token,
          }),
        );
        await dispatch();
        const accepted = (await notes(client)).find((n) => n.type === 'consultation.accepted');
        expect(accepted?.title).toContain('Your consultation request was accepted: Zakat $& on shares');
        expect(accepted?.body).toBe(
          'A consultant accepted your request and will contact you before the deadline below.',
        );
        const [mail] = (await emails('consultation.accepted')).filter((m) => m.to === 'cclient@acme.test');
        expect(mail).toMatchObject({ language: 'en' });

        const message = await server.request(
          'POST',
          `/api/v1/consultations/${created.id}/messages`,
          { body: 'Hello' },
          { token: a.token },
        );
        expect(message.status).toBe(201);
        await dispatch();
        const types = (await notes(client)).map((n) => n.type);
        expect(types).toEqual(expect.arrayContaining(['consultation.message', 'consultation.contacted']));
        const contacted = (await notes(client)).find((n) => n.type === 'consultation.contacted');
        expect(contacted?.title).toContain('Your consultant got in touch');
      });

      it('a note names the request it is about, and its push opens that request’s page', async () => {
        const a = await addConsultant(server, admin, 'Pushed One', { specialties: ['links'] });
        const subscribed = await server.request(
          'POST',
          '/api/v1/push/subscriptions',
          { endpoint: 'https://127.0.0.1:9/push/links', keys: browserKeys() },
          { token: a.token },
        );
        expect(subscribed.status, subscribed.text).toBe(201);
        const created = consultationOf(
          await server.request(
            'POST',
            '/api/v1/consultations',
            { subject: 'Where does this lead', description: 'd', specialty: 'links', consultantId: a.id },
            { token: client },
          ),
        );
        await dispatch();
        const offer = (
          (await server.request('GET', '/api/v1/notifications', undefined, { token: a.token })).body as {
            items: { type: string; ticketId: string | null; consultationId: string | null }[];
          }
        ).items.find((n) => n.type === 'consultation.created');
        expect(offer).toMatchObject({ ticketId: null, consultationId: created.id });
        const pushes = await server.services.db
          .selectFrom('deliveries')
          .select('message_json')
          .where('channel', '=', 'push')
          .where('target', '=', String((subscribed.body as { id: string }).id))
          .execute();
        expect(pushes.map((p) => (JSON.parse(p.message_json) as { url: string }).url)).toEqual([
          `/consultations/${created.id}`,
        ]);
      });
    },
  );
}
