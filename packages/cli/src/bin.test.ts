import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
// Plain JavaScript (with a .d.ts) shared with the bin, which must start without TypeScript.
import { staleBuild } from '../bin/build-state.js';
import { BIN, ensureCliBuilt, REPO_ROOT } from './cli-test-helpers.ts';

describe('staleBuild (whether the bin may run the compiled build)', () => {
  let root: string;
  const BUILT_AT_MS = Date.UTC(2026, 0, 1);

  function layout(files: Record<string, number>, info: object | null): void {
    root = mkdtempSync(join(tmpdir(), 'accord-bin-'));
    mkdirSync(join(root, 'dist'));
    mkdirSync(join(root, 'src'));
    for (const [path, mtimeMs] of Object.entries(files)) {
      writeFileSync(join(root, path), '');
      utimesSync(join(root, path), mtimeMs / 1000, mtimeMs / 1000);
    }
    if (info) writeFileSync(join(root, 'dist/build-info.json'), JSON.stringify(info));
  }
  const stale = (command?: string): string | undefined =>
    staleBuild(pathToFileURL(`${root}/dist/`), pathToFileURL(`${root}/`), command);
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const info = {
    builtAtMs: BUILT_AT_MS,
    common: ['src/cli.ts'],
    commands: { calendar: ['src/calendar.ts'], db: ['src/server.ts'] },
  };
  const before = BUILT_AT_MS - 60_000;
  const after = BUILT_AT_MS + 60_000;

  it.each([
    [
      'every source older than the build',
      { 'src/cli.ts': before, 'src/calendar.ts': before },
      'calendar',
      undefined,
    ],
    ['the entry newer', { 'src/cli.ts': after, 'src/calendar.ts': before }, 'calendar', 'src/cli.ts changed'],
    [
      'the command newer',
      { 'src/cli.ts': before, 'src/calendar.ts': after },
      'calendar',
      'src/calendar.ts changed',
    ],
    // A change to the server does not send `accord calendar` to the slow path.
    [
      'another command newer',
      { 'src/cli.ts': before, 'src/calendar.ts': before, 'src/server.ts': after },
      'calendar',
      undefined,
    ],
    [
      'another command newer, running it',
      { 'src/cli.ts': before, 'src/server.ts': after },
      'db',
      'src/server.ts changed',
    ],
    ['a source gone', { 'src/cli.ts': before }, 'calendar', 'src/calendar.ts is gone'],
    ['an unknown command (only the entry runs)', { 'src/cli.ts': before }, 'toString', undefined],
  ])('%s', (_, files, command, expected) => {
    layout(files, info);
    const reason = stale(command);
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toContain(expected);
  });

  it('no build at all', () => {
    layout({ 'src/cli.ts': before }, null);
    expect(stale('calendar')).toMatch(/no compiled build/);
  });
});

describe('the bin', () => {
  beforeAll(ensureCliBuilt, 120_000);
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    promisify(execFile)(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
    });

  it('runs the compiled build, silently, after a build', async () => {
    const { stdout, stderr } = await run([
      'calendar',
      'due',
      '--calendar',
      'be-business',
      '--from',
      '2026-03-27T16:00',
      '--add',
      'PT4H',
    ]);
    expect(stdout).toBe('{"due":"2026-03-30T11:00:00+02:00"}\n');
    expect(stderr).toBe('');
  });

  it('the build lists what each command loads: only db and admin load the server', () => {
    const info = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/dist/build-info.json'), 'utf8')) as {
      common: string[];
      commands: Record<string, string[]>;
    };
    const server = (paths: string[]) => paths.filter((path) => path.startsWith('packages/server/'));
    expect(server(info.common)).toEqual([]);
    expect(server(info.commands.calendar ?? [])).toEqual([]);
    expect(server(info.commands.sla ?? [])).toEqual([]);
    expect(server(info.commands.db ?? []).length).toBeGreaterThan(0);
    expect(server(info.commands.admin ?? []).length).toBeGreaterThan(0);
    // --help needs neither the core nor the server.
    expect(info.common.every((path) => path.startsWith('packages/cli/src/'))).toBe(true);
  });

  it('runs the TypeScript sources through tsx when asked (what it falls back to)', async () => {
    const { stdout, stderr } = await run(
      ['calendar', 'due', '--calendar', 'be-business', '--from', '2026-03-27T16:00', '--add', 'PT4H'],
      {
        ACCORD_CLI_SOURCES: '1',
      },
    );
    expect(stdout).toBe('{"due":"2026-03-30T11:00:00+02:00"}\n');
    expect(stderr).toBe('');
  });

  it('the holiday table compiled into the CLI is what date-holidays answers, year by year', async () => {
    const { default: Holidays } = await import('date-holidays');
    const snapshot = JSON.parse(
      readFileSync(join(REPO_ROOT, 'packages/cli/dist/holiday-snapshot.json'), 'utf8'),
    ) as {
      options: { languages: string[]; types: string[] };
      language: string;
      countries: Record<string, string>;
      years: Record<string, Record<string, unknown[]>>;
    };
    // What packages/core/src/calendar/holidays.ts asks.
    expect(snapshot.options).toEqual({ languages: ['en'], types: ['public'] });
    expect(snapshot.countries).toEqual(new Holidays().getCountries('en'));
    expect(Object.keys(snapshot.years).sort()).toEqual(['BE', 'SA']);
    for (const [country, years] of Object.entries(snapshot.years)) {
      const source = new Holidays(country, { languages: ['en'], types: ['public'] });
      for (const [year, holidays] of Object.entries(years)) {
        const live = source
          .getHolidays(Number(year), 'en')
          .map((h) => [h.date, h.start.getTime(), h.end.getTime(), h.name, h.type]);
        expect(holidays, `${country} ${year}`).toEqual(live);
      }
    }
  });

  it.each([
    ['be-business', '2026-04-03T16:00', 'PT8H'], // Easter Monday 2026, from the table
    ['be-business', '2150-04-24T16:00', 'PT8H'], // Easter Monday 2150, past the table: date-holidays itself
    ['sa-business', '2026-03-18T16:00', 'PT8H'], // Eid al-Fitr 2026
    ['sa-business', '2100-06-01T16:00', 'P3D'],
  ])('answers as the TypeScript sources do: %s from %s + %s', async (calendar, from, add) => {
    const args = ['calendar', 'due', '--calendar', calendar, '--from', from, '--add', add];
    const compiled = await run(args);
    const sources = await run(args, { ACCORD_CLI_SOURCES: '1' });
    expect(compiled.stdout).toBe(sources.stdout);
    expect(compiled.stderr).toBe('');
  });

  it('an unknown command is a usage error, even one named like an object property', async () => {
    const failure = await run(['toString']).catch(
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toMatch(/unknown command 'toString'/);
  });
});
