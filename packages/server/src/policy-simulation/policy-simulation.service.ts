import { iso, isoOrNull, requireRole } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import { readWorkspaceCalendars } from '../calendars/workspace-calendars.repository.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError, fromCoreError } from '../errors.ts';
import {
  calendarOverridesFor,
  isPolicyPresetId,
  policyPreset,
  toCoreEvents,
  validateCalendarSpec,
  validatePolicy,
  createSlaClockService,
  type PolicyContext,
  type SlaClockService,
} from '../sla/sla-clock.service.ts';
import {
  CALENDAR_PRESETS,
  compileCalendar,
  isCalendarPresetId,
  createSimulationTally,
  policyCalendarResolver,
  replayClocks,
  type BusinessCalendar,
  type CalendarResolver,
  type ClockChange,
  type PriorityId,
  type SimulatedClock,
  type SimulationRow,
  type SlaPolicy,
  type TicketStatus,
} from '../sla/sla-core.ts';
import { projectClock } from '../sla/sla-projection.ts';
import { persistedClockOf } from '../tickets/ticket-sla.ts';
import {
  createPolicySimulationRepository,
  type SimulatedTicketRow,
  type SimulationPage,
} from './policy-simulation.repository.ts';

/** The longest window a simulation replays: a year and a day covers two six-monthly reviews and any leap year. */
export const MAX_SIMULATION_SPAN_DAYS = 366;
const DAY_MS = 86_400_000;
/** Tickets read and replayed per round trip: large enough to amortise the queries, small enough to bound memory. */
const PAGE_SIZE = 1000;
/** The tickets a simulation could not replay are counted; this many are named. */
const SKIPPED_SAMPLE = 20;

export interface SimulationRequest {
  readonly draft: { readonly preset: string } | { readonly policy: unknown };
  /** Calendars of the draft, by key: each replaces the workspace's (or preset's) calendar of the same key. */
  readonly calendars?: Readonly<Record<string, unknown>> | undefined;
  readonly fromMs: number;
  readonly toMs: number;
  readonly organizationId?: string | undefined;
  readonly plans?: readonly string[] | undefined;
  readonly priorities?: readonly PriorityId[] | undefined;
  /** How many changed clocks to list (default 500). */
  readonly changedLimit?: number | undefined;
}

/** A draft exactly as `PUT /policy` reads one (same codes and messages); the version is not checked. */
export function draftPolicyOf(draft: SimulationRequest['draft']): SlaPolicy {
  if ('preset' in draft) {
    if (!isPolicyPresetId(draft.preset))
      throw new DomainError('INVALID_POLICY', `unknown preset '${draft.preset}'`);
    return policyPreset(draft.preset);
  }
  return validatePolicy(draft.policy);
}

function checkWindow(fromMs: number, toMs: number): void {
  if (!(toMs > fromMs))
    throw new DomainError('VALIDATION_FAILED', '`to` must be after `from`', { field: 'to' });
  if (toMs - fromMs > MAX_SIMULATION_SPAN_DAYS * DAY_MS)
    throw new DomainError(
      'VALIDATION_FAILED',
      `a simulation covers at most ${MAX_SIMULATION_SPAN_DAYS} days of tickets; narrow [from, to)`,
      { field: 'to', maxSpanDays: MAX_SIMULATION_SPAN_DAYS },
    );
}

/** Draft calendars validated as `PUT /calendars/{key}` validates one, the failing key named. */
function draftCalendarsOf(input: Readonly<Record<string, unknown>>, nowMs: number) {
  const out: Record<string, BusinessCalendar> = {};
  for (const [key, spec] of Object.entries(input)) {
    try {
      out[key] = compileCalendar(validateCalendarSpec(spec, nowMs));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new DomainError(error.code, `calendars.${key}: ${error.message}`, { ...error.details, key });
    }
  }
  return out;
}

const changeDto = (c: ClockChange) => ({
  ticketId: c.ticketId,
  metric: c.metric,
  currentDueAt: isoOrNull(c.currentDueAtMs),
  proposedDueAt: isoOrNull(c.proposedDueAtMs),
  currentState: c.currentState,
  proposedState: c.proposedState,
  movedMs: c.movedMs,
});

const rowDto = <K extends object>(row: SimulationRow<K>) => ({
  ...row.key,
  current: row.current,
  proposed: row.proposed,
  changed: row.changed,
  later: row.later,
  earlier: row.earlier,
});

