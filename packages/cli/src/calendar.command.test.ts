import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBusinessDuration, getCalendarPreset, parseInstant } from '@accord/core';
import { runCli } from './cli.ts';
import { BIN, ensureCliBuilt, REPO_ROOT, runInProcess, type RunResult } from './cli-test-helpers.ts';

const run = (args: string[], input = ''): Promise<RunResult> => runInProcess(args, { input });

const lines = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

describe('accord calendar due', () => {
  it.each([
    // Seed 000, Pro P1 (4 business hours) opened Friday 16:00: 1.5 h on Friday, the rest Monday — after the spring-forward weekend.
    ['2026-03-27T16:00:00+01:00', 'PT4H', '2026-03-30T11:00:00+02:00'],
    // Same, as a wall time in the calendar's zone (no offset given).
    ['2026-03-27T16:00', 'PT4H', '2026-03-30T11:00:00+02:00'],
    // Easter Monday 2026-04-06 is closed: Friday 1.5 h, then Tuesday.
    ['2026-04-03T16:00:00+02:00', 'PT4H', '2026-04-07T11:00:00+02:00'],
    // Fall-back weekend: Monday is on +01:00.
    ['2026-10-23T16:00:00+02:00', 'PT4H', '2026-10-26T11:00:00+01:00'],
    // An exact fill lands on the closing time, not on the next opening.
    ['2026-03-30T08:30:00+02:00', 'PT9H', '2026-03-30T17:30:00+02:00'],
    // P2D = two business days of 9 h: Monday 7.5 h, Tuesday 9 h, Wednesday 1.5 h.
    ['2026-03-30T10:00:00+02:00', 'P2D', '2026-04-01T10:00:00+02:00'],
    // Zero returns `from` itself, even when closed.
    ['2026-03-28T12:00:00+01:00', 'PT0S', '2026-03-28T12:00:00+01:00'],
    // An instant in UTC is answered in the calendar's offset.
    ['2026-03-27T15:00:00Z', 'PT30M', '2026-03-27T16:30:00+01:00'],
  ])('from %s add %s → %s (be-business)', async (from, add, due) => {
    const result = await run(['calendar', 'due', '--calendar', 'be-business', '--from', from, '--add', add]);
    expect(result).toEqual({ code: 0, stdout: `{"due":"${due}"}\n`, stderr: '' });
  });

  it('counts Riyadh business days across Eid al-Fitr (sa-business)', async () => {
    // Wed 2026-03-18 16:00: 2 h that day; Eid from Thu 19 to Sun 22 and the Fri–Sat weekend; Monday 09:00 + 2 h.
    const result = await run([
      'calendar',
      'due',
      '--calendar',
      'sa-business',
      '--from',
      '2026-03-18T16:00',
      '--add',
      'PT4H',
    ]);
    expect(result).toEqual({ code: 0, stdout: '{"due":"2026-03-23T11:00:00+03:00"}\n', stderr: '' });
  });

  it('streams JSON lines in order, answering bad lines with an error and going on', async () => {
    const input = [
      '{"from":"2026-03-27T16:00:00+01:00","add":"PT4H"}',
      'not json',
      '',
      '{"from":"2026-03-27T16:00:00+01:00"}',
      '{"from":"2026-03-27T16:00:00+01:00","add":"4 hours"}',
      '   ',
      '{"from":"2026-02-30T10:00","add":"PT1H"}',
      '{"from":12,"add":"PT1H"}',
      '[1,2]',
      '{"from":"2250-01-01T00:00:00Z","add":"PT1H"}',
      '{"from":"2026-04-03T16:00:00+02:00","add":"PT4H"}',
    ].join('\n');
    const result = await run(['calendar', 'due', '--calendar', 'be-business'], input);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const answers = lines(result.stdout) as Array<Record<string, string>>;
    expect(answers).toHaveLength(9);
    expect(answers[0]).toEqual({ due: '2026-03-30T11:00:00+02:00' });
    expect(answers[1]).toEqual({ error: 'invalid JSON' });
    expect(answers[2]).toEqual({ error: '"add" is required' });
    expect(answers[3]?.error).toMatch(/4 hours/);
    expect(answers[4]?.error).toMatch(/2026-02-30/);
    expect(answers[5]).toEqual({ error: '"from" must be a string' });
    expect(answers[6]).toEqual({ error: 'expected a JSON object' });
    expect(answers[7]?.error).toMatch(/1971/);
    expect(answers[8]).toEqual({ due: '2026-04-07T11:00:00+02:00' });
  });

  it('handles CRLF input and a last line without a newline', async () => {
    const input = '{"from":"2026-03-27T16:00","add":"PT1H"}\r\n{"from":"2026-03-27T16:00","add":"PT2H"}';
    const result = await run(['calendar', 'due', '--calendar', 'be-business'], input);
    expect(lines(result.stdout)).toEqual([
      { due: '2026-03-27T17:00:00+01:00' },
      { due: '2026-03-30T09:00:00+02:00' },
    ]);
  });

  it('waits for a slow reader instead of dropping or buffering without bound', async () => {
    const count = 20_000;
    const stdin = new PassThrough();
    const stdout = new PassThrough({ highWaterMark: 1024 });
    const stderr = new PassThrough();
    const received: string[] = [];
    const reading = (async () => {
      let rest = '';
      for await (const chunk of stdout) {
        // A reader slower than the writer: the command must wait for 'drain'.
        await new Promise((resolveTick) => setTimeout(resolveTick, 1));
        rest += String(chunk);
        const parts = rest.split('\n');
        rest = parts.pop() ?? '';
        received.push(...parts);
      }
    })();
    const input = Array.from(
      { length: count },
      (_, i) => `{"from":"2026-01-05T08:30","add":"PT${(i % 500) + 1}M"}`,
    );
    stdin.end(input.join('\n'));
    const code = await runCli(['calendar', 'due', '--calendar', 'be-business'], {
      stdin,
      stdout,
      stderr,
      env: {},
    });
    stdout.end();
    await reading;
    expect(code).toBe(0);
    expect(received).toHaveLength(count);
    const calendar = getCalendarPreset('be-business');
    const fromMs = parseInstant('2026-01-05T08:30', calendar.timeZone);
    received.forEach((line, i) => {
      expect(line).toBe(
        `{"due":"${calendar.formatIso(addBusinessDuration(calendar, fromMs, `PT${(i % 500) + 1}M`))}"}`,
      );
    });
  });
});

