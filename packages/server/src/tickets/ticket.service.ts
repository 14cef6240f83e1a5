import { iso, isoOrNull, requireRole } from '../access.ts';
import { isStaff, STAFF_ROLES, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { freezeDeep } from '../deep-frozen.ts';
import { newId } from '../ids.ts';
import type { OrganizationRepository } from '../organizations/organization.repository.ts';
import { toCoreEvents, type PolicyContext, type SlaClockService } from '../sla/sla-clock.service.ts';
import { readCalendarsStamp } from '../workspaces/workspace-calendars.repository.ts';
import {
  PRIORITY_IDS,
  type BusinessCalendar,
  type ChannelId,
  type PriorityId,
  type TicketCategory,
  type TicketStatus,
} from '../sla/sla-core.ts';
import { projectClock, type ClockView, type PersistedClock } from '../sla/sla-projection.ts';
import {
  inTicketTransaction,
  MAX_SORT_INSTANT_MS,
  sortKeyKind,
  sortKeyOf,
  type NewEvent,
  type TicketEventRow,
  type TicketKeyRow,
  type TicketRepository,
  type TicketRow,
  type TicketSort,
} from './ticket.repository.ts';
import { createTicketSnapshotCache, type TicketSnapshot } from './ticket-snapshot-cache.ts';
import { nextDueOf, persistedClockOf, slaRowsOf } from './ticket-sla.ts';

/** The status workflow; `resolved → open` is a reopen, `closed` is final. */
const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'pending-customer', 'resolved'],
  open: ['pending-customer', 'resolved'],
  'pending-customer': ['open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: [],
};
/** What a client may do to their own ticket: reopen or close a resolved one. */
const CLIENT_TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  new: [],
  open: [],
  'pending-customer': [],
  resolved: ['open', 'closed'],
  closed: [],
};
/** Events only staff may see. */
// Staff's business: a client sees the effect (new due instants), not which calendar an admin edited.
const INTERNAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'internal-note-added',
  'time-logged',
  'clocks-recomputed',
]);

export interface CreateTicketInput {
  subject: string;
  description: string;
  priority: PriorityId;
  category: TicketCategory;
  channel: ChannelId;
  organizationId?: string | undefined;
  tags?: string[] | undefined;
}

export interface UpdateTicketInput {
  subject?: string | undefined;
  description?: string | undefined;
  status?: TicketStatus | undefined;
  priority?: PriorityId | undefined;
  category?: TicketCategory | undefined;
  assigneeId?: string | null | undefined;
  tags?: string[] | undefined;
}

export interface ListTicketsInput {
  status?: TicketStatus[] | undefined;
  priority?: PriorityId[] | undefined;
  organizationId?: string | undefined;
  assigneeId?: string | undefined;
  tag?: string | undefined;
  breachingBeforeMs?: number | undefined;
  sort: TicketSort;
  cursor?: string | undefined;
  limit: number;
}

const remainingSecondsOf = (clock: ClockView) =>
  clock.remainingMs === null ? null : Math.trunc(clock.remainingMs / 1000);
const percentUsedOf = (clock: ClockView) =>
  clock.percentUsed === null ? null : Math.round(clock.percentUsed * 10) / 10;

export function clockDto(clock: ClockView) {
  return {
    metric: clock.metric,
    state: clock.state,
    target: clock.target,
    calendar: clock.calendarId,
    dueAt: isoOrNull(clock.dueAtMs),
    remainingSeconds: remainingSecondsOf(clock),
    percentUsed: percentUsedOf(clock),
    warningThreshold: clock.warningThreshold,
    breachedAt: isoOrNull(clock.breachedAtMs),
    stoppedAt: isoOrNull(clock.stoppedAtMs),
  };
}

/** Everything `clockDto` shows of a clock, in order: two clocks with equal outputs have equal DTOs. */
function clockOutputs(clocks: readonly ClockView[]): (string | number | null)[] {
  const out: (string | number | null)[] = [];
  for (const clock of clocks) {
    out.push(
      clock.metric,
      clock.state,
      clock.target,
      clock.calendarId,
      clock.dueAtMs,
      remainingSecondsOf(clock),
      percentUsedOf(clock),
      clock.warningThreshold,
      clock.breachedAtMs,
      clock.stoppedAtMs,
    );
  }
  return out;
}

