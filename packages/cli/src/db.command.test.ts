import { PassThrough } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import {
  createTestDatabase,
  describeDialect,
  DIALECTS,
  type TestDatabase,
} from '../../server/test/dialects.ts';
import { runCli } from './cli.ts';

function io(env: Record<string, string>, stdinText = '') {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (c: Buffer) => (out += c.toString()));
  const stderr = new PassThrough().on('data', (c: Buffer) => (err += c.toString()));
  return { io: { stdin, stdout, stderr, env: { ...env } }, out: () => out, err: () => err };
}

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'accord db / accord admin', () => {
    let testDb: TestDatabase | undefined;
    afterEach(async () => {
      await testDb?.drop();
      testDb = undefined;
    });

    it('db migrate applies the migrations once, then has nothing to do', async () => {
      testDb = await createTestDatabase(dialect, { migrate: false });
      const first = io(testDb.env);
      expect(await runCli(['db', 'migrate'], first.io)).toBe(0);
      expect(first.out()).toContain('applied 202611231330_initial');
      const second = io(testDb.env);
      expect(await runCli(['db', 'migrate'], second.io)).toBe(0);
      expect(second.out()).toContain('already up to date');
      expect(await runCli(['db', 'frobnicate'], io(testDb.env).io)).toBe(2);
    });

    it('admin create makes an admin who can sign in, reading the password from stdin', async () => {
      testDb = await createTestDatabase(dialect, { migrate: false });
      const ok = io(testDb.env, 'a long passphrase\n');
      expect(
        await runCli(
          [
            'admin',
            'create',
            '--email',
            'Boss@Example.com',
            '--password-stdin',
            '--workspace',
            'acme',
            '--preset',
            'consulting-sa',
          ],
          ok.io,
        ),
      ).toBe(0);
      expect(ok.out()).toContain(
        'created admin boss@example.com in workspace acme (new, policy consulting-sa)',
      );
      const { db } = testDb.handle;
      const row = await db
        .selectFrom('users')
        .innerJoin('memberships', 'memberships.user_id', 'users.id')
        .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
        .select([
          'users.email',
          'memberships.role',
          'workspaces.slug',
          'workspaces.policy_preset',
          'users.password_hash',
        ])
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        email: 'boss@example.com',
        role: 'admin',
        slug: 'acme',
        policy_preset: 'consulting-sa',
      });
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(row.password_hash).not.toContain('a long passphrase');

      const again = io(testDb.env, 'a long passphrase\n');
      expect(
        await runCli(['admin', 'create', '--email', 'boss@example.com', '--password-stdin'], again.io),
      ).toBe(1);
      expect(again.err()).toContain('EMAIL_TAKEN');
      const weak = io(testDb.env, 'short\n');
      expect(
        await runCli(['admin', 'create', '--email', 'other@example.com', '--password-stdin'], weak.io),
      ).toBe(1);
      expect(weak.err()).toContain('WEAK_PASSWORD');
      const noStdin = io(testDb.env);
      expect(
        await runCli(['admin', 'create', '--email', 'other@example.com', '--password', 'x'], noStdin.io),
      ).toBe(2);
    });
  });
}
