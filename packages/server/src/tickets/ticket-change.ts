import { AsyncLocalStorage } from 'node:async_hooks';
import type { Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { TicketTable } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import {
  toCoreEvents,
  type PolicyContext,
  type SlaClock,
  type SlaClockService,
} from '../sla/sla-clock.service.ts';
import { queueSortKey, type PriorityId, type QueueClass, type TicketStatus } from '../sla/sla-core.ts';
import { readCalendarsStamp } from '../calendars/workspace-calendars.repository.ts';
import {
  createTicketRepository,
  inTicketTransaction,
  type NewEvent,
  type TicketRepository,
  type TicketRow,
  type TicketSlaRow,
} from './ticket.repository.ts';
import { nextDueOf, showSameClocks, slaRowsOf } from './ticket-sla.ts';

/**
 * THE write path of a ticket. Every change — a field edit, a status move, a comment, an attachment, a billing
 * decision, a calendar edit's recompute, and later a scheduler firing or a monitor's incident — goes through this
 * unit, which owns, in one transaction: the row lock, the version check and bump, the history events, the clocks
 * recomputed from the whole history and stored, the jobs rescheduled from those clocks, and the outbox messages.
 * It also owns the retry when a cached policy context went stale under the change. No other code writes
 * `tickets.version` (test/write-path.test.ts checks it).
 */

/** A message left in the outbox with the change; the dispatcher sends it after commit. */
export interface OutboxMessage {
  readonly topic: string;
  /** Unique: the same message is never queued twice (a retried change, a replayed request). */
  readonly idempotencyKey: string;
  readonly payload: Record<string, unknown>;
}

/** What a change does to the ticket, decided from the locked, current row. */
export interface ChangeDecision<T> {
  /** Columns of the ticket row to set (`version` and `updated_at` are the unit's). */
  readonly set?: Omit<Updateable<TicketTable>, 'version' | 'updated_at' | 'id' | 'workspace_id'>;
  /** Appended to the history; a change with no event and no `write` is no change (no version, no message). */
  readonly events: readonly NewEvent[];
  /** Rows of other tables written with the change (a comment, an attachment, a quote), after the row update. */
  readonly write?: (trx: Db) => Promise<void>;
  /** The ticket's tags, replaced. */
  readonly tags?: readonly string[];
  /** Messages beside the `ticket.updated` every change announces. */
  readonly outbox?: readonly OutboxMessage[];
  /** False when nothing that drives the clocks changed (a quote, time logged): saves reading the history. */
  readonly affectsClocks?: boolean;
  readonly result: T;
}

export interface ChangeRequest<T> {
  /** The ticket as read before the transaction: gives the id and the pinned context (policy version, calendar). */
  readonly ticket: TicketRow;
  readonly actorId: string | null;
  readonly nowMs: number;
  /** Optimistic concurrency: the change applies only to this version (VERSION_CONFLICT otherwise). */
  readonly expectedVersion?: number | undefined;
  /**
   * Decides the change from the row as it is now, locked until commit. May read through `repo` (never through the
   * pool: SQLite's one connection would wait on itself) and throw a DomainError, which rolls everything back.
   */
  readonly decide: (
    current: TicketRow,
    tx: { repo: TicketRepository; ctx: PolicyContext },
  ) => ChangeDecision<T> | Promise<ChangeDecision<T>>;
}

/** A new ticket: its row, history and tags, built with the context it will be pinned to. */
export interface NewTicket {
  readonly row: TicketRow;
  readonly events: readonly NewEvent[];
  readonly tags: readonly string[];
  readonly outbox?: readonly OutboxMessage[];
  /** Besides the requester's acknowledgement: who else hears of the new ticket (the policy's escalation rules). */
  readonly recipients?: readonly string[];
}

/** Called with a ticket's freshly computed clocks inside the change's transaction (the scheduler's jobs). */
export type ClocksHook = (input: {
  trx: Db;
  ticket: TicketRow;
  clocks: readonly SlaClock[];
  ctx: PolicyContext;
  nowMs: number;
  /** A ticket created in this transaction: nothing of it is stored yet (no clocks, no jobs) to replace. */
  fresh?: boolean;
}) => Promise<void>;

export interface TicketChangeDeps {
  readonly db: Db;
  readonly sla: SlaClockService;
  /** Hooks run with every clock recompute, in the same transaction. */
  readonly onClocks?: readonly ClocksHook[];
}

/** A caller's own row, written in the transaction of a ticket change (see `withChangeWrite`). */
export type ChangeWrite = (
  trx: Db,
  ticket: { readonly id: string; readonly workspaceId: string },
) => Promise<void>;

const changeWrites = new AsyncLocalStorage<ChangeWrite>();

/**
 * Runs `run` so that every ticket change it makes (a new ticket, or a change that writes) also runs `write` in that
 * change's transaction. For a caller that reaches this unit through a service, which takes no transaction, yet whose
 * own record must commit with the change or not at all: inbound mail marks its message applied together with the
 * ticket or comment it made, so a replay after a crash never makes it twice. Outside `run`, nothing changes.
 */
export function withChangeWrite<T>(write: ChangeWrite, run: () => Promise<T>): Promise<T> {
  return changeWrites.run(write, run);
}

/** A change computed clocks with calendars (or a current policy) that were edited before it could commit. */
export class StaleContextError extends Error {}

function versionConflict(expected: number, current: number | null): DomainError {
  return new DomainError(
    'VERSION_CONFLICT',
    `ticket changed since version ${expected} (now ${current ?? '?'}); reload and retry`,
    { currentVersion: current },
  );
}

export function createTicketChange({ db, sla, onClocks = [] }: TicketChangeDeps) {
  /**
   * Inside the transaction, before clocks are written: the calendars they were computed with (and, for a new
   * ticket, the policy version it is pinned to) are still the stored ones. A calendar edit committed since the
   * context was read would otherwise be overwritten by clocks from the old calendar.
   */
  async function ensureContextCurrent(trx: Db, ctx: PolicyContext, options: { policy: boolean }) {
    const stored = await readCalendarsStamp(trx, ctx.workspaceId, { lockShared: options.policy });
    if (
      stored.signature !== ctx.calendarsSignature ||
      (options.policy && stored.policyVersion !== ctx.version)
    )
      throw new StaleContextError('the workspace calendars or policy changed during the change');
  }

  /** First with the cached context, then once with a fresh one; a second stale context is a 409. */
  async function withContextRetry<T>(run: (fresh: boolean) => Promise<T>): Promise<T> {
    for (const fresh of [false, true]) {
      try {
        return await run(fresh);
      } catch (error) {
        if (!(error instanceof StaleContextError)) throw error;
      }
    }
    throw new DomainError(
      'VERSION_CONFLICT',
      'the workspace calendars or policy changed while this change was being made; retry',
    );
  }

  const contextOf = (ticket: TicketRow, fresh: boolean) =>
    sla.policyContext(ticket.workspace_id, ticket.policy_version, {
      calendarKey: ticket.extended_calendar_key,
      fresh,
    });

  /** The columns the write path derives from a ticket's clocks: its next due instant and its place in the queue. */
  function derivedOf(ticket: TicketRow, ctx: PolicyContext, clocks: readonly SlaClock[]) {
    const nextDueAtMs = nextDueOf(clocks);
    return {
      nextDueAtMs,
      queueKey: queueSortKey(ctx.policy, {
        queueClass: ticket.queue_class as QueueClass,
        priority: ticket.priority as PriorityId,
        createdAtMs: ticket.created_at,
        dueAtMs: nextDueAtMs,
      }),
    };
  }

  /** Clocks from the whole history, stored, and everything derived from them (next due instant, jobs). */
  async function storeClocks(
    repo: TicketRepository,
    ticket: TicketRow,
    ctx: PolicyContext,
    nowMs: number,
    clocks?: readonly SlaClock[],
  ): Promise<readonly SlaClock[]> {
    const computed =
      clocks ??
      sla.clocks(ctx, {
        events: toCoreEvents(await repo.events(ticket.id)),
        nowMs,
        extendedCalendarKey: ticket.extended_calendar_key,
        maintenanceContract: ticket.maintenance_contract === 1,
      });
    await repo.replaceSla(ticket.id, slaRowsOf(ticket, computed, nowMs));
    await repo.setDerived(ticket.id, derivedOf(ticket, ctx, computed));
    await runClockHooks(repo.db, { ticket, clocks: computed, ctx, nowMs });
    return computed;
  }

  async function runClockHooks(trx: Db, input: Omit<Parameters<ClocksHook>[0], 'trx'>) {
    for (const hook of onClocks) await hook({ trx, ...input });
  }

  async function enqueue(
    repo: TicketRepository,
    ticket: TicketRow,
    messages: readonly OutboxMessage[],
    nowMs: number,
  ) {
    for (const message of messages)
      await repo.enqueueOutbox({ workspaceId: ticket.workspace_id, ...message, atMs: nowMs });
  }

  async function applyOnce<T>(request: ChangeRequest<T>, ctx: PolicyContext): Promise<T> {
    return inTicketTransaction(db, (repo) => applyWith(repo, request, ctx));
  }

  /** The change itself, inside a transaction the caller owns (`repo` is bound to it). */
  async function applyWith<T>(
    repo: TicketRepository,
    request: ChangeRequest<T>,
    ctx: PolicyContext,
  ): Promise<T> {
    const { ticket, actorId, nowMs, expectedVersion } = request;
    {
      const current = await repo.lockForChange(ticket.workspace_id, ticket.id);
      if (!current) throw new DomainError('TICKET_NOT_FOUND', `ticket ${ticket.id} not found`);
      if (expectedVersion !== undefined && current.version !== expectedVersion)
        throw versionConflict(expectedVersion, current.version);
      const decision = await request.decide(current, { repo, ctx });
      if (decision.events.length === 0 && decision.write === undefined) return decision.result;
      const version = current.version + 1;
      await repo.advance(current.id, current.version, { ...decision.set, updated_at: nowMs });
      if (decision.write !== undefined) await decision.write(repo.db);
      await changeWrites.getStore()?.(repo.db, { id: current.id, workspaceId: current.workspace_id });
      await repo.appendEvents(current, decision.events, actorId, nowMs);
      if (decision.tags !== undefined) await repo.setTags(current, decision.tags);
      if (decision.affectsClocks !== false) {
        await ensureContextCurrent(repo.db, ctx, { policy: false });
        // With the columns just set: a new priority or queue moves the ticket in the queue.
        await storeClocks(repo, { ...current, ...decision.set } as TicketRow, ctx, nowMs);
      }
      await enqueue(
        repo,
        current,
        [
          {
            topic: 'ticket.updated',
            idempotencyKey: `ticket.updated:${current.id}:${version}`,
            payload: { ticketId: current.id, version, changes: decision.events.map((e) => e.type) },
          },
          ...(decision.outbox ?? []),
        ],
        nowMs,
      );
      return decision.result;
    }
  }

  return {
    /** Applies one change to an existing ticket (see ChangeRequest). */
    apply<T>(request: ChangeRequest<T>): Promise<T> {
      return withContextRetry(async (fresh) => applyOnce(request, await contextOf(request.ticket, fresh)));
    },

    /**
     * The same change inside a transaction the caller already holds (a scheduler job, which marks itself done in
     * that transaction): the context is read through it, so there is nothing stale to retry.
     */
    async applyIn<T>(trx: Db, request: ChangeRequest<T>): Promise<T> {
      const ctx = await sla.contextWithin(trx, request.ticket.workspace_id, request.ticket.policy_version);
      return applyWith(createTicketRepository(trx), request, ctx);
    },

    /**
     * Opens a ticket. `prepare` builds it with a context (checks of channel and priority included); it runs again
     * with a fresh context when the cached one went stale before the commit.
     */
    create(
      prepare: (fresh: boolean) => Promise<{ ctx: PolicyContext; ticket: NewTicket; actorId: string | null }>,
    ): Promise<{
      row: TicketRow;
      tags: readonly string[];
      clocks: readonly SlaClock[];
      /** The clocks as stored, and the context (checked current at commit) they were computed with. */
      sla: readonly TicketSlaRow[];
      ctx: PolicyContext;
    }> {
      return withContextRetry(async (fresh) => {
        const { ctx, ticket, actorId } = await prepare(fresh);
        const { row, events, tags } = ticket;
        const nowMs = row.created_at;
        // A new ticket's history is just what `prepare` wrote: its clocks are computed before the transaction.
        const clocks = sla.clocks(ctx, {
          events: toCoreEvents(
            events.map((e) => ({ type: e.type, payload_json: JSON.stringify(e.payload), at: nowMs })),
          ),
          nowMs: row.updated_at,
          extendedCalendarKey: row.extended_calendar_key,
          maintenanceContract: row.maintenance_contract === 1,
        });
        // Written whole by one insert: the derived columns are known before the row exists.
        const derived = derivedOf(row, ctx, clocks);
        const stored = { ...row, next_due_at: derived.nextDueAtMs, queue_key: derived.queueKey };
        const slaRows = slaRowsOf(stored, clocks, row.updated_at);
        await inTicketTransaction(db, async (repo) => {
          // Also holds the workspace row shared until this commits: a calendar edit waits for it, so its
          // recompute finds this ticket.
          await ensureContextCurrent(repo.db, ctx, { policy: true });
          await repo.insert(stored);
          await changeWrites.getStore()?.(repo.db, { id: row.id, workspaceId: row.workspace_id });
          await repo.appendEvents(stored, events, actorId, nowMs, { firstSeq: 1 });
          if (tags.length > 0) await repo.setTags(stored, tags, { fresh: true });
          // A new id: no clocks or jobs of it exist to replace.
          await repo.insertSla(slaRows);
          await runClockHooks(repo.db, { ticket: stored, clocks, ctx, nowMs: row.updated_at, fresh: true });
          await enqueue(
            repo,
            stored,
            [
              {
                topic: 'ticket.created',
                idempotencyKey: `ticket.created:${row.id}`,
                payload: { ticketId: row.id, recipients: [...(ticket.recipients ?? [])] },
              },
              ...(ticket.outbox ?? []),
            ],
            row.updated_at,
          );
        });
        return { row: stored, tags, clocks, sla: slaRows, ctx };
      });
    },

    /**
     * Recomputes a ticket's clocks with `ctx` (a calendar edit), inside the caller's transaction. A ticket whose
     * clocks read the same afterwards is left untouched: no version, no event. Returns whether it changed.
     */
    async recompute(
      repo: TicketRepository,
      input: {
        ticketId: string;
        workspaceId: string;
        ctx: PolicyContext;
        nowMs: number;
        actorId: string | null;
        cause: NewEvent;
      },
    ): Promise<boolean> {
      const { ctx, nowMs } = input;
      const current = await repo.lockForChange(input.workspaceId, input.ticketId);
      // Closed since it was selected: its clocks are final.
      if (current === undefined || current.status === 'closed') return false;
      const clocks = sla.clocks(ctx, {
        events: toCoreEvents(await repo.events(current.id)),
        nowMs,
        extendedCalendarKey: current.extended_calendar_key,
        maintenanceContract: current.maintenance_contract === 1,
      });
      const rows = slaRowsOf(current, clocks, nowMs);
      const stored = (await repo.slaFor([current.id])).get(current.id) ?? [];
      const sameAsStored = showSameClocks(stored, rows, {
        nowMs,
        status: current.status as TicketStatus,
        pauseRules: ctx.policy,
        calendarOf: (id) => ctx.calendars(id),
      });
      if (sameAsStored) return false;
      const version = current.version + 1;
      await repo.advance(current.id, current.version, {});
      await repo.appendEvents(current, [input.cause], input.actorId, nowMs);
      await storeClocks(repo, current, ctx, nowMs, clocks);
      await enqueue(
        repo,
        current,
        [
          {
            topic: 'ticket.updated',
            idempotencyKey: `ticket.updated:${current.id}:${version}`,
            payload: { ticketId: current.id, version, changes: [input.cause.type] },
          },
        ],
        nowMs,
      );
      return true;
    },
  };
}

export type TicketChange = ReturnType<typeof createTicketChange>;
