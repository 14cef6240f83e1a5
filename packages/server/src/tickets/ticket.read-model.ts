import { iso, requireRole } from '../access.ts';
import { isStaff, STAFF_ROLES, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { freezeDeep } from '../deep-frozen.ts';
import { toCoreEvents, type PolicyContext, type SlaClockService } from '../sla/sla-clock.service.ts';
import type { BusinessCalendar, PriorityId, TicketStatus } from '../sla/sla-core.ts';
import { projectClock, type PersistedClock } from '../sla/sla-projection.ts';
import {
  clockDto,
  decodeCursor,
  encodeCursor,
  eventDto,
  sameClockDtos,
  ticketDto,
  type ClockDto,
  type TicketDto,
} from './ticket.dto.ts';
import {
  sortKeyOf,
  type TicketKeyRow,
  type TicketRepository,
  type TicketRow,
  type TicketSort,
} from './ticket.repository.ts';
import { createTicketSnapshotCache, type TicketSnapshot } from './ticket-snapshot-cache.ts';
import { ticketSearchTerms } from './ticket-search.ts';
import { persistedClockOf } from './ticket-sla.ts';

/** Events only staff may see. */
// Staff's business: a client sees the effect (new due instants), not which calendar an admin edited.
export const INTERNAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'internal-note-added',
  'internal-attachment-added',
  'time-logged',
  'clocks-recomputed',
]);

export interface ListTicketsInput {
  status?: TicketStatus[] | undefined;
  priority?: PriorityId[] | undefined;
  organizationId?: string | undefined;
  assigneeId?: string | undefined;
  tag?: string | undefined;
  breachingBeforeMs?: number | undefined;
  /** Words searched in subject and description (all must match, each as a word prefix). */
  text?: string | undefined;
  sort: TicketSort;
  cursor?: string | undefined;
  limit: number;
}

export interface QueueInput {
  queue?: 'priority' | 'standard' | undefined;
  status?: ('new' | 'open')[] | undefined;
  priority?: PriorityId[] | undefined;
  organizationId?: string | undefined;
  assignee?: string | undefined;
  tag?: string | undefined;
  breachingBeforeMs?: number | undefined;
  text?: string | undefined;
  limit: number;
}

/** A search of words only: none (punctuation only) is refused rather than read as "everything". */
function searchTermsOf(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const terms = ticketSearchTerms(text);
  if (terms.length === 0)
    throw new DomainError('VALIDATION_FAILED', 'the search needs at least one word (letters or digits)');
  return terms;
}

const contextKeyOf = (row: TicketRow) => `${row.policy_version}\u0000${row.extended_calendar_key ?? ''}`;

/** Who a DTO is for: tags are the staff's triage vocabulary and are not shown to requesters. */
type Audience = 'staff' | 'requester';
const audienceOf = (actor: Actor): Audience => (isStaff(actor) ? 'staff' : 'requester');

interface KeptDto {
  readonly ctx: PolicyContext;
  readonly status: TicketStatus;
  /** In the policy's metric order. */
  readonly clocks: readonly { persisted: PersistedClock; calendar: BusinessCalendar }[];
  readonly dtos: Partial<Record<Audience, { dto: TicketDto; sla: readonly ClockDto[] }>>;
}

function keptOf({ row, sla: slaRows }: TicketSnapshot, ctx: PolicyContext): KeptDto {
  const metrics = ctx.policy.metrics as readonly string[];
  const clocks = slaRows
    .map((r) => ({ persisted: persistedClockOf(r), calendar: ctx.calendars(r.calendar_id) }))
    .sort((a, b) => metrics.indexOf(a.persisted.metric) - metrics.indexOf(b.persisted.metric));
  return {
    ctx,
    status: row.status as TicketStatus,
    clocks,
    dtos: {},
  };
}

export interface TicketReadModelDeps {
  readonly tickets: TicketRepository;
  readonly sla: SlaClockService;
  readonly clock: Clock;
}

/**
 * Reads of tickets: rows and clocks from the repository, clocks advanced to now with the core's `projectClock`, DTOs
 * as the actor may see them. Owns the ticket snapshot cache (keyed by id and version, see ticket-snapshot-cache.ts)
 * and the kept DTOs (per snapshot; see the server README's "Caches").
 */
