/**
 * `npm run bench`: business-time throughput on the be-business preset against moment-business-time,
 * in one run on one core. Prints a table and a verdict per goal; a missed goal is reported, not fatal.
 * It fails (exit 1) only when the two libraries disagree on answers where they should agree, because
 * then the speed figures compare different things.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Holidays from 'date-holidays';
import moment from 'moment-business-time';
import { CALENDAR_PRESETS, compileCalendar } from '../src/index.ts';
import type { BusinessCalendar } from '../src/index.ts';

// moment-business-time reads wall times in the process's zone: make it the preset's zone.
process.env.TZ = 'Europe/Brussels';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
// Optional: also write the table as Markdown (e.g. for the README's figures).
const FIGURES_FILE = process.env.BENCH_FIGURES_FILE;

const GOAL_OPS_PER_SEC = 1_000_000;
const GOAL_SPEEDUP = 100;
const GOAL_LONG_TO_SHORT_COST = 1.3;
const GOAL_FRESH_CALENDAR_MS = 2;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same inputs. */
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

/** 4096 whole-minute instants spread over 2026, in and out of business hours. */
function startInstants(count: number): Float64Array {
  const next = random(2026);
  const yearStartMs = Date.UTC(2026, 0, 1);
  const starts = new Float64Array(count);
  for (let i = 0; i < count; i += 1) starts[i] = yearStartMs + Math.floor(next() * 365 * 24 * 60) * MINUTE_MS;
  return starts;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

// Results feed this, so the optimiser cannot drop the work.
let sink = 0;

/** Median ops/s over rounds; each round runs until `opsPerRound` ops or `maxRoundMs`, whichever first. */
function opsPerSecond(
  op: (i: number) => number,
  opsPerRound: number,
  rounds: number,
  maxRoundMs = 2000,
): number {
  // Warm-up (JIT and caches), time-boxed too: a slow library must not spend minutes here.
  const warmUpStartedMs = performance.now();
  for (let i = 0; i < 20_000 && performance.now() - warmUpStartedMs < maxRoundMs / 2; i += 1) sink += op(i);
  const results: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const startedMs = performance.now();
    let done = 0;
    // Batches grow while they take under a millisecond: the clock is read rarely for fast code, often for slow code.
    let batch = 1;
    while (done < opsPerRound) {
      const batchStartedMs = performance.now();
      const batchEnd = Math.min(opsPerRound, done + batch);
      for (; done < batchEnd; done += 1) sink += op(done);
      const nowMs = performance.now();
      if (nowMs - startedMs > maxRoundMs) break;
      if (nowMs - batchStartedMs < 1 && batch < 65_536) batch *= 2;
    }
    results.push(done / ((performance.now() - startedMs) / 1000));
  }
  return median(results);
}

function belgianHolidayDates(years: number[]): string[] {
  const holidays = new Holidays('BE');
  return years.flatMap((year) =>
    holidays
      .getHolidays(year)
      .filter((holiday) => holiday.type === 'public')
      .map((holiday) => holiday.date.slice(0, 10)),
  );
}

function configureMoment(): void {
  const day = ['08:30:00', '17:30:00'];
  moment.updateLocale(moment.locale(), {
    workinghours: { 0: null, 1: day, 2: day, 3: day, 4: day, 5: day, 6: null },
    holidays: belgianHolidayDates([2025, 2026, 2027, 2028, 2029]),
  });
}

const momentDueMs = (fromMs: number, minutes: number): number =>
  moment(fromMs).addWorkingTime(minutes, 'minutes').valueOf();
const momentElapsedMinutes = (fromMs: number, toMs: number): number =>
  moment(toMs).workingDiff(moment(fromMs), 'minutes');

