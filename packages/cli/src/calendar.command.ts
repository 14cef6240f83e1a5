import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import {
  CALENDAR_PRESET_IDS,
  CalendarError,
  addBusinessDuration,
  businessDurationMs,
  compileCalendar,
  getCalendarPreset,
  isCalendarPresetId,
  parseBusinessDuration,
  parseInstant,
  type BusinessCalendar,
} from '@accord/core/engine';
import { subcommandOf, UsageError, type CliIo, type Command } from './cli-io.ts';

const USAGE = `Usage:
  accord calendar due     --calendar FILE|PRESET [--from ISO --add DURATION]
  accord calendar elapsed --calendar FILE|PRESET [--from ISO --to ISO]
  accord calendar open    --calendar FILE|PRESET --from ISO --to ISO

PRESET is ${CALENDAR_PRESET_IDS.join(', ')}; FILE is a calendar JSON file.
ISO instants without an offset are wall times in the calendar's zone. DURATION is ISO-8601
(PT4H, PT30M, P2D = two business days of open time).

Without --from, 'due' reads JSON lines {"from":ISO,"add":DURATION} and 'elapsed' reads
{"from":ISO,"to":ISO} from stdin, answering one JSON line each, in order:
{"due":ISO}, {"elapsedSeconds":N} or {"error":"…"} for a bad line.
'open' prints one line {"start":ISO,"end":ISO} per open interval.
`;

// Output is gathered into chunks of about this many characters: one write per chunk, not per line.
const OUTPUT_CHUNK_CHARS = 64 * 1024;
// `open` asks the engine for one year at a time, so a long range never builds one huge array.
const OPEN_SLICE_MS = 366 * 86_400_000;

