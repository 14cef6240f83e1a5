/*
 * The engine without the schemas: business calendars and time, the built-in presets, and SLA clocks, with nothing
 * that loads the validation library (zod) or luxon. The `accord` command answers on a preset from this entry alone
 * and loads the schemas (the package's main entry) only to read a user's file; cli/src/engine-entry.test.ts keeps it that way.
 * Everything here is also exported by index.ts.
 */
export * from './calendar/calendar.types.ts';
export * from './calendar/calendar-error.ts';
export * from './calendar/calendar-week.ts';
export * from './calendar/duration.ts';
export * from './calendar/zoned-time.ts';
export * from './calendar/business-calendar.ts';
export * from './calendar/presets.ts';
export * from './calendar/transitions.ts';
export type { CalendarSpec, CalendarSpecInput, DayHours, HolidayRule } from './calendar/calendar-spec.ts';
export * from './sla/ticket-event.ts';
export * from './sla/sla-error.ts';
export type {
  SlaChannelRule,
  SlaPlan,
  SlaPolicy,
  SlaPolicyInput,
  SlaPriority,
  SlaQueue,
  SlaTargetRule,
} from './sla/policy.schema.ts';
export * from './sla/policy-presets.ts';
export * from './sla/policy-lookup.ts';
export * from './sla/calendar-resolver.ts';
export * from './sla/workflow.ts';
export * from './sla/billing.ts';
export * from './sla/clock/index.ts';
export * from './sla/clock-format.ts';
