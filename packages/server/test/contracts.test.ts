import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import {
  errorOf,
  itemsOf,
  objectOf,
  startTestServer,
  weekdayHours,
  type TestServer,
} from './server-harness.ts';

/** Open only on one day two years ahead: a calendar with no open time in the next year. */
const NEVER_OPEN_SOON = {
  timeZone: 'Europe/Brussels',
  week: {},
  holidays: [],
  closed: [],
  special: { '2028-06-01': [['09:00', '17:00']] },
  businessDay: 'PT8H',
};

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'Sur Mesure contract calendars', () => {
    let server: TestServer;
    let admin: string;

    beforeAll(async () => {
      server = await startTestServer(dialect);
      admin = await server.login('admin@acme.test');
      const put = await server.request(
        'PUT',
        '/api/v1/calendars/late-hours',
        { name: 'Late hours', spec: weekdayHours('07:00', '22:00', 'PT15H') },
        { token: admin, workspace: 'hosting-be' },
      );
      expect(put.status).toBe(200);
    });
    afterAll(async () => {
      await server?.close();
    });

    const contracts = (orgId: string, body: unknown, workspace = 'hosting-be') =>
      server.request('POST', `/api/v1/organizations/${orgId}/contracts`, body, { token: admin, workspace });

    it('refuses a Sur Mesure contract without its own calendar, and writes nothing', async () => {
      const orgId = server.fixture.hosting.surMesure;
      const before = itemsOf(
        await server.request('GET', `/api/v1/organizations/${orgId}/contracts`, undefined, {
          token: admin,
          workspace: 'hosting-be',
        }),
      );
      for (const extendedCalendar of [undefined, null]) {
        const res = await contracts(orgId, { plan: 'sur-mesure', extendedCalendar });
        expect(res.status).toBe(422);
        expect(errorOf(res)).toMatchObject({
          code: 'CONTRACT_CALENDAR_REQUIRED',
          details: { plan: 'sur-mesure', slots: ['sur-mesure-extended'] },
        });
      }
      const created = await server.request(
        'POST',
        '/api/v1/organizations',
        { name: 'No Hours Yet', contract: { plan: 'sur-mesure' } },
        { token: admin, workspace: 'hosting-be' },
      );
      expect(errorOf(created).code).toBe('CONTRACT_CALENDAR_REQUIRED');
      const orgs = itemsOf(
        await server.request('GET', '/api/v1/organizations', undefined, {
          token: admin,
          workspace: 'hosting-be',
        }),
      );
      expect(orgs.map((o) => o['name'])).not.toContain('No Hours Yet');
      const after = itemsOf(
        await server.request('GET', `/api/v1/organizations/${orgId}/contracts`, undefined, {
          token: admin,
          workspace: 'hosting-be',
        }),
      );
      expect(after).toEqual(before);
    });

    it('refuses a calendar the workspace does not have: unknown, a preset, the placeholder, another workspace’s', async () => {
      const consultingCalendar = await server.request(
        'PUT',
        '/api/v1/calendars/riyadh-late',
        {
          name: 'Riyadh late',
          spec: { ...weekdayHours('09:00', '21:00', 'PT12H'), timeZone: 'Asia/Riyadh' },
        },
        { token: admin, workspace: 'consulting-sa' },
      );
      expect(consultingCalendar.status).toBe(200);
      for (const extendedCalendar of ['nope', 'be-business', 'sur-mesure-extended', 'riyadh-late']) {
        const res = await contracts(server.fixture.hosting.surMesure, {
          plan: 'sur-mesure',
          extendedCalendar,
        });
        expect({ extendedCalendar, status: res.status }).toEqual({ extendedCalendar, status: 404 });
        expect(errorOf(res).code).toBe('CALENDAR_NOT_FOUND');
      }
    });

    it('refuses a calendar with no open time in the next year', async () => {
      // Stored directly: whether PUT /calendars accepts such a spec is the calendar route's business; a contract
      // must refuse it either way.
      const nowMs = server.clock.nowMs();
      await server.services.db
        .insertInto('calendars')
        .values({
          id: 'never-open-cal',
          workspace_id: server.fixture.hosting.id,
          key: 'never-open',
          name: 'Never open',
          spec_json: JSON.stringify(NEVER_OPEN_SOON),
          created_at: nowMs,
          updated_at: nowMs,
        })
        .execute();
      const res = await contracts(server.fixture.hosting.surMesure, {
        plan: 'sur-mesure',
        extendedCalendar: 'never-open',
      });
      expect(res.status).toBe(422);
      expect(errorOf(res).code).toBe('CALENDAR_NEVER_OPEN');
    });

    it('accepts a Sur Mesure contract with its calendar, and plans without an extended slot without one', async () => {
      const surMesure = await contracts(server.fixture.hosting.surMesure, {
        plan: 'sur-mesure',
        maintenanceContract: true,
        extendedCalendar: 'late-hours',
      });
      expect(surMesure.status).toBe(201);
      expect(objectOf(surMesure)['extendedCalendar']).toBe('late-hours');
      for (const plan of ['start', 'classique', 'pro']) {
        const res = await contracts(server.fixture.hosting.pro, { plan });
        expect({ plan, status: res.status }).toEqual({ plan, status: 201 });
      }
    });

    it('finds the extended slot in the policy data, whatever the plan is called', async () => {
      // A consulting policy whose P1 first response runs on hours the contract defines.
      const current = objectOf(
        await server.request('GET', '/api/v1/policy', undefined, {
          token: admin,
          workspace: 'consulting-sa',
        }),
      )['policy'] as Record<string, unknown> & { targets: Record<string, unknown>[] };
      const targets = current.targets.map((t) =>
        t['metric'] === 'firstResponse' && JSON.stringify(t['priorities']) === JSON.stringify(['P1'])
          ? { ...t, calendar: 'vip-hours' }
          : t,
      );
      expect(targets.filter((t) => t['calendar'] === 'vip-hours')).toHaveLength(1);
      const policy = {
        ...current,
        version: 7,
        reviewDate: undefined,
        calendars: { 'vip-hours': { ...weekdayHours('08:00', '20:00', 'PT12H'), timeZone: 'Asia/Riyadh' } },
        targets,
      };
      const adopted = await server.request(
        'PUT',
        '/api/v1/policy',
        { policy },
        { token: admin, workspace: 'consulting-sa' },
      );
      expect(adopted.status).toBe(200);
      const refused = await contracts(server.fixture.consulting.org, { plan: 'standard' }, 'consulting-sa');
      expect(errorOf(refused)).toMatchObject({
        code: 'CONTRACT_CALENDAR_REQUIRED',
        details: { slots: ['vip-hours'] },
      });
      const accepted = await contracts(
        server.fixture.consulting.org,
        { plan: 'standard', extendedCalendar: 'riyadh-late' },
        'consulting-sa',
      );
      expect(accepted.status).toBe(201);
    });
  });
}
