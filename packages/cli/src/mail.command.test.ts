import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from '../../server/test/dialects.ts';
import { startTestServer, ticketOf, type TestServer } from '../../server/test/server-harness.ts';
import { runInProcess } from './cli-test-helpers.ts';

const eml = (from: string, subject: string, extra = '') =>
  [
    `From: ${from}`,
    'To: support@desk.example',
    `Subject: ${subject}`,
    `Message-ID: <${Math.random().toString(16).slice(2)}@client.example>`,
    'Date: Mon, 02 Mar 2026 09:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(extra === '' ? [] : [extra]),
    '',
    'Le serveur ne répond plus.',
    '',
  ].join('\r\n');

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'accord mail import / list / replay', () => {
    let server: TestServer;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    beforeAll(async () => {
      server = await startTestServer(dialect);
      dir = mkdtempSync(join(tmpdir(), 'accord-maildir-'));
      // The test database's own environment (on SQLite, its data directory holds the database file).
      env = { ACCORD_DATA_DIR: dir, ...server.testDb.env, ACCORD_MAIL_FROM: 'Accord <support@desk.example>' };
    });
    afterAll(async () => {
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('imports a Maildir: a new ticket, an auto-reply ignored, an unknown sender held and listed', async () => {
      const maildir = join(dir, 'Maildir');
      for (const d of ['new', 'cur', 'tmp']) mkdirSync(join(maildir, d), { recursive: true });
      writeFileSync(join(maildir, 'new', '1.eml'), eml('pro@acme.test', 'Serveur en panne'));
      writeFileSync(
        join(maildir, 'new', '2.eml'),
        eml('pro@acme.test', 'Absent', 'Auto-Submitted: auto-replied'),
      );
      writeFileSync(join(maildir, 'cur', '3.eml'), eml('nobody@else.example', 'Hello'));
      writeFileSync(join(maildir, 'tmp', '4.eml'), 'half written');
      const run = await runInProcess(['mail', 'import', maildir], { env });
      expect(run.stderr).toContain('3 message(s) read, 0 failed');
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(3);
      const [created, ignored, held] = lines.map((l) => l.split(' '));
      expect(created?.[1]).toBe('processed');
      expect(ignored?.[1]).toBe('ignored');
      expect(held?.slice(1, 4)).toEqual(['held', '-', 'unknown-sender']);
      const agent = await server.login('agent@acme.test');
      const ticket = ticketOf(
        await server.request('GET', `/api/v1/tickets/${created?.[2]}`, undefined, { token: agent }),
      );
      expect(ticket).toMatchObject({ subject: 'Serveur en panne', channel: 'email' });

      // Two workspaces and an unknown sender: matched to none, so only the operator's list shows it.
      const list = await runInProcess(['mail', 'list', '--status', 'held'], { env });
      expect(list.code).toBe(0);
      expect(list.stdout).toContain('nobody@else.example');
      const replay = await runInProcess(['mail', 'replay', held?.[0] ?? ''], { env });
      expect(replay.stdout).toMatch(/ held - unknown-sender$/m);
      const again = await runInProcess(['mail', 'replay', created?.[0] ?? ''], { env });
      expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('INVALID_TRANSITION')]);
    });

    it('refuses bad arguments with exit code 2', async () => {
      expect((await runInProcess(['mail', 'import', join(dir, 'missing')], { env })).code).toBe(2);
      expect((await runInProcess(['mail', 'list', '--status', 'lost'], { env })).code).toBe(2);
      expect((await runInProcess(['mail', 'replay'], { env })).code).toBe(2);
    });
  });
}
