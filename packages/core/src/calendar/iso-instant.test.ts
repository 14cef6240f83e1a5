/**
 * The ISO parser and formatter of zoned-time.ts read and write by arithmetic, without `Date` or `Intl`. These
 * properties hold them to `Date.parse` and `Intl` (asked directly, not through the zone tables) across the DST
 * transitions of zones with unusual rules.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarError } from './calendar-error.ts';
import { epochDayToDate, formatInstant, parseInstant } from './zoned-time.ts';

const ZONES = [
  'Europe/Brussels',
  'Asia/Riyadh',
  'America/St_Johns', // -03:30 / -02:30
  'Australia/Lord_Howe', // half-hour summer shift
  'Pacific/Chatham', // +12:45 / +13:45
  'America/Santiago', // southern summer time
  'Africa/Casablanca', // summer time left for Ramadan
  'Asia/Kathmandu', // +05:45
  'Pacific/Apia', // skipped 30 December 2011
  'UTC',
];
const FROM_MS = Date.UTC(2000, 0, 1);
const TO_MS = Date.UTC(2100, 0, 1);
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const intlFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall time and offset at an instant, as Intl states them. */
function intlParts(atMs: number, timeZone: string): { wall: string; offset: string } {
  let format = intlFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    intlFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(atMs).map((part) => [part.type, part.value]));
  const zoneName = parts.timeZoneName ?? '';
  const offset = zoneName === 'GMT' ? '+00:00' : zoneName.slice(3).replace('\u2212', '-');
  return {
    wall: `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`,
    offset,
  };
}

/** What formatInstant must write, built from Intl. */
function referenceFormat(atMs: number, timeZone: string): string {
  const { wall, offset } = intlParts(atMs, timeZone);
  const ms = ((atMs % 1000) + 1000) % 1000;
  return `${wall}${ms === 0 ? '' : `.${String(ms).padStart(3, '0')}`}${offset}`;
}

/**
 * The zone's transitions from 2000 to 2045, found by asking Intl day by day, then bisecting to the millisecond
 * (a few decades meet every rule of these zones; random instants cover the rest of the century).
 */
