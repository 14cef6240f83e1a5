/**
 * `npm run bench:claims`: 50 consultants claim 1,000 board requests at once through the HTTP API, on SQLite and on
 * PostgreSQL in the same run. Every claimer starts on the same ten requests (all collide there), then walks the
 * rest in its own random order, skipping requests it has seen taken; each request must end with exactly one 200 and every other claim a 409
 * CONSULTATION_ALREADY_TAKEN. Checked after the run from the database: one `claimed` event and one consultant per
 * request, and the 200s add up to the requests. Prints claims/s and requests/s. Exits 1 on a double claim, an
 * unexpected status, or when a dialect does not finish within BENCH_CLAIMS_TIMEOUT_MS (default 300000).
 *
 * Knobs: BENCH_CLAIMS_REQUESTS (1000), BENCH_CLAIMS_CLAIMERS (50), ACCORD_BENCH_PG_URL
 * (postgres://postgres@127.0.0.1:5432/test), BENCH_CLAIMS_DIALECTS (sqlite,postgres).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { hashPassword } from '../src/auth/password.ts';
import { ManualClock } from '../src/clock.ts';
import { createDatabase, type DatabaseHandle } from '../src/db/database.ts';
import type { DialectName } from '../src/db/dialect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { newId } from '../src/ids.ts';

const REQUESTS = Number(process.env['BENCH_CLAIMS_REQUESTS'] ?? '1000');
const CLAIMERS = Number(process.env['BENCH_CLAIMS_CLAIMERS'] ?? '50');
const TIMEOUT_MS = Number(process.env['BENCH_CLAIMS_TIMEOUT_MS'] ?? '300000');
const PG_URL = process.env['ACCORD_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const DIALECTS = (process.env['BENCH_CLAIMS_DIALECTS'] ?? 'sqlite,postgres').split(',') as DialectName[];
const PASSWORD = 'bench-claims-password';
/** Sunday 1 March 2026, 10:00 in Riyadh: open hours of sa-business. */
const START_MS = Date.parse('2026-03-01T07:00:00Z');

