import type { Db } from '../db/database.ts';
import {
  readCalendarsStamp,
  readWorkspaceCalendars,
  type WorkspaceCalendars,
} from '../calendars/workspace-calendars.repository.ts';
import { DomainError } from '../errors.ts';
import {
  billingFor,
  checkChannel,
  compileCalendar,
  computeClocks,
  getPolicyPreset,
  parseCalendarSpec,
  parseSlaPolicy,
  policyCalendarResolver,
  queueClass,
  queueStartMs,
  reviewStatus,
  SLA_POLICY_PRESET_IDS,
  type BusinessCalendar,
  type CalendarResolver,
  type CalendarSpec,
  type ChannelId,
  type PriorityId,
  type SlaClock,
  type SlaPolicy,
  type TicketCategory,
  type TicketEvent,
  type TicketStatus,
} from './sla-core.ts';

/**
 * The server's one door to the SLA core: policies and calendars loaded per workspace, parsed and compiled once
 * (cached by their stored JSON), and the core's pure functions called with them.
 */
export interface PolicyContext {
  readonly workspaceId: string;
  readonly version: string;
  readonly policy: SlaPolicy;
  readonly calendars: CalendarResolver;
  /** Identifies the workspace calendars this context was built with (see `readWorkspaceCalendars`). */
  readonly calendarsSignature: string;
}

export type PolicyPresetId = (typeof SLA_POLICY_PRESET_IDS)[number];
export const POLICY_PRESET_IDS = SLA_POLICY_PRESET_IDS;

export function isPolicyPresetId(id: string): id is PolicyPresetId {
  return (SLA_POLICY_PRESET_IDS as readonly string[]).includes(id);
}

export function policyPreset(id: PolicyPresetId): SlaPolicy {
  return getPolicyPreset(id);
}

/** Parses a policy, turning the core's error into the API's. */
export function validatePolicy(input: unknown): SlaPolicy {
  try {
    return parseSlaPolicy(input);
  } catch (error) {
    throw new DomainError('INVALID_POLICY', error instanceof Error ? error.message : 'invalid policy');
  }
}

/** A year and a bit: a calendar with no open time in it can never bring a deadline. */
const OPEN_TIME_HORIZON_MS = 400 * 24 * 3600 * 1000;

/**
 * Parses and compiles a calendar spec, turning the core's error into the API's. With `nowMs`, also refuses a
 * calendar with no open time in the coming year: every clock on it would be due never, and every ticket write on
 * it would fail.
 */
export function validateCalendarSpec(input: unknown, nowMs?: number): CalendarSpec {
  let spec: CalendarSpec;
  let calendar: BusinessCalendar;
  try {
    spec = parseCalendarSpec(input);
    calendar = compileCalendar(spec);
  } catch (error) {
    throw new DomainError('INVALID_CALENDAR', error instanceof Error ? error.message : 'invalid calendar');
  }
  if (nowMs !== undefined) {
    let openMs: number;
    try {
      openMs = calendar.elapsedMs(nowMs, nowMs + OPEN_TIME_HORIZON_MS);
    } catch (error) {
      throw new DomainError('INVALID_CALENDAR', error instanceof Error ? error.message : 'invalid calendar');
    }
    if (openMs <= 0)
      throw new DomainError('INVALID_CALENDAR', 'this calendar is never open in the coming year', {
        reason: 'never-open',
      });
  }
  return spec;
}

export function planIdsOf(policy: SlaPolicy): string[] {
  return policy.plans.map((p) => p.id);
}

/**
 * A contract's extended-hours calendar replaces the calendars the policy itself defines (its placeholders, such
 * as hosting-be's `sur-mesure-extended`); preset calendars (business hours, 24/7) stay as they are.
 */
export function calendarOverridesFor(
  policy: SlaPolicy,
  extendedCalendarKey: string | null,
): Record<string, string> {
  if (extendedCalendarKey === null) return {};
  // Only the slots the policy leaves to contracts ("définis spécifiquement dans le contrat particulier"); the
  // policy's other calendars stay its own.
  return Object.fromEntries(policy.contractCalendars.map((id) => [id, extendedCalendarKey]));
}