const OPTIONS = {
  calendar: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  add: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flags = { calendar?: string; from?: string; to?: string; add?: string; help?: boolean };

export const calendarCommand: Command = async (args, io) => {
  const picked = subcommandOf('calendar', args, ['due', 'elapsed', 'open'] as const, USAGE, io);
  if (picked === null) return 0;
  const { subcommand, rest } = picked;
  const flags = parseFlags(rest);
  if (flags.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (flags.calendar === undefined)
    throw new UsageError(`calendar ${subcommand}: --calendar FILE|PRESET is required`);
  switch (subcommand) {
    case 'due':
      return runDue(flags, await loadCalendar(flags.calendar), io);
    case 'elapsed':
      return runElapsed(flags, await loadCalendar(flags.calendar), io);
    case 'open':
      return runOpen(flags, await loadCalendar(flags.calendar), io);
  }
};

function parseFlags(args: readonly string[]): Flags {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs reports bad flags as TypeErrors with an ERR_PARSE_ARGS_* code.
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

/** A preset id, or the path of a calendar JSON file; every failure names the file and what is wrong. */
export async function loadCalendar(nameOrPath: string): Promise<BusinessCalendar> {
  if (isCalendarPresetId(nameOrPath)) return getCalendarPreset(nameOrPath);
  let text: string;
  try {
    text = await readFile(nameOrPath, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new UsageError(
      `cannot read calendar file '${nameOrPath}' (${reason}); presets are ${CALENDAR_PRESET_IDS.join(', ')}`,
    );
  }
  let json: unknown;
  try {
    // Editors on Windows like to start files with a byte-order mark; JSON.parse does not.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`calendar file '${nameOrPath}' is not valid JSON: ${(error as Error).message}`);
  }
  try {
    // The schemas load only for a user's file: an answer on a preset never pays for them (engine-entry.test.ts).
    const { parseCalendarSpec } = await import('@accord/core');
    return compileCalendar(parseCalendarSpec(json));
  } catch (error) {
    if (error instanceof CalendarError)
      throw new UsageError(`calendar file '${nameOrPath}': ${error.message}`);
    throw error;
  }
}

/** Turns an engine error on a flag into a usage error that names the flag. */
function flagValue<T>(flag: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof CalendarError) throw new UsageError(`--${flag}: ${error.message}`);
    throw error;
  }
}

function requireTogether(subcommand: string, flags: Flags, names: ReadonlyArray<keyof Flags>): boolean {
  const given = names.filter((name) => flags[name] !== undefined);
  if (given.length === 0) return false;
  if (given.length < names.length) {
    throw new UsageError(
      `calendar ${subcommand}: ${names.map((name) => `--${name}`).join(' and ')} go together (or give neither to read JSON lines from stdin)`,
    );
  }
  return true;
}

/**
 * A stream repeats a handful of durations (PT4H, P2D…): each is read once. Errors are not kept, so a bad duration
 * is reported on every line that has it; the map stops growing at a size no real stream of SLA targets reaches.
 */
function durationReader(calendar: BusinessCalendar): (text: string) => number {
  const known = new Map<string, number>();
  return (text) => {
    let durationMs = known.get(text);
    if (durationMs === undefined) {
      durationMs = businessDurationMs(parseBusinessDuration(text), calendar.businessDayMs);
      if (known.size < 4096) known.set(text, durationMs);
    }
    return durationMs;
  };
}

function dueLine(
  calendar: BusinessCalendar,
  durationMsOf: (text: string) => number,
  fromText: string,
  durationText: string,
): string {
  const fromMs = parseInstant(fromText, calendar.timeZone);
  return `{"due":"${calendar.formatIso(calendar.dueAt(fromMs, durationMsOf(durationText)))}"}\n`;
}

function elapsedLine(calendar: BusinessCalendar, fromText: string, toText: string): string {
  const fromMs = parseInstant(fromText, calendar.timeZone);
  const toMs = parseInstant(toText, calendar.timeZone);
  return `{"elapsedSeconds":${calendar.elapsedMs(fromMs, toMs) / 1000}}\n`;
}

async function runDue(flags: Flags, calendar: BusinessCalendar, io: CliIo): Promise<number> {
  if (flags.to !== undefined)
    throw new UsageError('calendar due: --to is for elapsed and open; use --add DURATION');
  if (requireTogether('due', flags, ['from', 'add'])) {
    const fromMs = flagValue('from', () => parseInstant(flags.from ?? '', calendar.timeZone));
    const dueMs = flagValue('add', () => addBusinessDuration(calendar, fromMs, flags.add ?? ''));
    io.stdout.write(`{"due":"${calendar.formatIso(dueMs)}"}\n`);
    return 0;
  }
  const durationMsOf = durationReader(calendar);
  return answerLines(io, (request) =>
    dueLine(calendar, durationMsOf, stringField(request, 'from'), stringField(request, 'add')),
  );
}

async function runElapsed(flags: Flags, calendar: BusinessCalendar, io: CliIo): Promise<number> {
  if (flags.add !== undefined) throw new UsageError('calendar elapsed: --add is for due; use --to ISO');
  if (requireTogether('elapsed', flags, ['from', 'to'])) {
    const fromMs = flagValue('from', () => parseInstant(flags.from ?? '', calendar.timeZone));
    const toMs = flagValue('to', () => parseInstant(flags.to ?? '', calendar.timeZone));
    const elapsedMs = flagValue('to', () => calendar.elapsedMs(fromMs, toMs));
    io.stdout.write(`{"elapsedSeconds":${elapsedMs / 1000}}\n`);
    return 0;
  }
  return answerLines(io, (request) =>
    elapsedLine(calendar, stringField(request, 'from'), stringField(request, 'to')),
  );
}

async function runOpen(flags: Flags, calendar: BusinessCalendar, io: CliIo): Promise<number> {
  if (flags.add !== undefined) throw new UsageError('calendar open: --add is for due');
  if (flags.from === undefined || flags.to === undefined) {
    throw new UsageError('calendar open: --from ISO and --to ISO are required');
  }
  const fromMs = flagValue('from', () => parseInstant(flags.from ?? '', calendar.timeZone));
  const toMs = flagValue('to', () => parseInstant(flags.to ?? '', calendar.timeZone));
  const output = new LineOutput(io.stdout);
  try {
    // Slices cut open intervals at their edges; `pending` glues the pieces back so each line is a whole interval.
    let pending: { startMs: number; endMs: number } | undefined;
    for (let sliceMs = fromMs; sliceMs < toMs && !output.closed; sliceMs += OPEN_SLICE_MS) {
      for (const interval of calendar.openIntervals(sliceMs, Math.min(sliceMs + OPEN_SLICE_MS, toMs))) {
        if (pending && pending.endMs === interval.startMs) {
          pending = { startMs: pending.startMs, endMs: interval.endMs };
          continue;
        }
        if (pending && output.add(intervalLine(calendar, pending))) await output.flush();
        pending = interval;
      }
    }
    if (pending) output.add(intervalLine(calendar, pending));
    await output.flush();
  } finally {
    output.dispose();
  }
  return 0;
}

function intervalLine(calendar: BusinessCalendar, interval: { startMs: number; endMs: number }): string {
  return `{"start":"${calendar.formatIso(interval.startMs)}","end":"${calendar.formatIso(interval.endMs)}"}\n`;
}

class LineError extends Error {}

function stringField(request: unknown, field: string): string {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new LineError('expected a JSON object');
  }
  const value = (request as Record<string, unknown>)[field];
  if (value === undefined) throw new LineError(`"${field}" is required`);
  if (typeof value !== 'string') throw new LineError(`"${field}" must be a string`);
  return value;
}

/**
 * Reads JSON lines from stdin and writes one answer line per non-blank input line, in order. Lines are cut from
 * each chunk of input as it arrives (the stream pauses while a chunk is answered) and output waits for 'drain',
 * so a million lines never sit in memory at once. Line ends are readline's: `\n`, `\r\n` or a lone `\r`.
 */
async function answerLines(io: CliIo, answer: (request: unknown) => string): Promise<number> {
  const output = new LineOutput(io.stdout);
  io.stdin.setEncoding('utf8');
  let rest = '';
  const answerText = (text: string): void => {
    if (text.includes('\r')) {
      for (const line of text.split('\r')) if (line.trim() !== '') output.add(answerLine(line, answer));
    } else if (text.trim() !== '') {
      output.add(answerLine(text, answer));
    }
  };
  try {
    for await (const chunk of io.stdin as AsyncIterable<string>) {
      let start = 0;
      let end = chunk.indexOf('\n');
      if (end >= 0) {
        answerText(rest + chunk.slice(0, end));
        rest = '';
        start = end + 1;
        while ((end = chunk.indexOf('\n', start)) >= 0) {
          answerText(chunk.slice(start, end));
          start = end + 1;
        }
      }
      rest += chunk.slice(start);
      if (output.due) await output.flush();
      if (output.closed) break;
    }
    answerText(rest);
    await output.flush();
  } finally {
    output.dispose();
  }
  return 0;
}

function answerLine(line: string, answer: (request: unknown) => string): string {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return errorLine('invalid JSON');
  }
  try {
    return answer(request);
  } catch (error) {
    if (error instanceof CalendarError || error instanceof LineError) return errorLine(error.message);
    throw error;
  }
}

