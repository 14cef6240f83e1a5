import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseInstant } from '@accord/core';
import {
  createDatabase,
  createStandalonePolicySimulation,
  databaseConfigFromEnv,
  DomainError,
  draftPolicyOf,
  MAX_SIMULATION_SPAN_DAYS,
  POLICY_PRESET_IDS,
  systemClock,
  type SimulationResult,
} from '@accord/server';
import { UsageError, type CliIo, type Command } from './cli-io.ts';

const USAGE = `Usage:
  accord sla simulate --policy PRESET|FILE --from ISO --to ISO [--workspace SLUG] [--calendars FILE] [--json]

Replays the workspace's tickets opened in [from, to) (at most ${MAX_SIMULATION_SPAN_DAYS} days) under a draft policy,
beside what their clocks show now, as POST /api/v1/policy/simulate does. Reads DATABASE_URL (PostgreSQL) or the
SQLite database under ACCORD_DATA_DIR (default ./data); writes nothing. --calendars: a JSON file of
{ "key": calendar spec }, each replacing the workspace's calendar of that key. --workspace may be left out when the
database holds one workspace. Instants without an offset are read in the draft policy's zone. --json prints the API's
answer; otherwise a table of plan × priority × metric (breached now → under the draft) and the clocks that move most.
`;

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`sla simulate: cannot read ${what} '${path}': ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`sla simulate: ${what} '${path}' is not JSON: ${(error as Error).message}`);
  }
}

function flagsOf(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        policy: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        workspace: { type: 'string' },
        calendars: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(`sla simulate: ${(error as Error).message}\n${USAGE}`);
  }
}

/** Codes that mean the input is wrong (exit 2), as the API answers them with 4xx. */
const INPUT_ERRORS = new Set([
  'INVALID_POLICY',
  'INVALID_CALENDAR',
  'VALIDATION_FAILED',
  'WORKSPACE_NOT_FOUND',
]);

function table(result: SimulationResult): string {
  const fmt = (c: { breached: number; clocks: number }) => `${c.breached}/${c.clocks}`;
  const lines = [
    `${result.tickets} tickets opened ${result.from} – ${result.to}, read at ${result.at} (draft version ${result.draftVersion})`,
    `breached clocks: ${fmt(result.current)} now → ${fmt(result.proposed)} under the draft; ${result.changedClocks} clocks change`,
  ];
  if (result.skipped.count > 0)
    lines.push(
      `${result.skipped.count} tickets cannot be replayed under the draft, e.g. ${result.skipped.tickets[0]?.ticketId}: ${result.skipped.tickets[0]?.message}`,
    );
  lines.push('', 'plan\tpriority\tmetric\tbreached now\tunder draft\tchanged\tlater\tearlier');
  for (const c of result.cells)
    lines.push(
      [c.plan, c.priority, c.metric, fmt(c.current), fmt(c.proposed), c.changed, c.later, c.earlier].join(
        '\t',
      ),
    );
  if (result.changed.length > 0) {
    lines.push('', 'ticket\tmetric\tdue now\tdue under draft\tstate now → under draft');
    for (const c of result.changed.slice(0, 20))
      lines.push(
        [
          c.ticketId,
          c.metric,
          c.currentDueAt ?? '-',
          c.proposedDueAt ?? '-',
          `${c.currentState ?? '-'} → ${c.proposedState ?? '-'}`,
        ].join('\t'),
      );
  }
  return `${lines.join('\n')}\n`;
}

/** `accord sla simulate`: in its own chunk, the only sla subcommand that loads the server and a database driver. */
export const slaSimulateCommand: Command = async (args: readonly string[], io: CliIo) => {
  const flags = flagsOf(args);
  if (flags.help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  for (const flag of ['policy', 'from', 'to'] as const)
    if (flags[flag] === undefined || flags[flag] === '')
      throw new UsageError(`sla simulate: --${flag} is required\n${USAGE}`);
  const policyArg = flags.policy!;
  const draft = (POLICY_PRESET_IDS as readonly string[]).includes(policyArg)
    ? { preset: policyArg }
    : { policy: await readJson(policyArg, 'policy file') };
  const calendars =
    flags.calendars === undefined
      ? undefined
      : ((await readJson(flags.calendars, 'calendars file')) as Record<string, unknown>);
  const database = createDatabase(databaseConfigFromEnv(io.env));
  try {
    const zone = draftPolicyOf(draft).timeZone;
    const instant = (flag: 'from' | 'to') => {
      try {
        return parseInstant(flags[flag]!, zone);
      } catch (error) {
        throw new UsageError(`sla simulate: --${flag}: ${(error as Error).message}`);
      }
    };
    const simulation = createStandalonePolicySimulation(database.db, systemClock);
    const result = await simulation.simulateWorkspace(flags.workspace, {
      draft,
      calendars,
      fromMs: instant('from'),
      toMs: instant('to'),
    });
    io.stdout.write(flags.json === true ? `${JSON.stringify(result)}\n` : table(result));
    return 0;
  } catch (error) {
    if (error instanceof DomainError) {
      if (INPUT_ERRORS.has(error.code)) throw new UsageError(`sla simulate: ${error.code}: ${error.message}`);
      io.stderr.write(`accord: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await database.destroy();
  }
};