async function openDatabase(
  dialect: DialectName,
): Promise<{ handle: DatabaseHandle; drop: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'accord-claims-'));
    const handle = createDatabase({ dialect: 'sqlite', file: join(dir, 'accord.sqlite') });
    return { handle, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `accord_claims_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`).finally(() => admin.end());
  const handle = createDatabase({ dialect: 'postgres', url: PG_URL, schema, maxConnections: 10 });
  return {
    handle,
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`).finally(() => client.end());
    },
  };
}

async function api(baseUrl: string, method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}

/** A workspace on the consulting preset, one client, `CLAIMERS` consultants with room for every request. */
async function seed(
  db: DatabaseHandle['db'],
  workspaces: { ensureWorkspace: (i: never) => Promise<string> },
) {
  const workspaceId = await (workspaces.ensureWorkspace as (i: unknown) => Promise<string>)({
    slug: 'consulting-sa',
    name: 'Consulting',
    preset: 'consulting-sa',
  });
  const passwordHash = await hashPassword(PASSWORD);
  const user = async (email: string, role: string) => {
    const id = newId();
    await db
      .insertInto('users')
      .values({
        id,
        email,
        name: email,
        password_hash: passwordHash,
        created_at: START_MS,
        disabled_at: null,
      })
      .execute();
    await db
      .insertInto('memberships')
      .values({ user_id: id, workspace_id: workspaceId, role, organization_id: null, created_at: START_MS })
      .execute();
    return { id, email };
  };
  const client = await user('client@bench.test', 'client');
  const consultants = [];
  for (let i = 0; i < CLAIMERS; i++) {
    const c = await user(`consultant${i}@bench.test`, 'consultant');
    await db
      .insertInto('consultant_profiles')
      .values({
        workspace_id: workspaceId,
        user_id: c.id,
        specialties_json: '["tax"]',
        languages_json: '["ar"]',
        capacity: REQUESTS,
        available: 1,
        away_until: null,
        bio: '',
        updated_at: START_MS,
      })
      .execute();
    consultants.push(c);
  }
  return { workspaceId, client, consultants };
}

async function runDialect(dialect: DialectName): Promise<boolean> {
  const { handle, drop } = await openDatabase(dialect);
  await migrateToLatest(handle.db);
  const clock = new ManualClock(START_MS);
  const { app, services } = await buildApp({ database: handle, clock, verifyResponses: false });
  try {
    const { workspaceId, client, consultants } = await seed(handle.db, services.workspaces as never);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port');
    const baseUrl = `http://127.0.0.1:${address.port}`;
    const login = async (email: string) =>
      String(
        (await api(baseUrl, 'POST', '/api/v1/auth/login', undefined, { email, password: PASSWORD })).json[
          'token'
        ],
      );
    const tokens = await Promise.all(consultants.map((c) => login(c.email)));

    // The requests are created in-process through the service (the claims are what goes through HTTP).
    const clientActor = {
      userId: client.id,
      name: client.email,
      sessionId: 'bench',
      workspaceId,
      role: 'client' as const,
      organizationId: null,
    };
    const ids: string[] = [];
    const createStarted = performance.now();
    for (let i = 0; i < REQUESTS; i++) {
      const made = await services.consultations.create(clientActor, {
        subject: 'Bench request',
        description: 'Claim me',
        specialty: 'tax',
      });
      ids.push(made.id);
    }
    const createSeconds = (performance.now() - createStarted) / 1000;

    // Every claimer starts on the same ten requests (all fifty collide on each), then walks the rest in its own
    // random order, as people picking from a shared board do; it skips what it has seen taken.
    const hot = ids.slice(0, 10);
    const orders = tokens.map(() => [...hot, ...shuffled(ids.slice(10))]);
    const taken = new Set<string>();
    let wins = 0;
    let conflicts = 0;
    const unexpected: string[] = [];
    const started = performance.now();
    await Promise.all(
      tokens.map(async (token, i) => {
        for (const id of orders[i] ?? []) {
          if (taken.has(id)) continue;
          const res = await api(baseUrl, 'POST', `/api/v1/consultations/${id}/claim`, token);
          if (res.status === 200) {
            wins += 1;
            taken.add(id);
          } else if (
            res.status === 409 &&
            (res.json['error'] as { code?: string })?.code === 'CONSULTATION_ALREADY_TAKEN'
          ) {
            conflicts += 1;
            taken.add(id);
          } else unexpected.push(`${res.status} ${JSON.stringify(res.json)}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;

    const claimed = await handle.db
      .selectFrom('consultation_events')
      .select(['consultation_id', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('type', '=', 'claimed')
      .groupBy('consultation_id')
      .execute();
    const doubles = claimed.filter((c) => Number(c.n) !== 1).length;
    const accepted = await handle.db
      .selectFrom('consultations')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('state', '=', 'accepted')
      .where('consultant_id', 'is not', null)
      .executeTakeFirstOrThrow();
    const ok =
      doubles === 0 &&
      unexpected.length === 0 &&
      wins === REQUESTS &&
      claimed.length === REQUESTS &&
      Number(accepted.n) === REQUESTS;
    console.log(
      [
        `${dialect.padEnd(8)} ${REQUESTS} requests created in ${createSeconds.toFixed(1)} s`,
        `${CLAIMERS} claimers: ${wins} claims won, ${conflicts} lost (409), ${unexpected.length} unexpected`,
        `${(wins / seconds).toFixed(0)} claims/s, ${((wins + conflicts) / seconds).toFixed(0)} claim requests/s over ${seconds.toFixed(1)} s`,
        `double claims: ${doubles} (requests with one claimed event: ${claimed.length}, accepted rows: ${Number(accepted.n)})`,
        ok ? 'OK' : `FAILED${unexpected.length > 0 ? `: ${unexpected.slice(0, 3).join('; ')}` : ''}`,
      ].join('\n         '),
    );
    return ok;
  } finally {
    await app.close();
    await handle.destroy();
    await drop();
  }
}

function shuffled<T>(values: readonly T[]): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

let failed = false;
for (const dialect of DIALECTS) {
  let timeout: NodeJS.Timeout | undefined;
  const timer = new Promise<boolean>((resolve) => {
    timeout = setTimeout(() => {
      console.log(`${dialect}: did not finish within ${TIMEOUT_MS} ms`);
      resolve(false);
    }, TIMEOUT_MS);
  });
  const ok = await Promise.race([
    runDialect(dialect).catch((error: unknown) => {
      console.log(`${dialect}: ${error instanceof Error ? error.stack : String(error)}`);
      return false;
    }),
    timer,
  ]);
  clearTimeout(timeout);
  if (!ok) {
    failed = true;
    break;
  }
}
process.exit(failed ? 1 : 0);