export type SimulationResult = ReturnType<typeof resultDto>;

function resultDto(
  summary: ReturnType<ReturnType<typeof createSimulationTally>['summary']>,
  extra: {
    draftVersion: string;
    fromMs: number;
    toMs: number;
    nowMs: number;
    skipped: { count: number; tickets: { ticketId: string; code: string; message: string }[] };
  },
) {
  return {
    draftVersion: extra.draftVersion,
    from: iso(extra.fromMs),
    to: iso(extra.toMs),
    at: iso(extra.nowMs),
    tickets: summary.tickets,
    skipped: extra.skipped,
    current: summary.current,
    proposed: summary.proposed,
    byPlan: summary.byPlan.map(rowDto),
    byPriority: summary.byPriority.map(rowDto),
    byMetric: summary.byMetric.map(rowDto),
    cells: summary.cells.map(rowDto),
    changedClocks: summary.changedClocks,
    changed: summary.changed.map(changeDto),
  };
}

export interface PolicySimulationDeps {
  readonly db: Db;
  readonly sla: SlaClockService;
  readonly clock: Clock;
}

/**
 * Policy what-if: the workspace's tickets opened in [from, to) replayed from their history under a draft policy
 * and calendars, beside what their stored clocks show today. Reads only: it goes nowhere near the write path, so no
 * ticket, version, job or outbox message can change.
 */
