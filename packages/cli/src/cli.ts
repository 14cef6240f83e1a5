import { UsageError, type CliIo, type Command } from './cli-io.ts';

const HELP = `accord — SLA-driven service desk

Usage:
  accord calendar due     --calendar FILE|PRESET [--from ISO --add DURATION]
  accord calendar elapsed --calendar FILE|PRESET [--from ISO --to ISO]
  accord calendar open    --calendar FILE|PRESET --from ISO --to ISO
  accord sla due          --policy PRESET|FILE --plan PLAN --priority P --metric METRIC --at ISO [--calendar FILE]
  accord sla explain      --policy PRESET|FILE --events FILE.json --now ISO
  accord sla simulate     --policy PRESET|FILE --from ISO --to ISO [--workspace SLUG] [--calendars FILE] [--json]
  accord db migrate
  accord admin create     --email EMAIL --password-stdin [--name NAME]
  accord mail import      FILE.eml|MAILDIR   (also: accord mail replay ID, accord mail list [--status S])

Without --from, 'calendar due' and 'calendar elapsed' read JSON lines from stdin and answer one JSON line each.
`;

/*
 * One line per top-level command; each lives in its own `<name>.command.ts`, loaded only when it runs: `--help`
 * loads nothing else, the calendar and sla commands load the core, and only `db` and `admin` load the server and
 * its database drivers. Scripts start the command once per ticket; this is what they wait for.
 */
const commands: Record<string, () => Promise<Command>> = {
  calendar: async () => (await import('./calendar.command.ts')).calendarCommand,
  sla: async () => (await import('./sla.command.ts')).slaCommand,
  db: async () => (await import('./db.command.ts')).dbCommand,
  admin: async () => (await import('./admin.command.ts')).adminCommand,
  mail: async () => (await import('./mail.command.ts')).mailCommand,
};

/** `accord sla simulate` reads the database: its own chunk, so the other sla commands never load the server. */
const subcommands: Record<string, () => Promise<Command>> = {
  'sla simulate': async () => (await import('./sla-simulate.command.ts')).slaSimulateCommand,
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(HELP);
    return 0;
  }
  const sub = `${name} ${rest[0] ?? ''}`;
  if (Object.hasOwn(subcommands, sub)) return run(subcommands[sub]!, rest.slice(1), io);
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  return run(load, rest, io, name);
}

async function run(
  load: (() => Promise<Command>) | undefined,
  rest: readonly string[],
  io: CliIo,
  name?: string,
): Promise<number> {
  try {
    if (!load) throw new UsageError(`unknown command '${name ?? ''}'. Run 'accord --help'.`);
    return await (
      await load()
    )(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`accord: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
