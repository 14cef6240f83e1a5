/**
 * `npm run bench` (second part): the `accord` command as scripts feel it, measured through the installed bin
 * (`node_modules/.bin/accord`, or ACCORD_BENCH_BIN), each figure beside a floor measured in the same run:
 * - cold start of `--help`, one `calendar due` and one `sla due`, beside a bare `node -e 0`;
 * - `calendar due` (PT1H, PT2000H) and `calendar elapsed` streaming 200,000 JSON lines on be-business, beside a bare
 *   Node JSON-lines filter (json-lines-floor.mjs: read a line, JSON.parse, JSON.stringify, write).
 * Every figure is the median wall-clock time of whole processes, start-up included, as a script sees it.
 * A missed goal is reported, not fatal; a wrong answer count or an error line fails the run (exit 1).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const BIN = process.env.ACCORD_BENCH_BIN ?? join(REPO_ROOT, 'node_modules/.bin/accord');
const FLOOR = join(import.meta.dirname, 'json-lines-floor.mjs');
const LINES = Number(process.env.ACCORD_BENCH_LINES ?? 200_000);
const COLD_RUNS = Number(process.env.ACCORD_BENCH_COLD_RUNS ?? 9);
const STREAM_RUNS = Number(process.env.ACCORD_BENCH_STREAM_RUNS ?? 5);

const GOAL_HELP_S = 0.2;
const GOAL_ANSWER_S = 0.25;
const GOAL_STREAM_RATIO = 1.4;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run reads the same input. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Brussels keeps summer time (+02:00) from 2026-03-29T01:00Z to 2026-10-25T01:00Z, +01:00 otherwise.
const SUMMER_2026_MS = [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)] as const;

/** Whole-minute instants over 2026 written with Brussels' offset, as a ticketing export would. */
function instants(count: number, seed: number): string[] {
  const next = random(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const atMs = Date.UTC(2026, 0, 1) + Math.floor(next() * 365 * 24 * 60) * 60_000;
    const offsetHours = atMs >= SUMMER_2026_MS[0] && atMs < SUMMER_2026_MS[1] ? 2 : 1;
    const wall = new Date(atMs + offsetHours * 3_600_000).toISOString().slice(0, 19);
    out.push(`${wall}+0${offsetHours}:00`);
  }
  return out;
}

const problems: string[] = [];

interface Run {
  seconds: number;
  stdout: string;
}

function run(command: string, args: readonly string[], inputFile?: string, outputFile?: string): Run {
  const stdin = inputFile === undefined ? 'ignore' : openSync(inputFile, 'r');
  const stdout = outputFile === undefined ? 'pipe' : openSync(outputFile, 'w');
  const startedMs = performance.now();
  const result = spawnSync(command, args, { stdio: [stdin, stdout, 'pipe'], encoding: 'utf8' });
  const seconds = (performance.now() - startedMs) / 1000;
  if (typeof stdin === 'number') closeSync(stdin);
  if (typeof stdout === 'number') closeSync(stdout);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  // A warning means the bin ran something else than the compiled build (stale sources): the figures would lie.
  if (result.stderr !== '') problems.push(`stderr of ${args.join(' ')}: ${result.stderr.trim()}`);
  return { seconds, stdout: outputFile === undefined ? result.stdout : readFileSync(outputFile, 'utf8') };
}

function medianSeconds(runs: number, once: () => Run): number {
  return median(Array.from({ length: runs }, () => once().seconds));
}

function checkAnswers(label: string, output: string, key: string): void {
  const lines = output.split('\n').filter((line) => line !== '');
  const bad = lines.find((line) => !line.startsWith(`{"${key}":`));
  if (lines.length !== LINES) problems.push(`${label}: ${lines.length} answers for ${LINES} lines`);
  if (bad !== undefined) problems.push(`${label}: unexpected answer ${bad}`);
}

