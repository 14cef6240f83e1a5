import { UsageError, type CliIo, type Command } from './cli-io.ts';
import { calendarCommand } from './calendar.command.ts';
import { slaCommand } from './sla.command.ts';
import { dbCommand } from './db.command.ts';
import { adminCommand } from './admin.command.ts';

const HELP = `accord — SLA-driven service desk

Usage:
  accord calendar due     --calendar FILE|PRESET [--from ISO --add DURATION]
  accord calendar elapsed --calendar FILE|PRESET [--from ISO --to ISO]
  accord calendar open    --calendar FILE|PRESET --from ISO --to ISO
  accord sla due          --policy PRESET|FILE --plan PLAN --priority P --metric METRIC --at ISO [--calendar FILE]
  accord sla explain      --policy PRESET|FILE --events FILE.json --now ISO
  accord db migrate
  accord admin create     --email EMAIL --password-stdin [--name NAME]

Without --from, 'calendar due' and 'calendar elapsed' read JSON lines from stdin and answer one JSON line each.
`;

// One line per top-level command; each lives in its own `<name>.command.ts`.
const commands: Record<string, Command> = {
  calendar: calendarCommand,
  sla: slaCommand,
  db: dbCommand,
  admin: adminCommand,
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(HELP);
    return 0;
  }
  const command = commands[name];
  try {
    if (!command) throw new UsageError(`unknown command '${name}'. Run 'accord --help'.`);
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`accord: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
