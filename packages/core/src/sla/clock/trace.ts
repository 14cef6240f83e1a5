import type { BillingDecision } from '../billing.ts';
import { formatClosedDay, formatHumanDuration, formatTraceInstant } from '../clock-format.ts';
import type { SlaPolicy } from '../policy.schema.ts';
import { findPriority } from '../policy-lookup.ts';
import type { SlaClock } from './clock.types.ts';
import type { Target } from './figures.ts';
import type { Note, Run } from './timeline.ts';

const MAX_CLOSED_DAY_LINES = 31;

export function describeTarget(t: Target): string {
  const calendar =
    t.calendarId !== t.rule.calendar
      ? `${t.calendarId} (contract calendar replacing ${t.rule.calendar})`
      : t.calendarId;
  const note = t.rule.note === undefined ? '' : ` — ${t.rule.note}`;
  return t.rule.duration === null
    ? `no target (calendar ${calendar})${note}`
    : `${t.rule.duration} on ${calendar}${note}`;
}

/** Notes for each later target (priority, plan or category change) and each pause of this run. */
export function regimeAndPauseNotes(
  run: Run,
  targets: readonly Target[],
  untilMs: number,
  final: Target,
): Note[] {
  const notes: Note[] = [];
  for (const t of targets.slice(1)) {
    notes.push({
      atMs: t.regime.fromMs,
      text: `${t.regime.cause}: target recomputed from the start: ${describeTarget(t)}`,
    });
  }
  for (const pause of run.pauses) {
    const pauseEnd = pause.toMs ?? Infinity;
    if (pause.fromMs >= untilMs || pauseEnd <= run.startedAtMs) continue;
    const text =
      pause.toMs === null
        ? `paused (status ${pause.status}): waiting on the customer`
        : `paused until ${formatTraceInstant(final.calendar, pause.toMs)} (status ${pause.status}; resumed by ${pause.resumedBy ?? 'status change'})`;
    notes.push({ atMs: pause.fromMs, text });
  }
  return notes;
}

/** The human trace of one clock: what applied, what happened, closed days skipped, and the outcome. */
export function clockTrace(input: {
  policy: SlaPolicy;
  clock: SlaClock;
  run: Run;
  first: Target;
  final: Target;
  notes: Note[];
  untilMs: number;
  nowMs: number;
  cycle: number | null;
  billing: BillingDecision;
  maintenanceContract: boolean;
}): TraceEntry[] {
  const { policy, clock, run, first, final, untilMs } = input;
  const fmt = (atMs: number) => formatTraceInstant(final.calendar, atMs);
  const entries: TraceEntry[] = [];
  // Lines that tell what happened at an instant carry it: pages show it in the reader's zone.
  const at = (atMs: number, text: string) => entries.push({ atMs, text, line: `${fmt(atMs)} ${text}` });
  const trace = {
    push: (line: string) => entries.push({ atMs: null, text: line, line }),
  };
  for (const line of [
    `policy ${policy.id} v${policy.version}; plan ${first.regime.plan}, priority ${first.regime.priority} (${findPriority(policy, first.regime.priority).label.en})`,
    `target: ${describeTarget(first)}`,
    input.cycle === null
      ? `started ${fmt(run.startedAtMs)} (ticket created)`
      : `started ${fmt(run.startedAtMs)} by customer reply #${input.cycle}`,
  ])
    trace.push(line);
  if (input.billing.billable) {
    trace.push(
      `scope: ${final.regime.category} ticket outside the agreement${input.maintenanceContract ? '' : ' and without a maintenance contract'}: billable (${input.billing.mode})`,
    );
  }
  const notes = [...input.notes].sort((a, b) => a.atMs - b.atMs);
  for (const note of notes) at(note.atMs, note.text);

  // Closed days between the start and the later of the due instant and the end of counting.
  const horizonMs = Math.max(untilMs, clock.dueAtMs ?? untilMs);
  const closed = horizonMs > run.startedAtMs ? final.calendar.closedDays(run.startedAtMs, horizonMs) : [];
  for (const day of closed.slice(0, MAX_CLOSED_DAY_LINES)) trace.push(formatClosedDay(day));
  if (closed.length > MAX_CLOSED_DAY_LINES)
    trace.push(`… and ${closed.length - MAX_CLOSED_DAY_LINES} more closed days`);

  const used = `${formatHumanDuration(clock.usedMs)} used`;
  const ofTarget =
    final.targetMs === null ? '' : ` of ${formatHumanDuration(final.targetMs)} (${clock.percentUsed}%)`;
  if (clock.state === 'breached') {
    trace.push(
      `breached at ${fmt(clock.breachedAtMs!)}; ${used}${ofTarget}${run.active ? '' : `; stopped ${fmt(untilMs)}`}`,
    );
  } else if (clock.state === 'met') {
    trace.push(
      `${final.targetMs === null ? 'stopped' : 'met'} ${fmt(untilMs)}; ${used}${ofTarget}${clock.dueAtMs === null ? '' : `; was due ${fmt(clock.dueAtMs)}`}`,
    );
  } else {
    const due =
      clock.dueAtMs === null
        ? 'no due date'
        : `due ${fmt(clock.dueAtMs)}${clock.state === 'paused' ? ' if resumed now' : ''}`;
    trace.push(`${clock.state} at ${fmt(input.nowMs)}; ${used}${ofTarget}; ${due}`);
  }
  return entries;
}

/** One line of a clock's trace; `atMs` when the line is about an instant (an event, a pause), else null. */
export interface TraceEntry {
  readonly atMs: number | null;
  /** The line without its instant (when `atMs` is set), for pages that format the instant themselves. */
  readonly text: string;
  /** The whole line as `trace` shows it, instant formatted in the calendar's zone. */
  readonly line: string;
}