/** Compares the two libraries on a sample; returns the disagreements, described. */
function disagreements(calendar: BusinessCalendar, starts: Float64Array): string[] {
  const found: string[] = [];
  const next = random(7);
  const durationsMinutes = [1, 30, 60, 240, 540, 545, 2250, 120_000];
  for (let i = 0; i < 400; i += 1) {
    const fromMs = starts[i] ?? 0;
    const minutes = durationsMinutes[i % durationsMinutes.length] ?? 60;
    const accordMs = calendar.dueAt(fromMs, minutes * MINUTE_MS);
    const momentMs = momentDueMs(fromMs, minutes);
    if (accordMs !== momentMs) {
      found.push(
        `due ${calendar.formatIso(fromMs)} + ${minutes} min: accord ${calendar.formatIso(accordMs)}, moment ${calendar.formatIso(momentMs)}`,
      );
    }
    const toMs = fromMs + Math.floor(next() * 40 * 24 * 60) * MINUTE_MS;
    const accordMinutes = calendar.elapsedMs(fromMs, toMs) / MINUTE_MS;
    const momentMinutes = momentElapsedMinutes(fromMs, toMs);
    if (accordMinutes !== momentMinutes) {
      found.push(
        `elapsed ${calendar.formatIso(fromMs)} → ${calendar.formatIso(toMs)}: accord ${accordMinutes} min, moment ${momentMinutes} min`,
      );
    }
  }
  return found;
}