/**
 * The stored event types `toCoreEvents` keeps (keep the two in step): a reader that only replays clocks, the policy
 * what-if, reads no other rows.
 */
export const CLOCK_EVENT_TYPES = [
  'created',
  'priority-changed',
  'category-changed',
  'plan-changed',
  'status-changed',
  'agent-replied',
  'analysis-started',
  'customer-replied',
] as const;

/** An event's payload, parsed only for the events whose payload a clock reads. */
const payloadOf = (row: { payload_json: string }): Record<string, string> =>
  JSON.parse(row.payload_json) as Record<string, string>;

/** Stored event rows → the core's events; server-only events (assignment, tags, notes…) do not move clocks. */
export function toCoreEvents(
  rows: readonly { type: string; payload_json: string; at: number }[],
): TicketEvent[] {
  const events: TicketEvent[] = [];
  for (const row of rows) {
    const atMs = row.at;
    switch (row.type) {
      case 'created': {
        const payload = payloadOf(row);
        events.push({
          type: 'created',
          atMs,
          plan: String(payload['plan']),
          priority: payload['priority'] as PriorityId,
          category: payload['category'] as TicketCategory,
          channel: payload['channel'] as ChannelId,
        });
        break;
      }
      case 'priority-changed':
        events.push({ type: 'priority-changed', atMs, priority: payloadOf(row)['priority'] as PriorityId });
        break;
      case 'category-changed':
        events.push({
          type: 'category-changed',
          atMs,
          category: payloadOf(row)['category'] as TicketCategory,
        });
        break;
      case 'plan-changed':
        events.push({ type: 'plan-changed', atMs, plan: String(payloadOf(row)['plan']) });
        break;
      case 'status-changed':
        events.push({ type: 'status-changed', atMs, status: payloadOf(row)['status'] as TicketStatus });
        break;
      case 'agent-replied':
      case 'analysis-started':
      case 'customer-replied':
        events.push({ type: row.type, atMs });
        break;
      default:
        break;
    }
  }
  return events;
}

interface CachedContext {
  readonly ctx: PolicyContext;
  readonly expiresAt: number;
}

/** How long another server instance may keep using a workspace's previous calendars after an edit. */
const CONTEXT_TTL_MS = 2000;

