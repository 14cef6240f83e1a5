import { createDatabase, databaseConfigFromEnv, migrateToLatest } from '@accord/server';
import { UsageError, type CliIo, type Command } from './cli-io.ts';

const USAGE = `Usage:
  accord db migrate     apply pending migrations (DATABASE_URL for PostgreSQL, else SQLite under ACCORD_DATA_DIR or ./data)
`;

export const dbCommand: Command = async (args, io: CliIo) => {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout.write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'migrate') throw new UsageError(`unknown db command '${sub}'.\n${USAGE}`);
  if (rest.length > 0) throw new UsageError(`'db migrate' takes no arguments, got ${rest.join(' ')}`);
  const database = createDatabase(databaseConfigFromEnv(io.env));
  try {
    const results = await migrateToLatest(database.db);
    io.stdout.write(
      `${database.description}: ${results.length === 0 ? 'already up to date' : `applied ${results.map((r) => r.migrationName).join(', ')}`}\n`,
    );
    return 0;
  } catch (error) {
    io.stderr.write(`accord: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await database.destroy();
  }
};