describe('accord calendar elapsed', () => {
  it.each([
    ['2026-03-27T16:00:00+01:00', '2026-03-30T11:00:00+02:00', 14_400],
    // Easter Monday counts nothing.
    ['2026-04-06T00:00', '2026-04-07T00:00', 0],
    // A whole Belgian week with the spring-forward Sunday: 5 × 9 h.
    ['2026-03-23T00:00', '2026-03-30T00:00', 162_000],
    // Reversed ranges are empty.
    ['2026-03-30T11:00:00+02:00', '2026-03-27T16:00:00+01:00', 0],
  ])('from %s to %s → %i s (be-business)', async (from, to, elapsedSeconds) => {
    const result = await run([
      'calendar',
      'elapsed',
      '--calendar',
      'be-business',
      '--from',
      from,
      '--to',
      to,
    ]);
    expect(result).toEqual({ code: 0, stdout: `{"elapsedSeconds":${elapsedSeconds}}\n`, stderr: '' });
  });

  it('streams JSON lines', async () => {
    const input = [
      '{"from":"2026-03-27T16:00:00+01:00","to":"2026-03-30T11:00:00+02:00"}',
      '{"from":"2026-03-27T16:00:00+01:00","to":"yesterday"}',
      '{"from":"2026-03-30T08:30","to":"2026-03-30T08:30:01.500"}',
    ].join('\n');
    const result = await run(['calendar', 'elapsed', '--calendar', 'be-business'], `${input}\n`);
    expect(result.code).toBe(0);
    const answers = lines(result.stdout) as Array<Record<string, unknown>>;
    expect(answers[0]).toEqual({ elapsedSeconds: 14_400 });
    expect(String(answers[1]?.error)).toMatch(/yesterday/);
    expect(answers[2]).toEqual({ elapsedSeconds: 1.5 });
  });
});

