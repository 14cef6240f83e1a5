import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, objectOf, PASSWORD, startTestServer, type TestServer } from './server-harness.ts';

const reviewSchema = z.object({
  at: z.string(),
  by: z.string(),
  note: z.string(),
  nextReviewDate: z.string(),
});
const versionsSchema = z.object({
  items: z.array(
    z.object({
      version: z.string(),
      effectiveFrom: z.string(),
      adoptedBy: z.string().nullable(),
      adoptedAt: z.string(),
      reviews: z.array(reviewSchema),
    }),
  ),
});
const reviewStatusOf = (body: unknown) =>
  z.object({ review: z.object({ reviewDate: z.string(), overdue: z.boolean() }) }).parse(body).review;

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'policy versions and reviews', () => {
    let server: TestServer;
    let admin: string;
    let adminId: string;

    /** Sessions last 30 days and these tests move the clock by months: sign in afresh at the current instant. */
    async function signIn(email: string): Promise<string> {
      const res = await server.request('POST', '/api/v1/auth/login', { email, password: PASSWORD });
      return z.object({ token: z.string() }).parse(res.body).token;
    }
    const get = async (path: string, token: string, workspace?: string) =>
      server.request('GET', path, undefined, { token, workspace });

    beforeAll(async () => {
      // consulting-sa's own review date is 2027-03-01 (effectiveFrom 2026-09-01 + 6 months): four days overdue.
      server = await startTestServer(dialect, { startMs: Date.parse('2027-03-05T09:00:00Z') });
      admin = await signIn('admin@acme.test');
      adminId = String(
        objectOf(await server.request('GET', '/api/v1/me', undefined, { token: admin }))['id'],
      );
    });
    afterAll(async () => {
      await server?.close();
    });

    const versionsOf = async (token: string, workspace?: string) =>
      versionsSchema.parse((await get('/api/v1/policy/versions', token, workspace)).body).items;

    it('lists the seeded version with no adopter, then a review clears the overdue status', async () => {
      expect(reviewStatusOf((await get('/api/v1/policy', admin, 'consulting-sa')).body).overdue).toBe(true);
      const seeded = await versionsOf(admin, 'consulting-sa');
      expect(seeded).toHaveLength(1);
      expect(seeded[0]).toMatchObject({ adoptedBy: null, reviews: [] });

      // 2027-03-31 23:30 in Riyadh is 20:30 UTC, still 31 March there: six months on is 30 September (clamped).
      server.clock.set(Date.parse('2027-03-31T20:30:00Z'));
      admin = await signIn('admin@acme.test');
      const note = 'Targets still fit; no change.';
      const review = await server.request(
        'POST',
        '/api/v1/policy/review',
        { note },
        { token: admin, workspace: 'consulting-sa' },
      );
      expect(review.status).toBe(201);
      const recorded = { at: '2027-03-31T20:30:00.000Z', by: adminId, note, nextReviewDate: '2027-09-30' };
      expect(objectOf(review)).toEqual({ version: '1', ...recorded });

      const after = await get('/api/v1/policy', admin, 'consulting-sa');
      expect(reviewStatusOf(after.body)).toEqual({ reviewDate: '2027-09-30', overdue: false });
      expect((await versionsOf(admin, 'consulting-sa'))[0]?.reviews).toEqual([recorded]);

      // Overdue again from the day after the next review date, in Riyadh (UTC+3).
      server.clock.set(Date.parse('2027-09-30T20:59:00Z'));
      admin = await signIn('admin@acme.test');
      expect(reviewStatusOf((await get('/api/v1/policy', admin, 'consulting-sa')).body).overdue).toBe(false);
      server.clock.set(Date.parse('2027-09-30T21:00:00Z'));
      expect(reviewStatusOf((await get('/api/v1/policy', admin, 'consulting-sa')).body).overdue).toBe(true);
    });

    it('lists an adopted version first, with who adopted it; it starts its own review schedule', async () => {
      server.clock.set(Date.parse('2027-10-04T08:00:00Z'));
      admin = await signIn('admin@acme.test');
      const preset = objectOf(await get('/api/v1/policy', admin, 'consulting-sa'))['policy'];
      const adopted = await server.request(
        'PUT',
        '/api/v1/policy',
        {
          policy: {
            ...(preset as Record<string, unknown>),
            version: 2,
            effectiveFrom: '2027-10-04',
            reviewDate: undefined,
          },
        },
        { token: admin, workspace: 'consulting-sa' },
      );
      expect(adopted.status).toBe(200);
      expect(reviewStatusOf(adopted.body)).toEqual({ reviewDate: '2028-04-04', overdue: false });
      const versions = await versionsOf(admin, 'consulting-sa');
      expect(versions.map((v) => [v.version, v.adoptedBy, v.effectiveFrom, v.reviews.length])).toEqual([
        ['2', adminId, '2027-10-04', 0],
        ['1', null, '2026-09-01', 1],
      ]);
      expect(versions[0]?.adoptedAt).toBe('2027-10-04T08:00:00.000Z');
    });

    it('refuses reviews to agents, consultants and clients, and the history to consultants and clients', async () => {
      const agent = await signIn('cagent@acme.test');
      const consultant = await signIn('consultant@acme.test');
      const client = await signIn('cclient@acme.test');
      for (const token of [agent, consultant, client]) {
        const res = await server.request('POST', '/api/v1/policy/review', { note: 'x' }, { token });
        expect(res.status).toBe(403);
        expect(errorOf(res).code).toBe('FORBIDDEN');
      }
      expect((await get('/api/v1/policy/versions', agent)).status).toBe(200);
      for (const token of [consultant, client]) {
        const res = await get('/api/v1/policy/versions', token);
        expect(res.status).toBe(403);
        expect(errorOf(res).code).toBe('FORBIDDEN');
      }
      const blank = await server.request(
        'POST',
        '/api/v1/policy/review',
        { note: '  ' },
        { token: admin, workspace: 'consulting-sa' },
      );
      expect(blank.status).toBe(400);
      // Nothing was recorded by the refused attempts.
      expect((await versionsOf(admin, 'consulting-sa')).flatMap((v) => v.reviews)).toHaveLength(1);
    });

    it('keeps each workspace’s versions and reviews to itself', async () => {
      server.clock.set(Date.parse('2027-11-02T09:00:00Z'));
      admin = await signIn('admin@acme.test');
      const review = await server.request(
        'POST',
        '/api/v1/policy/review',
        { note: 'hosting yearly review' },
        { token: admin, workspace: 'hosting-be' },
      );
      // hosting-be reviews yearly (reviewEveryMonths: 12).
      expect(objectOf(review)['nextReviewDate']).toBe('2028-11-02');
      const hostingAgent = await signIn('agent@acme.test');
      const seen = await versionsOf(hostingAgent);
      expect(seen).toHaveLength(1);
      expect(seen.flatMap((v) => v.reviews.map((r) => r.note))).toEqual(['hosting yearly review']);
      const consultingNotes = (await versionsOf(admin, 'consulting-sa')).flatMap((v) =>
        v.reviews.map((r) => r.note),
      );
      expect(consultingNotes).toEqual(['Targets still fit; no change.']);
      expect(reviewStatusOf((await get('/api/v1/policy', hostingAgent)).body)).toEqual({
        reviewDate: '2028-11-02',
        overdue: false,
      });
    });

    it('takes its own policy back unchanged: the same version, whatever the order of its fields', async () => {
      admin = await signIn('admin@acme.test');
      const as = { token: admin, workspace: 'consulting-sa' };
      const live = objectOf(await get('/api/v1/policy', admin, 'consulting-sa'))['policy'] as Record<
        string,
        unknown
      >;
      const versions = (await versionsOf(admin, 'consulting-sa')).length;
      // What an admin exports and sends back as a file: the schema orders its fields, the stored preset need not.
      const again = await server.request('PUT', '/api/v1/policy', { policy: live }, as);
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(objectOf(again)['version']).toBe(String(live['version']));
      const reversed = Object.fromEntries(Object.entries(live).reverse());
      const reordered = await server.request('PUT', '/api/v1/policy', { policy: reversed }, as);
      expect(reordered.status, JSON.stringify(reordered.body)).toBe(200);
      expect(await versionsOf(admin, 'consulting-sa')).toHaveLength(versions);
    });

    it('adopts a draft with its review in one unit; a version clash records neither', async () => {
      server.clock.set(Date.parse('2027-11-03T10:00:00Z'));
      admin = await signIn('admin@acme.test');
      const live = objectOf(await get('/api/v1/policy', admin, 'consulting-sa'))['policy'] as Record<
        string,
        unknown
      >;
      const draft = { ...live, version: 3, effectiveFrom: '2027-11-03', reviewDate: undefined };
      // Version 2 exists with other content: 409, and the review sent with it is not recorded either.
      const clash = await server.request(
        'PUT',
        '/api/v1/policy',
        { policy: { ...draft, version: 2, name: 'other' }, review: { note: 'should not stay' } },
        { token: admin, workspace: 'consulting-sa' },
      );
      expect(clash.status).toBe(409);
      expect(errorOf(clash).code).toBe('VERSION_CONFLICT');
      const adopted = await server.request(
        'PUT',
        '/api/v1/policy',
        { policy: draft, review: { note: 'What-if: P2 resolution lengthened' } },
        { token: admin, workspace: 'consulting-sa' },
      );
      expect(adopted.status).toBe(200);
      expect(objectOf(adopted)['version']).toBe('3');
      // The review recorded with the adoption schedules the next one from today (six months).
      expect(reviewStatusOf(adopted.body)).toEqual({ reviewDate: '2028-05-03', overdue: false });
      const versions = await versionsOf(admin, 'consulting-sa');
      expect(versions[0]).toMatchObject({
        version: '3',
        adoptedBy: adminId,
        adoptedAt: '2027-11-03T10:00:00.000Z',
        reviews: [{ by: adminId, note: 'What-if: P2 resolution lengthened', nextReviewDate: '2028-05-03' }],
      });
      expect(versions.flatMap((v) => v.reviews.map((r) => r.note))).not.toContain('should not stay');
      const blank = await server.request(
        'PUT',
        '/api/v1/policy',
        { policy: { ...draft, version: 4 }, review: { note: ' ' } },
        { token: admin, workspace: 'consulting-sa' },
      );
      expect(blank.status).toBe(400);
    });
  });
}
