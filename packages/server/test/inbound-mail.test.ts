import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { startSmtpListener } from '../src/mail-inbound/smtp-listener.ts';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, itemsOf, startTestServer, ticketOf, type TestServer } from './server-harness.ts';

const SUPPORT = 'support@desk.example';

const inboundRow = z.object({
  id: z.string(),
  status: z.string(),
  reason: z.string().nullable(),
  from: z.string().nullable(),
  ticketId: z.string().nullable(),
  portalReplySentAt: z.string().nullable(),
  lastError: z.string().nullable(),
});

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'inbound e-mail: SMTP listener, threading, auto-replies, plans, replay', () => {
    let server: TestServer;
    let dataDir: string;
    let listener: Awaited<ReturnType<typeof startSmtpListener>>;
    let transport: nodemailer.Transporter;
    let agent: string;
    let admin: string;
    let pro: string;
    const MAX_BYTES = 256 * 1024;

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'accord-inbound-'));
      vi.stubEnv('ACCORD_DATA_DIR', dataDir);
      vi.stubEnv('ACCORD_SMTP_URL', '');
      vi.stubEnv('ACCORD_SECRET_KEY', '');
      vi.stubEnv('ACCORD_MAIL_FROM', `Accord Support <${SUPPORT}>`);
      vi.stubEnv('ACCORD_PUBLIC_URL', 'https://desk.example');
      server = await startTestServer(dialect);
      vi.unstubAllEnvs();
      // The real listener on a free loopback port, and a real SMTP client in front of it.
      listener = await startSmtpListener(server.inbound, { port: 0, host: '127.0.0.1', maxBytes: MAX_BYTES });
      transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: listener.port,
        secure: false,
        ignoreTLS: true,
      });
      agent = await server.login('agent@acme.test');
      admin = await server.login('admin@acme.test');
      pro = await server.login('pro@acme.test');
    });
    afterAll(async () => {
      transport?.close();
      await listener?.close();
      await server?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Sends through SMTP and waits until the stored message is processed; its row as staff see it. */
    async function send(mail: nodemailer.SendMailOptions) {
      // A minute between messages, so comments and rows keep their order.
      server.clock.advance(60_000);
      const info = (await transport.sendMail({ date: new Date(server.clock.nowMs()), ...mail })) as {
        response: string;
      };
      const id = /stored as ([0-9a-f-]{36})/.exec(info.response)?.[1];
      if (id === undefined) throw new Error(`no id in ${info.response}`);
      for (let i = 0; i < 200; i++) {
        const row = await server.testDb.handle.db
          .selectFrom('inbound_mail')
          .select(['status', 'reason', 'ticket_id', 'last_error', 'workspace_id', 'replied_at'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        if (row.status !== 'received' && row.status !== 'processing') return { id, ...row };
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`message ${id} never processed`);
    }

    /** What the outbox dispatcher wrote as .eml files (no ACCORD_SMTP_URL), parsed, for one recipient. */
    async function mailsTo(address: string): Promise<ParsedMail[]> {
      await server.background.dispatcher.runOnce();
      await server.background.dispatcher.runOnce();
      let files: string[];
      try {
        files = readdirSync(join(dataDir, 'mail')).filter((f) => f.endsWith('.eml'));
      } catch {
        return [];
      }
      const parsed = await Promise.all(
        files.map((f) => simpleParser(readFileSync(join(dataDir, 'mail', f)))),
      );
      return parsed.filter((m) => m.to !== undefined && !Array.isArray(m.to) && m.to.text.includes(address));
    }

    async function proTicket(subject: string) {
      return ticketOf(
        await server.request(
          'POST',
          '/api/v1/tickets',
          { subject, description: 'details', priority: 'P3', category: 'hosting', channel: 'ticket' },
          { token: pro },
        ),
      );
    }

    async function publicComments(ticketId: string) {
      const res = await server.request('GET', `/api/v1/tickets/${ticketId}/comments`, undefined, {
        token: agent,
      });
      return itemsOf(res);
    }

    it('opens a ticket on the e-mail channel from a client whose plan has it, attachments kept', async () => {
      const row = await send({
        from: 'Pro Client <PRO@acme.test>',
        to: SUPPORT,
        subject: 'Fwd: Le site est lent',
        text: 'Bonjour,\nle site répond en 10 secondes depuis ce matin.',
        attachments: [
          { filename: 'trace.txt', content: 'GET / 10.2s', contentType: 'text/plain' },
          { filename: 'run.exe', content: Buffer.from('MZ'), contentType: 'application/x-msdownload' },
        ],
      });
      expect(row).toMatchObject({ status: 'processed', workspace_id: server.fixture.hosting.id });
      expect(row.reason).toContain('run.exe');
      const ticket = ticketOf(
        await server.request('GET', `/api/v1/tickets/${row.ticket_id}`, undefined, { token: agent }),
      );
      expect(ticket).toMatchObject({ channel: 'email', subject: 'Le site est lent', status: 'new' });
      const files = itemsOf(
        await server.request('GET', `/api/v1/tickets/${ticket.id}/attachments`, undefined, { token: pro }),
      );
      expect(files.map((f) => f['filename'])).toEqual(['trace.txt']);
    });

    it('threads a reply by the reply token of the Reply-To, as a public comment by the requester', async () => {
      const ticket = await proTicket('Backups failing');
      const ack = (await mailsTo('pro@acme.test')).find((m) => m.subject?.includes('Backups failing'));
      const replyTo = ack?.replyTo?.value[0]?.address ?? '';
      expect(replyTo).toMatch(/^support\+[0-9a-f]{44}@desk\.example$/);
      expect(replyTo).toContain(ticket.id.replace(/-/g, ''));
      const row = await send({
        from: 'pro@acme.test',
        to: replyTo,
        subject: 'a new subject, no reference',
        text: 'It failed again tonight.\n\nOn Monday, Accord wrote:\n> Request received',
      });
      expect(row).toMatchObject({
        status: 'processed',
        ticket_id: ticket.id,
        reason: 'reply by reply-token',
      });
      const comments = await publicComments(ticket.id);
      expect(comments.at(-1)).toMatchObject({ body: 'It failed again tonight.', visibility: 'public' });
    });

    it('threads by In-Reply-To (our Message-ID) and by [#reference] in the subject', async () => {
      const ticket = await proTicket('Mailbox full');
      const ack = (await mailsTo('pro@acme.test')).find((m) => m.subject?.includes('Mailbox full'));
      expect(ack?.messageId).toBeDefined();
      const byHeader = await send({
        from: 'pro@acme.test',
        to: SUPPORT,
        subject: 'no reference here',
        inReplyTo: ack?.messageId,
        references: [ack?.messageId ?? ''],
        text: 'Still full.',
      });
      expect(byHeader).toMatchObject({
        status: 'processed',
        ticket_id: ticket.id,
        reason: 'reply by in-reply-to',
      });
      const reference = ticket.id.slice(0, 8).toUpperCase();
      const bySubject = await send({
        from: 'pro@acme.test',
        to: SUPPORT,
        subject: `RE: [#${reference}] Mailbox full`,
        text: 'And now the second mailbox.',
      });
      expect(bySubject).toMatchObject({ status: 'processed', ticket_id: ticket.id });
      const bodies = (await publicComments(ticket.id)).map((c) => c['body']);
      expect(bodies).toEqual(['Still full.', 'And now the second mailbox.']);
    });

    it('holds a reply whose sender is not the address the token was sent to (spoofing), without applying it', async () => {
      const ticket = await proTicket('Spoof target');
      const ack = (await mailsTo('pro@acme.test')).find((m) => m.subject?.includes('Spoof target'));
      const replyTo = ack?.replyTo?.value[0]?.address ?? '';
      const row = await send({ from: 'classique@acme.test', to: replyTo, subject: 'x', text: 'close it' });
      expect(row).toMatchObject({
        status: 'held',
        ticket_id: ticket.id,
        workspace_id: server.fixture.hosting.id,
      });
      expect(row.reason).toMatch(/^sender-mismatch/);
      // A forged From with the right token is refused too: the signature binds (ticket, recipient).
      const forged = await send({
        from: 'pro@acme.test',
        to: replyTo.replace(/[0-9a-f]@/, (c) => (c[0] === '0' ? '1@' : '0@')),
        subject: 'x',
        text: 'y',
      });
      expect(forged.status).toBe('held');
      expect(await publicComments(ticket.id)).toEqual([]);
    });

    it('ignores automatic replies and loops: no ticket, no answer', async () => {
      const headersOf: Record<string, string>[] = [
        { 'Auto-Submitted': 'auto-replied' },
        { Precedence: 'bulk' },
        { 'X-Autoreply': 'yes' },
        { 'X-Autorespond': 'vacation' },
        { 'X-Accord-Event': 'ticket.created' },
      ];
      for (const headers of headersOf) {
        const row = await send({
          from: 'pro@acme.test',
          to: SUPPORT,
          subject: 'Out of office',
          text: 'Away',
          headers,
        });
        expect(row).toMatchObject({ status: 'ignored', ticket_id: null });
      }
      const own = await send({ from: SUPPORT, to: SUPPORT, subject: 'echo', text: 'echo' });
      expect(own.status).toBe('ignored');
      const bounce = await send({
        envelope: { from: '', to: SUPPORT },
        from: 'pro@acme.test',
        to: SUPPORT,
        subject: 'Undelivered',
        text: 'x',
      });
      expect(bounce.status).toBe('ignored');
      // `Auto-Submitted: no` is a person.
      const person = await send({
        from: 'pro@acme.test',
        to: SUPPORT,
        subject: 'A person',
        text: 'hi',
        headers: { 'Auto-Submitted': 'no' },
      });
      expect(person.status).toBe('processed');
    });

    it('answers a Start client once, politely, pointing to the portal; the messages are kept', async () => {
      const first = await send({ from: 'start@acme.test', to: SUPPORT, subject: 'Help', text: 'Site down' });
      expect(first).toMatchObject({
        status: 'held',
        ticket_id: null,
        workspace_id: server.fixture.hosting.id,
      });
      expect(first.reason).toMatch(/^channel-not-in-plan/);
      const second = await send({
        from: 'start@acme.test',
        to: SUPPORT,
        subject: 'Help!!',
        text: 'Still down',
      });
      expect(second.status).toBe('held');
      const replies = await mailsTo('start@acme.test');
      expect(replies).toHaveLength(1);
      const reply = replies[0];
      expect(reply?.subject).toContain('portail');
      expect(reply?.text).toContain('https://desk.example/');
      expect(reply?.headers.get('auto-submitted')).toBe('auto-replied');
      const held = itemsOf(
        await server.request('GET', '/api/v1/inbound-mail?status=held', undefined, { token: agent }),
      ).map((r) => inboundRow.parse(r));
      expect(held.filter((r) => r.from === 'start@acme.test')).toHaveLength(2);
    });

    it('keeps a message from an unknown sender and lists it for the workspace staff only', async () => {
      const row = await send({
        from: 'stranger@elsewhere.example',
        to: 'support+hosting-be@desk.example',
        subject: 'Do you host WordPress?',
        text: 'Price?',
      });
      expect(row).toMatchObject({
        status: 'held',
        reason: 'unknown-sender',
        workspace_id: server.fixture.hosting.id,
      });
      const listed = itemsOf(
        await server.request('GET', '/api/v1/inbound-mail?status=held', undefined, { token: agent }),
      ).map((r) => inboundRow.parse(r));
      expect(listed.some((r) => r.id === row.id)).toBe(true);
      const client = await server.request('GET', '/api/v1/inbound-mail', undefined, { token: pro });
      expect([client.status, errorOf(client).code]).toEqual([403, 'FORBIDDEN']);
      const other = await server.login('cagent@acme.test');
      const elsewhere = itemsOf(
        await server.request('GET', '/api/v1/inbound-mail', undefined, { token: other }),
      );
      expect(elsewhere.some((r) => r['id'] === row.id)).toBe(false);
      const bad = await server.request('GET', '/api/v1/inbound-mail?status=lost', undefined, {
        token: agent,
      });
      expect(bad.status).toBe(400);
    });

    it('refuses a message over the size limit at the SMTP level (552), storing nothing', async () => {
      const before = await server.testDb.handle.db.selectFrom('inbound_mail').select('id').execute();
      await expect(
        transport.sendMail({
          from: 'pro@acme.test',
          to: SUPPORT,
          subject: 'big',
          text: 'x'.repeat(MAX_BYTES + 10),
        }),
      ).rejects.toMatchObject({ responseCode: 552 });
      const after = await server.testDb.handle.db.selectFrom('inbound_mail').select('id').execute();
      expect(after.length).toBe(before.length);
    });

    it('keeps a message whose processing failed, and staff replay it from the stored copy', async () => {
      const create = server.services.tickets.create;
      server.services.tickets.create = () => Promise.reject(new Error('database went away'));
      let row;
      try {
        row = await send({
          from: 'pro@acme.test',
          to: SUPPORT,
          subject: 'Replay me',
          text: 'DNS zone broken',
        });
      } finally {
        server.services.tickets.create = create;
      }
      expect(row).toMatchObject({ status: 'failed', ticket_id: null });
      expect(row.last_error).toContain('database went away');
      const byClient = await server.request('POST', `/api/v1/inbound-mail/${row.id}/replay`, undefined, {
        token: pro,
      });
      expect(byClient.status).toBe(403);
      const otherWorkspace = await server.request(
        'POST',
        `/api/v1/inbound-mail/${row.id}/replay`,
        undefined,
        {
          token: await server.login('cagent@acme.test'),
        },
      );
      expect(otherWorkspace.status).toBe(404);
      const replay = await server.request('POST', `/api/v1/inbound-mail/${row.id}/replay`, undefined, {
        token: admin,
        workspace: 'hosting-be',
      });
      expect(replay.status, replay.text).toBe(200);
      const outcome = inboundRow.pick({ status: true, ticketId: true }).parse(replay.body);
      expect(outcome.status).toBe('processed');
      const ticket = ticketOf(
        await server.request('GET', `/api/v1/tickets/${outcome.ticketId}`, undefined, { token: pro }),
      );
      expect(ticket).toMatchObject({ subject: 'Replay me', channel: 'email' });
      // Processed is final: a second replay is refused, no second ticket.
      const again = await server.request('POST', `/api/v1/inbound-mail/${row.id}/replay`, undefined, {
        token: admin,
        workspace: 'hosting-be',
      });
      expect([again.status, errorOf(again).code]).toEqual([422, 'INVALID_TRANSITION']);
    });

    /** The service's write commits, then the process fails before it can record anything more. */
    function crashAfter(name: 'create' | 'comment') {
      const tickets = server.services.tickets as unknown as Record<
        string,
        (...a: unknown[]) => Promise<unknown>
      >;
      const original = tickets[name];
      if (original === undefined) throw new Error(`no ${name}`);
      tickets[name] = async (...args: unknown[]) => {
        await original(...args);
        throw new Error(`crash after ${name}`);
      };
      return () => {
        tickets[name] = original;
      };
    }

    /** What was queued for a ticket besides the `ticket.updated` of every change, by topic. */
    async function messagesOf(ticketId: string) {
      const rows = await server.testDb.handle.db
        .selectFrom('outbox')
        .select('topic')
        .where('payload_json', 'like', `%${ticketId}%`)
        .where('topic', '!=', 'ticket.updated')
        .orderBy('topic')
        .execute();
      return rows.map((r) => r.topic);
    }

    async function filesOf(ticketId: string) {
      const res = await server.request('GET', `/api/v1/tickets/${ticketId}/attachments`, undefined, {
        token: pro,
      });
      return itemsOf(res).map((f) => f['filename']);
    }

    const logFile = { filename: 'log.txt', content: 'ERR 500', contentType: 'text/plain' };

    it('a crash after a new ticket is written, before the message is marked: a resent copy and a replay open no second ticket', async () => {
      const db = server.testDb.handle.db;
      const titled = () =>
        db.selectFrom('tickets').select('id').where('subject', '=', 'Crash once').execute();
      const request = {
        from: 'pro@acme.test',
        to: SUPPORT,
        subject: 'Crash once',
        text: 'The mail server queue is stuck.',
        messageId: '<crash-once@client.example>',
        attachments: [logFile],
      };
      const restore = crashAfter('create');
      const crashed = await send(request).finally(restore);
      expect(crashed).toMatchObject({ status: 'failed' });
      expect(crashed.last_error).toContain('crash after create');
      const [ticket, ...more] = await titled();
      expect(more).toEqual([]);
      if (ticket === undefined) throw new Error('the ticket was not written');
      // The ticket id committed with the ticket, before the crash.
      expect(crashed.ticket_id).toBe(ticket.id);
      // The peer sends the same message again (its 250 was lost): the ticket the first copy made is found.
      const resent = await send(request);
      expect(resent).toMatchObject({ status: 'ignored', ticket_id: ticket.id });
      // Staff replay the failed copy: it finishes (its attachment) on the same ticket.
      const replayed = await server.inbound.replayAsOperator(crashed.id);
      expect(replayed).toMatchObject({ status: 'processed', reason: 'new ticket', ticketId: ticket.id });
      expect(await titled()).toHaveLength(1);
      expect(await filesOf(ticket.id)).toEqual(['log.txt']);
      expect(await messagesOf(ticket.id)).toEqual(['ticket.attachment-added', 'ticket.created']);
    });

    it('staff cannot attach a message whose ticket already committed elsewhere: a replay finishes it', async () => {
      const restore = crashAfter('create');
      const crashed = await send({
        from: 'pro@acme.test',
        to: SUPPORT,
        subject: 'Crash then attach',
        text: 'Disk full on web-3.',
        messageId: '<crash-attach@client.example>',
      }).finally(restore);
      expect(crashed).toMatchObject({ status: 'failed' });
      const other = await proTicket('Another ticket');
      const attached = await server.request(
        'POST',
        `/api/v1/inbound-mail/${crashed.id}/attach`,
        { ticketId: other.id },
        { token: agent },
      );
      expect(attached.status).toBe(422);
      expect(JSON.stringify(attached.body)).toContain('replay it to finish it');
      expect(await publicComments(other.id)).toEqual([]);
      const internal = await server.testDb.handle.db
        .selectFrom('comments')
        .select('id')
        .where('ticket_id', '=', other.id)
        .execute();
      expect(internal).toEqual([]);
    });

    it('a crash after a reply is appended, before the message is marked: a restart appends no second reply', async () => {
      const db = server.testDb.handle.db;
      const ticket = await proTicket('Crash on reply');
      const restore = crashAfter('comment');
      const crashed = await send({
        from: 'pro@acme.test',
        to: SUPPORT,
        subject: `RE: [#${ticket.id.slice(0, 8).toUpperCase()}] Crash on reply`,
        text: 'Still stuck.',
        attachments: [logFile],
      }).finally(restore);
      expect(crashed).toMatchObject({ status: 'failed', ticket_id: ticket.id });
      // As a process that stopped there leaves it: claimed, never marked; the listener's start picks it up.
      await db
        .updateTable('inbound_mail')
        .set({ status: 'processing' })
        .where('id', '=', crashed.id)
        .execute();
      server.clock.advance(11 * 60_000);
      await server.inbound.processPending();
      const row = await db
        .selectFrom('inbound_mail')
        .select(['status', 'ticket_id', 'reason'])
        .where('id', '=', crashed.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        status: 'processed',
        ticket_id: ticket.id,
        reason: 'reply by subject-reference',
      });
      expect((await publicComments(ticket.id)).map((c) => c['body'])).toEqual(['Still stuck.']);
      expect(await filesOf(ticket.id)).toEqual(['log.txt']);
      // Processed is final; and one of each message: no second notification either.
      await expect(server.inbound.replayAsOperator(crashed.id)).rejects.toMatchObject({
        code: 'INVALID_TRANSITION',
      });
      expect(await messagesOf(ticket.id)).toEqual([
        'comment.created',
        'ticket.attachment-added',
        'ticket.created',
      ]);
    });

    it('a stop between two attachments: a restart stores the files left, never the first again nor a second ticket', async () => {
      const db = server.testDb.handle.db;
      const attachments = server.services.attachments;
      const add = attachments.add;
      let calls = 0;
      // The first file commits; the process dies while adding the second (it never returns).
      attachments.add = (...args) => {
        calls += 1;
        return calls === 1 ? add(...args) : new Promise<never>(() => undefined);
      };
      server.clock.advance(60_000);
      const raw = Buffer.from(
        [
          'From: pro@acme.test',
          `To: ${SUPPORT}`,
          'Subject: Two files',
          'Message-ID: <two-files@client.example>',
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="b"',
          '',
          '--b',
          'Content-Type: text/plain',
          '',
          'Both logs attached.',
          '--b',
          'Content-Type: text/plain; name="a.txt"',
          'Content-Disposition: attachment; filename="a.txt"',
          '',
          'first',
          '--b',
          'Content-Type: text/plain; name="b.txt"',
          'Content-Disposition: attachment; filename="b.txt"',
          '',
          'second',
          '--b--',
          '',
        ].join('\r\n'),
      );
      const id = await server.inbound.store({ raw, source: 'import', envelopeFrom: null, envelopeTo: [] });
      void server.inbound.process(id);
      for (let i = 0; i < 200 && calls < 2; i++) await new Promise((r) => setTimeout(r, 25));
      attachments.add = add;
      expect(calls).toBe(2);
      server.clock.advance(11 * 60_000);
      await server.inbound.processPending();
      const row = await db
        .selectFrom('inbound_mail')
        .select(['status', 'ticket_id', 'reason'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'processed', reason: 'new ticket' });
      const titled = await db.selectFrom('tickets').select('id').where('subject', '=', 'Two files').execute();
      expect(titled.map((t) => t.id)).toEqual([row.ticket_id]);
      expect(await filesOf(row.ticket_id ?? '')).toEqual(['a.txt', 'b.txt']);
    });
  });
}