function sameOutputs(
  a: readonly (string | number | null)[],
  b: readonly (string | number | null)[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export type TicketDto = ReturnType<typeof ticketDto>;

function ticketDto(row: TicketRow, tags: readonly string[], clocks: readonly ClockView[]) {
  return {
    id: row.id,
    subject: row.subject,
    description: row.description,
    category: row.category as TicketCategory,
    priority: row.priority as PriorityId,
    channel: row.channel as ChannelId,
    status: row.status as TicketStatus,
    organizationId: row.organization_id,
    requesterId: row.requester_id,
    assigneeId: row.assignee_id,
    plan: row.plan,
    policyVersion: row.policy_version,
    queue: row.queue_class as 'priority' | 'standard',
    handleFrom: iso(row.queue_start_at),
    billingMode: row.billing_mode as 'none' | 'quote' | 'time-and-materials',
    tags: [...tags],
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    sla: clocks.map(clockDto),
  };
}

function eventDto(row: TicketEventRow) {
  return {
    seq: row.seq,
    type: row.type,
    at: iso(row.at),
    actorId: row.actor_id,
    data: JSON.parse(row.payload_json) as Record<string, unknown>,
  };
}

/** The sort travels with the position, so a cursor is only ever read back under the order it was cut from. */
function encodeCursor(sort: TicketSort, key: string | number, id: string): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

const TICKET_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A key of the type its sort column holds: anything else is a 500 on PostgreSQL or a wrong page on SQLite. */
function isSortKey(sort: TicketSort, key: unknown): key is string | number {
  if (sortKeyKind(sort) === 'priority')
    return typeof key === 'string' && (PRIORITY_IDS as readonly string[]).includes(key);
  return Number.isSafeInteger(key) && (key as number) >= 0 && (key as number) <= MAX_SORT_INSTANT_MS;
}

function decodeCursor(cursor: string, sort: TicketSort): { key: string | number; id: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 3) {
    const [cursorSort, key, id] = value as unknown[];
    if (cursorSort !== sort) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `this cursor belongs to a list sorted by ${String(cursorSort)}, not ${sort}: start again without a cursor`,
        { field: 'cursor' },
      );
    }
    if (isSortKey(sort, key) && typeof id === 'string' && TICKET_ID.test(id)) return { key, id };
  }
  throw new DomainError('VALIDATION_FAILED', 'invalid cursor: pass back the nextCursor of a previous page', {
    field: 'cursor',
  });
}

const contextKeyOf = (row: TicketRow) => `${row.policy_version}\u0000${row.extended_calendar_key ?? ''}`;

interface ClockInputs {
  readonly paused: boolean;
  /** In the policy's metric order. */
  readonly clocks: readonly { persisted: PersistedClock; calendar: BusinessCalendar }[];
}

function clockInputsOf({ row, sla: slaRows }: TicketSnapshot, ctx: PolicyContext): ClockInputs {
  const metrics = ctx.policy.metrics as readonly string[];
  const clocks = slaRows
    .map((r) => ({ persisted: persistedClockOf(r), calendar: ctx.calendars(r.calendar_id) }))
    .sort((a, b) => metrics.indexOf(a.persisted.metric) - metrics.indexOf(b.persisted.metric));
  return { paused: (ctx.policy.pauseStatuses as readonly string[]).includes(row.status), clocks };
}

export interface TicketServiceDeps {
  readonly db: Db;
  readonly tickets: TicketRepository;
  readonly organizations: OrganizationRepository;
  readonly sla: SlaClockService;
  readonly clock: Clock;
}

/** A change computed clocks with calendars (or a current policy) that were edited before it could commit. */
class StaleContextError extends Error {}

