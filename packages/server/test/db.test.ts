import { afterAll, beforeAll, expect, it } from 'vitest';
import { getPolicyPreset, parseSlaPolicy } from '@accord/core';
import { migrateToLatest } from '../src/db/migrate.ts';
import * as wholeWarningThresholds from '../src/db/migrations/202611300600_whole_warning_thresholds.ts';
import { createTestDatabase, describeDialect, DIALECTS, type TestDatabase } from './dialects.ts';

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'storage', () => {
    let testDb: TestDatabase;
    beforeAll(async () => {
      testDb = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      await testDb.drop();
    });

    it('is migrated and a second run has nothing to do', async () => {
      expect(await migrateToLatest(testDb.handle.db)).toEqual([]);
    });

    it('round-trips epoch milliseconds beyond 2^31 as numbers', async () => {
      const { db } = testDb.handle;
      const atMs = Date.UTC(2199, 11, 31, 23, 59, 59, 999);
      await db
        .insertInto('workspaces')
        .values({
          id: 'w1',
          slug: 'w1',
          name: 'W',
          policy_preset: null,
          policy_version: '1',
          created_at: atMs,
        })
        .execute();
      const row = await db
        .selectFrom('workspaces')
        .select('created_at')
        .where('id', '=', 'w1')
        .executeTakeFirstOrThrow();
      expect(row.created_at).toBe(atMs);
    });

    it('mends a stored policy whose warning thresholds are fractions, and leaves whole ones byte for byte', async () => {
      const { db } = testDb.handle;
      await db
        .insertInto('workspaces')
        .values({
          id: 'w-thr',
          slug: 'w-thr',
          name: 'W',
          policy_preset: null,
          policy_version: '1',
          created_at: 0,
        })
        .execute();
      const preset = getPolicyPreset('consulting-sa');
      const fractional = {
        ...preset,
        warningThresholds: [74.6, 75.2, 90.5],
        escalations: [
          ...preset.escalations.filter((r) => typeof r.at !== 'number'),
          { at: 90.5, notify: ['admins'] },
        ],
        ...(preset.consultations === undefined
          ? {}
          : { consultations: { ...preset.consultations, warningThresholds: [0.5, 50.9] } }),
      };
      const whole = JSON.stringify({ ...preset });
      await db
        .insertInto('policy_versions')
        .values([
          {
            workspace_id: 'w-thr',
            version: '1',
            policy_json: JSON.stringify(fractional),
            created_at: 0,
            adopted_by: null,
          },
          { workspace_id: 'w-thr', version: '2', policy_json: whole, created_at: 0, adopted_by: null },
        ])
        .execute();
      // Stored this way, it no longer parses: every write of the workspace would fail.
      expect(() => parseSlaPolicy(fractional)).toThrow();

      await wholeWarningThresholds.up(db as never);
      const stored = async (version: string) =>
        (
          await db
            .selectFrom('policy_versions')
            .select('policy_json')
            .where('workspace_id', '=', 'w-thr')
            .where('version', '=', version)
            .executeTakeFirstOrThrow()
        ).policy_json;
      const mended = parseSlaPolicy(JSON.parse(await stored('1')));
      // Down to the whole percent below (a warning early rather than late), duplicates merged, the rule following.
      expect(mended.warningThresholds).toEqual([74, 75, 90]);
      expect(mended.escalations.filter((r) => typeof r.at === 'number').map((r) => r.at)).toEqual([90]);
      if (preset.consultations !== undefined)
        expect(mended.consultations?.warningThresholds).toEqual([1, 50]);
      expect(await stored('2')).toBe(whole);
    });

    it('enforces foreign keys', async () => {
      const { db } = testDb.handle;
      await expect(
        db
          .insertInto('calendars')
          .values({
            id: 'c1',
            workspace_id: 'missing',
            key: 'k',
            name: 'n',
            spec_json: '{}',
            created_at: 0,
            updated_at: 0,
          })
          .execute(),
      ).rejects.toThrow();
    });

    it('stores binary attachment bytes unchanged', async () => {
      const { db } = testDb.handle;
      const bytes = Uint8Array.from([0, 255, 1, 128, 10, 13]);
      await db
        .insertInto('users')
        .values({ id: 'u1', email: 'a@b.c', name: 'A', password_hash: 'x', created_at: 0, disabled_at: null })
        .execute();
      await db
        .insertInto('organizations')
        .values({
          id: 'o1',
          workspace_id: 'w1',
          name: 'O',
          contacts_json: '[]',
          sites_json: '[]',
          created_at: 0,
        })
        .execute();
      await db
        .insertInto('tickets')
        .values({
          id: 't1',
          workspace_id: 'w1',
          organization_id: 'o1',
          requester_id: 'u1',
          assignee_id: null,
          subject: 's',
          description: 'd',
          category: 'hosting',
          priority: 'P1',
          channel: 'ticket',
          status: 'new',
          plan: 'pro',
          policy_version: '1',
          queue_class: 'priority',
          queue_start_at: 0,
          next_due_at: null,
          billing_mode: 'none',
          version: 1,
          created_at: 0,
          updated_at: 0,
          maintenance_contract: 0,
          hourly_rate_cents: 0,
          currency: 'EUR',
        })
        .execute();
      await db
        .insertInto('attachments')
        .values({
          id: 'a1',
          ticket_id: 't1',
          workspace_id: 'w1',
          uploader_id: 'u1',
          filename: 'f',
          content_type: 'application/octet-stream',
          size_bytes: 6,
          data: bytes,
          created_at: 0,
        })
        .execute();
      const row = await db
        .selectFrom('attachments')
        .select('data')
        .where('id', '=', 'a1')
        .executeTakeFirstOrThrow();
      expect(Uint8Array.from(row.data)).toEqual(bytes);
    });
  });
}
