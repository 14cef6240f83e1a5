import { z } from 'zod';
import { calendarSpecSchema } from '../calendar/calendar-spec.ts';
import { parseBusinessDuration } from '../calendar/duration.ts';
import { CALENDAR_PRESET_IDS } from '../calendar/presets.ts';
import {
  epochDayToDate,
  isValidTimeZone,
  localEpochDay,
  parseLocalDate,
  zoneOffset,
} from '../calendar/zoned-time.ts';
import { formatZodError } from '../validation.ts';
import { escalationRuleSchema } from './escalation.ts';
import { consultationPolicySchema } from '../consultations/consultation-policy.ts';
import { SlaError } from './sla-error.ts';
import { CHANNEL_IDS, METRIC_IDS, PRIORITY_IDS, TICKET_CATEGORIES, TICKET_STATUSES } from './ticket-event.ts';
import type { PriorityId } from './ticket-event.ts';

export const QUEUE_CLASSES = ['standard', 'priority'] as const;
export type QueueClass = (typeof QUEUE_CLASSES)[number];

export const BILLING_MODES = ['quote', 'time-and-materials'] as const;
export type BillingMode = (typeof BILLING_MODES)[number];

const idSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'expected a lowercase id such as sur-mesure' });

const localDateSchema = z
  .string()
  .refine((s) => parseLocalDate(s) !== undefined, { message: 'expected a date YYYY-MM-DD' });

/** Text shown to clients and agents, in both languages the seeds and the product use. */
// French and English always (the agreements' language and the lingua franca); Arabic where the preset serves Arabic
// readers (consulting-sa). A reader whose language is missing reads English.
const textSchema = z
  .object({ fr: z.string().min(1), en: z.string().min(1), ar: z.string().min(1).optional() })
  .strict();
const textListSchema = z
  .object({
    fr: z.array(z.string().min(1)),
    en: z.array(z.string().min(1)),
    ar: z.array(z.string().min(1)).optional(),
  })
  .strict();

const durationSchema = z.string().refine(
  (s) => {
    try {
      const d = parseBusinessDuration(s);
      return d.days > 0 || d.ms > 0;
    } catch {
      return false;
    }
  },
  { message: 'expected a positive ISO business duration, e.g. PT4H, P1D, P1DT4H' },
);

/** `'*'` = every plan (or priority) of the policy, including ones added later. */
const planSelectorSchema = z.union([z.literal('*'), z.array(idSchema).min(1)]);
const prioritySelectorSchema = z.union([z.literal('*'), z.array(z.enum(PRIORITY_IDS)).min(1)]);
const categorySelectorSchema = z.union([z.literal('*'), z.array(z.enum(TICKET_CATEGORIES)).min(1)]);

const prioritySchema = z
  .object({
    id: z.enum(PRIORITY_IDS),
    label: textSchema,
    description: textSchema,
    examples: textListSchema.default({ fr: [], en: [] }),
    /** A blocking incident (site down, payment failed): the agreements' fast targets are aimed at these. */
    blocking: z.boolean().default(false),
  })
  .strict();

const channelRuleSchema = z
  .object({
    channel: z.enum(CHANNEL_IDS),
    /** When the channel is staffed; `always-open` for 24/7 channels. */
    calendar: idSchema,
    /** Priorities that may be reported through this channel (Pro phone: P1 only). */
    priorities: prioritySelectorSchema.default('*'),
    note: z.string().min(1).optional(),
  })
  .strict();

const planSchema = z
  .object({
    id: idSchema,
    name: textSchema,
    /** The agreement's "priorité de traitement" wording (Standard, Rapide, Prioritaire, Critique/VIP). */
    serviceLevel: textSchema.optional(),
    /** Default queue of the plan's tickets; a target rule may put some priorities elsewhere. */
    queue: z.enum(QUEUE_CLASSES),
    channels: z.array(channelRuleSchema).min(1),
  })
  .strict();

const queueSchema = z
  .object({
    /** `fifo`: arrival order; `priority`: by priority, then arrival. */
    order: z.enum(['fifo', 'priority']),
    /** "Traité à partir du jour ouvrable suivant": work starts at the first opening of the next business day. */
    startsNextBusinessDay: z.boolean(),
    calendar: idSchema,
    description: textSchema.optional(),
  })
  .strict();

