import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFirstAdmin, ManualClock } from '@accord/server';
import { getPolicyPreset } from '@accord/core';
import { createServices } from '../../server/src/services.ts';
import {
  createTestDatabase,
  describeDialect,
  DIALECTS,
  type TestDatabase,
} from '../../server/test/dialects.ts';
import { runInProcess } from './cli-test-helpers.ts';

const OPENED_MS = Date.parse('2026-03-02T08:00:00Z');

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'accord sla simulate', () => {
    let testDb: TestDatabase;
    let dir: string;
    let ticketIds: string[];
    const simulate = (...args: string[]) => runInProcess(['sla', 'simulate', ...args], { env: testDb.env });
    const window = ['--from', '2026-03-01T00:00', '--to', '2026-04-01T00:00'];

    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
      dir = mkdtempSync(join(tmpdir(), 'accord-simulate-cli-'));
      const clock = new ManualClock(OPENED_MS);
      const { userId, workspaceId } = await createFirstAdmin(testDb.handle.db, clock, {
        email: 'admin@cli.test',
        name: 'Admin',
        password: 'a long enough password 42',
        workspaceSlug: 'hosting-be',
        workspaceName: 'Hosting',
        preset: 'hosting-be',
      });
      const services = createServices({ db: testDb.handle.db, clock });
      const admin = {
        userId,
        name: 'Admin',
        sessionId: 'cli-test',
        workspaceId,
        role: 'admin' as const,
        organizationId: null,
      };
      const org = await services.organizations.create(admin, {
        name: 'Pro Org',
        contract: { plan: 'pro', maintenanceContract: false, hourlyRateCents: 9000, currency: 'EUR' },
      });
      ticketIds = [];
      for (const priority of ['P1', 'P2'] as const)
        ticketIds.push(
          (
            await services.tickets.create(admin, {
              subject: 'Down',
              description: 'HTTP 500',
              priority,
              category: 'hosting',
              channel: 'ticket',
              organizationId: org.id,
            })
          ).id,
        );
    });
    afterAll(async () => {
      await testDb?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the policy in force changes nothing; the database is the only workspace, found without --workspace', async () => {
      const result = await simulate('--policy', 'hosting-be', ...window, '--json');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const body = JSON.parse(result.stdout) as { tickets: number; changedClocks: number };
      expect(body).toMatchObject({ tickets: 2, changedClocks: 0 });
    });

    it('a policy file with a longer Pro P1 target moves that ticket’s GTI, as a table', async () => {
      const live = getPolicyPreset('hosting-be');
      const file = join(dir, 'draft.json');
      writeFileSync(
        file,
        JSON.stringify({
          ...live,
          targets: live.targets.map((r) => (r.duration === 'PT4H' ? { ...r, duration: 'PT8H' } : r)),
        }),
      );
      const json = await simulate('--policy', file, ...window, '--workspace', 'hosting-be', '--json');
      const body = JSON.parse(json.stdout) as { changed: { ticketId: string; metric: string }[] };
      expect(body.changed.map((c) => [c.ticketId, c.metric])).toEqual([[ticketIds[0], 'intervention']]);
      const text = await simulate('--policy', file, ...window);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^2 tickets opened /);
      expect(text.stdout).toContain(`${ticketIds[0]}\tintervention\t`);
    });

    it.each([
      [['--policy', 'hosting-be', '--from', '2026-03-01T00:00'], /--to is required/],
      [
        ['--policy', 'hosting-be', '--from', '2026-04-01T00:00', '--to', '2026-03-01T00:00'],
        /VALIDATION_FAILED/,
      ],
      [
        ['--policy', 'hosting-be', ...window, '--workspace', 'nope'],
        /no workspace 'nope'; there are: hosting-be/,
      ],
      [['--policy', 'hosting-be', '--from', 'soon', '--to', '2026-03-01T00:00'], /--from/],
      [['--policy', '/nonexistent/draft.json', ...window], /cannot read policy file/],
    ])('exits 2 with a message: %j', async (args, message) => {
      const result = await simulate(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    });
  });
}