export function createPolicySimulationService({ db, sla, clock }: PolicySimulationDeps) {
  const repository = createPolicySimulationRepository(db);

  /** The clocks a ticket shows now: its stored clocks, under the version it is pinned to, projected as reads do. */
  function currentClocks(
    ctx: PolicyContext,
    ticket: SimulatedTicketRow,
    page: SimulationPage,
    nowMs: number,
  ): SimulatedClock[] {
    const rows = page.clocks.get(ticket.id) ?? [];
    const out = new Array<SimulatedClock>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const shown = projectClock(persistedClockOf(row), {
        nowMs,
        calendar: ctx.calendars(row.calendar_id),
        status: ticket.status as TicketStatus,
        pauseRules: ctx.policy,
        warningThresholds: ctx.policy.warningThresholds,
      });
      out[i] = { metric: shown.metric, state: shown.state, dueAtMs: shown.dueAtMs };
    }
    return out;
  }

  async function run(workspaceId: string, request: SimulationRequest): Promise<SimulationResult> {
    const nowMs = clock.nowMs();
    const draft = draftPolicyOf(request.draft);
    checkWindow(request.fromMs, request.toMs);
    const drafts = draftCalendarsOf(request.calendars ?? {}, nowMs);
    if (
      request.organizationId !== undefined &&
      !(await repository.organizationExists(workspaceId, request.organizationId))
    )
      throw new DomainError('ORGANIZATION_NOT_FOUND', `organization ${request.organizationId} not found`);

    const workspaceCalendars: Record<string, BusinessCalendar> = {};
    for (const row of (await readWorkspaceCalendars(db, workspaceId)).rows)
      workspaceCalendars[row.key] = compileCalendar(validateCalendarSpec(JSON.parse(row.spec_json)));
    const proposedCalendars: CalendarResolver = policyCalendarResolver(draft, {
      ...workspaceCalendars,
      ...drafts,
    });

    const tally = createSimulationTally({ changedLimit: request.changedLimit ?? 500 });
    const skipped = { count: 0, tickets: [] as { ticketId: string; code: string; message: string }[] };
    const contexts = new Map<string, PolicyContext>();
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = await repository.page({
        workspaceId,
        fromMs: request.fromMs,
        toMs: request.toMs,
        organizationId: request.organizationId,
        plans: request.plans,
        priorities: request.priorities,
        after,
        limit: PAGE_SIZE,
      });
      for (const ticket of page.tickets) {
        const key = `${ticket.policy_version}\u0000${ticket.extended_calendar_key ?? ''}`;
        let ctx = contexts.get(key);
        if (ctx === undefined) {
          ctx = await sla.policyContext(workspaceId, ticket.policy_version, {
            calendarKey: ticket.extended_calendar_key,
          });
          contexts.set(key, ctx);
        }
        try {
          tally.add({
            ticketId: ticket.id,
            plan: ticket.plan,
            priority: ticket.priority as PriorityId,
            current: currentClocks(ctx, ticket, page, nowMs),
            proposed: replayClocks({
              policy: draft,
              events: toCoreEvents(page.events.get(ticket.id) ?? []),
              nowMs,
              calendars: proposedCalendars,
              calendarOverrides: calendarOverridesFor(draft, ticket.extended_calendar_key),
              maintenanceContract: ticket.maintenance_contract === 1,
            }),
          });
        } catch (error) {
          // A ticket the draft cannot replay (a plan it drops, a contract calendar it cannot fill) is reported, not
          // fatal: that is exactly what an operator needs to see before adopting the draft.
          const known = error instanceof DomainError ? error : fromCoreError(error);
          if (known === undefined) throw error;
          skipped.count += 1;
          if (skipped.tickets.length < SKIPPED_SAMPLE)
            skipped.tickets.push({ ticketId: ticket.id, code: known.code, message: known.message });
        }
      }
      const last = page.tickets.at(-1);
      if (last === undefined || page.tickets.length < PAGE_SIZE) break;
      after = { createdAt: last.created_at, id: last.id };
    }
    return resultDto(tally.summary(), {
      draftVersion: String(draft.version),
      fromMs: request.fromMs,
      toMs: request.toMs,
      nowMs,
      skipped,
    });
  }

  return {
    /**
     * `GET /policy/calendars`: the spec of every calendar the policy in force names, as the clocks resolve it (the
     * workspace's own, else the policy's, else the preset), so that a draft can start from it. A contract slot
     * (Sur Mesure's extended hours) is filled per contract and is not listed.
     */
    async draftCalendars(actor: Actor) {
      requireRole(actor, ['admin'], 'draft policy calendars');
      const ctx = await sla.policyContext(actor.workspaceId);
      const stored = new Map(
        (await readWorkspaceCalendars(db, actor.workspaceId)).rows.map((r) => [r.key, r.spec_json]),
      );
      const { policy } = ctx;
      const named = new Set<string>([
        ...policy.targets.map((t) => t.calendar),
        ...policy.plans.flatMap((p) => p.channels.map((c) => c.calendar)),
        policy.queues.standard.calendar,
        ...(policy.queues.priority === undefined ? [] : [policy.queues.priority.calendar]),
      ]);
      const items: {
        key: string;
        source: 'workspace' | 'policy' | 'preset';
        spec: Record<string, unknown>;
      }[] = [];
      for (const key of [...named].sort()) {
        if (policy.contractCalendars.includes(key)) continue;
        const json = stored.get(key);
        if (json !== undefined)
          items.push({ key, source: 'workspace', spec: JSON.parse(json) as Record<string, unknown> });
        else if (Object.hasOwn(policy.calendars, key))
          items.push({ key, source: 'policy', spec: { ...policy.calendars[key]! } });
        else if (isCalendarPresetId(key))
          items.push({ key, source: 'preset', spec: { ...CALENDAR_PRESETS[key] } });
      }
      return items;
    },

    /** `POST /policy/simulate` (admins: a simulation reads every ticket of the workspace). */
    async simulate(actor: Actor, request: SimulationRequest): Promise<SimulationResult> {
      requireRole(actor, ['admin'], 'simulate a policy');
      return run(actor.workspaceId, request);
    },

    /**
     * The command line's door (`accord sla simulate`): whoever runs it already holds the database. Without a slug,
     * the database's only workspace.
     */
    async simulateWorkspace(slug: string | undefined, request: SimulationRequest): Promise<SimulationResult> {
      const all = await repository.workspaces();
      const chosen = slug === undefined && all.length === 1 ? all[0] : all.find((w) => w.slug === slug);
      if (chosen === undefined)
        throw new DomainError(
          'WORKSPACE_NOT_FOUND',
          `${slug === undefined ? 'name a workspace (--workspace SLUG)' : `no workspace '${slug}'`}; there are: ${all.map((w) => w.slug).join(', ') || 'none'}`,
        );
      const workspaceId = chosen.id;
      return run(workspaceId, request);
    },
  };
}

export type PolicySimulationService = ReturnType<typeof createPolicySimulationService>;

/** The command line's and the bench's simulation: over a database alone, with its own policy cache. */
export function createStandalonePolicySimulation(db: Db, clock: Clock): PolicySimulationService {
  return createPolicySimulationService({ db, sla: createSlaClockService({ db }), clock });
}