function transitionsOf(timeZone: string): number[] {
  const found: number[] = [];
  for (let t = FROM_MS; t < Date.UTC(2045, 0, 1); t += DAY_MS) {
    const before = intlParts(t, timeZone).offset;
    if (before === intlParts(t + DAY_MS, timeZone).offset) continue;
    let lo = t;
    let hi = t + DAY_MS;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (intlParts(mid, timeZone).offset === before) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

const transitions = new Map(ZONES.map((zone) => [zone, transitionsOf(zone)] as const));

/** Instants: anywhere in 2000–2099, or within two hours of one of the zone's transitions (to the millisecond). */
const instantNear = (timeZone: string): fc.Arbitrary<number> => {
  const near = transitions.get(timeZone) ?? [];
  const anywhere = fc.integer({ min: FROM_MS, max: TO_MS - 1 });
  if (near.length === 0) return anywhere;
  return fc.oneof(
    anywhere,
    fc
      .tuple(fc.constantFrom(...near), fc.integer({ min: -2 * 3_600_000, max: 2 * 3_600_000 }))
      .map(([at, delta]) => at + delta),
    fc.tuple(fc.constantFrom(...near), fc.integer({ min: -2, max: 2 })).map(([at, delta]) => at + delta),
  );
};

describe('formatInstant', () => {
  it.each(ZONES)('%s: writes the wall time and offset Intl states, to the millisecond', (zone) => {
    fc.assert(
      fc.property(instantNear(zone), (atMs) => formatInstant(atMs, zone) === referenceFormat(atMs, zone)),
      { numRuns: 400 },
    );
  });

  it.each(ZONES)('%s: parseInstant reads back every instant it writes', (zone) => {
    fc.assert(
      fc.property(instantNear(zone), (atMs) => parseInstant(formatInstant(atMs, zone), 'UTC') === atMs),
      { numRuns: 400 },
    );
  });
});

describe('parseInstant with an offset', () => {
  const wallParts = fc.record({
    dayMs: fc.integer({ min: FROM_MS / DAY_MS, max: TO_MS / DAY_MS - 1 }).map((d) => d * DAY_MS),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.option(fc.integer({ min: 0, max: 59 })),
    fraction: fc.option(fc.stringMatching(/^\d{1,9}$/)),
    offsetMinutes: fc.option(fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })),
    offsetStyle: fc.constantFrom('HH:MM', 'HHMM', 'HH', 'Z', 'z'),
    separator: fc.constantFrom('T', ' '),
  });
  const two = (n: number): string => String(n).padStart(2, '0');

  it('equals Date.parse of the same instant written in its canonical form', () => {
    fc.assert(
      fc.property(wallParts, (p) => {
        const date = new Date(p.dayMs).toISOString().slice(0, 10);
        const seconds = p.second ?? (p.fraction === null ? null : 0);
        const fraction = seconds === null ? '' : p.fraction === null ? '' : `.${p.fraction}`;
        const time = `${two(p.hour)}:${two(p.minute)}${seconds === null ? '' : `:${two(seconds)}`}${fraction}`;
        let offsetMinutes = p.offsetMinutes ?? 0;
        if (p.offsetStyle === 'HH') offsetMinutes = Math.trunc(offsetMinutes / 60) * 60;
        const abs = Math.abs(offsetMinutes);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const zone =
          p.offsetStyle === 'Z' || p.offsetStyle === 'z'
            ? p.offsetStyle
            : p.offsetStyle === 'HH'
              ? `${sign}${two(abs / 60)}`
              : `${sign}${two(Math.floor(abs / 60))}${p.offsetStyle === 'HH:MM' ? ':' : ''}${two(abs % 60)}`;
        const text = `${date}${p.separator}${time}${zone}`;
        // Date.parse wants `T`, seconds, at most three fraction digits and `±HH:MM`: the same instant, written so.
        const canonicalFraction = (p.fraction ?? '').slice(0, 3).padEnd(3, '0');
        const canonicalZone =
          p.offsetStyle === 'Z' || p.offsetStyle === 'z'
            ? 'Z'
            : `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
        const canonical = `${date}T${two(p.hour)}:${two(p.minute)}:${two(seconds ?? 0)}.${canonicalFraction}${canonicalZone}`;
        return parseInstant(text, 'Pacific/Chatham') === Date.parse(canonical);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseInstant without an offset', () => {
  /** The compatible rule, asked of Intl: the earlier of the instants showing that wall time, else past the gap. */
  function referenceWallToInstant(wall: string, timeZone: string): number {
    const wallMs = Date.parse(`${wall}Z`);
    const offsets = new Set(
      [wallMs - DAY_MS, wallMs + DAY_MS].map((t) => {
        const { offset } = intlParts(t, timeZone);
        const minutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6));
        return offset.startsWith('-') ? -minutes : minutes;
      }),
    );
    const fits = [...offsets]
      .map((offset) => wallMs - offset * MINUTE_MS)
      .filter((atMs) => `${intlParts(atMs, timeZone).wall}` === wall.slice(0, 19));
    if (fits.length > 0) return Math.min(...fits);
    // In a gap: read with the offset in force before it, which lands after the gap.
    const { offset } = intlParts(wallMs - DAY_MS, timeZone);
    const before = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6));
    return wallMs - (offset.startsWith('-') ? -before : before) * MINUTE_MS;
  }

  it.each(ZONES)(
    '%s: a wall time near a transition reads as Intl says (gap forward, overlap earlier)',
    (zone) => {
      fc.assert(
        fc.property(instantNear(zone), fc.integer({ min: -90, max: 90 }), (atMs, shiftMinutes) => {
          // Wall times around the transition: the ones that happen twice, never, or once.
          const wallMs = Math.floor(atMs / MINUTE_MS) * MINUTE_MS + shiftMinutes * MINUTE_MS;
          const wall = new Date(wallMs).toISOString().slice(0, 19);
          const localWall = intlParts(wallMs, zone).wall;
          return (
            parseInstant(wall, zone) === referenceWallToInstant(wall, zone) &&
            parseInstant(localWall, zone) === referenceWallToInstant(localWall, zone)
          );
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe('parseInstant grammar', () => {
  // The grammar as a regular expression (what parseInstant read with before it read by hand).
  const GRAMMAR =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
  const SAMPLES = [
    '2026-03-27T16:00:00.123456789+01:00',
    '2026-03-27 16:00:30+0100',
    '2026-03-27T16:00Z',
    '2026-03-27',
    '2026-03-27-05',
  ];
  const ALPHABET = '0123456789-+:.TZz t';
  /** A valid sample with characters replaced, inserted or removed. */
  const mutated = fc
    .tuple(
      fc.constantFrom(...SAMPLES),
      fc.array(
        fc.tuple(fc.nat(40), fc.constantFrom('replace', 'insert', 'remove'), fc.constantFrom(...ALPHABET)),
        { maxLength: 3 },
      ),
    )
    .map(([sample, edits]) =>
      edits.reduce((text, [at, kind, char]) => {
        const i = at % (text.length + 1);
        if (kind === 'insert') return text.slice(0, i) + char + text.slice(i);
        if (kind === 'remove') return text.slice(0, i) + text.slice(i + 1);
        return text.slice(0, i) + char + text.slice(i + 1);
      }, sample),
    );

  it('accepts exactly what the grammar accepts; a rejected text is an INVALID_INSTANT naming it', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        let accepted = true;
        try {
          parseInstant(text, 'Europe/Brussels');
        } catch (error) {
          if (!(error instanceof CalendarError)) throw error;
          // Well-formed but impossible (30 February, hour 25, offset +24:00) or out of range is another matter.
          accepted = !/is not an ISO-8601 instant/.test(error.message);
          if (
            !accepted &&
            error.message !== `'${text}' is not an ISO-8601 instant (expected e.g. 2026-03-27T16:00:00+01:00)`
          )
            return false;
        }
        return accepted === GRAMMAR.test(text.trim());
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['2026-02-29T10:00Z', 'not a valid date and time'],
    ['2024-02-29T10:00Z', null],
    ['2100-02-29', 'not a valid date and time'],
    ['2000-02-29', null],
    ['2026-04-31', 'not a valid date and time'],
    ['2026-01-01T24:00', 'not a valid date and time'],
    ['2026-01-01T10:60', 'not a valid date and time'],
    ['2026-01-01T10:00:60', 'not a valid date and time'],
    ['2026-01-01T10:00+24:00', 'has an invalid offset'],
    ['2026-01-01T10:00+01:60', 'has an invalid offset'],
    ['2026-01-01T10:00.5', 'not an ISO-8601 instant'],
    ['2026-01-01T10:00:00.1234567890Z', 'not an ISO-8601 instant'],
    ['  2026-01-01T10:00Z  ', null],
  ])('%j: %s', (text, problem) => {
    if (problem === null) expect(() => parseInstant(text, 'UTC')).not.toThrow();
    else expect(() => parseInstant(text, 'UTC')).toThrow(problem);
  });
});

describe('epochDayToDate', () => {
  it('agrees with Date over the engine years and beyond', () => {
    fc.assert(
      fc.property(fc.integer({ min: -800_000, max: 800_000 }), (epochDay) => {
        const date = new Date(epochDay * DAY_MS);
        const parts = epochDayToDate(epochDay);
        return (
          parts.year === date.getUTCFullYear() &&
          parts.month === date.getUTCMonth() + 1 &&
          parts.day === date.getUTCDate()
        );
      }),
      { numRuns: 5000 },
    );
  });
});
