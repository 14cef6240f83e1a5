/** Lays the server's open intervals (UTC instants) out on local days of the calendar's zone, for the week preview. */

export interface DaySegment {
  /** Minutes after local midnight, 0–1440. */
  readonly startMinute: number;
  readonly endMinute: number;
}

export interface PreviewDay {
  /** YYYY-MM-DD in the calendar's zone. */
  readonly date: string;
  readonly segments: DaySegment[];
}

function localParts(ms: number, timeZone: string): { date: string; minute: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    minute: Number(parts['hour']) * 60 + Number(parts['minute']),
  };
}

/** One entry per local day from `fromIso` to `toIso`, each with its open segments (split at local midnight). */
export function previewDays(
  open: readonly { start: string; end: string }[],
  fromIso: string,
  toIso: string,
  timeZone: string,
): PreviewDay[] {
  const days = new Map<string, DaySegment[]>();
  const fromMs = Date.parse(fromIso);
  const toMs = Date.parse(toIso);
  for (let ms = fromMs; ms < toMs; ms += 3_600_000) {
    const { date } = localParts(ms, timeZone);
    if (!days.has(date)) days.set(date, []);
  }
  for (const interval of open) {
    let startMs = Date.parse(interval.start);
    const endMs = Date.parse(interval.end);
    while (startMs < endMs) {
      const start = localParts(startMs, timeZone);
      const untilMidnightMs = (1440 - start.minute) * 60_000 - (startMs % 60_000);
      const segmentEndMs = Math.min(endMs, startMs + untilMidnightMs);
      const end = localParts(segmentEndMs, timeZone);
      const endMinute = end.date === start.date ? end.minute : 1440;
      if (endMinute > start.minute) {
        const list = days.get(start.date) ?? [];
        list.push({ startMinute: start.minute, endMinute });
        days.set(start.date, list);
      }
      startMs = segmentEndMs;
    }
  }
  return [...days.entries()].map(([date, segments]) => ({ date, segments }));
}

const pad = (n: number) => String(n).padStart(2, '0');
export const hhmm = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;

/** "08:30-12:00, 13:00-17:30" → [["08:30","12:00"],["13:00","17:30"]] (what the calendar spec holds). */
export function parseDayHours(text: string): [string, string][] {
  return text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((range) => {
      const [from = '', to = ''] = range.split(/\s*[-–]\s*/);
      return [from.trim(), to.trim()];
    });
}

export const formatDayHours = (hours: readonly (readonly string[])[] | undefined): string =>
  (hours ?? []).map(([from, to]) => `${from}-${to}`).join(', ');
