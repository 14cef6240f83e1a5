import type { BusinessCalendar } from '../../calendar/calendar.types.ts';
import { businessDurationMs, parseBusinessDuration } from '../../calendar/duration.ts';
import { contractCalendarId } from '../calendar-resolver.ts';
import { formatTraceInstant } from '../clock-format.ts';
import type { SlaTargetRule } from '../policy.schema.ts';
import { findTargetRule } from '../policy-lookup.ts';
import type { MetricId } from '../ticket-event.ts';
import type { ComputeClocksInput } from './clock.types.ts';
import type { Note, Regime, Span } from './timeline.ts';

/** The target in force under one regime: its rule, calendar and duration in open milliseconds. */
export interface Target {
  regime: Regime;
  rule: SlaTargetRule;
  calendarId: string;
  calendar: BusinessCalendar;
  targetMs: number | null;
}

export function targetOf(input: ComputeClocksInput, metric: MetricId, regime: Regime): Target {
  const rule = findTargetRule(input.policy, {
    plan: regime.plan,
    priority: regime.priority,
    metric,
    category: regime.category,
    maintenanceContract: input.maintenanceContract ?? false,
  });
  const calendarId = contractCalendarId(input.policy, rule.calendar, input.calendarOverrides);
  const calendar = input.calendars(calendarId);
  const targetMs =
    rule.duration === null
      ? null
      : businessDurationMs(parseBusinessDuration(rule.duration), calendar.businessDayMs);
  return { regime, rule, calendarId, calendar, targetMs };
}

interface Walk {
  /** The instant the target is used up, when it falls inside the spans (or the running span). */
  dueAtMs: number | null;
  /** The due instant, when counting went on past it. */
  breachAtMs: number | null;
  /** Target left after the last closed span. */
  remainingMs: number;
}

/**
 * Walks the counting spans up to `untilMs` against a target. A clock is breached when it keeps
 * counting past its due instant — the deadline, even if that is a closing time (17:30) and the
 * business time used is exactly the target.
 */
function walk(
  spans: readonly Span[],
  untilMs: number,
  running: boolean,
  targetMs: number,
  calendar: BusinessCalendar,
): Walk {
  let remainingMs = targetMs;
  for (const span of spans) {
    if (span.startMs > untilMs) break;
    const endMs = Math.min(span.endMs ?? untilMs, untilMs);
    const isRunningSpan = running && span.endMs === null;
    if (endMs <= span.startMs && !isRunningSpan) continue;
    const dueAtMs = calendar.dueAt(span.startMs, remainingMs);
    if (dueAtMs < endMs) return { dueAtMs, breachAtMs: dueAtMs, remainingMs: 0 };
    if (isRunningSpan) return { dueAtMs, breachAtMs: null, remainingMs };
    remainingMs = Math.max(0, remainingMs - calendar.elapsedMs(span.startMs, endMs));
  }
  return { dueAtMs: null, breachAtMs: null, remainingMs };
}

function usedMsOf(spans: readonly Span[], untilMs: number, calendar: BusinessCalendar): number {
  let usedMs = 0;
  for (const span of spans) {
    const endMs = Math.min(span.endMs ?? untilMs, untilMs);
    if (endMs > span.startMs) usedMs += calendar.elapsedMs(span.startMs, endMs);
  }
  return usedMs;
}

/** Where a run stands: how far it counted and whether it counts at `now`. */
export interface RunPosition {
  spans: readonly Span[];
  untilMs: number;
  running: boolean;
  active: boolean;
  nowMs: number;
}

/** The first breach under any of the successive targets; a breach under an earlier target stays recorded. */
export function firstBreach(
  pos: RunPosition,
  targets: readonly Target[],
  withTrace: boolean,
): { breachedAtMs: number | null; notes: Note[] } {
  const notes: Note[] = [];
  let breachedAtMs: number | null = null;
  targets.forEach((t, i) => {
    if (t.targetMs === null || breachedAtMs !== null) return;
    const next = targets[i + 1];
    const isLast = next === undefined;
    const w = walk(
      pos.spans,
      isLast ? pos.untilMs : next.regime.fromMs,
      isLast && pos.running,
      t.targetMs,
      t.calendar,
    );
    if (w.breachAtMs === null) return;
    breachedAtMs = Math.max(w.breachAtMs, t.regime.fromMs);
    if (isLast || !withTrace) return;
    notes.push({
      atMs: breachedAtMs,
      text: `breach recorded: target ${t.rule.duration} (${t.regime.plan}, ${t.regime.priority}) was due ${formatTraceInstant(t.calendar, w.breachAtMs)}`,
    });
  });
  return { breachedAtMs, notes };
}

export interface Figures {
  usedMs: number;
  dueAtMs: number | null;
  remainingMs: number | null;
  percentUsed: number | null;
  warningThreshold: number | null;
  nextWarningAtMs: number | null;
}

/** The figures a clock shows under its final target. */
export function clockFigures(
  pos: RunPosition,
  final: Target,
  breachedAtMs: number | null,
  warningThresholds: readonly number[],
): Figures {
  const usedMs = usedMsOf(pos.spans, pos.untilMs, final.calendar);
  if (final.targetMs === null) {
    return {
      usedMs,
      dueAtMs: null,
      remainingMs: null,
      percentUsed: null,
      warningThreshold: null,
      nextWarningAtMs: null,
    };
  }
  const w = walk(pos.spans, pos.untilMs, pos.running, final.targetMs, final.calendar);
  // Not reached inside the spans: the deadline if counting resumed where it stopped (or now, if paused).
  const dueAtMs = w.dueAtMs ?? final.calendar.dueAt(pos.active ? pos.nowMs : pos.untilMs, w.remainingMs);
  const ratio = usedMs / final.targetMs;
  const crossed = warningThresholds.filter((t) => ratio * 100 >= t);
  const nextThreshold = warningThresholds.find((t) => ratio * 100 < t);
  const nextWarningAtMs =
    pos.running && breachedAtMs === null && nextThreshold !== undefined
      ? final.calendar.dueAt(pos.nowMs, Math.ceil((nextThreshold / 100) * final.targetMs) - usedMs)
      : null;
  return {
    usedMs,
    dueAtMs,
    remainingMs: final.targetMs - usedMs,
    percentUsed: Math.round(ratio * 1000) / 10,
    warningThreshold: crossed.at(-1) ?? null,
    nextWarningAtMs,
  };
}
