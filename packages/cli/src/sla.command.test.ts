import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureCliBuilt, REPO_ROOT, runInProcess, type RunResult } from './cli-test-helpers.ts';

const run = (args: string[]): Promise<RunResult> => runInProcess(args);

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'accord-sla-cli-'));
  // A Sur Mesure contract's own hours: every day 06:00–23:00 in Brussels.
  const day = [['06:00', '23:00']];
  await writeFile(
    file('contract-hours.json'),
    JSON.stringify({
      timeZone: 'Europe/Brussels',
      week: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day },
    }),
  );
  await writeFile(
    file('events.json'),
    JSON.stringify([
      {
        type: 'created',
        at: '2026-04-03T15:00:00+02:00',
        plan: 'pro',
        priority: 'P1',
        category: 'hosting',
        channel: 'phone',
      },
      { type: 'status-changed', at: '2026-04-07T09:00:00+02:00', status: 'pending-customer' },
      { type: 'customer-replied', at: '2026-04-07T10:00:00+02:00' },
      // The GTI does not pause while the ticket waits on the customer: the analysis must start by Tue 10:00.
      { type: 'analysis-started', at: '2026-04-07T09:45:00+02:00' },
    ]),
  );
  await writeFile(
    file('bad-events.json'),
    JSON.stringify([
      {
        type: 'created',
        at: '2026-04-03T15:00:00+02:00',
        plan: 'pro',
        priority: 'P1',
        category: 'hosting',
        channel: 'phone',
      },
      { type: 'status-changed', at: '2026-04-07T09:00:00+02:00', status: 'sleeping' },
    ]),
  );
  await writeFile(
    file('events-unknown-plan.json'),
    JSON.stringify([
      {
        type: 'created',
        at: '2026-04-03T15:00:00+02:00',
        plan: 'gold',
        priority: 'P1',
        category: 'hosting',
        channel: 'ticket',
      },
    ]),
  );
  await writeFile(file('not-json.json'), '{ nope');
  await writeFile(file('bad-policy.json'), JSON.stringify({ id: 'x', version: 0 }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('accord sla due', () => {
  it.each([
    {
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'pro',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--at',
        '2026-04-03T15:00:00+02:00',
      ],
      out: {
        metric: 'intervention',
        due: '2026-04-07T10:00:00+02:00',
        target: 'PT4H',
        calendar: 'be-business',
      },
    },
    {
      // P3 follows the standard schedule on every plan; an instant without offset is Brussels wall time.
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'sur-mesure',
        '--priority',
        'P3',
        '--metric',
        'intervention',
        '--at',
        '2026-03-13T15:00',
      ],
      out: {
        metric: 'intervention',
        due: '2026-03-23T09:00:00+01:00',
        target: 'PT48H',
        calendar: 'be-business',
      },
    },
    {
      // An application bug without a maintenance contract has no GTI (§5): billable, not under the hosting SLA.
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'pro',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--category',
        'application',
        '--at',
        '2026-03-13T15:00',
      ],
      out: { metric: 'intervention', due: null, target: null, calendar: 'be-business' },
    },
    {
      // With a maintenance contract the plan's own GTI applies (the seed gives the contract none).
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'pro',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--category',
        'application',
        '--maintenance-contract',
        '--at',
        '2026-03-13T15:00',
      ],
      out: {
        metric: 'intervention',
        due: '2026-03-16T10:00:00+01:00',
        target: 'PT4H',
        calendar: 'be-business',
      },
    },
    {
      args: [
        '--policy',
        'consulting-sa',
        '--plan',
        'standard',
        '--priority',
        'P2',
        '--metric',
        'resolution',
        '--at',
        '2026-03-13T15:00:00+03:00',
      ],
      out: { metric: 'resolution', due: '2026-03-15T18:00:00+03:00', target: 'P1D', calendar: 'sa-business' },
    },
    {
      args: [
        '--policy',
        'consulting-sa',
        '--plan',
        'standard',
        '--priority',
        'P4',
        '--metric',
        'resolution',
        '--at',
        '2026-03-13T15:00:00+03:00',
      ],
      out: { metric: 'resolution', due: null, target: null, calendar: 'sa-business' },
    },
    {
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'sur-mesure',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--at',
        '2026-03-15T03:00:00+01:00',
        '--calendar',
        'always-open',
      ],
      out: {
        metric: 'intervention',
        due: '2026-03-15T04:00:00+00:00',
        target: 'PT2H',
        calendar: 'always-open',
      },
    },
  ])('$out.calendar $out.target → $out.due', async ({ args, out }) => {
    const result = await run(['sla', 'due', ...args]);
    expect(result).toEqual({ code: 0, stdout: `${JSON.stringify(out)}\n`, stderr: '' });
  });

  it("takes a contract's calendar file in place of the target's", async () => {
    const path = file('contract-hours.json');
    const args = [
      '--policy',
      'hosting-be',
      '--plan',
      'sur-mesure',
      '--priority',
      'P1',
      '--metric',
      'intervention',
    ];
    const result = await run([
      'sla',
      'due',
      ...args,
      '--at',
      '2026-03-15T22:30:00+01:00',
      '--calendar',
      path,
    ]);
    expect(result.stdout).toBe(
      `${JSON.stringify({ metric: 'intervention', due: '2026-03-16T07:30:00+01:00', target: 'PT2H', calendar: path })}\n`,
    );
  });

  it('accepts a policy file, e.g. a preset printed by `accord sla policy`', async () => {
    const printed = await run(['sla', 'policy', '--policy', 'consulting-sa']);
    expect(printed.code).toBe(0);
    await writeFile(file('policy.json'), printed.stdout);
    const args = [
      '--plan',
      'standard',
      '--priority',
      'P1',
      '--metric',
      'firstResponse',
      '--at',
      '2026-03-18T17:30:00+03:00',
    ];
    const result = await run(['sla', 'due', '--policy', file('policy.json'), ...args]);
    expect(result.stdout).toBe(
      `${JSON.stringify({ metric: 'firstResponse', due: '2026-03-23T09:30:00+03:00', target: 'PT1H', calendar: 'sa-business' })}\n`,
    );
  });

  it.each([
    {
      args: ['--plan', 'pro', '--priority', 'P1', '--metric', 'intervention', '--at', '2026-04-03T15:00'],
      message: 'sla due: --policy PRESET|FILE is required',
    },
    {
      args: [
        '--policy',
        'hosting-be',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--at',
        '2026-04-03T15:00',
      ],
      message: 'sla due: --plan PLAN is required',
    },
    {
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'pro',
        '--priority',
        'P9',
        '--metric',
        'intervention',
        '--at',
        '2026-04-03T15:00',
      ],
      message: "sla due: --priority must be one of P1, P2, P3, P4, not 'P9'",
    },
    {
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'pro',
        '--priority',
        'P4',
        '--metric',
        'intervention',
        '--at',
        '2026-04-03T15:00',
      ],
      message: "sla due: priority 'P4' is not part of policy hosting-be (priorities: P1, P2, P3)",
    },
    {
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'gold',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--at',
        '2026-04-03T15:00',
      ],
      message:
        "sla due: plan 'gold' is not part of policy hosting-be (plans: start, classique, pro, sur-mesure)",
    },
    {
      // Sur Mesure's extended hours are the contract's: no placeholder calendar answers for them.
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'sur-mesure',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--at',
        '2026-03-14T21:30:00+01:00',
      ],
      message:
        "sla due: --calendar FILE|PRESET is required: plan sur-mesure, P1 counts on 'sur-mesure-extended', hours each contract sets",
    },
    {
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'pro',
        '--priority',
        'P1',
        '--metric',
        'firstResponse',
        '--at',
        '2026-04-03T15:00',
      ],
      message:
        "sla due: metric 'firstResponse' is not measured by policy hosting-be (metrics: intervention, resolution)",
    },
    {
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'pro',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--at',
        'soon',
      ],
      message: "sla due: 'soon' is not an ISO-8601 instant",
    },
    {
      args: [
        '--policy',
        'hosting-be',
        '--plan',
        'pro',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--at',
        '2026-04-03T15:00',
        '--colour',
        'red',
      ],
      message: "Unknown option '--colour'",
    },
    {
      args: ['--policy', '/nonexistent/policy.json'],
      message:
        "cannot read policy file '/nonexistent/policy.json' (ENOENT); presets are hosting-be, consulting-sa",
    },
  ])('exit 2: $message', async ({ args, message }) => {
    const result = await run(['sla', 'due', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });

  it('exit 2 naming the field of an invalid policy file, or the JSON error', async () => {
    const bad = await run(['sla', 'due', '--policy', file('bad-policy.json')]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('version: ')]);
    const notJson = await run(['sla', 'due', '--policy', file('not-json.json')]);
    expect([notJson.code, notJson.stderr]).toEqual([2, expect.stringContaining('is not valid JSON')]);
  });
});