const targetRuleSchema = z
  .object({
    plans: planSelectorSchema,
    priorities: prioritySelectorSchema,
    metric: z.enum(METRIC_IDS),
    /** Ticket categories the rule applies to (an application bug is not under the hosting GTI). */
    categories: categorySelectorSchema.default('*'),
    /** Whether the client has a maintenance contract: `true`, `false`, or `'*'` for either. */
    maintenanceContract: z.union([z.boolean(), z.literal('*')]).default('*'),
    /** Business duration on `calendar`; null = no target ("per roadmap", or the agreement sets none). */
    duration: durationSchema.nullable(),
    calendar: idSchema,
    /** Puts the matching tickets in this queue instead of the plan's (P3 goes to the standard queue). */
    queue: z.enum(QUEUE_CLASSES).optional(),
    /** Why this rule exists, quoted in clock traces. */
    note: z.string().min(1).optional(),
  })
  .strict();

const billingSchema = z
  .object({
    /** Categories the agreement itself covers. */
    coveredCategories: z.array(z.enum(TICKET_CATEGORIES)),
    /** Categories a separate maintenance contract covers. */
    maintenanceContractCovers: z.array(z.enum(TICKET_CATEGORIES)).default([]),
    /** What happens to everything else. */
    otherwise: z
      .object({
        mode: z.enum(BILLING_MODES),
        hourlyRate: z
          .object({
            amount: z.number().positive(),
            currency: z.string().regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code' }),
          })
          .strict()
          .nullable()
          .default(null),
      })
      .strict(),
  })
  .strict();

const policyObjectSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1),
    /** Tickets keep the version they were opened under. */
    version: z.number().int().positive(),
    effectiveFrom: localDateSchema,
    /** Defaults to effectiveFrom + reviewEveryMonths. */
    reviewDate: localDateSchema.optional(),
    reviewEveryMonths: z.number().int().min(1).max(120).default(6),
    /** Zone of the agreement's dates (review date) and of event instants written without an offset. */
    timeZone: z
      .string()
      .refine(isValidTimeZone, { message: 'expected an IANA time zone, e.g. Europe/Brussels' }),
    /** Calendars defined by this policy, beside the presets (be-business, sa-business, always-open). */
    calendars: z.record(idSchema, calendarSpecSchema).default({}),
    /**
     * Calendar keys that are slots each contract fills with its own hours (Sur Mesure's extended hours): a clock,
     * channel or queue on one of them needs a calendar override, otherwise it fails (`CONTRACT_CALENDAR_REQUIRED`).
     */
    contractCalendars: z.array(idSchema).default([]),
    /** The clocks every ticket of this policy carries. */
    metrics: z.array(z.enum(METRIC_IDS)).min(1),
    plans: z.array(planSchema).min(1),
    priorities: z.array(prioritySchema).min(1),
    queues: z.object({ standard: queueSchema, priority: queueSchema.optional() }).strict(),
    targets: z.array(targetRuleSchema).min(1),
    billing: billingSchema,
    /** Statuses in which the ticket waits on the customer: the clocks pause (unless `metricPauseStatuses` says otherwise). */
    pauseStatuses: z.array(z.enum(TICKET_STATUSES)).default(['pending-customer']),
    /** Per-metric pause statuses replacing `pauseStatuses` for that metric (`[]` = never pauses: hosting GTI). */
    metricPauseStatuses: z.partialRecord(z.enum(METRIC_IDS), z.array(z.enum(TICKET_STATUSES))).default({}),
    /** Percent of the target used at which a clock warns. */
    // Whole percentages, a handful: each is stored with the clock that crossed it (an integer column) and is a job
    // per clock of every ticket.
    warningThresholds: z.array(z.number().int().gt(0).lt(100)).max(10).default([75, 90]),
    /** Who is told, and what is raised, at each warning, breach or creation (escalation.ts). */
    escalations: z.array(escalationRuleSchema).default([]),
    /** Consultation request deadlines (consultations/consultation-policy.ts); absent: the workspace takes none. */
    consultations: consultationPolicySchema.optional(),
  })
  .strict();

type Issue = (path: (string | number)[], message: string) => void;
const duplicates = (values: readonly string[]) => values.filter((v, i) => values.indexOf(v) !== i);