export function createTicketService({ db, tickets, organizations, sla, clock }: TicketServiceDeps) {
  const snapshotCache = createTicketSnapshotCache();
  /**
   * Per snapshot (and gone with it): its clocks as `projectClock` reads them, for the context they were resolved in,
   * and the last DTO handed out with the clock figures it shows.
   */
  const keptDtos = new WeakMap<
    TicketSnapshot,
    ClockInputs & { ctx: PolicyContext; dto: TicketDto | null; outputs: (string | number | null)[] }
  >();

  /**
   * Inside a change's transaction, before its clocks are written: the calendars they were computed with (and, for a
   * new ticket, the policy version it is pinned to) are still the stored ones. A calendar edit committed since the
   * context was read would otherwise be overwritten by clocks from the old calendar, after the edit's own recompute.
   */
  async function ensureContextCurrent(
    trx: Db,
    ctx: PolicyContext,
    options: { policy: boolean },
  ): Promise<void> {
    const stored = await readCalendarsStamp(trx, ctx.workspaceId, { lockShared: options.policy });
    if (
      stored.signature !== ctx.calendarsSignature ||
      (options.policy && stored.policyVersion !== ctx.version)
    )
      throw new StaleContextError('the workspace calendars or policy changed during the change');
  }

  /** Runs `retry` (with a fresh context) when `change` found its context stale (see ensureContextCurrent). */
  async function retryOnStaleContext<T>(change: () => Promise<T>, retry: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } catch (error) {
      if (!(error instanceof StaleContextError)) throw error;
    }
    try {
      return await retry();
    } catch (error) {
      if (!(error instanceof StaleContextError)) throw error;
      throw new DomainError(
        'VERSION_CONFLICT',
        'the workspace calendars or policy changed while this change was being made; retry',
      );
    }
  }

  /** Another organization's ticket, or another workspace's, is "not found": its existence is not revealed. */
  async function visibleTicket(actor: Actor, id: string): Promise<TicketRow> {
    const row = await tickets.find(actor.workspaceId, id);
    if (!row || (actor.role === 'client' && row.organization_id !== actor.organizationId)) {
      throw new DomainError('TICKET_NOT_FOUND', `ticket ${id} not found`);
    }
    return row;
  }

  /**
   * Everything a change needs from outside the transaction (SQLite runs one connection: reading through `db`
   * inside a transaction would wait on itself). The policy version and the contract's extended calendar are those
   * pinned at creation: a later contract must not rewrite the business time already elapsed on the ticket.
   */
  async function changeContext(ticket: TicketRow, fresh: boolean) {
    const ctx = await sla.policyContext(ticket.workspace_id, ticket.policy_version, {
      calendarKey: ticket.extended_calendar_key,
      fresh,
    });
    return { ctx, extendedKey: ticket.extended_calendar_key };
  }

  /**
   * The queue of a plan and priority, from the ticket's arrival: an escalation or downgrade keeps its place in
   * arrival order (a standard-queue ticket is still handled from the business day after the customer asked).
   */
  function queueOf(
    ctx: PolicyContext,
    input: { plan: string; priority: PriorityId; createdAtMs: number; extendedKey: string | null },
  ) {
    return sla.queue(ctx, {
      plan: input.plan,
      priority: input.priority,
      createdAtMs: input.createdAtMs,
      extendedCalendarKey: input.extendedKey,
    });
  }

  /** Clocks are derived from the whole history, then persisted so due instants are one indexed query away. */
  async function recomputeSla(
    repo: TicketRepository,
    ticket: TicketRow,
    ctx: PolicyContext,
    extendedKey: string | null,
    nowMs: number,
  ): Promise<void> {
    await ensureContextCurrent(repo.db, ctx, { policy: false });
    const events = toCoreEvents(await repo.events(ticket.id));
    const clocks = sla.clocks(ctx, { events, nowMs, extendedCalendarKey: extendedKey });
    await repo.replaceSla(ticket.id, slaRowsOf(ticket, clocks, nowMs));
    await repo.setNextDue(ticket.id, nextDueOf(clocks));
  }

  /** Each row's snapshot at the row's version: from the cache, else its clocks and tags read (and cached). */
  async function snapshotsOf(rows: readonly TicketRow[]): Promise<TicketSnapshot[]> {
    const snapshots = new Array<TicketSnapshot | undefined>(rows.length);
    const missing: TicketRow[] = [];
    rows.forEach((row, i) => {
      const cached = snapshotCache.get(row.id, row.version);
      if (cached === undefined) missing.push(row);
      else snapshots[i] = cached;
    });
    if (missing.length > 0) {
      const ids = missing.map((r) => r.id);
      const [slaRows, tags] = await Promise.all([tickets.slaFor(ids), tickets.tagsFor(ids)]);
      // The row, its clocks and its tags are separate reads: a change committed in between pairs one version's row
      // with the next one's tags, as any read racing a write may. Cached under the row's version, such a snapshot is
      // never served again (later readers read the newer version), and a no-change PATCH re-checks the version.
      const fresh = new Map<string, TicketSnapshot>();
      for (const row of missing) {
        const snapshot = { row, sla: slaRows.get(row.id) ?? [], tags: tags.get(row.id) ?? [] };
        fresh.set(row.id, snapshot);
        snapshotCache.set(snapshot);
      }
      rows.forEach((row, i) => (snapshots[i] ??= fresh.get(row.id)));
    }
    return snapshots.filter((s) => s !== undefined);
  }

  /** The snapshots of a page of keys, reading whole rows only for tickets not cached at their current version. */
  async function snapshotsOfKeys(
    workspaceId: string,
    keys: readonly TicketKeyRow[],
  ): Promise<TicketSnapshot[]> {
    // Taken now, not looked up again after the awaits below: the cache may move on meanwhile (a newer version cached
    // by a concurrent request, an eviction), and the page must not lose a ticket to that.
    const hits = new Map<string, TicketSnapshot>();
    const missing: string[] = [];
    for (const key of keys) {
      const cached = snapshotCache.get(key.id, key.version);
      if (cached === undefined) missing.push(key.id);
      else hits.set(key.id, cached);
    }
    const fetched =
      missing.length === 0
        ? new Map<string, TicketSnapshot>()
        : new Map(
            (await snapshotsOf(await tickets.findMany(workspaceId, missing))).map((s) => [s.row.id, s]),
          );
    const out: TicketSnapshot[] = [];
    for (const key of keys) {
      // A ticket changed since the keys were read comes back newer, as a later read would show it.
      const snapshot = hits.get(key.id) ?? fetched.get(key.id);
      if (snapshot !== undefined) out.push(snapshot);
    }
    return out;
  }

  /**
   * DTOs with the clocks as of now: the persisted clocks (computed by the core at the ticket's last change) advanced
   * to now. Replaying every ticket's history through the core on each read would cost ~0.1 ms per ticket.
   */
  async function withClocks(actor: Actor, rows: readonly TicketRow[]): Promise<TicketDto[]> {
    return dtosOf(actor, await snapshotsOf(rows));
  }

  async function dtosOf(actor: Actor, snapshots: readonly TicketSnapshot[]): Promise<TicketDto[]> {
    if (snapshots.length === 0) return [];
    const nowMs = clock.nowMs();
    const contexts = new Map<string, PolicyContext>();
    for (const { row } of snapshots) {
      const key = contextKeyOf(row);
      if (!contexts.has(key))
        contexts.set(
          key,
          sla.cachedContext(actor.workspaceId, row.policy_version, row.extended_calendar_key) ??
            (await sla.policyContext(actor.workspaceId, row.policy_version, {
              calendarKey: row.extended_calendar_key,
            })),
        );
    }
    const out = new Array<TicketDto>(snapshots.length);
    for (let i = 0; i < snapshots.length; i++) {
      const snapshot = snapshots[i]!;
      out[i] = dtoAt(snapshot, contexts.get(contextKeyOf(snapshot.row)), nowMs);
    }
    return out;
  }

  /**
   * A snapshot's DTO with its clocks advanced to `nowMs`. While nothing it shows has changed (same version, same
   * clock figures to the second) readers get the same frozen DTO, whose JSON the response serializer writes once.
   * Plain loops and no closures: this runs for every ticket of every page read.
   */
  function dtoAt(snapshot: TicketSnapshot, ctx: PolicyContext | undefined, nowMs: number): TicketDto {
    if (ctx === undefined) return ticketDto(snapshot.row, snapshot.tags, []);
    let kept = keptDtos.get(snapshot);
    if (kept === undefined || kept.ctx !== ctx) {
      kept = { ctx, ...clockInputsOf(snapshot, ctx), dto: null, outputs: [] };
      keptDtos.set(snapshot, kept);
    }
    const clocks = new Array<ClockView>(kept.clocks.length);
    for (let i = 0; i < clocks.length; i++) {
      const input = kept.clocks[i]!;
      clocks[i] = projectClock(input.persisted, {
        nowMs,
        calendar: input.calendar,
        paused: kept.paused,
        warningThresholds: ctx.policy.warningThresholds,
      });
    }
    const outputs = clockOutputs(clocks);
    if (kept.dto !== null && sameOutputs(kept.outputs, outputs)) return kept.dto;
    const dto = freezeDeep(ticketDto(snapshot.row, snapshot.tags, clocks));
    kept.dto = dto;
    kept.outputs = outputs;
    return dto;
  }

  async function one(actor: Actor, row: TicketRow): Promise<TicketDto> {
    const [dto] = await withClocks(actor, [row]);
    if (!dto) throw new DomainError('TICKET_NOT_FOUND', `ticket ${row.id} not found`);
    return dto;
  }

  async function reload(actor: Actor, id: string): Promise<TicketDto> {
    return one(actor, await visibleTicket(actor, id));
  }

  /** The ticket re-read inside a change's transaction and locked until it ends (see `lockForChange`). */
  async function lockedTicket(repo: TicketRepository, ticket: TicketRow): Promise<TicketRow> {
    const current = await repo.lockForChange(ticket.workspace_id, ticket.id);
    if (!current) throw new DomainError('TICKET_NOT_FOUND', `ticket ${ticket.id} not found`);
    return current;
  }

  function refuseClosed(ticket: TicketRow): TicketRow {
    if (ticket.status === 'closed')
      throw new DomainError('INVALID_TRANSITION', 'this ticket is closed; open a new one');
    return ticket;
  }

  function refuseFinished(ticket: TicketRow): TicketRow {
    if (ticket.status === 'resolved' || ticket.status === 'closed')
      throw new DomainError('INVALID_TRANSITION', `the ticket is already ${ticket.status}`);
    return ticket;
  }

  /** As sets: the database's collation may order tags differently from JavaScript. */
  function sameTags(a: readonly string[], b: readonly string[]): boolean {
    const set = new Set(a);
    return a.length === b.length && b.every((tag) => set.has(tag));
  }

  function normalizeTags(tags: readonly string[]): string[] {
    return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t !== ''))].sort();
  }

  /**
   * The service's operations. `fresh`: the changes read the policy version and calendars from the database before
   * computing clocks; otherwise from this process's cache (at most CONTEXT_TTL_MS old). Either way each change checks
   * them inside its transaction (ensureContextCurrent), so the cache is only a bet that nothing changed.
   */
  const operations = (fresh: boolean) => ({
    async create(actor: Actor, input: CreateTicketInput): Promise<TicketDto> {
      let organizationId: string;
      if (actor.role === 'client') {
        if (input.organizationId !== undefined && input.organizationId !== actor.organizationId) {
          throw new DomainError('FORBIDDEN', 'clients open tickets for their own organization only');
        }
        organizationId = actor.organizationId ?? '';
        // Tags are the agents' triage vocabulary (queues, reports); a client describes the problem instead.
        if (input.tags !== undefined && input.tags.length > 0)
          throw new DomainError('FORBIDDEN', 'clients cannot tag tickets; agents tag them when triaging');
      } else {
        if (input.organizationId === undefined)
          throw new DomainError(
            'VALIDATION_FAILED',
            'organizationId is required when staff open a ticket for a client',
          );
        organizationId = input.organizationId;
      }
      const organization = await organizations.find(actor.workspaceId, organizationId);
      if (!organization) throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
      const contract = await organizations.currentContract(actor.workspaceId, organizationId);
      if (!contract)
        throw new DomainError(
          'NO_CONTRACT',
          `${organization.name} has no contract: an admin must add one before tickets can be opened`,
        );
      const extendedKey = contract.extended_calendar_key;
      const ctx = await sla.policyContext(actor.workspaceId, undefined, {
        calendarKey: extendedKey,
        fresh,
      });
      const nowMs = clock.nowMs();
      sla.checkPriority(ctx, input.priority);
      sla.checkChannel(ctx, {
        plan: contract.plan,
        channel: input.channel,
        priority: input.priority,
        atMs: nowMs,
        extendedCalendarKey: extendedKey,
      });
      const queue = queueOf(ctx, {
        plan: contract.plan,
        priority: input.priority,
        createdAtMs: nowMs,
        extendedKey,
      });
      const billingMode = sla.billingMode(ctx, {
        category: input.category,
        maintenanceContract: contract.maintenance_contract === 1,
      });
      const row: TicketRow = {
        id: newId(),
        workspace_id: actor.workspaceId,
        organization_id: organizationId,
        requester_id: actor.userId,
        assignee_id: null,
        subject: input.subject,
        description: input.description,
        category: input.category,
        priority: input.priority,
        channel: input.channel,
        status: 'new',
        plan: contract.plan,
        policy_version: ctx.version,
        queue_class: queue.queueClass,
        queue_start_at: queue.queueStartMs,
        next_due_at: null,
        billing_mode: billingMode,
        extended_calendar_key: extendedKey,
        version: 1,
        created_at: nowMs,
        updated_at: nowMs,
      };
      const tags = normalizeTags(input.tags ?? []);
      const created = {
        type: 'created',
        payload: {
          plan: row.plan,
          priority: input.priority,
          category: input.category,
          channel: input.channel,
          billingMode,
          extendedCalendarKey: extendedKey,
        },
      };
      // A new ticket's history is just `created`: its clocks are computed before the transaction, which then only writes.
      const clocks = sla.clocks(ctx, {
        events: toCoreEvents([
          { type: created.type, payload_json: JSON.stringify(created.payload), at: nowMs },
        ]),
        nowMs,
        extendedCalendarKey: extendedKey,
      });
      row.next_due_at = nextDueOf(clocks);
      await inTicketTransaction(db, async (repo) => {
        // Also holds the workspace row shared until this commits: a calendar edit waits (lockWorkspaceExclusive),
        // so its recompute finds this ticket.
        await ensureContextCurrent(repo.db, ctx, { policy: true });
        await repo.insert(row);
        await repo.appendEvents(row, [created], actor.userId, nowMs, { firstSeq: 1 });
        if (tags.length > 0) await repo.setTags(row, tags, { fresh: true });
        await repo.insertSla(slaRowsOf(row, clocks, nowMs));
        await repo.enqueueOutbox({
          workspaceId: row.workspace_id,
          idempotencyKey: `ticket.created:${row.id}`,
          topic: 'ticket.created',
          payload: { ticketId: row.id },
          atMs: nowMs,
        });
      });
      return ticketDto(row, tags, clocks);
    },

    get: (actor: Actor, id: string) => reload(actor, id),

    async list(
      actor: Actor,
      input: ListTicketsInput,
    ): Promise<{ items: TicketDto[]; nextCursor: string | null }> {
      if (
        actor.role === 'client' &&
        input.organizationId !== undefined &&
        input.organizationId !== actor.organizationId
      ) {
        return { items: [], nextCursor: null };
      }
      const rows = await tickets.list({
        workspaceId: actor.workspaceId,
        organizationId: actor.role === 'client' ? (actor.organizationId ?? '') : input.organizationId,
        statuses: input.status,
        priorities: input.priority,
        assigneeId:
          input.assigneeId === 'none' ? null : input.assigneeId === 'me' ? actor.userId : input.assigneeId,
        tag: input.tag,
        breachingBeforeMs: input.breachingBeforeMs,
        sort: input.sort,
        after: input.cursor === undefined ? undefined : decodeCursor(input.cursor, input.sort),
        limit: input.limit + 1,
      });
      const page = rows.slice(0, input.limit);
      const last = page.at(-1);
      return {
        items: await dtosOf(actor, await snapshotsOfKeys(actor.workspaceId, page)),
        nextCursor:
          rows.length > input.limit && last
            ? encodeCursor(input.sort, sortKeyOf(last, input.sort), last.id)
            : null,
      };
    },

    async queue(
      actor: Actor,
      input: {
        queue?: 'priority' | 'standard' | undefined;
        assignee?: 'me' | 'none' | undefined;
        limit: number;
      },
    ) {
      requireRole(actor, STAFF_ROLES, 'see the queue');
      const rows = await tickets.queue({
        workspaceId: actor.workspaceId,
        queueClass: input.queue,
        assigneeId: input.assignee === 'none' ? null : input.assignee === 'me' ? actor.userId : undefined,
        limit: input.limit,
      });
      return { items: await withClocks(actor, rows) };
    },

    async update(
      actor: Actor,
      id: string,
      expectedVersion: number | undefined,
      patch: UpdateTicketInput,
    ): Promise<TicketDto> {
      const ticket = await visibleTicket(actor, id);
      if (expectedVersion === undefined) {
        throw new DomainError(
          'PRECONDITION_REQUIRED',
          'send the version you read, as "version" in the body or an If-Match header, so no change is lost',
        );
      }
      if (actor.role === 'client') {
        const fields = Object.entries(patch)
          .filter(([k, v]) => v !== undefined && k !== 'status')
          .map(([k]) => k);
        if (fields.length > 0)
          throw new DomainError(
            'FORBIDDEN',
            `clients may only reopen or close their tickets; cannot change ${fields.join(', ')}`,
          );
      }
      const from = ticket.status as TicketStatus;
      // Before the other checks, so a closed ticket answers the same whatever else is wrong with the patch. Status
      // moves are refused by the workflow below; tags are compared further down (they need the current set).
      const changesFields = (['priority', 'category', 'subject', 'description'] as const).some(
        (f) => patch[f] !== undefined && patch[f] !== ticket[f],
      );
      const changesAssignee = patch.assigneeId !== undefined && patch.assigneeId !== ticket.assignee_id;
      if (from === 'closed' && (changesFields || changesAssignee))
        throw new DomainError('INVALID_TRANSITION', 'this ticket is closed; open a new one');
      const nowMs = clock.nowMs();
      const events: NewEvent[] = [];
      const set: Partial<TicketRow> = {};
      if (patch.status !== undefined && patch.status !== from) {
        const allowed = (actor.role === 'client' ? CLIENT_TRANSITIONS : TRANSITIONS)[from];
        if (!allowed.includes(patch.status)) {
          throw new DomainError(
            'INVALID_TRANSITION',
            `cannot move a ${from} ticket to ${patch.status}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
            {
              from,
              allowed,
            },
          );
        }
        set.status = patch.status;
        events.push({ type: 'status-changed', payload: { status: patch.status, from } });
      }
      const { ctx, extendedKey } = await changeContext(ticket, fresh);
      if (patch.priority !== undefined && patch.priority !== ticket.priority) {
        sla.checkPriority(ctx, patch.priority);
        set.priority = patch.priority;
        const queue = queueOf(ctx, {
          plan: ticket.plan,
          priority: patch.priority,
          createdAtMs: ticket.created_at,
          extendedKey,
        });
        set.queue_class = queue.queueClass;
        set.queue_start_at = queue.queueStartMs;
        events.push({
          type: 'priority-changed',
          payload: {
            priority: patch.priority,
            from: ticket.priority,
            queue: queue.queueClass,
            handleFrom: iso(queue.queueStartMs),
          },
        });
      }
      if (patch.category !== undefined && patch.category !== ticket.category) {
        const contract = await organizations.currentContract(ticket.workspace_id, ticket.organization_id);
        set.category = patch.category;
        set.billing_mode = sla.billingMode(ctx, {
          category: patch.category,
          maintenanceContract: contract?.maintenance_contract === 1,
        });
        events.push({
          type: 'category-changed',
          payload: { category: patch.category, from: ticket.category, billingMode: set.billing_mode },
        });
      }
      if (patch.assigneeId !== undefined && patch.assigneeId !== ticket.assignee_id) {
        if (
          patch.assigneeId !== null &&
          !(await tickets.isStaffMember(actor.workspaceId, patch.assigneeId))
        ) {
          throw new DomainError(
            'INVALID_ASSIGNEE',
            'the assignee must be an agent, consultant or admin of this workspace',
          );
        }
        set.assignee_id = patch.assigneeId;
        events.push({
          type: 'assigned',
          payload: { assigneeId: patch.assigneeId, from: ticket.assignee_id },
        });
      }
      const edited = (['subject', 'description'] as const).filter(
        (f) => patch[f] !== undefined && patch[f] !== ticket[f],
      );
      for (const field of edited) set[field] = patch[field] ?? '';
      if (edited.length > 0) events.push({ type: 'edited', payload: { fields: edited } });
      let tags = patch.tags === undefined ? undefined : normalizeTags(patch.tags);
      if (tags !== undefined) {
        const [current] = await snapshotsOf([ticket]);
        // The same set again is no change: no event, no new version, no notification.
        if (current !== undefined && sameTags(current.tags, tags)) tags = undefined;
        else events.push({ type: 'tags-changed', payload: { tags } });
      }
      // A closed ticket is the record of what happened: it keeps its priority, assignee, text and tags.
      if (from === 'closed' && events.length > 0)
        throw new DomainError('INVALID_TRANSITION', 'this ticket is closed; open a new one');

      if (events.length === 0 && expectedVersion === ticket.version) {
        // Nothing to change, judged against what was read: still so only if nobody changed the ticket since.
        const current = (await tickets.versionsOf([ticket.id])).get(ticket.id);
        if (current === ticket.version) return one(actor, ticket);
        throw new DomainError(
          'VERSION_CONFLICT',
          `ticket changed since version ${expectedVersion} (now ${current ?? '?'}); reload and retry`,
          { currentVersion: current ?? null },
        );
      }
      await inTicketTransaction(db, async (repo) => {
        if (!(await repo.updateIfVersion(ticket.id, expectedVersion, { ...set, updated_at: nowMs }))) {
          const current = await repo.find(ticket.workspace_id, ticket.id);
          throw new DomainError(
            'VERSION_CONFLICT',
            `ticket changed since version ${expectedVersion} (now ${current?.version ?? '?'}); reload and retry`,
            {
              currentVersion: current?.version ?? null,
            },
          );
        }
        await repo.appendEvents(ticket, events, actor.userId, nowMs);
        if (tags !== undefined) await repo.setTags(ticket, tags);
        await recomputeSla(repo, ticket, ctx, extendedKey, nowMs);
        await repo.enqueueOutbox({
          workspaceId: ticket.workspace_id,
          idempotencyKey: `ticket.updated:${ticket.id}:${expectedVersion + 1}`,
          topic: 'ticket.updated',
          payload: { ticketId: ticket.id, version: expectedVersion + 1, changes: events.map((e) => e.type) },
          atMs: nowMs,
        });
      });
      return reload(actor, id);
    },

    async comment(actor: Actor, id: string, input: { body: string; visibility: 'public' | 'internal' }) {
      const ticket = await visibleTicket(actor, id);
      if (input.visibility === 'internal' && !isStaff(actor))
        throw new DomainError('FORBIDDEN', 'only staff can write internal notes');
      refuseClosed(ticket);
      const nowMs = clock.nowMs();
      const commentId = newId();
      const { ctx, extendedKey } = await changeContext(ticket, fresh);
      await inTicketTransaction(db, async (repo) => {
        // The status move is decided from the row as it is now, locked: a resolve or close committed since the
        // read above must not be undone by this comment (nor appear with a wrong `from` in the history).
        const current = refuseClosed(await lockedTicket(repo, ticket));
        const events: NewEvent[] = [];
        let status: TicketStatus | undefined;
        if (input.visibility === 'internal') {
          events.push({ type: 'internal-note-added', payload: { commentId } });
        } else if (isStaff(actor)) {
          // The first public reply by an agent stops the first-response and intervention clocks.
          events.push({ type: 'agent-replied', payload: { commentId } });
          if (current.status === 'new') status = 'open';
        } else {
          events.push({ type: 'customer-replied', payload: { commentId } });
          // The customer answered: the ticket is back with the team and the clocks resume.
          if (current.status === 'pending-customer') status = 'open';
        }
        if (status !== undefined)
          events.push({ type: 'status-changed', payload: { status, from: current.status } });
        await repo.touch(ticket.id, { updated_at: nowMs, ...(status === undefined ? {} : { status }) });
        await repo.insertComment({
          id: commentId,
          ticket_id: ticket.id,
          workspace_id: ticket.workspace_id,
          author_id: actor.userId,
          body: input.body,
          visibility: input.visibility,
          created_at: nowMs,
        });
        await repo.appendEvents(ticket, events, actor.userId, nowMs);
        await recomputeSla(repo, ticket, ctx, extendedKey, nowMs);
        await repo.enqueueOutbox({
          workspaceId: ticket.workspace_id,
          idempotencyKey: `comment.created:${commentId}`,
          topic: 'comment.created',
          payload: { ticketId: ticket.id, commentId, visibility: input.visibility },
          atMs: nowMs,
        });
      });
      return {
        id: commentId,
        ticketId: ticket.id,
        authorId: actor.userId,
        authorName: actor.name,
        body: input.body,
        visibility: input.visibility,
        createdAt: iso(nowMs),
      };
    },

    async comments(actor: Actor, id: string) {
      const ticket = await visibleTicket(actor, id);
      const rows = await tickets.comments(ticket.id, isStaff(actor));
      return rows.map((c) => ({
        id: c.id,
        ticketId: c.ticket_id,
        authorId: c.author_id,
        body: c.body,
        visibility: c.visibility as 'public' | 'internal',
        createdAt: iso(c.created_at),
      }));
    },

    /** The explicit "analysis started" of the hosting agreement's GTI: stops the intervention clock. */
    async startAnalysis(actor: Actor, id: string): Promise<TicketDto> {
      requireRole(actor, STAFF_ROLES, 'start the analysis');
      const ticket = refuseFinished(await visibleTicket(actor, id));
      const nowMs = clock.nowMs();
      const { ctx, extendedKey } = await changeContext(ticket, fresh);
      await inTicketTransaction(db, async (repo) => {
        // Decided from the locked row: a resolve committed since the read above refuses the analysis.
        const current = refuseFinished(await lockedTicket(repo, ticket));
        const events: NewEvent[] = [{ type: 'analysis-started', payload: {} }];
        if (current.status === 'new')
          events.push({ type: 'status-changed', payload: { status: 'open', from: 'new' } });
        await repo.touch(ticket.id, {
          updated_at: nowMs,
          ...(current.status === 'new' ? { status: 'open' } : {}),
        });
        await repo.appendEvents(ticket, events, actor.userId, nowMs);
        await recomputeSla(repo, ticket, ctx, extendedKey, nowMs);
        await repo.enqueueOutbox({
          workspaceId: ticket.workspace_id,
          idempotencyKey: `ticket.analysis-started:${ticket.id}:${newId()}`,
          topic: 'ticket.analysis-started',
          payload: { ticketId: ticket.id },
          atMs: nowMs,
        });
      });
      return reload(actor, id);
    },

    async events(actor: Actor, id: string) {
      const ticket = await visibleTicket(actor, id);
      const rows = await tickets.events(ticket.id);
      return rows.filter((r) => isStaff(actor) || !INTERNAL_EVENT_TYPES.has(r.type)).map(eventDto);
    },

    async tags(actor: Actor) {
      requireRole(actor, STAFF_ROLES, 'list tags');
      return (await tickets.tagCounts(actor.workspaceId)).map((r) => ({
        tag: r.tag,
        count: Number(r.count),
      }));
    },

    /** For other services (attachments, billing): the ticket if the actor may see it. */
    visibleTicket,
  });

  // The changes that persist clocks try with the cached context first, then once more with a fresh one if a policy
  // or calendar edit made it stale (on PostgreSQL a fresh read is one more round trip per change).
  const cached = operations(false);
  const current = operations(true);
  const retried =
    <A extends unknown[], R>(first: (...args: A) => Promise<R>, again: (...args: A) => Promise<R>) =>
    (...args: A) =>
      retryOnStaleContext(
        () => first(...args),
        () => again(...args),
      );
  return {
    ...cached,
    create: retried(cached.create, current.create),
    update: retried(cached.update, current.update),
    comment: retried(cached.comment, current.comment),
    startAnalysis: retried(cached.startAnalysis, current.startAnalysis),
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