export function createTicketReadModel({ tickets, sla, clock }: TicketReadModelDeps) {
  const snapshotCache = createTicketSnapshotCache();
  /** Per snapshot (and gone with it): the last DTO handed out to each audience, with the clocks it shows. */
  const keptDtos = new WeakMap<TicketSnapshot, KeptDto>();

  /** Another organization's ticket, or another workspace's, is "not found": its existence is not revealed. */
  async function visibleTicket(actor: Actor, id: string): Promise<TicketRow> {
    const row = await tickets.find(actor.workspaceId, id);
    if (!row || !mayRead(actor, row)) throw new DomainError('TICKET_NOT_FOUND', `ticket ${id} not found`);
    return row;
  }

  function mayRead(actor: Actor, row: TicketRow): boolean {
    if (isStaff(actor)) return true;
    if (actor.role === 'client') return row.organization_id === actor.organizationId;
    return row.requester_id === actor.userId;
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
    // Taken now, not looked up again after the awaits below: the cache may move on meanwhile, and the page must not
    // lose a ticket to that.
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
   * to now, rather than every ticket's history replayed on each read.
   */
  async function dtosOf(actor: Actor, snapshots: readonly TicketSnapshot[]): Promise<TicketDto[]> {
    if (snapshots.length === 0) return [];
    const nowMs = clock.nowMs();
    const contexts = new Map<string, PolicyContext>();
    // A snapshot shown for the first time is a new version: perhaps a calendar edit's recompute, made through
    // another instance. Its figures are then projected with the calendars as stored now, not this instance's cached
    // ones, so the ticket reads the same everywhere; unchanged tickets keep the cached context (see Caches).
    const freshKeys = new Set<string>();
    for (const snapshot of snapshots) if (!keptDtos.has(snapshot)) freshKeys.add(contextKeyOf(snapshot.row));
    for (const { row } of snapshots) {
      const key = contextKeyOf(row);
      if (contexts.has(key)) continue;
      const fresh = freshKeys.has(key);
      contexts.set(
        key,
        (fresh
          ? undefined
          : sla.cachedContext(actor.workspaceId, row.policy_version, row.extended_calendar_key)) ??
          (await sla.policyContext(actor.workspaceId, row.policy_version, {
            calendarKey: row.extended_calendar_key,
            fresh,
          })),
      );
    }
    const audience = audienceOf(actor);
    const out = new Array<TicketDto>(snapshots.length);
    for (let i = 0; i < snapshots.length; i++) {
      const snapshot = snapshots[i]!;
      out[i] = dtoAt(snapshot, contexts.get(contextKeyOf(snapshot.row)), nowMs, audience);
    }
    return out;
  }

  /**
   * A snapshot's DTO with its clocks advanced to `nowMs`. While nothing it shows has changed (same version, same
   * clock DTOs) readers get the same frozen DTO, whose JSON the response serializer writes once.
   * Plain loops and no closures: this runs for every ticket of every page read.
   */
  function dtoAt(
    snapshot: TicketSnapshot,
    ctx: PolicyContext | undefined,
    nowMs: number,
    audience: Audience,
  ): TicketDto {
    const tags = audience === 'staff' ? snapshot.tags : [];
    if (ctx === undefined) return ticketDto(snapshot.row, tags, []);
    let kept = keptDtos.get(snapshot);
    if (kept === undefined || kept.ctx !== ctx) {
      kept = keptOf(snapshot, ctx);
      keptDtos.set(snapshot, kept);
    }
    const shown = new Array<ClockDto>(kept.clocks.length);
    for (let i = 0; i < shown.length; i++) {
      const input = kept.clocks[i]!;
      shown[i] = clockDto(
        projectClock(input.persisted, {
          nowMs,
          calendar: input.calendar,
          status: kept.status,
          pauseRules: ctx.policy,
          warningThresholds: ctx.policy.warningThresholds,
        }),
      );
    }
    const last = kept.dtos[audience];
    if (last !== undefined && sameClockDtos(last.sla, shown)) return last.dto;
    const dto = freezeDeep(ticketDto(snapshot.row, tags, shown));
    kept.dtos[audience] = { dto, sla: shown };
    return dto;
  }

  async function one(actor: Actor, row: TicketRow): Promise<TicketDto> {
    const [dto] = await dtosOf(actor, await snapshotsOf([row]));
    if (!dto) throw new DomainError('TICKET_NOT_FOUND', `ticket ${row.id} not found`);
    return dto;
  }

  /**
   * The DTO of a ticket the actor has just created, from what the write path stored and the context it checked
   * current at commit: nothing to read back. Not cached: the first read takes the snapshot from the database.
   */
  function created(actor: Actor, snapshot: TicketSnapshot, ctx: PolicyContext): TicketDto {
    return dtoAt(snapshot, ctx, clock.nowMs(), audienceOf(actor));
  }

  return {
    visibleTicket,
    one,
    created,
    snapshotsOf,

    get: async (actor: Actor, id: string): Promise<TicketDto> => one(actor, await visibleTicket(actor, id)),

    async list(
      actor: Actor,
      input: ListTicketsInput,
    ): Promise<{ items: TicketDto[]; nextCursor: string | null }> {
      const staff = isStaff(actor);
      if (!staff && input.tag !== undefined)
        throw new DomainError(
          'FORBIDDEN',
          'tags are the support team’s; filter by status or priority instead',
        );
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
        requesterId: staff || actor.role === 'client' ? undefined : actor.userId,
        statuses: input.status,
        priorities: input.priority,
        assigneeId:
          input.assigneeId === 'none' ? null : input.assigneeId === 'me' ? actor.userId : input.assigneeId,
        tag: input.tag,
        breachingBeforeMs: input.breachingBeforeMs,
        textTerms: searchTermsOf(input.text),
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

    async queue(actor: Actor, input: QueueInput) {
      requireRole(actor, STAFF_ROLES, 'see the queue');
      const rows = await tickets.queue({
        workspaceId: actor.workspaceId,
        queueClass: input.queue,
        statuses: input.status,
        priorities: input.priority,
        organizationId: input.organizationId,
        assigneeId:
          input.assignee === 'none' ? null : input.assignee === 'me' ? actor.userId : input.assignee,
        tag: input.tag,
        breachingBeforeMs: input.breachingBeforeMs,
        textTerms: searchTermsOf(input.text),
        limit: input.limit,
      });
      return { items: await dtosOf(actor, await snapshotsOf(rows)) };
    },

    /** Open tickets per priority and plan (staff): the dashboard's counts, whatever the size of the queue. */
    async openCounts(actor: Actor) {
      requireRole(actor, STAFF_ROLES, 'see the open ticket counts');
      return { items: await tickets.openCountsByPriorityAndPlan(actor.workspaceId) };
    },

    /** Clocks breached in [fromMs, toMs) per organization (staff): the dashboard's "breaches this month". */
    async breaches(actor: Actor, input: { fromMs: number; toMs: number }) {
      requireRole(actor, STAFF_ROLES, 'see breaches');
      if (input.toMs <= input.fromMs) throw new DomainError('VALIDATION_FAILED', '`to` must be after `from`');
      return { items: await tickets.breachesByOrganization(actor.workspaceId, input.fromMs, input.toMs) };
    },

    /**
     * The history as the actor may see it. Requesters get their visible entries numbered 1, 2, 3…: the stored
     * sequence numbers would show gaps where staff-only entries sit.
     */
    async events(actor: Actor, id: string) {
      const ticket = await visibleTicket(actor, id);
      const rows = await tickets.events(ticket.id);
      if (isStaff(actor)) return rows.map((r) => eventDto(r));
      return rows.filter((r) => !INTERNAL_EVENT_TYPES.has(r.type)).map((r, i) => eventDto(r, i + 1));
    },

    /**
     * Each clock with its figures as the ticket shows them and the "why this deadline" trace, replayed from the
     * history by the core. The history holds no staff-only entry that moves a clock (notes, time, tags are not clock
     * events), so a requester's trace is the staff's.
     */
    async sla(actor: Actor, id: string) {
      const row = await visibleTicket(actor, id);
      const [dto] = await dtosOf(actor, await snapshotsOf([row]));
      const ctx = await sla.policyContext(row.workspace_id, row.policy_version, {
        calendarKey: row.extended_calendar_key,
      });
      const traced = sla.clocks(ctx, {
        events: toCoreEvents(await tickets.events(row.id)),
        nowMs: clock.nowMs(),
        extendedCalendarKey: row.extended_calendar_key,
        maintenanceContract: row.maintenance_contract === 1,
        trace: true,
      });
      return {
        clocks: (dto?.sla ?? []).map((shown) => ({
          ...shown,
          trace: (traced.find((c) => c.metric === shown.metric)?.traceEntries ?? []).map((e) => ({
            at: e.atMs === null ? null : iso(e.atMs),
            text: e.text,
          })),
        })),
      };
    },

    async comments(actor: Actor, id: string) {
      const ticket = await visibleTicket(actor, id);
      const rows = await tickets.comments(ticket.id, isStaff(actor));
      return rows.map((c) => ({
        id: c.id,
        ticketId: c.ticket_id,
        authorId: c.author_id,
        authorName: c.author_name ?? '',
        body: c.body,
        visibility: c.visibility as 'public' | 'internal',
        createdAt: iso(c.created_at),
      }));
    },

    async tags(actor: Actor) {
      requireRole(actor, STAFF_ROLES, 'list tags');
      return (await tickets.tagCounts(actor.workspaceId)).map((r) => ({
        tag: r.tag,
        count: Number(r.count),
      }));
    },
  };
}

export type TicketReadModel = ReturnType<typeof createTicketReadModel>;