/** Heap plus array buffers after a full collection, in bytes. */
function usedBytes(gc: () => void): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function main(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const spec = CALENDAR_PRESETS['be-business'];
  const starts = startInstants(4096);
  const mask = starts.length - 1;
  const at = (i: number): number => starts[i & mask] ?? 0;

  // Cold: the first calendar of the process, with nothing compiled or cached yet.
  let t0 = performance.now();
  const calendar = compileCalendar(spec);
  sink += calendar.dueAt(at(0), 4 * HOUR_MS);
  const coldMs = performance.now() - t0;
  // Warm JIT, fresh calendar: what a server pays per calendar it loads.
  const freshMs: number[] = [];
  for (let k = 0; k < 20; k += 1) {
    t0 = performance.now();
    sink += compileCalendar(spec).dueAt(at(k), 4 * HOUR_MS);
    freshMs.push(performance.now() - t0);
  }
  // Fresh calendar on a year no calendar of the process has asked about: date-holidays computes that year.
  const newYearMs: number[] = [];
  for (let k = 0; k < 20; k += 1) {
    t0 = performance.now();
    sink += compileCalendar(spec).dueAt(Date.UTC(2100 + k, 5, 1), 4 * HOUR_MS);
    newYearMs.push(performance.now() - t0);
  }

  // Memory per cached year: one calendar made to build a century of yearly blocks.
  const yearsBuilt = 100;
  const probe = compileCalendar(spec);
  const beforeBytes = usedBytes(gc);
  for (let year = 2030; year < 2030 + yearsBuilt; year += 1)
    sink += probe.dueAt(Date.UTC(year, 5, 1), HOUR_MS);
  const bytesPerYear = (usedBytes(gc) - beforeBytes) / yearsBuilt;
  sink += probe.businessDayMs;

  configureMoment();
  const problems = disagreements(calendar, starts);

  const shortMs = HOUR_MS;
  const longMs = 2000 * HOUR_MS;
  const to1h = starts.map((fromMs) => calendar.dueAt(fromMs, shortMs));
  const to2000h = starts.map((fromMs) => calendar.dueAt(fromMs, longMs));
  const toShort = (i: number): number => to1h[i & mask] ?? 0;
  const toLong = (i: number): number => to2000h[i & mask] ?? 0;

  const ROUNDS = 7;
  const ACCORD_OPS = 1_000_000;
  const MOMENT_OPS = 1_000_000; // time-boxed by maxRoundMs
  const rows = [
    {
      name: 'due() 1h',
      accord: opsPerSecond((i) => calendar.dueAt(at(i), shortMs), ACCORD_OPS, ROUNDS),
      moment: opsPerSecond((i) => momentDueMs(at(i), 60), MOMENT_OPS, 3, 1000),
    },
    {
      name: 'due() 2000h',
      accord: opsPerSecond((i) => calendar.dueAt(at(i), longMs), ACCORD_OPS, ROUNDS),
      moment: opsPerSecond((i) => momentDueMs(at(i), 120_000), MOMENT_OPS, 3, 1000),
    },
    {
      name: 'elapsed() 1h',
      accord: opsPerSecond((i) => calendar.elapsedMs(at(i), toShort(i)), ACCORD_OPS, ROUNDS),
      moment: opsPerSecond((i) => momentElapsedMinutes(at(i), toShort(i)), MOMENT_OPS, 3, 1000),
    },
    {
      name: 'elapsed() 2000h',
      accord: opsPerSecond((i) => calendar.elapsedMs(at(i), toLong(i)), ACCORD_OPS, ROUNDS),
      moment: opsPerSecond((i) => momentElapsedMinutes(at(i), toLong(i)), MOMENT_OPS, 3, 1000),
    },
  ];

  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const ratio = (n: number): string => `${n.toFixed(n >= 100 ? 0 : 2)}×`;
  const dueShort = rows[0]?.accord ?? 0;
  const dueLong = rows[1]?.accord ?? 0;
  const elapsedShort = rows[2]?.accord ?? 0;
  const elapsedLong = rows[3]?.accord ?? 0;
  const minSpeedup = Math.min(...rows.map((row) => row.accord / row.moment));
  const dueCost = dueShort / dueLong;
  const elapsedCost = elapsedShort / elapsedLong;

  const lines = [
    `| operation | Accord ops/s | moment-business-time ops/s | Accord / moment |`,
    `|---|---:|---:|---:|`,
    ...rows.map(
      (row) =>
        `| ${row.name} | ${fmt(row.accord)} | ${fmt(row.moment)} | ${ratio(row.accord / row.moment)} |`,
    ),
    '',
    `- cost of 2000h vs 1h: due() ${dueCost.toFixed(2)}×, elapsed() ${elapsedCost.toFixed(2)}×`,
    `- cold compile + first query: ${coldMs.toFixed(1)} ms (first calendar in the process); fresh calendar, warm JIT: ${median(freshMs).toFixed(2)} ms (median of 20); fresh calendar on a year not asked before (date-holidays runs): ${median(newYearMs).toFixed(2)} ms (median of 20)`,
    `- memory per cached year (be-business): ~${(bytesPerYear / 1024).toFixed(1)} KB (${yearsBuilt} years built, after gc)`,
    '',
    `${dueShort >= GOAL_OPS_PER_SEC && dueLong >= GOAL_OPS_PER_SEC ? 'PASS' : 'MISS'} ≥ ${fmt(GOAL_OPS_PER_SEC)} due() ops/s on one core (1h: ${fmt(dueShort)}, 2000h: ${fmt(dueLong)})`,
    `${median(freshMs) <= GOAL_FRESH_CALENDAR_MS ? 'PASS' : 'MISS'} fresh calendar (be-business, warm JIT) ≤ ${GOAL_FRESH_CALENDAR_MS} ms (${median(freshMs).toFixed(2)} ms)`,
    `${minSpeedup >= GOAL_SPEEDUP ? 'PASS' : 'MISS'} ≥ ${GOAL_SPEEDUP}× moment-business-time (lowest ratio: ${ratio(minSpeedup)})`,
    `${Math.max(dueCost, elapsedCost) <= GOAL_LONG_TO_SHORT_COST ? 'PASS' : 'MISS'} 2000h within ${GOAL_LONG_TO_SHORT_COST}× of 1h (due ${dueCost.toFixed(2)}×, elapsed ${elapsedCost.toFixed(2)}×)`,
    `${problems.length === 0 ? 'PASS' : 'FAIL'} Accord and moment-business-time agree on 800 sampled answers${problems.length ? ` (${problems.length} disagree)` : ''}`,
  ];
  const machine = `node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`;
  process.stdout.write(`Business time, be-business preset (${machine})\n\n${lines.join('\n')}\n`);
  for (const problem of problems.slice(0, 10)) process.stdout.write(`  disagreement: ${problem}\n`);
  if (sink === -1) process.stdout.write('\n'); // keeps `sink` observable

  if (FIGURES_FILE) {
    writeFileSync(
      FIGURES_FILE,
      `# Business-time benchmark figures\n\nMeasured ${new Date().toISOString()} — ${machine}\n\n${lines.join('\n')}\n`,
    );
  }
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = main();