export const slaPolicySchema = policyObjectSchema.superRefine((policy, ctx) => {
  const issue: Issue = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  for (const id of duplicates(policy.plans.map((p) => p.id)))
    issue(['plans'], `plan '${id}' is defined twice`);
  for (const id of duplicates(policy.priorities.map((p) => p.id)))
    issue(['priorities'], `priority '${id}' is defined twice`);
  for (const m of duplicates(policy.metrics)) issue(['metrics'], `metric '${m}' is listed twice`);
  for (const id of Object.keys(policy.calendars)) {
    if ((CALENDAR_PRESET_IDS as readonly string[]).includes(id))
      issue(['calendars', id], `'${id}' is a preset calendar id`);
  }
  for (const s of policy.pauseStatuses) {
    if (s === 'resolved' || s === 'closed')
      issue(['pauseStatuses'], `'${s}' stops the clocks; it cannot pause them`);
  }
  for (const [metric, statuses] of Object.entries(policy.metricPauseStatuses)) {
    if (!(policy.metrics as readonly string[]).includes(metric))
      issue(['metricPauseStatuses', metric], `metric '${metric}' is not listed in metrics`);
    for (const s of statuses ?? []) {
      if (s === 'resolved' || s === 'closed')
        issue(['metricPauseStatuses', metric], `'${s}' stops the clocks; it cannot pause them`);
    }
  }
  const sorted = [...policy.warningThresholds].sort((a, b) => a - b);
  if (sorted.some((t, i) => t !== policy.warningThresholds[i]) || duplicates(sorted.map(String)).length > 0) {
    issue(['warningThresholds'], 'expected distinct thresholds in increasing order, e.g. [75, 90]');
  }

  const planIds = policy.plans.map((p) => p.id);
  const priorityIds = policy.priorities.map((p) => p.id);
  const calendarKnown = (id: string) =>
    (CALENDAR_PRESET_IDS as readonly string[]).includes(id) ||
    Object.hasOwn(policy.calendars, id) ||
    policy.contractCalendars.includes(id);
  const checkCalendar = (path: (string | number)[], id: string) => {
    if (!calendarKnown(id)) {
      issue(
        path,
        `unknown calendar '${id}' (presets: ${CALENDAR_PRESET_IDS.join(', ')}; or define it under calendars)`,
      );
    }
  };
  const checkPriorities = (path: (string | number)[], selector: '*' | readonly PriorityId[]) => {
    if (selector === '*') return;
    selector.forEach((p, i) => {
      if (!priorityIds.includes(p)) issue([...path, i], `priority '${p}' is not defined in priorities`);
    });
  };

  checkCalendar(['queues', 'standard', 'calendar'], policy.queues.standard.calendar);
  if (policy.queues.priority)
    checkCalendar(['queues', 'priority', 'calendar'], policy.queues.priority.calendar);
  const queueDefined = (q: QueueClass) => q === 'standard' || policy.queues.priority !== undefined;

  policy.plans.forEach((plan, p) => {
    if (!queueDefined(plan.queue))
      issue(['plans', p, 'queue'], `queue '${plan.queue}' is not defined in queues`);
    plan.channels.forEach((rule, c) => {
      checkCalendar(['plans', p, 'channels', c, 'calendar'], rule.calendar);
      checkPriorities(['plans', p, 'channels', c, 'priorities'], rule.priorities);
    });
    for (const ch of duplicates(plan.channels.map((c) => c.channel))) {
      issue(['plans', p, 'channels'], `channel '${ch}' is listed twice`);
    }
  });

  policy.targets.forEach((rule, r) => {
    const path = ['targets', r];
    if (!policy.metrics.includes(rule.metric))
      issue([...path, 'metric'], `metric '${rule.metric}' is not listed in metrics`);
    checkCalendar([...path, 'calendar'], rule.calendar);
    checkPriorities([...path, 'priorities'], rule.priorities);
    if (rule.plans !== '*') {
      rule.plans.forEach((id, i) => {
        if (!planIds.includes(id)) issue([...path, 'plans', i], `plan '${id}' is not defined in plans`);
      });
    }
    if (rule.queue !== undefined && !queueDefined(rule.queue))
      issue([...path, 'queue'], `queue '${rule.queue}' is not defined in queues`);
  });
  policy.escalations.forEach((rule, i) => {
    if (typeof rule.at === 'number' && !policy.warningThresholds.includes(rule.at))
      issue(
        ['escalations', i, 'at'],
        `no warning fires at ${rule.at}%: use one of warningThresholds (${policy.warningThresholds.join(', ')}), 'breach' or 'created'`,
      );
    for (const plan of rule.plans ?? [])
      if (!policy.plans.some((p) => p.id === plan))
        issue(['escalations', i, 'plans'], `unknown plan '${plan}'`);
  });
  if (policy.consultations !== undefined)
    checkCalendar(['consultations', 'calendar'], policy.consultations.calendar);
  checkTargetCoverage(policy, issue);
});

const CONTRACT_CASES = [false, true] as const;
const contractWords = (mc: boolean) =>
  mc ? 'with a maintenance contract' : 'without a maintenance contract';

/**
 * Every plan × priority × metric × category × maintenance contract must have exactly one rule: a gap would be a
 * ticket without a clock, an overlap a case set twice. A combination missing for every category and contract is
 * named as plan × priority × metric, the usual mistake.
 */
