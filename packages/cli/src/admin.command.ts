import { parseArgs } from 'node:util';
import {
  createDatabase,
  createFirstAdmin,
  databaseConfigFromEnv,
  DomainError,
  migrateToLatest,
  PASSWORD_RULES,
  POLICY_PRESET_IDS,
  systemClock,
} from '@accord/server';
import { UsageError, type CliIo, type Command } from './cli-io.ts';

const USAGE = `Usage:
  accord admin create --email EMAIL --password-stdin [--name NAME] [--workspace SLUG] [--preset PRESET] [--workspace-name NAME]

Creates an admin account (outside demo mode, the first one). The password is read from the first line of stdin
(${PASSWORD_RULES}). The workspace (default 'main') is created from the policy PRESET (${POLICY_PRESET_IDS.join(', ')};
default hosting-be) when it does not exist yet. Migrations run first.
`;

async function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('\n')) break;
  }
  return (text.split('\n')[0] ?? '').replace(/\r$/, '');
}

export const adminCommand: Command = async (args, io: CliIo) => {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout.write(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'create') throw new UsageError(`unknown admin command '${sub}'.\n${USAGE}`);
  let values;
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        workspace: { type: 'string' },
        'workspace-name': { type: 'string' },
        preset: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (values.email === undefined) throw new UsageError(`--email is required\n${USAGE}`);
  // A password on the command line would land in shell history and `ps`.
  if (values['password-stdin'] !== true)
    throw new UsageError(
      `--password-stdin is required: pipe the password, never pass it as an argument\n${USAGE}`,
    );
  const password = await readFirstLine(io.stdin);
  const workspaceSlug = values.workspace ?? 'main';

  const database = createDatabase(databaseConfigFromEnv(io.env));
  try {
    await migrateToLatest(database.db);
    const created = await createFirstAdmin(database.db, systemClock, {
      email: values.email,
      name: values.name ?? values.email.split('@')[0] ?? 'Admin',
      password,
      workspaceSlug,
      workspaceName: values['workspace-name'] ?? workspaceSlug,
      preset: values.preset ?? 'hosting-be',
    });
    io.stdout.write(
      `created admin ${values.email.trim().toLowerCase()} in workspace ${workspaceSlug}${created.createdWorkspace ? ` (new, policy ${values.preset ?? 'hosting-be'})` : ''}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      io.stderr.write(`accord: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await database.destroy();
  }
};
