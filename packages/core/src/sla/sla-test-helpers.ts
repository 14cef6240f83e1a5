import { compileCalendar } from '../calendar/business-calendar.ts';
import { parseCalendarSpec } from '../calendar/calendar-spec.ts';
import { parseInstant } from '../calendar/zoned-time.ts';
import { policyCalendarResolver } from './calendar-resolver.ts';
import { computeClocks, type SlaClock } from './clock/index.ts';
import { getPolicyPreset } from './policy-presets.ts';
import type { SlaPolicy } from './policy.schema.ts';
import type { ChannelId, MetricId, PriorityId, TicketCategory, TicketEvent } from './ticket-event.ts';

/** An absolute instant from ISO with an offset (tests always write the offset). */
export const at = (iso: string): number => parseInstant(iso, 'UTC');

export function created(
  iso: string,
  plan: string,
  priority: PriorityId,
  extra: { category?: TicketCategory; channel?: ChannelId } = {},
): TicketEvent {
  return {
    type: 'created',
    atMs: at(iso),
    plan,
    priority,
    category: extra.category ?? 'hosting',
    channel: extra.channel ?? 'ticket',
  };
}

const EXTENDED_DAY: Array<[string, string]> = [['07:00', '22:00']];

/** A Sur Mesure contract's extended hours, as a test contract sets them: Mon–Sat 07:00–22:00 Brussels, 15 h days. */
export const TEST_CONTRACT_CALENDAR = compileCalendar(
  parseCalendarSpec({
    name: 'Test contract: extended hours',
    timeZone: 'Europe/Brussels',
    week: {
      mon: EXTENDED_DAY,
      tue: EXTENDED_DAY,
      wed: EXTENDED_DAY,
      thu: EXTENDED_DAY,
      fri: EXTENDED_DAY,
      sat: EXTENDED_DAY,
    },
    holidays: [{ country: 'BE' }],
    businessDay: 'PT15H',
  }),
);
/** The override a Sur Mesure test contract passes. */
export const TEST_CONTRACT_OVERRIDES = { 'sur-mesure-extended': 'test-contract-extended' } as const;

/** The policy's calendars and presets, plus the test contract's `test-contract-extended`. */
export const testCalendars = (policy: SlaPolicy) =>
  policyCalendarResolver(policy, { 'test-contract-extended': TEST_CONTRACT_CALENDAR });

export function clocksAt(
  policy: SlaPolicy | string,
  events: readonly TicketEvent[],
  nowIso: string | number,
  options: {
    calendarOverrides?: Record<string, string>;
    maintenanceContract?: boolean;
    trace?: boolean;
  } = {},
): SlaClock[] {
  const p = typeof policy === 'string' ? getPolicyPreset(policy) : policy;
  return computeClocks({
    policy: p,
    events,
    nowMs: typeof nowIso === 'number' ? nowIso : at(nowIso),
    calendars: testCalendars(p),
    // Sur Mesure's extended hours come from the contract: tests run under the test contract unless they say otherwise.
    calendarOverrides: TEST_CONTRACT_OVERRIDES,
    ...options,
  });
}

export function clockOf(clocks: readonly SlaClock[], metric: MetricId): SlaClock {
  const clock = clocks.find((c) => c.metric === metric);
  if (!clock) throw new Error(`no ${metric} clock among ${clocks.map((c) => c.metric).join(', ')}`);
  return clock;
}