describe('accord calendar open', () => {
  it('lists the open intervals, skipping Easter Monday', async () => {
    const result = await run([
      'calendar',
      'open',
      '--calendar',
      'be-business',
      '--from',
      '2026-04-03T12:00',
      '--to',
      '2026-04-08T00:00',
    ]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      { start: '2026-04-03T12:00:00+02:00', end: '2026-04-03T17:30:00+02:00' },
      { start: '2026-04-07T08:30:00+02:00', end: '2026-04-07T17:30:00+02:00' },
    ]);
  });

  it('prints a 24/7 calendar over two years as one interval, not one per yearly slice', async () => {
    const result = await run([
      'calendar',
      'open',
      '--calendar',
      'always-open',
      '--from',
      '2026-01-01T00:00Z',
      '--to',
      '2028-01-01T00:00Z',
    ]);
    expect(lines(result.stdout)).toEqual([
      { start: '2026-01-01T00:00:00+00:00', end: '2028-01-01T00:00:00+00:00' },
    ]);
  });

  it('requires --from and --to', async () => {
    const result = await run(['calendar', 'open', '--calendar', 'be-business', '--from', '2026-04-03T12:00']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--from ISO and --to ISO are required/);
  });
});

describe('calendar files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'accord-calendar-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function calendarFile(name: string, content: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('reads a calendar file: a night shift that crosses the fall-back change counts its real length', async () => {
    const path = await calendarFile(
      'night.json',
      JSON.stringify({
        timeZone: 'Europe/Brussels',
        week: { sat: [['22:00', '06:00']] },
        holidays: [],
        closed: [],
        special: {},
      }),
    );
    // Sat 2026-10-24 22:00 CEST → Sun 06:00 CET is 9 real hours.
    const result = await run([
      'calendar',
      'elapsed',
      '--calendar',
      path,
      '--from',
      '2026-10-24T00:00',
      '--to',
      '2026-10-26T00:00',
    ]);
    expect(result).toEqual({ code: 0, stdout: '{"elapsedSeconds":32400}\n', stderr: '' });
  });

  it('accepts a file with a byte-order mark and lists a night shift that meets the next morning as one interval', async () => {
    const spec = {
      timeZone: 'Europe/Brussels',
      week: { sat: [['22:00', '06:00']], sun: [['05:00', '07:00']] },
    };
    const path = await calendarFile('bom.json', `\uFEFF${JSON.stringify(spec)}`);
    const result = await run([
      'calendar',
      'open',
      '--calendar',
      path,
      '--from',
      '2026-10-24T00:00',
      '--to',
      '2026-10-27T00:00',
    ]);
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual([
      { start: '2026-10-24T22:00:00+02:00', end: '2026-10-25T07:00:00+01:00' },
    ]);
  });

  it.each([
    ['missing.json', undefined, /cannot read calendar file .*missing\.json.*ENOENT/],
    ['broken.json', '{"timeZone": "Europe/Brussels",', /not valid JSON/],
    [
      'bad-time.json',
      JSON.stringify({ timeZone: 'Europe/Brussels', week: { mon: [['08:30', '25:00']] } }),
      /week\.mon\[0\]\[1\]/,
    ],
    ['bad-zone.json', JSON.stringify({ timeZone: 'Mars/Olympus', week: {} }), /timeZone/],
    [
      'overlap.json',
      JSON.stringify({
        timeZone: 'UTC',
        week: {
          tue: [
            ['08:00', '12:00'],
            ['11:00', '13:00'],
          ],
        },
      }),
      /week\.tue\[1\]/,
    ],
  ])('rejects %s with exit 2 and a message naming the problem', async (name, content, message) => {
    const path = content === undefined ? join(dir, name) : await calendarFile(name, content);
    const result = await run([
      'calendar',
      'due',
      '--calendar',
      path,
      '--from',
      '2026-03-27T16:00',
      '--add',
      'PT1H',
    ]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });
});

describe('bad flags', () => {
  it.each([
    [['calendar', 'due', '--calendar', 'be-business', '--frm', '2026-03-27T16:00'], /--frm/],
    [
      ['calendar', 'due', '--from', '2026-03-27T16:00', '--add', 'PT1H'],
      /--calendar FILE\|PRESET is required/,
    ],
    [
      ['calendar', 'due', '--calendar', 'be-business', '--from', '2026-03-27T16:00'],
      /--from and --add go together/,
    ],
    [['calendar', 'due', '--calendar', 'be-business', '--add', 'PT1H'], /--from and --add go together/],
    [
      ['calendar', 'due', '--calendar', 'be-business', '--from', '2026-03-27T16:00', '--add', 'soon'],
      /--add: .*soon/,
    ],
    [
      ['calendar', 'due', '--calendar', 'be-business', '--from', 'friday', '--add', 'PT1H'],
      /--from: .*friday/,
    ],
    [['calendar', 'due', '--calendar', 'be-business', '--to', '2026-03-27T16:00'], /--to is for elapsed/],
    [
      ['calendar', 'elapsed', '--calendar', 'be-business', '--from', '2026-03-27T16:00'],
      /--from and --to go together/,
    ],
    [['calendar', 'elapsed', '--calendar', 'be-business', 'extra'], /extra/],
    [['calendar', 'due', '--calendar'], /--calendar/],
    [['calendar', 'later', '--calendar', 'be-business'], /unknown subcommand 'calendar later'/],
  ])('%j exits 2 with a message', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('prints usage for calendar --help', async () => {
    const result = await run(['calendar', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/accord calendar due/);
  });
});

describe('the real bin (compiled at install)', () => {
  beforeAll(ensureCliBuilt, 120_000);

  it('answers one due date', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        BIN,
        'calendar',
        'due',
        '--calendar',
        'be-business',
        '--from',
        '2026-03-27T16:00:00+01:00',
        '--add',
        'PT4H',
      ],
      { cwd: REPO_ROOT },
    );
    expect(stdout).toBe('{"due":"2026-03-30T11:00:00+02:00"}\n');
    expect(stderr).toBe('');
  });

  it('exits 2 on a bad calendar', async () => {
    const failure = await promisify(execFile)(
      process.execPath,
      [BIN, 'calendar', 'due', '--calendar', 'nope.json'],
      {
        cwd: REPO_ROOT,
      },
    ).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/cannot read calendar file 'nope\.json'/);
  });

  it('streams 100,000 lines in order', async () => {
    const count = 100_000;
    const calendar = getCalendarPreset('be-business');
    const baseMs = Date.UTC(2026, 0, 1);
    const requests = Array.from({ length: count }, (_, i) => ({
      from: calendar.formatIso(baseMs + i * 7 * 60_000),
      add: `PT${(i % 2000) + 1}H`,
    }));
    const child = spawn(process.execPath, [BIN, 'calendar', 'due', '--calendar', 'be-business'], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const exited = once(child, 'close');
    // Every 1000th line is bad, to check that errors keep their place.
    child.stdin.end(
      requests.map((request, i) => (i % 1000 === 999 ? '{oops' : JSON.stringify(request))).join('\n'),
    );
    const [code] = (await exited) as [number];
    expect(err).toBe('');
    expect(code).toBe(0);
    const answers = out.split('\n');
    expect(answers.pop()).toBe('');
    expect(answers).toHaveLength(count);
    answers.forEach((answer, i) => {
      const request = requests[i];
      const expected =
        i % 1000 === 999 || !request
          ? '{"error":"invalid JSON"}'
          : `{"due":"${calendar.formatIso(addBusinessDuration(calendar, parseInstant(request.from, calendar.timeZone), request.add))}"}`;
      if (answer !== expected) expect(`line ${i}: ${answer}`).toBe(`line ${i}: ${expected}`);
    });
  }, 30_000);
});
