import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  CalendarError,
  SlaError,
  addBusinessDuration,
  computeClocks,
  findTargetRule,
  formatHumanDuration,
  getPolicyPreset,
  isPolicyPresetId,
  isUnfilledContractCalendar,
  parseInstant,
  policyCalendarResolver,
  METRIC_IDS,
  PRIORITY_IDS,
  SLA_POLICY_PRESET_IDS,
  TICKET_CATEGORIES,
  type CalendarResolver,
  type MetricId,
  type PriorityId,
  type SlaClock,
  type SlaPolicy,
  type TicketCategory,
} from '@accord/core/engine';
import { loadCalendar } from './calendar.command.ts';
import { subcommandOf, UsageError, type CliIo, type Command } from './cli-io.ts';

const USAGE = `Usage:
  accord sla due     --policy PRESET|FILE --plan PLAN --priority P --metric METRIC --at ISO [--calendar FILE|PRESET]
                     [--category hosting|application] [--maintenance-contract]
  accord sla explain --policy PRESET|FILE --events FILE.json --now ISO [--calendar FILE|PRESET]
                     [--maintenance-contract] [--json]
  accord sla policy  --policy PRESET|FILE

PRESET is ${SLA_POLICY_PRESET_IDS.join(' or ')}; FILE is a policy JSON file ('accord sla policy' prints
a preset as JSON to start one from). Priorities: ${PRIORITY_IDS.join(', ')}. Metrics: ${METRIC_IDS.join(', ')}.

'due' prints one JSON line {"metric","due","target","calendar"}; --calendar replaces the target's
calendar. A target on hours each contract sets (hosting-be's Sur Mesure P1, 'sur-mesure-extended')
needs --calendar with the contract's calendar; 'explain' uses it for those hours too. ISO instants
without an offset are wall times in the target calendar's zone ('due') or the policy's zone ('explain').

'explain' reads a JSON array of ticket events, each with an ISO "at":
  {"type":"created","at":ISO,"plan":"pro","priority":"P1","category":"hosting","channel":"ticket"}
  {"type":"priority-changed","at":ISO,"priority":"P2"}   {"type":"plan-changed","at":ISO,"plan":"start"}
  {"type":"category-changed","at":ISO,"category":"application"}
  {"type":"status-changed","at":ISO,"status":"pending-customer"}   (new, open, pending-customer, resolved, closed)
  {"type":"agent-replied","at":ISO}   {"type":"analysis-started","at":ISO}   {"type":"customer-replied","at":ISO}
and prints each metric's clock at --now with the reasons; --json prints one JSON line per clock.
`;

const OPTIONS = {
  policy: { type: 'string' },
  plan: { type: 'string' },
  priority: { type: 'string' },
  metric: { type: 'string' },
  at: { type: 'string' },
  calendar: { type: 'string' },
  category: { type: 'string' },
  events: { type: 'string' },
  now: { type: 'string' },
  'maintenance-contract': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

export const slaCommand: Command = async (args, io) => {
  const picked = subcommandOf('sla', args, ['due', 'explain', 'policy'] as const, USAGE, io);
  if (picked === null) return 0;
  const { subcommand, rest } = picked;
  const flags = parseFlags(rest);
  if (flags.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const policy = await loadPolicy(required(flags.policy, subcommand, '--policy PRESET|FILE'));
  try {
    switch (subcommand) {
      case 'due':
        return await runDue(flags, policy, io);
      case 'explain':
        return await runExplain(flags, policy, io);
      case 'policy':
        io.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
        return 0;
    }
  } catch (error) {
    // Unknown plans, priorities or calendars in flags or event files are the user's input: exit 2.
    if (error instanceof SlaError || error instanceof CalendarError)
      throw new UsageError(`sla ${subcommand}: ${error.message}`);
    throw error;
  }
};

function parseFlags(args: readonly string[]): Flags {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

function required(value: string | undefined, subcommand: string, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`sla ${subcommand}: ${flag} is required`);
  return value;
}

async function readJsonFile(path: string, what: string, hint = ''): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new UsageError(`cannot read ${what} '${path}' (${reason})${hint}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} '${path}' is not valid JSON: ${(error as Error).message}`);
  }
}

export async function loadPolicy(nameOrPath: string): Promise<SlaPolicy> {
  if (isPolicyPresetId(nameOrPath)) return getPolicyPreset(nameOrPath);
  const json = await readJsonFile(
    nameOrPath,
    'policy file',
    `; presets are ${SLA_POLICY_PRESET_IDS.join(', ')}`,
  );
  // The schemas load only for a user's file: an answer on a preset never pays for them (engine-entry.test.ts).
  const { parseSlaPolicy } = await import('@accord/core');
  try {
    return parseSlaPolicy(json);
  } catch (error) {
    if (error instanceof SlaError) throw new UsageError(`policy file '${nameOrPath}': ${error.message}`);
    throw error;
  }
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`sla due: ${flag} must be one of ${allowed.join(', ')}, not '${value}'`);
  }
  return value as T;
}