function errorLine(message: string): string {
  return `${JSON.stringify({ error: message })}\n`;
}

/** Batches lines into large writes and honours backpressure; stops quietly when the reader goes away (EPIPE). */
class LineOutput {
  private chunks: string[] = [];
  private chars = 0;
  private failure: NodeJS.ErrnoException | undefined;
  private readonly onError = (error: NodeJS.ErrnoException): void => {
    this.failure = error;
  };

  constructor(private readonly stream: Writable) {
    stream.on('error', this.onError);
  }

  /** True once the stream has failed: reading more input is pointless. */
  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** Queues a line; true when a flush is due. */
  add(line: string): boolean {
    this.chunks.push(line);
    this.chars += line.length;
    return this.due;
  }

  /** True when enough is queued for one large write. */
  get due(): boolean {
    return this.chars >= OUTPUT_CHUNK_CHARS;
  }

  async flush(): Promise<void> {
    if (this.chunks.length > 0 && !this.closed) {
      const text = this.chunks.join('');
      this.chunks = [];
      this.chars = 0;
      if (!this.stream.write(text)) await this.writable();
    }
    // A reader that went away (`accord … | head`) is a normal end; any other write failure is not.
    if (this.failure && this.failure.code !== 'EPIPE') throw this.failure;
  }

  private writable(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.stream.on('error', done);
    });
  }

  dispose(): void {
    this.stream.off('error', this.onError);
  }
}
