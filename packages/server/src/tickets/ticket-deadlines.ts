import type { Clock } from '../clock.ts';
import { insertNewJobs, pendingJobRow, replaceJobs, type ClaimedJob } from '../scheduler/jobs.repository.ts';
import type { JobHandler, SubjectLock } from '../scheduler/scheduler.ts';
import { dialectOf } from '../db/dialect.ts';
import { toCoreEvents, type PolicyContext, type SlaClockService } from '../sla/sla-clock.service.ts';
import { slaDeadlines, type MetricId, type PriorityId } from '../sla/sla-core.ts';
import { iso } from '../access.ts';
import type { ClocksHook, TicketChange } from './ticket-change.ts';
import type { NewEvent, TicketRow } from './ticket.repository.ts';
import { escalationFor } from './ticket-escalation.ts';

/** The job kinds of SLA deadlines; a clock recompute owns them for its ticket. */
export const SLA_JOB_KINDS = ['sla-warning', 'sla-breach'] as const;

interface SlaJobPayload {
  readonly ticketId: string;
  readonly metric: MetricId;
  readonly threshold: number;
  readonly target: string;
  readonly dueAtMs: number;
}

/**
 * Part of every clock recompute (ticket-change.ts calls it in the change's transaction): the ticket's pending SLA
 * jobs become exactly the deadlines its clocks now have. A pause, a reply, a priority change or a calendar edit
 * moves or removes them with the change that caused it. Keys carry the target, so a deadline fires at most once per
 * target: a raised priority brings its own warnings, a recompute never repeats one that fired. A job withdrawn after
 * it came due (never fired: the server was down, or the scheduler had not got to it) is kept as skipped, with why.
 */
export const scheduleSlaJobs: ClocksHook = async ({ trx, ticket, clocks, ctx, nowMs, fresh }) => {
  const deadlines = slaDeadlines({
    clocks,
    calendars: ctx.calendars,
    warningThresholds: ctx.policy.warningThresholds,
    nowMs,
  });
  const jobs = deadlines.map((d) => ({
    kind: d.kind === 'warning' ? 'sla-warning' : 'sla-breach',
    key: `sla:${ticket.id}:${d.metric}:${d.threshold}:${d.target}`,
    dueAtMs: d.atMs,
    payload: {
      ticketId: ticket.id,
      metric: d.metric,
      threshold: d.threshold,
      target: d.target,
      dueAtMs: d.dueAtMs,
    } satisfies SlaJobPayload,
  }));
  // A new ticket: its keys carry its new id, so no job of them exists to withdraw, skip or update.
  if (fresh === true) {
    const rows = jobs.map((job) =>
      pendingJobRow({ ...job, workspaceId: ticket.workspace_id, subjectId: ticket.id, nowMs }),
    );
    await insertNewJobs(trx, rows);
    return;
  }
  await replaceJobs(trx, {
    workspaceId: ticket.workspace_id,
    subjectId: ticket.id,
    kinds: SLA_JOB_KINDS,
    nowMs,
    // A warning owed and withdrawn because its clock breached is superseded by the breach alert (core: once breached,
    // a warning would only repeat the alarm); anything else withdrawn after it came due was recomputed away.
    skipReason: (job) => {
      const payload = job.payload as unknown as SlaJobPayload;
      // The same clock at the same target: a warning of a target since changed (a new priority) was recomputed away.
      const clock = clocks.find((c) => c.metric === payload.metric && c.target === payload.target);
      return job.kind === 'sla-warning' && clock?.state === 'breached' ? 'clock-breached' : 'recomputed';
    },
    jobs,
  });
};

/**
 * What an SLA job's handler locks first: its tickets, in the order given (the scheduler sorts them). SQLite runs one
 * write transaction at a time, so only PostgreSQL needs the rows locked.
 */
export const lockSlaSubjects: SubjectLock = async (trx, ticketIds) => {
  if (dialectOf(trx as never) !== 'postgres' || ticketIds.length === 0) return;
  await trx
    .selectFrom('tickets')
    .select('id')
    .where('id', 'in', [...ticketIds])
    .orderBy('id')
    .forUpdate()
    .execute();
};

/**
 * The handler of the SLA jobs. It runs in the job's transaction, through the ticket write path: the clocks are
 * recomputed as of the firing, and the alert is recorded only if it still holds (the clock still counts toward the
 * same target and has reached the line) — a resolve or a pause that committed after the job was claimed wins. A
 * firing appends `sla-warning` or `sla-breached` to the history (with how late it fired), stores the clocks (a
 * breach is then persisted on the clock row) and leaves its `sla.warning` / `sla.breached` message in the outbox.
 */
