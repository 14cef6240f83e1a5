import type { Interval } from '../calendar/calendar.types.ts';

/* Half-open spans of epoch milliseconds, `[startMs, endMs)`: the calendar's own `Interval`. */

/** Sorted, non-overlapping, non-empty copy of `intervals` (the input is left as it is). */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.endMs > i.startMs).sort((a, b) => a.startMs - b.startMs);
  const merged: Interval[] = [];
  for (const next of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && next.startMs <= last.endMs)
      merged[merged.length - 1] = { startMs: last.startMs, endMs: Math.max(last.endMs, next.endMs) };
    else merged.push({ startMs: next.startMs, endMs: next.endMs });
  }
  return merged;
}

/** The parts of `intervals` inside `window`, merged. */
export function clipIntervals(intervals: readonly Interval[], window: Interval): Interval[] {
  return mergeIntervals(
    intervals.map((i) => ({
      startMs: Math.max(i.startMs, window.startMs),
      endMs: Math.min(i.endMs, window.endMs),
    })),
  );
}

/** Total length of merged intervals. */
export function totalMs(intervals: readonly Interval[]): number {
  return mergeIntervals(intervals).reduce((sum, i) => sum + (i.endMs - i.startMs), 0);
}

/** `a` minus every interval of `b` (both merged first). */
export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const cuts = mergeIntervals(b);
  const out: Interval[] = [];
  for (const piece of mergeIntervals(a)) {
    let startMs = piece.startMs;
    for (const cut of cuts) {
      if (cut.endMs <= startMs) continue;
      if (cut.startMs >= piece.endMs) break;
      if (cut.startMs > startMs) out.push({ startMs, endMs: cut.startMs });
      startMs = Math.max(startMs, cut.endMs);
      if (startMs >= piece.endMs) break;
    }
    if (startMs < piece.endMs) out.push({ startMs, endMs: piece.endMs });
  }
  return out;
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.startMs < b.endMs && b.startMs < a.endMs;
}
