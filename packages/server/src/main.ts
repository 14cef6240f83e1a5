import { buildApp } from './app.ts';
import { authCacheMsFromEnv } from './auth/identity-cache.ts';
import { systemClock } from './clock.ts';
import { createDatabase, databaseConfigFromEnv } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { DEMO_PASSWORD, isEmptyDatabase, seedDemo } from './demo/demo-data.ts';

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
} catch (error) {
  console.error(`accord: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
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
    const accounts = await seedDemo(database.db, systemClock.nowMs());
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

const { app } = await buildApp({
  database,
  clock: systemClock,
  logger: { level: env['LOG_LEVEL'] ?? 'info' },
  authCacheMs,
});
const address = await app.listen({ host, port });
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
