import { buildApp } from './app.ts';
import { availabilityConfigFromEnv } from './availability/availability.module.ts';
import { authCacheMsFromEnv } from './auth/identity-cache.ts';
import { systemClock, type Clock } from './clock.ts';
import { createDatabase, databaseConfigFromEnv } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { DEMO_PASSWORD, isEmptyDatabase, seedDemo } from './demo/demo-data.ts';
import { housekeepingConfigFromEnv } from './housekeeping/housekeeping.ts';
import { ensureWebBuilt } from './http/web-app.ts';

const env = process.env;
const host = env['HOST'] ?? '127.0.0.1';
const port = Number(env['PORT'] ?? '3000');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`accord: PORT must be an integer 0–65535, got '${env['PORT'] ?? ''}'`);
  process.exit(2);
}

let authCacheMs: number;
try {
  authCacheMs = authCacheMsFromEnv(env['ACCORD_AUTH_CACHE_MS']);
  // Monitor retention and certificate warning days: a bad value stops here, before any migration or build.
  availabilityConfigFromEnv(env);
  // Retention of finished jobs, outbox rows and deliveries (housekeeping/housekeeping.ts), likewise.
  housekeepingConfigFromEnv(env);
} catch (error) {
  console.error(`accord: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

// Tests of the real process (test/process-kill.test.ts) move its clock: never in production.
let clock: Clock = systemClock;
const clockOffset = env['ACCORD_TEST_CLOCK_OFFSET_MS'];
if (clockOffset !== undefined && clockOffset !== '') {
  const offsetMs = Number(clockOffset);
  if (env['NODE_ENV'] === 'production' || !Number.isInteger(offsetMs)) {
    console.error(
      'accord: ACCORD_TEST_CLOCK_OFFSET_MS is a test control: an integer, refused when NODE_ENV=production',
    );
    process.exit(2);
  }
  clock = { nowMs: () => Date.now() + offsetMs };
  console.warn(`accord: TEST CLOCK: now is ${new Date(clock.nowMs()).toISOString()} (offset ${offsetMs} ms)`);
}

const database = createDatabase(databaseConfigFromEnv(env));
try {
  const applied = await migrateToLatest(database.db);
  console.log(`accord: database ${database.description}; ${applied.length} migration(s) applied`);
  const empty = await isEmptyDatabase(database.db);
  if (!empty)
    console.log(`accord: existing data kept (demo accounts, if seeded, use the password '${DEMO_PASSWORD}')`);
  else if (env['ACCORD_DEMO'] === '0')
    console.log("accord: empty database and ACCORD_DEMO=0: create an admin with 'accord admin create'");
  if (env['ACCORD_DEMO'] !== '0' && empty) {
    const accounts = await seedDemo(database.db, clock.nowMs());
    console.log(`accord: demo data created. Accounts (password '${DEMO_PASSWORD}'):`);
    for (const a of accounts)
      console.log(
        `  ${a.email.padEnd(34)} ${a.role.padEnd(10)} ${a.workspaces.join(', ')}${a.note ? `  — ${a.note}` : ''}`,
      );
  }
} catch (error) {
  console.error(`accord: start-up failed: ${error instanceof Error ? error.message : String(error)}`);
  await database.destroy();
  process.exit(1);
}

try {
  // ACCORD_WEB_BUILD=0: serve what is built, never build at start (tests and benchmarks of the API).
  if (env['ACCORD_WEB_BUILD'] !== '0') await ensureWebBuilt((message) => console.log(`accord: ${message}`));
} catch (error) {
  // The API still serves; only the pages at / are missing until `npm run build -w @accord/web` succeeds.
  console.error(`accord: web app build failed: ${error instanceof Error ? error.message : String(error)}`);
}

const { app, background } = await buildApp({
  runWorkers: true,
  database,
  clock,
  logger: { level: env['LOG_LEVEL'] ?? 'info' },
  authCacheMs,
});
const address = await app.listen({ host, port });
console.log(`accord: scheduler and outbox dispatcher running; ${background.emailDescription}`);
console.log(
  `accord: listening on ${address} — API ${address}/api/v1, docs ${address}/docs, health ${address}/healthz`,
);

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  console.log(`accord: ${signal} received, closing`);
  try {
    await app.close();
    await database.destroy();
    process.exit(0);
  } catch (error) {
    console.error('accord: unclean shutdown', error);
    process.exit(1);
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
