import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, itemsOf, PASSWORD, startTestServer, ticketOf, type TestServer } from './server-harness.ts';

const detailSchema = z.object({
  id: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  from: z.string().nullable(),
  subject: z.string().nullable(),
  to: z.array(z.string()),
  text: z.string(),
  textTruncated: z.boolean(),
  attachments: z.array(
    z.object({ filename: z.string(), contentType: z.string(), sizeBytes: z.number(), kept: z.boolean() }),
  ),
  actions: z.array(
    z.object({
      action: z.string(),
      outcome: z.string(),
      by: z.string().nullable(),
      ticketId: z.string().nullable(),
    }),
  ),
});
const outcomeSchema = z.object({
  status: z.string(),
  reason: z.string().nullable(),
  ticketId: z.string().nullable(),
});

/** A raw message as a mail client writes it. */
async function raw(mail: Mail.Options): Promise<Buffer> {
  return new Promise((done, fail) =>
    new MailComposer(mail).compile().build((error, message) => (error ? fail(error) : done(message))),
  );
}

/**
 * Staff's page of held inbound e-mail, through the API: read (text only), replay, attach to a ticket, discard; each
 * audited, each refused to another workspace and to clients; a replay applies once even when two race.
 */
for (const dialect of DIALECTS) {
  describeDialect(dialect, 'held inbound e-mail: staff read, replay, attach, discard', () => {
    let server: TestServer;
    let agent: string;
    let admin: string;
    let pro: string;
    let otherAgent: string;
    let n = 0;

    beforeAll(async () => {
      server = await startTestServer(dialect);
      agent = await server.login('agent@acme.test');
      admin = await server.login('admin@acme.test');
      pro = await server.login('pro@acme.test');
      otherAgent = await server.login('cagent@acme.test');
    });
    afterAll(async () => {
      await server?.close();
    });

    /** A message from an unknown sender to the hosting workspace's address, through the import path: held. */
    async function heldFrom(from: string, mail: Mail.Options = {}) {
      server.clock.advance(60_000);
      n += 1;
      const options: Mail.Options = {
        from,
        to: 'support+hosting-be@desk.example',
        subject: `Question ${n}`,
        text: `Hello, question ${n}`,
        messageId: `<q${n}-${dialect}@elsewhere.example>`,
        ...mail,
      };
      // An HTML-only message has no text part at all (an empty one would be read as its text).
      if (options.html !== undefined) delete options.text;
      const outcome = await server.inbound.receive({
        raw: await raw(options),
        source: 'import',
        envelopeFrom: null,
        envelopeTo: ['support+hosting-be@desk.example'],
      });
      expect(outcome).toMatchObject({ status: 'held', reason: 'unknown-sender' });
      return outcome.id;
    }

    const call = (method: string, path: string, token: string, body?: unknown) =>
      server.request(method, `/api/v1${path}`, body, { token, workspace: 'hosting-be' });

    async function addContact(email: string) {
      const res = await call('POST', '/users', admin, {
        email,
        name: email.split('@')[0],
        password: PASSWORD,
        role: 'client',
        organizationId: server.fixture.hosting.pro,
      });
      expect(res.status, res.text).toBe(201);
    }

    const ticketsWithSubject = async (subject: string) =>
      server.testDb.handle.db.selectFrom('tickets').select('id').where('subject', '=', subject).execute();

    it('shows staff the message as text only, attachments listed; no HTML, no control or bidi characters', async () => {
      const id = await heldFrom('Mallory <mallory@elsewhere.example>', {
        html: '<p>Pay <b>now</b>:</p><script>alert(1)</script><p>evil\u202Egpj.exe\u0007</p>',
        attachments: [
          { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4'), contentType: 'application/pdf' },
          { filename: 'run.exe', content: Buffer.from('MZ'), contentType: 'application/x-msdownload' },
        ],
      });
      const res = await call('GET', `/inbound-mail/${id}`, agent);
      expect(res.status, res.text).toBe(200);
      const detail = detailSchema.parse(res.body);
      expect(detail).toMatchObject({
        status: 'held',
        from: 'mallory@elsewhere.example',
        subject: expect.any(String),
      });
      expect(detail.to).toEqual(['support+hosting-be@desk.example']);
      expect(detail.text).toContain('Pay');
      for (const unsafe of ['<', 'alert(1)', '\u202E', '\u0007']) expect(detail.text).not.toContain(unsafe);
      expect(detail.attachments).toEqual([
        { filename: 'invoice.pdf', contentType: 'application/pdf', sizeBytes: 8, kept: true },
        { filename: 'run.exe', contentType: 'application/x-msdownload', sizeBytes: 2, kept: false },
      ]);
    });

    it('another workspace finds nothing (404) and a client is refused (403), for every route', async () => {
      const id = await heldFrom('eve@elsewhere.example');
      const ticket = ticketOf(
        await call('POST', '/tickets', pro, {
          subject: 'target',
          description: 'x',
          priority: 'P3',
          category: 'hosting',
          channel: 'ticket',
        }),
      );
      const routes: [string, string, unknown][] = [
        ['GET', `/inbound-mail/${id}`, undefined],
        ['POST', `/inbound-mail/${id}/replay`, undefined],
        ['POST', `/inbound-mail/${id}/attach`, { ticketId: ticket.id }],
        ['DELETE', `/inbound-mail/${id}`, undefined],
      ];
      for (const [method, path, body] of routes) {
        const elsewhere = await server.request(method, `/api/v1${path}`, body, { token: otherAgent });
        expect([method, path, elsewhere.status, errorOf(elsewhere).code]).toEqual([
          method,
          path,
          404,
          'INBOUND_MAIL_NOT_FOUND',
        ]);
        const client = await call(method, path, pro, body);
        expect([method, path, client.status, errorOf(client).code]).toEqual([method, path, 403, 'FORBIDDEN']);
      }
      const list = itemsOf(
        await server.request('GET', '/api/v1/inbound-mail', undefined, { token: otherAgent }),
      );
      expect(list.some((r) => r['id'] === id)).toBe(false);
      // Untouched by all that: still held, nothing on the ticket, no audit.
      const detail = detailSchema.parse((await call('GET', `/inbound-mail/${id}`, agent)).body);
      expect(detail).toMatchObject({ status: 'held', actions: [] });
      expect(itemsOf(await call('GET', `/tickets/${ticket.id}/comments`, agent))).toEqual([]);
    });

    it('an agent replays after adding the contact: one new ticket even when two replays race; audited', async () => {
      const id = await heldFrom('newcomer@elsewhere.example', { subject: 'Raced replay' });
      // Replayed before the contact exists: held again, for the same reason.
      const early = outcomeSchema.parse((await call('POST', `/inbound-mail/${id}/replay`, agent)).body);
      expect(early).toMatchObject({ status: 'held', reason: 'unknown-sender', ticketId: null });
      await addContact('newcomer@elsewhere.example');
      server.clock.advance(60_000);
      const [a, b] = await Promise.all([
        call('POST', `/inbound-mail/${id}/replay`, agent),
        call('POST', `/inbound-mail/${id}/replay`, admin),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses, `${a.text} ${b.text}`).toEqual([200, 422]);
      const won = outcomeSchema.parse((a.status === 200 ? a : b).body);
      expect(won).toMatchObject({ status: 'processed', reason: 'new ticket' });
      expect(await ticketsWithSubject('Raced replay')).toEqual([{ id: won.ticketId }]);
      const ticket = ticketOf(await call('GET', `/tickets/${won.ticketId}`, agent));
      expect(ticket).toMatchObject({ channel: 'email', subject: 'Raced replay' });
      const detail = detailSchema.parse((await call('GET', `/inbound-mail/${id}`, agent)).body);
      expect(detail.status).toBe('processed');
      expect(detail.actions.map((x) => [x.action, x.outcome.split(':')[0], x.by])).toEqual([
        ['replay', 'held', 'agent'],
        ['replay', 'processed', a.status === 200 ? 'agent' : 'admin'],
      ]);
      // Processed is final.
      const again = await call('POST', `/inbound-mail/${id}/replay`, agent);
      expect([again.status, errorOf(again).code]).toEqual([422, 'INVALID_TRANSITION']);
    });

    it('attaches a held message to a chosen ticket as an internal comment with its files, through the write path', async () => {
      const ticket = ticketOf(
        await call('POST', '/tickets', pro, {
          subject: 'Invoice dispute',
          description: 'x',
          priority: 'P3',
          category: 'hosting',
          channel: 'ticket',
        }),
      );
      const versionBefore = ticket.version;
      const id = await heldFrom('accountant@elsewhere.example', {
        subject: 'About the invoice',
        text: 'The amount is wrong.',
        attachments: [
          { filename: 'scan.pdf', content: Buffer.from('%PDF-1.4 scan'), contentType: 'application/pdf' },
        ],
      });
      // A ticket of another workspace is not found, and the message stays held.
      const foreign = ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          { subject: 'theirs', description: 'x', priority: 'P3', category: 'hosting', channel: 'ticket' },
          { token: await server.login('cclient@acme.test') },
        ),
      );
      const wrong = await call('POST', `/inbound-mail/${id}/attach`, agent, { ticketId: foreign.id });
      expect(wrong.status).toBe(404);
      expect(detailSchema.parse((await call('GET', `/inbound-mail/${id}`, agent)).body).status).toBe('held');

      const res = await call('POST', `/inbound-mail/${id}/attach`, agent, { ticketId: ticket.id });
      expect(res.status, res.text).toBe(200);
      expect(outcomeSchema.parse(res.body)).toMatchObject({ status: 'processed', ticketId: ticket.id });
      const staffView = itemsOf(await call('GET', `/tickets/${ticket.id}/comments`, agent));
      expect(staffView).toHaveLength(1);
      expect(staffView[0]).toMatchObject({ visibility: 'internal' });
      expect(String(staffView[0]?.['body'])).toContain('accountant@elsewhere.example');
      expect(String(staffView[0]?.['body'])).toContain('The amount is wrong.');
      // The requester sees neither the stranger's mail nor its file.
      expect(itemsOf(await call('GET', `/tickets/${ticket.id}/comments`, pro))).toEqual([]);
      expect(itemsOf(await call('GET', `/tickets/${ticket.id}/attachments`, pro))).toEqual([]);
      const files = itemsOf(await call('GET', `/tickets/${ticket.id}/attachments`, agent));
      expect(files.map((f) => f['filename'])).toEqual(['scan.pdf']);
      // A ticket change: the version moved and the history has the comment.
      const after = ticketOf(await call('GET', `/tickets/${ticket.id}`, agent));
      expect(after.version).toBeGreaterThan(versionBefore);
      const detail = detailSchema.parse((await call('GET', `/inbound-mail/${id}`, agent)).body);
      expect(detail.actions).toMatchObject([{ action: 'attach', by: 'agent', ticketId: ticket.id }]);
      const twice = await call('POST', `/inbound-mail/${id}/attach`, agent, { ticketId: ticket.id });
      expect(twice.status).toBe(422);
      expect(itemsOf(await call('GET', `/tickets/${ticket.id}/comments`, agent))).toHaveLength(1);
    });

    it('discard leaves nothing behind but the audit row; a second discard finds nothing', async () => {
      const before = await server.testDb.handle.db.selectFrom('tickets').select('id').execute();
      const id = await heldFrom('spam@elsewhere.example', {
        subject: 'Cheap pills',
        attachments: [{ filename: 'a.pdf', content: Buffer.from('%PDF'), contentType: 'application/pdf' }],
      });
      const res = await call('DELETE', `/inbound-mail/${id}`, agent);
      expect(res.status, res.text).toBe(204);
      const db = server.testDb.handle.db;
      expect(await db.selectFrom('inbound_mail').select('id').where('id', '=', id).execute()).toEqual([]);
      expect(
        await db.selectFrom('inbound_mail').select('id').where('subject', '=', 'Cheap pills').execute(),
      ).toEqual([]);
      expect((await db.selectFrom('tickets').select('id').execute()).length).toBe(before.length);
      expect(
        await db
          .selectFrom('deliveries')
          .select('id')
          .where('outbox_id', '=', `inbound-mail:${id}`)
          .execute(),
      ).toEqual([]);
      const audit = await db
        .selectFrom('inbound_mail_actions')
        .select(['action', 'outcome', 'from_address', 'held_reason', 'workspace_id'])
        .where('inbound_id', '=', id)
        .execute();
      expect(audit).toEqual([
        {
          action: 'discard',
          outcome: 'discarded',
          from_address: 'spam@elsewhere.example',
          held_reason: 'unknown-sender',
          workspace_id: server.fixture.hosting.id,
        },
      ]);
      expect((await call('GET', `/inbound-mail/${id}`, agent)).status).toBe(404);
      expect((await call('DELETE', `/inbound-mail/${id}`, agent)).status).toBe(404);
    });

    it('refuses to discard or attach a processed message (a client mail applied is final)', async () => {
      server.clock.advance(60_000);
      const done = await server.inbound.receive({
        raw: await raw({ from: 'pro@acme.test', to: 'support@desk.example', subject: 'Applied', text: 'ok' }),
        source: 'import',
        envelopeFrom: null,
        envelopeTo: ['support@desk.example'],
      });
      expect(done.status).toBe('processed');
      const discard = await call('DELETE', `/inbound-mail/${done.id}`, agent);
      expect([discard.status, errorOf(discard).code]).toEqual([422, 'INVALID_TRANSITION']);
      expect(await ticketsWithSubject('Applied')).toHaveLength(1);
    });
  });
}