describe('accord sla explain', () => {
  it('--json prints one line per clock, instants with offsets', async () => {
    const result = await run([
      'sla',
      'explain',
      '--policy',
      'hosting-be',
      '--events',
      file('events.json'),
      '--now',
      '2026-04-07T12:00:00+02:00',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const [intervention, resolution, ...rest] = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(rest).toEqual([]);
    expect(intervention).toEqual({
      metric: 'intervention',
      state: 'met',
      plan: 'pro',
      priority: 'P1',
      target: 'PT4H',
      calendar: 'be-business',
      startedAt: '2026-04-03T15:00:00+02:00',
      due: '2026-04-07T10:00:00+02:00',
      usedSeconds: 3.75 * 3600,
      remainingSeconds: 0.25 * 3600,
      percentUsed: 93.8,
      warningThreshold: 90,
      nextWarningAt: null,
      breachedAt: null,
      stoppedAt: '2026-04-07T09:45:00+02:00',
      billing: { billable: false, coveredBy: 'agreement' },
      trace: [
        'policy hosting-be v1; plan pro, priority P1 (Critical)',
        "target: PT4H on be-business — Pro: GTI < 4 business hours, for blocking incidents (§3). GTI = « Délai maximum s'écoulant entre la notification de l'incident par le Client et le début de son analyse par notre équipe technique » (§1)",
        'started Fri 2026-04-03 15:00 +02:00 (ticket created)',
        'Tue 2026-04-07 09:45 +02:00 stopped: analysis started by an agent',
        'Sat 2026-04-04 closed: weekly day off',
        'Sun 2026-04-05 closed: weekly day off',
        'Mon 2026-04-06 closed: Easter Monday',
        'met Tue 2026-04-07 09:45 +02:00; 3h 45m used of 4h (93.8%); was due Tue 2026-04-07 10:00 +02:00',
      ],
    });
    expect(resolution).toMatchObject({
      metric: 'resolution',
      state: 'running',
      target: null,
      due: null,
      usedSeconds: 5 * 3600,
    });
  });

  it('prints a readable report by default', async () => {
    const result = await run([
      'sla',
      'explain',
      '--policy',
      'hosting-be',
      '--events',
      file('events.json'),
      '--now',
      '2026-04-07T09:30:00+02:00',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').slice(0, 8)).toEqual([
      'intervention: running',
      '  target:   PT4H on be-business (plan pro, P1)',
      '  started:  2026-04-03T15:00:00+02:00',
      '  due:      2026-04-07T10:00:00+02:00',
      '  used:     3h 30m (87.5%), remaining 30m',
      '  warning:  75% threshold reached',
      '  why:',
      '    - policy hosting-be v1; plan pro, priority P1 (Critical)',
    ]);
    expect(result.stdout).toContain('    - Mon 2026-04-06 closed: Easter Monday\n');
    expect(result.stdout).toContain('\nresolution: paused\n');
  });

  it.each([
    { events: 'bad-events.json', message: 'events[1].status: Invalid option' },
    { events: 'events-unknown-plan.json', message: "plan 'gold' is not part of policy hosting-be" },
    { events: 'not-json.json', message: 'is not valid JSON' },
  ])('exit 2 for $events', async ({ events, message }) => {
    const result = await run([
      'sla',
      'explain',
      '--policy',
      'hosting-be',
      '--events',
      file(events),
      '--now',
      '2026-04-07T12:00:00+02:00',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('accord sla explain, Sur Mesure', () => {
  it("needs the contract's calendar for the extended hours, and uses it with --calendar", async () => {
    const path = file('sur-mesure-events.json');
    await writeFile(
      path,
      JSON.stringify([
        {
          type: 'created',
          at: '2026-03-15T03:00:00+01:00',
          plan: 'sur-mesure',
          priority: 'P1',
          category: 'hosting',
          channel: 'ticket',
        },
      ]),
    );
    const base = [
      'sla',
      'explain',
      '--policy',
      'hosting-be',
      '--events',
      path,
      '--now',
      '2026-03-15T03:30:00+01:00',
      '--json',
    ];
    const without = await run(base);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain(
      "calendar 'sur-mesure-extended' of policy hosting-be is set by each contract",
    );
    const withCalendar = await run([...base, '--calendar', 'always-open']);
    expect(withCalendar.code).toBe(0);
    const intervention = JSON.parse(withCalendar.stdout.split('\n')[0]!) as { calendar: string; due: string };
    expect([intervention.calendar, intervention.due]).toEqual([
      'contract:always-open',
      '2026-03-15T04:00:00+00:00',
    ]);
  });
});

describe('the real bin', () => {
  beforeAll(ensureCliBuilt, 120_000);

  it('`node packages/cli/bin/accord.js sla due` prints the JSON line', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        BIN,
        'sla',
        'due',
        '--policy',
        'hosting-be',
        '--plan',
        'pro',
        '--priority',
        'P1',
        '--metric',
        'intervention',
        '--at',
        '2026-04-03T15:00:00+02:00',
      ],
      { cwd: REPO_ROOT },
    );
    expect(stdout).toBe(
      `${JSON.stringify({ metric: 'intervention', due: '2026-04-07T10:00:00+02:00', target: 'PT4H', calendar: 'be-business' })}\n`,
    );
  });
});