export function createSlaJobHandler({
  change,
  sla,
  clock,
}: {
  change: TicketChange;
  sla: SlaClockService;
  clock: Clock;
}): JobHandler {
  return async ({ job, trx }) => {
    const payload = job.payload as unknown as SlaJobPayload;
    const ticket = await trx
      .selectFrom('tickets')
      .selectAll()
      .where('id', '=', payload.ticketId)
      .where('workspace_id', '=', job.workspaceId)
      .executeTakeFirst();
    if (ticket === undefined) return;
    const nowMs = clock.nowMs();
    await change.applyIn(trx, {
      ticket,
      actorId: null,
      nowMs,
      decide: async (current, { repo, ctx }) => {
        const clocks = sla.clocks(ctx, {
          events: toCoreEvents(await repo.events(current.id)),
          nowMs,
          extendedCalendarKey: current.extended_calendar_key,
          maintenanceContract: current.maintenance_contract === 1,
        });
        const event = alertOf(job, payload, clocks, nowMs);
        if (event === null) return { events: [], result: null };
        // The policy's escalation rules for this line: who is told, and whether the priority goes up.
        const escalation = await escalationFor(repo, ctx.policy, current, {
          at: job.kind === 'sla-breach' ? 'breach' : payload.threshold,
          metric: payload.metric,
        });
        const raise = raisedPriority(sla, ctx, current, escalation.raisePriority);
        return {
          ...(raise === null ? {} : { set: raise.set }),
          events: raise === null ? [event.history] : [event.history, raise.event],
          outbox: [
            {
              topic: event.topic,
              idempotencyKey: `${event.topic}:${job.key}`,
              payload: { ticketId: current.id, ...event.data, recipients: escalation.recipients },
            },
          ],
          result: null,
        };
      },
    });
  };
}

/** An escalation's priority raise, as a PATCH would make it (the queue follows, arrival kept). */
function raisedPriority(
  sla: SlaClockService,
  ctx: PolicyContext,
  current: TicketRow,
  priority: string | null,
): { set: { priority: string; queue_class: string; queue_start_at: number }; event: NewEvent } | null {
  if (priority === null || priority === current.priority) return null;
  const queue = sla.queue(ctx, {
    plan: current.plan,
    priority: priority as PriorityId,
    createdAtMs: current.created_at,
    extendedCalendarKey: current.extended_calendar_key,
  });
  return {
    set: { priority, queue_class: queue.queueClass, queue_start_at: queue.queueStartMs },
    event: {
      type: 'priority-changed',
      payload: {
        priority,
        from: current.priority,
        queue: queue.queueClass,
        handleFrom: iso(queue.queueStartMs),
        escalation: true,
      },
    },
  };
}

function alertOf(
  job: ClaimedJob,
  payload: SlaJobPayload,
  clocks: ReturnType<SlaClockService['clocks']>,
  nowMs: number,
): { history: NewEvent; topic: string; data: Record<string, unknown> } | null {
  const clock = clocks.find((c) => c.metric === payload.metric);
  if (clock === undefined || clock.target !== payload.target || clock.dueAtMs === null) return null;
  const latenessMs = Math.max(0, nowMs - job.dueAtMs);
  if (job.kind === 'sla-breach') {
    // A breach that happened is recorded even if the ticket was resolved since: it counts in the month's report.
    if (clock.breachedAtMs === null) return null;
    const data = {
      metric: clock.metric,
      dueAt: iso(clock.dueAtMs),
      breachedAt: iso(clock.breachedAtMs),
    };
    return {
      history: { type: 'sla-breached', payload: { ...data, latenessMs } },
      topic: 'sla.breached',
      data,
    };
  }
  // A warning is for a clock still counting: a stopped or paused one has nothing left to warn about.
  if (clock.stoppedAtMs !== null || clock.state === 'paused') return null;
  if ((clock.percentUsed ?? 0) + 1e-9 < payload.threshold) return null;
  const data = { metric: clock.metric, threshold: payload.threshold, dueAt: iso(clock.dueAtMs) };
  return { history: { type: 'sla-warning', payload: { ...data, latenessMs } }, topic: 'sla.warning', data };
}
