import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DIALECTS, describeDialect } from './dialects.ts';
import { errorOf, objectOf, PASSWORD, startTestServer, type TestServer } from './server-harness.ts';
import type { CheckStatus } from '../src/availability/availability-core.ts';
import { pdfText } from './availability-pdf-text.ts';

const HOUR_MS = 3_600_000;
const at = (iso: string) => Date.parse(iso);

for (const dialect of DIALECTS)
  describeDialect(dialect, 'availability: monthly figures, maintenance and exclusions', () => {
    let server: TestServer;
    let admin: string;
    let monitorId: string;
    const ws = { workspace: 'hosting-be' };
    const as = (token: string) => ({ token, ...ws });

    beforeAll(async () => {
      // Early in February: the maintenance below is announced ahead, the results come as the month goes.
      server = await startTestServer(dialect, { startMs: at('2026-02-20T10:00:00Z') });
      admin = await server.login('admin@acme.test');
      const created = await server.request(
        'POST',
        '/api/v1/monitors',
        {
          name: 'Classique site',
          organizationId: server.fixture.hosting.classique,
          kind: 'heartbeat',
          intervalSeconds: 3600,
          timeoutSeconds: 10,
          // Three in a row: the two-hour outage below opens no ticket (the clock is far past it when recorded).
          confirmations: 3,
          public: true,
        },
        as(admin),
      );
      expect(created.status, created.text).toBe(201);
      monitorId = z.object({ id: z.string() }).parse(created.body).id;

      // Sundays 01:00–03:00 Brussels time from 22 March: the 29th is the spring DST change (01:00 CET → 02:00 UTC
      // length kept: 00:00–02:00 UTC both Sundays). And one window across the end of March: 22:00 CEST → 04:00.
      const weekly = await server.request(
        'POST',
        '/api/v1/maintenance-windows',
        {
          monitorIds: [monitorId],
          startsAt: '2026-03-22T01:00:00+01:00',
          endsAt: '2026-03-22T03:00:00+01:00',
          recurrence: { rrule: 'FREQ=WEEKLY;COUNT=2' },
          title: 'Kernel updates',
          announce: true,
        },
        as(admin),
      );
      expect(weekly.status, weekly.text).toBe(201);
      const boundary = await server.request(
        'POST',
        '/api/v1/maintenance-windows',
        {
          organizationId: server.fixture.hosting.classique,
          startsAt: '2026-03-31T22:00:00+02:00',
          endsAt: '2026-04-01T04:00:00+02:00',
          title: 'Storage migration',
          announce: true,
        },
        as(admin),
      );
      expect(boundary.status, boundary.text).toBe(201);

      // An hourly result all month (local midnight 1 March is 23:00 UTC on 28 Feb), down 10:00–12:00 UTC on the 10th.
      const monitorRow = await server.services.availability.monitors.visible(
        {
          userId: 'x',
          name: 'x',
          sessionId: 'x',
          workspaceId: server.fixture.hosting.id,
          role: 'admin',
          organizationId: null,
        },
        monitorId,
      );
      for (let t = at('2026-02-28T23:00:00Z'); t < at('2026-04-01T00:00:00Z'); t += HOUR_MS) {
        const down = t >= at('2026-03-10T10:00:00Z') && t < at('2026-03-10T12:00:00Z');
        const status: CheckStatus = down ? 'down' : 'up';
        await server.services.availability.runner.record({
          monitor: (await server.services.availability.monitors.visible(
            { ...adminActor(), workspaceId: server.fixture.hosting.id },
            monitorRow.id,
          )) as typeof monitorRow,
          atMs: t,
          outcome: down
            ? { kind: 'no-answer', detail: 'timeout' }
            : { kind: 'answer', ok: true, latencyMs: 20, detail: 'ok' },
          status,
        });
      }
      server.clock.set(at('2026-04-02T08:00:00Z'));
      admin = await signIn();
      const exclusion = await server.request(
        'POST',
        '/api/v1/availability-exclusions',
        {
          monitorId,
          from: '2026-03-10T11:00:00Z',
          to: '2026-03-10T12:00:00Z',
          reason: 'force-majeure',
          note: 'regional power cut at the data centre',
        },
        as(admin),
      );
      expect(exclusion.status, exclusion.text).toBe(201);
    }, 120_000);
    afterAll(async () => server?.close());

    /** A new session on the moved clock (the old one has expired). */
    async function signIn() {
      const res = await server.request('POST', '/api/v1/auth/login', {
        email: 'admin@acme.test',
        password: PASSWORD,
      });
      return z.object({ token: z.string() }).parse(res.body).token;
    }

    function adminActor() {
      return { userId: 'x', name: 'x', sessionId: 'x', role: 'admin' as const, organizationId: null };
    }

    it("adds up March in Brussels: 743 h, maintenance across DST and the month's end, one excluded hour", async () => {
      const res = await server.request(
        'GET',
        `/api/v1/organizations/${server.fixture.hosting.classique}/availability?month=2026-03`,
        undefined,
        as(admin),
      );
      expect(res.status, res.text).toBe(200);
      const f = objectOf(res);
      // Maintenance: 2 h on the 22nd, 2 h on the 29th (DST day), 2 h of the window crossing into April.
      expect(f).toMatchObject({
        maintenanceSeconds: 6 * 3600,
        excludedSeconds: 3600,
        downSeconds: 3600,
        upSeconds: (743 - 8) * 3600,
        noDataSeconds: 0,
        target: 0.99,
        targetSource: 'default',
        met: true,
        timeZone: 'Europe/Brussels',
      });
      expect(f['availability']).toBeCloseTo(735 / 736, 12);
      expect(f['downtimeBudgetLeftSeconds']).toBeCloseTo(0.01 * 736 * 3600 - 3600, 6);
      // February (local) saw no result at all: no data, never up, and no figure.
      const feb = objectOf(
        await server.request(
          'GET',
          `/api/v1/organizations/${server.fixture.hosting.classique}/availability?month=2026-02`,
          undefined,
          as(admin),
        ),
      );
      expect(feb).toMatchObject({ upSeconds: 0, downSeconds: 0, availability: null, met: null });
      expect(feb['noDataSeconds']).toBe(28 * 24 * 3600);
    });

    it('lists the audited exclusion; refuses a future one and a bad month', async () => {
      const list = z
        .object({ items: z.array(z.object({ reason: z.string(), createdBy: z.string(), note: z.string() })) })
        .parse((await server.request('GET', '/api/v1/availability-exclusions', undefined, as(admin))).body);
      expect(list.items).toHaveLength(1);
      expect(list.items[0]).toMatchObject({
        reason: 'force-majeure',
        note: 'regional power cut at the data centre',
      });
      const future = await server.request(
        'POST',
        '/api/v1/availability-exclusions',
        { monitorId, from: '2026-04-02T09:00:00Z', to: '2026-04-02T10:00:00Z', reason: 'misuse', note: 'x' },
        as(admin),
      );
      expect(future.status).toBe(400);
      expect(errorOf(future).code).toBe('VALIDATION_FAILED');
      const month = await server.request(
        'GET',
        `/api/v1/organizations/${server.fixture.hosting.classique}/availability?month=2026-13`,
        undefined,
        as(admin),
      );
      expect(month.status).toBe(400);
      const other = z
        .object({ token: z.string() })
        .parse(
          (await server.request('POST', '/api/v1/auth/login', { email: 'pro@acme.test', password: PASSWORD }))
            .body,
        ).token;
      const denied = await server.request(
        'GET',
        `/api/v1/organizations/${server.fixture.hosting.classique}/availability?month=2026-03`,
        undefined,
        { token: other },
      );
      expect(denied.status).toBe(404);
    });

    it('the monthly SLA report, JSON and CSV', async () => {
      const base = `/api/v1/reports/sla?organizationId=${server.fixture.hosting.classique}&month=2026-03`;
      const json = await server.request('GET', base, undefined, as(admin));
      expect(json.status, json.text).toBe(200);
      const report = z
        .object({
          availability: z.object({ maintenanceSeconds: z.number(), excludedSeconds: z.number() }),
          maintenance: z.array(z.object({ title: z.string(), startsAt: z.string(), endsAt: z.string() })),
          exclusions: z.array(z.object({ reason: z.string(), createdBy: z.string() })),
          tickets: z.array(z.unknown()),
        })
        .parse(json.body);
      expect(report.availability).toMatchObject({ maintenanceSeconds: 6 * 3600, excludedSeconds: 3600 });
      expect(report.maintenance.map((m) => `${m.title} ${m.startsAt}`)).toEqual([
        'Kernel updates 2026-03-22T00:00:00.000Z',
        'Kernel updates 2026-03-29T00:00:00.000Z',
        'Storage migration 2026-03-31T20:00:00.000Z',
      ]);
      expect(report.exclusions).toEqual([expect.objectContaining({ reason: 'force-majeure' })]);
      const csv = await server.request('GET', `${base}&format=csv`, undefined, as(admin));
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toBe('"kind","id","label","priority","status","from","to","metric","target","value"');
      expect(lines.filter((l) => l.startsWith('"maintenance"'))).toHaveLength(3);
      expect(lines.some((l) => l.startsWith('"exclusion"') && l.includes('"force-majeure"'))).toBe(true);
      expect(lines.some((l) => l.includes('"maintenanceSeconds",,21600'))).toBe(true);
    });

    it('the monthly SLA report as a PDF in English, French and Arabic: its figures are in the text', async () => {
      const query = `organizationId=${server.fixture.hosting.classique}&month=2026-03`;
      const json = await server.request('GET', `/api/v1/reports/sla?${query}`, undefined, as(admin));
      const figures = z
        .object({ availability: z.object({ availability: z.number(), target: z.number() }) })
        .parse(json.body).availability;
      const pdf = async (lang: string) => {
        const res = await fetch(`${server.baseUrl}/api/v1/reports/sla?${query}&format=pdf&lang=${lang}`, {
          headers: { authorization: `Bearer ${admin}`, 'x-accord-workspace': 'hosting-be' },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/pdf');
        expect(res.headers.get('content-disposition')).toBe('attachment; filename="sla-2026-03.pdf"');
        const bytes = new Uint8Array(await res.arrayBuffer());
        expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
        return pdfText(bytes);
      };
      const percent = (locale: string, v: number, digits: number) =>
        new Intl.NumberFormat(locale, {
          style: 'percent',
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        })
          .format(v)
          .replace(/\u202F|\u00A0/g, ' ');
      const en = await pdf('en');
      expect(en.text).toContain('Monthly SLA report');
      expect(en.text).toContain('Classique Org');
      expect(en.text).toContain(percent('en-GB', figures.availability, 3));
      expect(en.text).toContain(percent('en-GB', figures.target, 1));
      expect(en.text).toContain('Kernel updates');
      expect(en.text).toContain('Storage migration');
      expect(en.text).toContain('regional power cut at the data centre');
      const fr = await pdf('fr');
      expect(fr.text).toContain('Rapport SLA mensuel');
      expect(fr.text).toContain('Disponibilité par site');
      expect(fr.text).toContain(percent('fr-FR', figures.availability, 3));
      // Arabic: set in Vazirmatn, right to left; the figures in Western digits (see report-pdf.ts).
      const ar = await pdf('ar');
      expect(ar.fonts.some((f) => f.includes('Vazirmatn'))).toBe(true);
      for (const word of ['التوفر', 'الهدف', 'الصيانة', 'المؤسسة', 'التذاكر'])
        expect(ar.text).toContain(word);
      expect(ar.text).toContain('Classique Org');
      expect(ar.text).toContain(percent('en-GB', figures.availability, 3).replace(' ', ''));
      const bad = await server.request(
        'GET',
        `/api/v1/reports/sla?${query}&format=pdf&lang=de`,
        undefined,
        as(admin),
      );
      expect(bad.status).toBe(400);
    });

    it('the public status page: no sign-in, public monitors by name only, 90 bars', async () => {
      server.clock.set(at('2026-03-31T12:00:00Z'));
      const res = await server.request('GET', '/api/v1/status/hosting-be');
      expect(res.status, res.text).toBe(200);
      const page = z
        .object({
          monitors: z.array(
            z.object({
              name: z.string(),
              bars: z.array(z.object({ day: z.string(), availability: z.number().nullable() })),
            }),
          ),
          maintenance: z.array(z.object({ title: z.string(), startsAt: z.string() })),
        })
        .parse(res.body);
      expect(page.monitors.map((m) => m.name)).toEqual(['Classique site']);
      const bars = page.monitors[0]?.bars ?? [];
      expect(bars).toHaveLength(90);
      expect(bars.at(-1)?.day).toBe('2026-03-31');
      expect(bars.find((b) => b.day === '2026-03-10')?.availability).toBeCloseTo(22 / 23, 12); // the excluded hour is out of the bar too
      expect(bars.find((b) => b.day === '2026-01-10')?.availability).toBeNull();
      expect(page.maintenance.map((m) => m.title)).toEqual(['Storage migration']);
      // Nothing private: no organization, ticket, URL or check detail.
      expect(res.text).not.toMatch(/organization|ticket|detail|http:\/\/|Classique Org/i);
      expect((await server.request('GET', '/api/v1/status/nope')).status).toBe(404);
    });

    it('a contract may promise its own target (admin only), and the figures follow it', async () => {
      const org = server.fixture.hosting.classique;
      const month = async () =>
        z
          .object({
            target: z.number(),
            targetSource: z.string(),
            met: z.boolean().nullable(),
            monitors: z.array(z.object({ target: z.number() })),
          })
          .parse(
            (
              await server.request(
                'GET',
                `/api/v1/organizations/${org}/availability?month=2026-03`,
                undefined,
                as(admin),
              )
            ).body,
          );
      admin = await signIn();
      expect(await month()).toMatchObject({ target: 0.99, targetSource: 'default', met: true });
      const set = await server.request(
        'PUT',
        `/api/v1/organizations/${org}/availability-target`,
        { target: 0.9995 },
        as(admin),
      );
      expect(set.status, set.text).toBe(200);
      expect(set.body).toEqual({ target: 0.9995, targetSource: 'contract' });
      // 2 h down of 737 observed is 99.73 %: met at 99 %, missed at 99.95 %.
      const strict = await month();
      expect(strict).toMatchObject({ target: 0.9995, targetSource: 'contract', met: false });
      expect(strict.monitors.map((m) => m.target)).toEqual([0.9995]);
      const other = await server.request(
        'PUT',
        `/api/v1/organizations/${org}/availability-target`,
        { target: 0.95 },
        { token: await server.login('agent@acme.test'), ...ws },
      );
      expect(other.status).toBe(403);
      const bad = await server.request(
        'PUT',
        `/api/v1/organizations/${org}/availability-target`,
        { target: 1.5 },
        as(admin),
      );
      expect(bad.status).toBe(400);
      const back = await server.request(
        'PUT',
        `/api/v1/organizations/${org}/availability-target`,
        { target: null },
        as(admin),
      );
      expect(back.body).toEqual({ target: 0.99, targetSource: 'default' });
    });
  });

describe('availability: private targets', () => {
  it('are refused unless ACCORD_MONITOR_ALLOW_PRIVATE=true', async () => {
    const before = process.env['ACCORD_MONITOR_ALLOW_PRIVATE'];
    delete process.env['ACCORD_MONITOR_ALLOW_PRIVATE'];
    const server = await startTestServer('sqlite');
    try {
      const admin = await server.login('admin@acme.test');
      for (const body of [
        { kind: 'http', url: 'http://127.0.0.1:9/' },
        { kind: 'http', url: 'http://169.254.169.254/latest/meta-data/' },
        { kind: 'tcp', host: '10.0.0.1', port: 22 },
        { kind: 'http', url: 'http://[::ffff:127.0.0.1]/' },
      ]) {
        const res = await server.request(
          'POST',
          '/api/v1/monitors',
          { name: 'internal', organizationId: server.fixture.hosting.pro, ...body },
          { token: admin, workspace: 'hosting-be' },
        );
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(errorOf(res).code).toBe('MONITOR_TARGET_FORBIDDEN');
      }
    } finally {
      await server.close();
      if (before !== undefined) process.env['ACCORD_MONITOR_ALLOW_PRIVATE'] = before;
    }
  });
});
