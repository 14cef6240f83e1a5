import { parseInstant } from '../calendar/zoned-time.ts';
import { policyCalendarResolver } from './calendar-resolver.ts';
import { computeClocks, type SlaClock } from './clock.ts';
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
    calendars: policyCalendarResolver(p),
    ...options,
  });
}

export function clockOf(clocks: readonly SlaClock[], metric: MetricId): SlaClock {
  const clock = clocks.find((c) => c.metric === metric);
  if (!clock) throw new Error(`no ${metric} clock among ${clocks.map((c) => c.metric).join(', ')}`);
  return clock;
}