function main(): number {
  // What `npm install` leaves: a build of the current sources (built now if a source changed since).
  if (process.env.ACCORD_BENCH_BIN === undefined) {
    spawnSync(process.execPath, [join(REPO_ROOT, 'packages/cli/scripts/build.mjs'), '--if-stale'], {
      stdio: 'inherit',
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'accord-cli-bench-'));
  try {
    const node = process.execPath;
    const node0 = medianSeconds(COLD_RUNS, () => run(node, ['-e', '0']));
    const help = medianSeconds(COLD_RUNS, () => run(BIN, ['--help']));
    const due = medianSeconds(COLD_RUNS, () =>
      run(BIN, [
        'calendar',
        'due',
        '--calendar',
        'be-business',
        '--from',
        '2026-03-27T16:00',
        '--add',
        'PT4H',
      ]),
    );
    const slaArgs = ['sla', 'due', '--policy', 'hosting-be', '--plan', 'pro', '--priority', 'P1'];
    const sla = medianSeconds(COLD_RUNS, () =>
      run(BIN, [...slaArgs, '--metric', 'intervention', '--at', '2026-04-03T16:00+02:00']),
    );

    const froms = instants(LINES, 2026);
    const tos = instants(LINES, 7);
    const inputs = {
      'due PT1H': froms.map((from) => `{"from":"${from}","add":"PT1H"}`),
      'due PT2000H': froms.map((from) => `{"from":"${from}","add":"PT2000H"}`),
      elapsed: froms.map((from, i) => `{"from":"${from}","to":"${tos[i]}"}`),
    };
    const output = join(dir, 'out.jsonl');
    const streams = Object.entries(inputs).map(([label, lines]) => {
      const input = join(dir, `${label.replace(/\W/g, '-')}.jsonl`);
      writeFileSync(input, `${lines.join('\n')}\n`);
      const subcommand = label.startsWith('due') ? 'due' : 'elapsed';
      const args = ['calendar', subcommand, '--calendar', 'be-business'];
      checkAnswers(
        label,
        run(BIN, args, input, output).stdout,
        subcommand === 'due' ? 'due' : 'elapsedSeconds',
      );
      // Floor and CLI alternate so a change in the machine's load falls on both.
      const floorRuns: number[] = [];
      const accordRuns: number[] = [];
      for (let k = 0; k < STREAM_RUNS; k += 1) {
        floorRuns.push(run(node, [FLOOR], input, output).seconds);
        accordRuns.push(run(BIN, args, input, output).seconds);
      }
      return { label, floor: median(floorRuns), accord: median(accordRuns) };
    });

    const s = (seconds: number): string => `${seconds.toFixed(3)} s`;
    const lines = [
      `| command | median wall time | vs node -e 0 |`,
      `|---|---:|---:|`,
      `| node -e 0 (floor) | ${s(node0)} | 1.00× |`,
      `| accord --help | ${s(help)} | ${(help / node0).toFixed(2)}× |`,
      `| accord calendar due (one answer) | ${s(due)} | ${(due / node0).toFixed(2)}× |`,
      `| accord sla due (one answer) | ${s(sla)} | ${(sla / node0).toFixed(2)}× |`,
      '',
      `| stream of ${LINES.toLocaleString('en-US')} lines, be-business | JSON-lines floor | accord | accord / floor | lines/s |`,
      `|---|---:|---:|---:|---:|`,
      ...streams.map(
        (row) =>
          `| calendar ${row.label} | ${s(row.floor)} | ${s(row.accord)} | ${(row.accord / row.floor).toFixed(2)}× | ${Math.round(LINES / row.accord).toLocaleString('en-US')} |`,
      ),
      '',
      `${help <= GOAL_HELP_S ? 'PASS' : 'MISS'} accord --help ≤ ${GOAL_HELP_S} s (${s(help)}; node -e 0: ${s(node0)})`,
      `${Math.max(due, sla) <= GOAL_ANSWER_S ? 'PASS' : 'MISS'} one answer ≤ ${GOAL_ANSWER_S} s (calendar due ${s(due)}, sla due ${s(sla)})`,
      ...streams.map(
        (row) =>
          `${row.accord / row.floor <= GOAL_STREAM_RATIO ? 'PASS' : 'MISS'} calendar ${row.label} stream within ${GOAL_STREAM_RATIO}× the floor (${(row.accord / row.floor).toFixed(2)}×)`,
      ),
    ];
    const machine = `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`;
    process.stdout.write(`\nThe accord command, through ${BIN} (${machine})\n\n${lines.join('\n')}\n`);
    for (const problem of problems) process.stdout.write(`FAIL ${problem}\n`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
