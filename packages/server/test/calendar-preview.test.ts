import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialect, DIALECTS } from './dialects.ts';
import { errorOf, objectOf, startTestServer, weekdayHours, type TestServer } from './server-harness.ts';

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'calendar preview (the editor’s week view)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(dialect);
    });
    afterAll(() => server.close());

    it('lists the open intervals of an unsaved spec and what a duration would make due', async () => {
      const admin = await server.login('admin@acme.test');
      const res = await server.request(
        'POST',
        '/api/v1/calendars/preview',
        // Friday 6 March 2026 at 16:00 Brussels: 1 h 30 left that day, the rest on Monday.
        { spec: weekdayHours('08:30', '17:30', 'PT9H'), from: '2026-03-06T15:00:00Z', days: 4, add: 'PT4H' },
        { token: admin, workspace: 'hosting-be' },
      );
      expect(res.status).toBe(200);
      const body = objectOf(res);
      expect(body['timeZone']).toBe('Europe/Brussels');
      expect(body['open']).toEqual([
        { start: '2026-03-06T15:00:00.000Z', end: '2026-03-06T16:30:00.000Z' },
        { start: '2026-03-09T07:30:00.000Z', end: '2026-03-09T16:30:00.000Z' },
        // The preview ends four days after `from`: Tuesday 16:00 Brussels.
        { start: '2026-03-10T07:30:00.000Z', end: '2026-03-10T15:00:00.000Z' },
      ]);
      expect(body['dueAt']).toBe('2026-03-09T10:00:00.000Z');
    });

    it('refuses a bad spec with INVALID_CALENDAR and a client with FORBIDDEN', async () => {
      const admin = await server.login('admin@acme.test');
      const bad = await server.request(
        'POST',
        '/api/v1/calendars/preview',
        { spec: { ...weekdayHours('08:30', '17:30', 'PT9H'), timeZone: 'Mars/Olympus' } },
        { token: admin, workspace: 'hosting-be' },
      );
      expect(bad.status).toBe(422);
      expect(errorOf(bad).code).toBe('INVALID_CALENDAR');
      const client = await server.login('pro@acme.test');
      const refused = await server.request(
        'POST',
        '/api/v1/calendars/preview',
        { spec: weekdayHours('08:30', '17:30', 'PT9H') },
        { token: client },
      );
      expect(refused.status).toBe(403);
    });
  });
}