async function runDue(flags: Flags, policy: SlaPolicy, io: CliIo): Promise<number> {
  const plan = required(flags.plan, 'due', '--plan PLAN');
  const priority = oneOf<PriorityId>(
    required(flags.priority, 'due', '--priority P'),
    PRIORITY_IDS,
    '--priority',
  );
  const metric = oneOf<MetricId>(required(flags.metric, 'due', '--metric METRIC'), METRIC_IDS, '--metric');
  const atText = required(flags.at, 'due', '--at ISO');
  const category = oneOf<TicketCategory>(flags.category ?? 'hosting', TICKET_CATEGORIES, '--category');
  const maintenanceContract = flags['maintenance-contract'] ?? false;
  const rule = findTargetRule(policy, { plan, priority, metric, category, maintenanceContract });
  if (flags.calendar === undefined && isUnfilledContractCalendar(policy, rule.calendar, undefined)) {
    throw new UsageError(
      `sla due: --calendar FILE|PRESET is required: plan ${plan}, ${priority} counts on '${rule.calendar}', hours each contract sets («Les horaires étendus sont définis spécifiquement dans le contrat particulier»)`,
    );
  }
  const calendarId = flags.calendar ?? rule.calendar;
  const calendar =
    flags.calendar === undefined
      ? policyCalendarResolver(policy)(rule.calendar)
      : await loadCalendar(flags.calendar);
  const atMs = parseInstant(atText, calendar.timeZone);
  const due =
    rule.duration === null ? null : calendar.formatIso(addBusinessDuration(calendar, atMs, rule.duration));
  io.stdout.write(`${JSON.stringify({ metric, due, target: rule.duration, calendar: calendarId })}\n`);
  return 0;
}

async function runExplain(flags: Flags, policy: SlaPolicy, io: CliIo): Promise<number> {
  const eventsPath = required(flags.events, 'explain', '--events FILE.json');
  const nowText = required(flags.now, 'explain', '--now ISO');
  const json = await readJsonFile(eventsPath, 'events file');
  const { parseTicketEventsJson } = await import('@accord/core');
  let events;
  try {
    events = parseTicketEventsJson(json, policy.timeZone);
  } catch (error) {
    if (error instanceof SlaError) throw new UsageError(`events file '${eventsPath}': ${error.message}`);
    throw error;
  }
  const nowMs = parseInstant(nowText, policy.timeZone);
  // --calendar: the contract's own hours, filling every calendar slot the policy leaves to contracts.
  const contract = flags.calendar === undefined ? undefined : await loadCalendar(flags.calendar);
  const contractId = `contract:${flags.calendar ?? ''}`;
  const calendars = policyCalendarResolver(policy, contract ? { [contractId]: contract } : {});
  const clocks = computeClocks({
    policy,
    events,
    nowMs,
    calendars,
    ...(contract && {
      calendarOverrides: Object.fromEntries(policy.contractCalendars.map((id) => [id, contractId])),
    }),
    maintenanceContract: flags['maintenance-contract'] ?? false,
  });
  const out = clocks.map((clock) =>
    flags.json ? `${JSON.stringify(clockJson(clock, calendars))}\n` : formatClock(clock, calendars),
  );
  io.stdout.write(out.join(flags.json ? '' : '\n'));
  return 0;
}

const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));

/** The clock with ISO instants (in its calendar's zone) and seconds, as scripts want it. */
export function clockJson(clock: SlaClock, calendars: CalendarResolver) {
  const calendar = calendars(clock.calendarId);
  const iso = (ms: number | null) => (ms === null ? null : calendar.formatIso(ms));
  return {
    metric: clock.metric,
    state: clock.state,
    plan: clock.plan,
    priority: clock.priority,
    target: clock.target,
    calendar: clock.calendarId,
    startedAt: iso(clock.startedAtMs),
    due: iso(clock.dueAtMs),
    usedSeconds: seconds(clock.usedMs),
    remainingSeconds: seconds(clock.remainingMs),
    percentUsed: clock.percentUsed,
    warningThreshold: clock.warningThreshold,
    nextWarningAt: iso(clock.nextWarningAtMs),
    breachedAt: iso(clock.breachedAtMs),
    stoppedAt: iso(clock.stoppedAtMs),
    billing: clock.billing,
    trace: clock.trace,
  };
}

function formatClock(clock: SlaClock, calendars: CalendarResolver): string {
  const j = clockJson(clock, calendars);
  const lines = [
    `${clock.metric}: ${clock.state}`,
    `  target:   ${j.target ?? 'none'} on ${j.calendar} (plan ${j.plan}, ${j.priority})`,
    `  started:  ${j.startedAt}`,
    `  due:      ${j.due ?? '-'}`,
  ];
  if (j.breachedAt !== null) lines.push(`  breached: ${j.breachedAt}`);
  if (j.stoppedAt !== null) lines.push(`  stopped:  ${j.stoppedAt}`);
  const percent = j.percentUsed === null ? '' : ` (${j.percentUsed}%)`;
  const remaining = clock.remainingMs === null ? '' : `, remaining ${formatHumanDuration(clock.remainingMs)}`;
  lines.push(`  used:     ${formatHumanDuration(clock.usedMs)}${percent}${remaining}`);
  if (j.warningThreshold !== null) lines.push(`  warning:  ${j.warningThreshold}% threshold reached`);
  lines.push('  why:');
  for (const line of clock.trace) lines.push(`    - ${line}`);
  return `${lines.join('\n')}\n`;
}