function checkTargetCoverage(policy: z.output<typeof policyObjectSchema>, issue: Issue): void {
  const planIds = policy.plans.map((p) => p.id);
  const priorityIds = policy.priorities.map((p) => p.id);
  const coverage = new Map<string, number>();
  policy.targets.forEach((rule, r) => {
    const reported = new Set<number>();
    for (const plan of rule.plans === '*' ? planIds : rule.plans) {
      for (const priority of rule.priorities === '*' ? priorityIds : rule.priorities) {
        for (const category of rule.categories === '*' ? TICKET_CATEGORIES : rule.categories) {
          for (const mc of CONTRACT_CASES) {
            if (rule.maintenanceContract !== '*' && rule.maintenanceContract !== mc) continue;
            const key = `${plan}|${priority}|${rule.metric}|${category}|${mc}`;
            const first = coverage.get(key);
            if (first === undefined) {
              coverage.set(key, r);
              continue;
            }
            // One message per pair of rules and plan × priority, naming the first overlapping case.
            const pair = first * 1_000_000 + planIds.indexOf(plan) * 100 + priorityIds.indexOf(priority);
            if (reported.has(pair)) continue;
            reported.add(pair);
            const scope =
              rule.categories === '*' && rule.maintenanceContract === '*'
                ? ''
                : `, category ${category} ${contractWords(mc)}`;
            issue(
              ['targets', r],
              `plan ${plan}, priority ${priority}, metric ${rule.metric}${scope} is already set by targets[${first}]`,
            );
          }
        }
      }
    }
  });
  for (const plan of planIds) {
    for (const priority of priorityIds) {
      for (const metric of policy.metrics) {
        const missing = TICKET_CATEGORIES.flatMap((category) =>
          CONTRACT_CASES.filter((mc) => !coverage.has(`${plan}|${priority}|${metric}|${category}|${mc}`)).map(
            (mc) => ({ category, mc }),
          ),
        );
        if (missing.length === TICKET_CATEGORIES.length * CONTRACT_CASES.length) {
          issue(['targets'], `no rule for plan ${plan}, priority ${priority}, metric ${metric}`);
          continue;
        }
        for (const { category, mc } of missing) {
          issue(
            ['targets'],
            `no rule for plan ${plan}, priority ${priority}, metric ${metric}, category ${category} ${contractWords(mc)}`,
          );
        }
      }
    }
  }
}

/** What a policy file contains (optional fields may be left out). */
export type SlaPolicyInput = z.input<typeof slaPolicySchema>;
type ParsedPolicy = z.output<typeof slaPolicySchema>;
/** A validated policy; its review date is always filled in. */
export type SlaPolicy = Omit<ParsedPolicy, 'reviewDate'> & { readonly reviewDate: string };
export type SlaPlan = SlaPolicy['plans'][number];
export type SlaPriority = SlaPolicy['priorities'][number];
export type SlaTargetRule = SlaPolicy['targets'][number];
export type SlaChannelRule = SlaPlan['channels'][number];
export type SlaQueue = SlaPolicy['queues']['standard'];

/** `2026-08-31` + 6 months → `2027-02-28`: the day is clamped to the end of a shorter month. */
export function addMonthsToDate(date: string, months: number): string {
  const epochDay = parseLocalDate(date);
  if (epochDay === undefined) throw new RangeError(`not a date: ${date}`);
  const { year, month, day } = epochDayToDate(epochDay);
  const monthIndex = year * 12 + (month - 1) + months;
  const y = Math.floor(monthIndex / 12);
  const m = (monthIndex % 12) + 1;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(day, daysInMonth)).padStart(2, '0')}`;
}

/** Validates a policy (e.g. parsed JSON); the error names each bad field (`targets[3].duration: …`). */
export function parseSlaPolicy(input: unknown): SlaPolicy {
  const result = slaPolicySchema.safeParse(input);
  if (!result.success) {
    throw new SlaError('INVALID_POLICY', `invalid SLA policy: ${formatZodError(result.error)}`);
  }
  const policy = result.data;
  return {
    ...policy,
    reviewDate: policy.reviewDate ?? addMonthsToDate(policy.effectiveFrom, policy.reviewEveryMonths),
  };
}

/** The agreement is reviewed on its review date; from the next day on, the review is overdue. */
export function reviewStatus(
  policy: SlaPolicy,
  nowMs: number,
): { reviewDate: string; overdue: boolean; daysOverdue: number } {
  const today = localEpochDay(zoneOffset(policy.timeZone), nowMs);
  const review = parseLocalDate(policy.reviewDate) ?? today;
  const daysOverdue = Math.max(0, today - review);
  return { reviewDate: policy.reviewDate, overdue: daysOverdue > 0, daysOverdue };
}
