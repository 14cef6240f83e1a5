import { describe, expect, it } from 'vitest';
import { formatInstant } from '../../calendar/zoned-time.ts';
import { clockOf, clocksAt, created } from '../sla-test-helpers.ts';
import type { MetricId, PriorityId } from '../ticket-event.ts';

/**
 * Every plan × priority of both presets, started at three awkward instants. The expected due
 * instants are worked out by hand from the seeds (hours, holidays, DST) — see the comments.
 */

// be-business: Mon–Fri 08:30–17:30 Brussels (9 h a day); sur-mesure-extended: Mon–Sat 07:00–22:00.
const HOSTING_SCENARIOS = {
  // 2.5 h left on Friday; the weekend is skipped.
  'Friday afternoon': '2026-03-13T15:00:00+01:00',
  // Saturday evening before the spring-forward Sunday (29 March): Monday is +02:00; Easter Monday 6 April closed.
  'DST weekend': '2026-03-28T21:30:00+01:00',
  // Thursday evening before Labour Day (Friday 1 May): be-business is already closed.
  'eve of holiday': '2026-04-30T21:00:00+02:00',
} as const;
type Scenario = keyof typeof HOSTING_SCENARIOS;

type HostingTarget = 'PT2H-extended' | 'PT4H' | 'PT24H' | 'PT48H';
const HOSTING_DUE: Record<HostingTarget, Record<Scenario, string>> = {
  // Fri 15:00 + 2 h (open till 22:00) | Sat 21:30–22:00, Mon 07:00 (+02:00) + 1.5 h | Thu 21–22, 1 May closed, Sat 07:00 + 1 h
  'PT2H-extended': {
    'Friday afternoon': '2026-03-13T17:00:00+01:00',
    'DST weekend': '2026-03-30T08:30:00+02:00',
    'eve of holiday': '2026-05-02T08:00:00+02:00',
  },
  // 2.5 h Fri + 1.5 h Mon | Mon 08:30 + 4 h | Mon 4 May 08:30 + 4 h
  PT4H: {
    'Friday afternoon': '2026-03-16T10:00:00+01:00',
    'DST weekend': '2026-03-30T12:30:00+02:00',
    'eve of holiday': '2026-05-04T12:30:00+02:00',
  },
  // 2.5 + 9 + 9 + 3.5 (Wed) | 9 + 9 + 6 (Wed) | 9 + 9 + 6 (Wed)
  PT24H: {
    'Friday afternoon': '2026-03-18T12:00:00+01:00',
    'DST weekend': '2026-04-01T14:30:00+02:00',
    'eve of holiday': '2026-05-06T14:30:00+02:00',
  },
  // 2.5 + 5 × 9 + 0.5 (next Mon) | 5 × 9, Easter Monday skipped, + 3 (Tue 7 Apr) | 5 × 9 + 3 (Mon 11 May)
  PT48H: {
    'Friday afternoon': '2026-03-23T09:00:00+01:00',
    'DST weekend': '2026-04-07T11:30:00+02:00',
    'eve of holiday': '2026-05-11T11:30:00+02:00',
  },
};

// The seed's table, with the documented readings: fast GTI for blocking P1 only; P2 on Pro/Sur Mesure
// gets the Classique GTI; P3 follows the standard (Start) schedule whatever the plan.
const HOSTING_MATRIX: Record<string, Record<'P1' | 'P2' | 'P3', HostingTarget>> = {
  start: { P1: 'PT48H', P2: 'PT48H', P3: 'PT48H' },
  classique: { P1: 'PT24H', P2: 'PT24H', P3: 'PT48H' },
  pro: { P1: 'PT4H', P2: 'PT24H', P3: 'PT48H' },
  'sur-mesure': { P1: 'PT2H-extended', P2: 'PT24H', P3: 'PT48H' },
};

const hostingRows = Object.entries(HOSTING_MATRIX).flatMap(([plan, byPriority]) =>
  Object.entries(byPriority).flatMap(([priority, target]) =>
    (Object.keys(HOSTING_SCENARIOS) as Scenario[]).map((scenario) => ({
      scenario,
      plan,
      priority: priority as PriorityId,
      target,
      due: HOSTING_DUE[target][scenario],
    })),
  ),
);

describe('computeClocks: hosting-be, every plan × priority', () => {
  it.each(hostingRows)(
    '$plan $priority, $scenario → intervention due $due',
    ({ scenario, plan, priority, target, due }) => {
      const start = HOSTING_SCENARIOS[scenario];
      const clocks = clocksAt('hosting-be', [created(start, plan, priority)], start);
      const intervention = clockOf(clocks, 'intervention');
      expect(intervention.target).toBe(target.replace('-extended', ''));
      expect(intervention.calendarId).toBe(
        target.endsWith('-extended') ? 'test-contract-extended' : 'be-business',
      );
      expect(intervention.state).toBe('running');
      expect(formatInstant(intervention.dueAtMs!, 'Europe/Brussels')).toBe(due);
      // The agreement sets no resolution time: the clock runs without a target.
      const resolution = clockOf(clocks, 'resolution');
      expect([resolution.target, resolution.dueAtMs, resolution.state]).toEqual([null, null, 'running']);
    },
  );
});