export function createSlaClockService({ db }: { db: Db }) {
  const policyCache = new Map<string, SlaPolicy>();
  const calendarCache = new Map<string, BusinessCalendar>();
  const contextCache = new Map<string, CachedContext>();

  function cachedPolicy(json: string): SlaPolicy {
    let policy = policyCache.get(json);
    if (!policy) {
      policy = parseSlaPolicy(JSON.parse(json));
      policyCache.set(json, policy);
    }
    return policy;
  }

  function cachedCalendar(json: string): BusinessCalendar {
    let calendar = calendarCache.get(json);
    if (!calendar) {
      calendar = compileCalendar(parseCalendarSpec(JSON.parse(json)));
      calendarCache.set(json, calendar);
    }
    return calendar;
  }

  // A resolver compiles the policy's own calendars on first use (building a year costs milliseconds): reuse it for as
  // long as the policy and the workspace calendars are unchanged, not just for one context's CONTEXT_TTL_MS.
  const resolverCache = new WeakMap<SlaPolicy, Map<string, CalendarResolver>>();

  /** Workspace calendars (contracts' extended hours) beside the policy's own and the presets. */
  function calendarResolver(policy: SlaPolicy, { rows, signature }: WorkspaceCalendars): CalendarResolver {
    let byCalendars = resolverCache.get(policy);
    if (byCalendars === undefined) {
      byCalendars = new Map();
      resolverCache.set(policy, byCalendars);
    }
    let resolver = byCalendars.get(signature);
    if (resolver === undefined) {
      const extra: Record<string, BusinessCalendar> = {};
      for (const row of rows) extra[row.key] = cachedCalendar(row.spec_json);
      resolver = policyCalendarResolver(policy, extra);
      // Every calendar edit makes a new signature; the old ones are never asked for again.
      if (byCalendars.size >= 16) byCalendars.clear();
      byCalendars.set(signature, resolver);
    }
    return resolver;
  }

  async function loadContext(
    workspaceId: string,
    version: string | undefined,
    calendars?: WorkspaceCalendars,
    executor: Db = db,
  ): Promise<CachedContext> {
    const row = await executor
      .selectFrom('policy_versions')
      .innerJoin('workspaces', 'workspaces.id', 'policy_versions.workspace_id')
      .select(['policy_versions.version', 'policy_versions.policy_json'])
      .where('policy_versions.workspace_id', '=', workspaceId)
      .$if(version === undefined, (qb) =>
        qb.whereRef('policy_versions.version', '=', 'workspaces.policy_version'),
      )
      .$if(version !== undefined, (qb) => qb.where('policy_versions.version', '=', version ?? ''))
      .executeTakeFirst();
    if (!row) throw new DomainError('WORKSPACE_NOT_FOUND', 'workspace has no policy');
    const policy = cachedPolicy(row.policy_json);
    const current = calendars ?? (await readWorkspaceCalendars(executor, workspaceId));
    return {
      ctx: {
        workspaceId,
        version: row.version,
        policy,
        calendars: calendarResolver(policy, current),
        calendarsSignature: current.signature,
      },
      expiresAt: performance.now() + CONTEXT_TTL_MS,
    };
  }

  function knows(ctx: PolicyContext, calendarKey: string): boolean {
    try {
      ctx.calendars(calendarKey);
      return true;
    } catch {
      return false;
    }
  }

  /** The cached context if it may serve a read now (see `policyContext`), else undefined. */
  function cachedContext(
    workspaceId: string,
    version: string | undefined,
    calendarKey: string | null | undefined,
  ): PolicyContext | undefined {
    const cached = contextCache.get(`${workspaceId}\u0000${version ?? ''}`);
    if (cached === undefined || cached.expiresAt <= performance.now()) return undefined;
    return calendarKey == null || knows(cached.ctx, calendarKey) ? cached.ctx : undefined;
  }

  return {
    /**
     * `policyContext` for a read, answered without a turn of the event loop when the cache can: a page of tickets
     * asks once per policy version and calendar on it.
     */
    cachedContext,

    /**
     * The workspace's current policy, or the version a ticket was opened under, with its calendars. Cached for
     * CONTEXT_TTL_MS (policy versions never change; calendars may, and this process forgets them on every edit).
     * `calendarKey`: a calendar the caller needs (a contract's extended hours); a cached context that does not know
     * it is reloaded at once, so a calendar created through another instance is usable immediately.
     * `fresh`: read the policy version and calendars as they are now. Writes ask for it: what they compute is
     * persisted (clocks, the policy version a ticket is pinned to), and must not come from a policy or calendar
     * another instance changed a moment ago (reads only project clocks, so a cache will do).
     */
    async policyContext(
      workspaceId: string,
      version?: string,
      options: { calendarKey?: string | null; fresh?: boolean } = {},
    ): Promise<PolicyContext> {
      const key = `${workspaceId}\u0000${version ?? ''}`;
      const cached = contextCache.get(key);
      const usable = cachedContext(workspaceId, version, options.calendarKey) !== undefined;
      if (usable && options.fresh !== true && cached !== undefined) return cached.ctx;
      // Fresh: the cached context still serves if neither the current policy version nor the calendars changed (a
      // pinned version never changes; the current one may, through another instance). The stamp says so without
      // reading the specs; they are read only when something did change.
      if (options.fresh === true && usable && cached !== undefined) {
        const stamp = await readCalendarsStamp(db, workspaceId);
        if (
          cached.ctx.calendarsSignature === stamp.signature &&
          (version !== undefined || cached.ctx.version === stamp.policyVersion)
        )
          return cached.ctx;
      }
      const calendars = options.fresh === true ? await readWorkspaceCalendars(db, workspaceId) : undefined;
      const loaded = await loadContext(workspaceId, version, calendars);
      contextCache.set(key, loaded);
      return loaded.ctx;
    },

    /**
     * A context read inside a transaction (`trx`), as the transaction sees the policy and calendars: a calendar
     * edit recomputes clocks with the calendar it has just written, before it commits. Not cached.
     */
    async contextWithin(trx: Db, workspaceId: string, version: string): Promise<PolicyContext> {
      return (await loadContext(workspaceId, version, undefined, trx)).ctx;
    },

    /** After a policy or calendar change: the next request reloads (other instances within CONTEXT_TTL_MS). */
    forgetWorkspace(workspaceId: string): void {
      for (const key of contextCache.keys())
        if (key.startsWith(`${workspaceId}\u0000`)) contextCache.delete(key);
    },

    /** A priority of the workspace policy (hosting-be has no P4), else UNKNOWN_PRIORITY naming the ones it has. */
    checkPriority(ctx: PolicyContext, priority: PriorityId): void {
      const known = ctx.policy.priorities.map((p) => p.id);
      if (!known.includes(priority)) {
        throw new DomainError(
          'UNKNOWN_PRIORITY',
          `priority ${priority} is not part of this workspace's policy; use ${known.join(', ')}`,
          {
            priorities: known,
          },
        );
      }
    },

    checkChannel(
      ctx: PolicyContext,
      input: {
        plan: string;
        channel: ChannelId;
        priority: PriorityId;
        atMs: number;
        extendedCalendarKey: string | null;
      },
    ): void {
      const { extendedCalendarKey, ...rest } = input;
      const calendarOverrides = calendarOverridesFor(ctx.policy, extendedCalendarKey);
      const verdict = checkChannel({
        policy: ctx.policy,
        calendars: ctx.calendars,
        calendarOverrides,
        ...rest,
      });
      if (!verdict.allowed) {
        // The core's message already names the channels open to this request.
        throw new DomainError('CHANNEL_NOT_ALLOWED', verdict.message, {
          reason: verdict.reason,
          allowedChannels: verdict.allowedChannels,
        });
      }
    },

    queue(
      ctx: PolicyContext,
      input: { plan: string; priority: PriorityId; createdAtMs: number; extendedCalendarKey: string | null },
    ): { queueClass: 'priority' | 'standard'; queueStartMs: number } {
      const calendarOverrides = calendarOverridesFor(ctx.policy, input.extendedCalendarKey);
      return {
        queueClass: queueClass(ctx.policy, input.plan, input.priority),
        queueStartMs: queueStartMs({
          policy: ctx.policy,
          plan: input.plan,
          priority: input.priority,
          createdAtMs: input.createdAtMs,
          calendars: ctx.calendars,
          calendarOverrides,
        }),
      };
    },

    billingMode(
      ctx: PolicyContext,
      input: { category: TicketCategory; maintenanceContract: boolean },
    ): 'none' | 'quote' | 'time-and-materials' {
      const billing = billingFor({ policy: ctx.policy, ...input });
      return billing.billable ? billing.mode : 'none';
    },

    clocks(
      ctx: PolicyContext,
      input: {
        events: readonly TicketEvent[];
        nowMs: number;
        extendedCalendarKey: string | null;
        /** Pinned on the ticket at creation: application tickets then follow the maintenance contract's rules. */
        maintenanceContract?: boolean;
        /** The human trace (`GET /tickets/{id}/sla`); writes only persist the clocks and skip it. */
        trace?: boolean;
      },
    ): SlaClock[] {
      const calendarOverrides = calendarOverridesFor(ctx.policy, input.extendedCalendarKey);
      return computeClocks({
        policy: ctx.policy,
        events: input.events,
        nowMs: input.nowMs,
        calendars: ctx.calendars,
        calendarOverrides,
        maintenanceContract: input.maintenanceContract ?? false,
        trace: input.trace ?? false,
      });
    },

    reviewStatus(ctx: PolicyContext, nowMs: number) {
      return reviewStatus(ctx.policy, nowMs);
    },
  };
}

export type SlaClockService = ReturnType<typeof createSlaClockService>;
export type { SlaClock, SlaPolicy, TicketEvent };