// sa-business: Sun–Thu 09:00–18:00 Riyadh (+03:00, no DST), 9 h a day; Eid al-Fitr closes 19–22 March 2026.
const CONSULTING_SCENARIOS = {
  // Friday is the Saudi weekend: counting starts Sunday 15 March 09:00.
  'Friday afternoon': '2026-03-13T15:00:00+03:00',
  // Europe's DST weekend must not move Riyadh: Saturday → Sunday 29 March 09:00.
  'DST weekend': '2026-03-28T21:30:00+03:00',
  // Wednesday 18 March, eve of Eid al-Fitr: 3 h left, then closed until Monday 23 March.
  'eve of holiday': '2026-03-18T15:00:00+03:00',
} as const;

const CONSULTING_DUE: Record<
  PriorityId,
  Record<'firstResponse' | 'resolution', [string | null, Record<Scenario, string> | null]>
> = {
  P1: {
    firstResponse: [
      'PT1H',
      {
        'Friday afternoon': '2026-03-15T10:00:00+03:00',
        'DST weekend': '2026-03-29T10:00:00+03:00',
        'eve of holiday': '2026-03-18T16:00:00+03:00',
      },
    ],
    // eve: 3 h Wed + 1 h Mon 23
    resolution: [
      'PT4H',
      {
        'Friday afternoon': '2026-03-15T13:00:00+03:00',
        'DST weekend': '2026-03-29T13:00:00+03:00',
        'eve of holiday': '2026-03-23T10:00:00+03:00',
      },
    ],
  },
  P2: {
    firstResponse: [
      'PT4H',
      {
        'Friday afternoon': '2026-03-15T13:00:00+03:00',
        'DST weekend': '2026-03-29T13:00:00+03:00',
        'eve of holiday': '2026-03-23T10:00:00+03:00',
      },
    ],
    // one business day = 9 h: an exact fill ends on the closing time; eve: 3 + 6
    resolution: [
      'P1D',
      {
        'Friday afternoon': '2026-03-15T18:00:00+03:00',
        'DST weekend': '2026-03-29T18:00:00+03:00',
        'eve of holiday': '2026-03-23T15:00:00+03:00',
      },
    ],
  },
  P3: {
    firstResponse: [
      'P1D',
      {
        'Friday afternoon': '2026-03-15T18:00:00+03:00',
        'DST weekend': '2026-03-29T18:00:00+03:00',
        'eve of holiday': '2026-03-23T15:00:00+03:00',
      },
    ],
    // 27 h: Sun, Mon, Tue | eve: 3 + 9 (Mon) + 9 (Tue) + 6 (Wed 25)
    resolution: [
      'P3D',
      {
        'Friday afternoon': '2026-03-17T18:00:00+03:00',
        'DST weekend': '2026-03-31T18:00:00+03:00',
        'eve of holiday': '2026-03-25T15:00:00+03:00',
      },
    ],
  },
  P4: {
    // 18 h: Sun, Mon | eve: 3 + 9 + 6 (Tue 24)
    firstResponse: [
      'P2D',
      {
        'Friday afternoon': '2026-03-16T18:00:00+03:00',
        'DST weekend': '2026-03-30T18:00:00+03:00',
        'eve of holiday': '2026-03-24T15:00:00+03:00',
      },
    ],
    resolution: [null, null],
  },
};

const consultingRows = (Object.keys(CONSULTING_DUE) as PriorityId[]).flatMap((priority) =>
  (['firstResponse', 'resolution'] as const).flatMap((metric) =>
    (Object.keys(CONSULTING_SCENARIOS) as Scenario[]).map((scenario) => {
      const [target, dues] = CONSULTING_DUE[priority][metric];
      return {
        scenario,
        priority,
        metric: metric as MetricId,
        target,
        due: dues === null ? null : dues[scenario],
      };
    }),
  ),
);

describe('computeClocks: consulting-sa, every priority × metric', () => {
  it.each(consultingRows)(
    'standard $priority $metric, $scenario → due $due',
    ({ scenario, priority, metric, target, due }) => {
      const start = CONSULTING_SCENARIOS[scenario];
      const clock = clockOf(clocksAt('consulting-sa', [created(start, 'standard', priority)], start), metric);
      expect(clock.target).toBe(target);
      expect(clock.calendarId).toBe('sa-business');
      expect(clock.dueAtMs === null ? null : formatInstant(clock.dueAtMs, 'Asia/Riyadh')).toBe(due);
    },
  );
});
