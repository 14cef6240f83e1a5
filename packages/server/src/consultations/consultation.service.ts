import type { Transaction } from 'kysely';
import { requireRole } from '../access.ts';
import { isStaff, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import { DomainError, type ErrorCode } from '../errors.ts';
import { newId } from '../ids.ts';
import type { SlaClockService } from '../sla/sla-clock.service.ts';
import {
  canTransition,
  ineligibility,
  type ConsultationAction,
  type IneligibleReason,
} from './consultation-core.ts';
import {
  consultationDto,
  INELIGIBLE_MESSAGES,
  mentionedUsers,
  visibleEvents,
  type ConsultationDto,
} from './consultation.dto.ts';
import {
  createConsultationRepository,
  type ConsultationRow,
  type NewConsultationEvent,
} from './consultation.repository.ts';
import { recordContact, type ContactInput } from './consultation-contact.ts';
import {
  acceptance,
  boardFollowers,
  eligibleConsultants,
  enqueue,
  offerTo,
  refuse,
  recordTaken,
  scheduleDeadlines,
  type ConsultationTerms,
} from './consultation-workflow.ts';

export interface CreateConsultationInput {
  readonly subject: string;
  readonly description: string;
  readonly specialty: string;
  readonly language?: string | undefined;
  readonly consultantId?: string | undefined;
}

const REASON_CODES: Record<IneligibleReason, ErrorCode> = {
  excluded: 'CONSULTANT_NOT_QUALIFIED',
  specialty: 'CONSULTANT_NOT_QUALIFIED',
  language: 'CONSULTANT_NOT_QUALIFIED',
  away: 'CONSULTANT_UNAVAILABLE',
  'at-capacity': 'CONSULTANT_AT_CAPACITY',
};

type Trx = Transaction<Database>;

/** Loads the policy's consultation terms (deadlines, calendar, route after a refusal) of a workspace. */
export async function termsOf(
  sla: SlaClockService,
  workspaceId: string,
  trx?: Trx,
): Promise<ConsultationTerms | null> {
  const ctx =
    trx === undefined
      ? await sla.policyContext(workspaceId)
      : await sla.contextWithin(
          trx,
          workspaceId,
          (
            await trx
              .selectFrom('workspaces')
              .select('policy_version')
              .where('id', '=', workspaceId)
              .executeTakeFirstOrThrow()
          ).policy_version,
        );
  const policy = ctx.policy.consultations;
  return policy === undefined ? null : { policy, calendar: ctx.calendars(policy.calendar) };
}

/** Consultation requests: direct assignment, the claim board, and their deadlines (issue #13). */
export function createConsultationService({
  db,
  sla,
  clock,
}: {
  db: Db;
  sla: SlaClockService;
  clock: Clock;
}) {
  const repo = createConsultationRepository(db);

  async function requireTerms(workspaceId: string): Promise<ConsultationTerms> {
    const terms = await termsOf(sla, workspaceId);
    if (terms === null)
      throw new DomainError(
        'CONSULTATIONS_NOT_ENABLED',
        "this workspace's policy has no consultations section; an admin can add one with PUT /policy",
      );
    return terms;
  }

  function canSee(actor: Actor, row: ConsultationRow, excluded: ReadonlySet<string>): boolean {
    if (isStaff(actor)) return true;
    if (actor.role === 'client') return row.client_id === actor.userId;
    if (actor.role === 'consultant')
      return row.consultant_id === actor.userId || (row.state === 'open' && !excluded.has(actor.userId));
    return false;
  }

  async function load(actor: Actor, id: string): Promise<ConsultationRow> {
    const row = await repo.find(actor.workspaceId, id);
    if (row === undefined || !canSee(actor, row, await repo.exclusions(id)))
      throw new DomainError('CONSULTATION_NOT_FOUND', `consultation request ${id} not found`);
    return row;
  }

  function assertState(row: ConsultationRow, action: ConsultationAction): void {
    if (!canTransition(row.state as Parameters<typeof canTransition>[0], action))
      throw new DomainError('INVALID_TRANSITION', `a request that is ${row.state} cannot be ${action}ed`, {
        state: row.state,
        action,
      });
  }

  async function view(actor: Actor, row: ConsultationRow): Promise<ConsultationDto> {
    const history = visibleEvents(actor, await repo.events(row.id));
    const [names, terms] = await Promise.all([
      repo.userNames(mentionedUsers(row, history)),
      termsOf(sla, row.workspace_id),
    ]);
    return consultationDto(row, history, clock.nowMs(), { names, calendar: terms?.calendar ?? null });
  }

  /** A write in one transaction; a guarded transition that found the row moved answers `lost`. */
  async function write(
    actor: Actor,
    fn: (trx: Trx) => Promise<ConsultationRow | undefined>,
    lost: () => DomainError,
  ): Promise<ConsultationDto> {
    const row = await db.transaction().execute(fn);
    if (row === undefined) throw lost();
    return view(actor, row);
  }

  async function refuseFor(actor: Actor, id: string, reason: string | null): Promise<ConsultationDto> {
    requireRole(actor, ['consultant'], 'decline a consultation request');
    const row = await load(actor, id);
    if (row.consultant_id !== actor.userId) throw notFound(id);
    assertState(row, 'decline');
    const terms = await requireTerms(actor.workspaceId);
    const nowMs = clock.nowMs();
    return write(
      actor,
      async (trx) =>
        (await refuse(trx, {
          row,
          consultantId: actor.userId,
          reason: 'declined',
          note: reason,
          actorId: actor.userId,
          terms,
          nowMs,
        })) ?? undefined,
      () => new DomainError('INVALID_TRANSITION', 'this request is no longer offered to you'),
    );
  }

  return {
    async create(actor: Actor, input: CreateConsultationInput): Promise<ConsultationDto> {
      requireRole(actor, ['client'], 'request a consultation');
      const terms = await requireTerms(actor.workspaceId);
      const nowMs = clock.nowMs();
      const base: ConsultationRow = {
        id: newId(),
        workspace_id: actor.workspaceId,
        client_id: actor.userId,
        organization_id: actor.organizationId,
        subject: input.subject,
        description: input.description,
        specialty: input.specialty,
        language: input.language ?? null,
        mode: input.consultantId === undefined ? 'board' : 'direct',
        state: 'open',
        consultant_id: null,
        offered_at: null,
        accept_due_at: null,
        accepted_at: null,
        contact_due_at: null,
        contacted_at: null,
        contact_kind: null,
        ended_at: null,
        version: 1,
        created_at: nowMs,
        updated_at: nowMs,
      };
      return write(
        actor,
        async (trx) => {
          const r = createConsultationRepository(trx);
          const { eligible, need } = await eligibleConsultants(r, base, new Set(), nowMs);
          let row = base;
          if (input.consultantId !== undefined) {
            const chosen = input.consultantId;
            const profile = (await r.isConsultant(actor.workspaceId, chosen))
              ? await r.profile(actor.workspaceId, chosen)
              : undefined;
            if (profile === undefined)
              throw new DomainError('CONSULTANT_NOT_FOUND', `no consultant ${chosen} in this workspace`);
            const openCount = (await r.loads(actor.workspaceId, [chosen])).get(chosen) ?? 0;
            const why = ineligibility({ profile, need, openCount, excluded: new Set(), nowMs });
            if (why !== null)
              throw new DomainError(REASON_CODES[why], `this consultant cannot take it: ${why}`, {
                reason: why,
              });
            row = { ...base, ...offerTo(chosen, terms, nowMs) };
          }
          await r.insert(row);
          const events: NewConsultationEvent[] = [
            { type: 'created', actorId: actor.userId, consultantId: null },
          ];
          if (row.state === 'offered')
            events.push({ type: 'offered', actorId: actor.userId, consultantId: row.consultant_id });
          else events.push({ type: 'listed', actorId: null, consultantId: null });
          const alert = row.state === 'open' && eligible.length === 0;
          if (alert) events.push({ type: 'unassigned', actorId: null, consultantId: null });
          await r.appendEvents(row, events, nowMs);
          await scheduleDeadlines(trx, row, terms, nowMs);
          // "Les notifications sont envoyées immédiatement lors de la création de la demande": to the chosen
          // consultant, or to every qualified consultant for the board.
          const toNotify =
            row.consultant_id !== null ? [row.consultant_id] : eligible.map((c) => c.profile.userId);
          const board = row.state === 'open' ? await boardFollowers(r, row, new Set(), nowMs) : [];
          await enqueue(
            trx,
            row,
            { topic: 'consultation.created', key: 'created', recipients: toNotify, followers: board },
            nowMs,
          );
          if (row.state === 'offered')
            await enqueue(
              trx,
              row,
              { topic: 'consultation.offered', key: `${row.consultant_id}:${nowMs}`, recipients: [] },
              nowMs,
            );
          if (alert)
            await enqueue(
              trx,
              row,
              {
                topic: 'consultation.unassigned',
                key: 'created',
                recipients: await r.adminIds(actor.workspaceId),
              },
              nowMs,
            );
          return row;
        },
        () => notFound(base.id),
      );
    },

    async get(actor: Actor, id: string): Promise<ConsultationDto> {
      return view(actor, await load(actor, id));
    },

    async list(
      actor: Actor,
      query: { state?: string | undefined; limit: number },
    ): Promise<ConsultationDto[]> {
      const states = query.state === undefined ? undefined : [query.state];
      const rows =
        actor.role === 'client'
          ? await repo.list(actor.workspaceId, { clientId: actor.userId, states, limit: query.limit })
          : actor.role === 'consultant'
            ? await repo.list(actor.workspaceId, { consultantId: actor.userId, states, limit: query.limit })
            : await repo.list(actor.workspaceId, { states, limit: query.limit });
      return Promise.all(rows.map((row) => view(actor, row)));
    },

    /** The open requests this consultant may claim now, and why the list is empty when they may claim none. */
    async board(actor: Actor, query: { limit: number }) {
      requireRole(actor, ['consultant'], 'see the claim board');
      const nowMs = clock.nowMs();
      const profile = await repo.profile(actor.workspaceId, actor.userId);
      if (profile === undefined) return { items: [], blockedBy: 'no-profile' as const };
      const openCount = (await repo.loads(actor.workspaceId, [actor.userId])).get(actor.userId) ?? 0;
      const anyNeed = { specialty: profile.specialties[0] ?? '', language: null };
      const blocked = ineligibility({ profile, need: anyNeed, openCount, excluded: new Set(), nowMs });
      if (blocked === 'away' || blocked === 'at-capacity') return { items: [], blockedBy: blocked };
      const rows = await repo.board(actor.workspaceId, { consultantId: actor.userId, limit: 1000 });
      const mine = rows.filter(
        (row) =>
          ineligibility({
            profile,
            need: { specialty: row.specialty, language: row.language },
            openCount,
            excluded: new Set(),
            nowMs,
          }) === null,
      );
      const items = await Promise.all(mine.slice(0, query.limit).map((row) => view(actor, row)));
      return { items, blockedBy: null };
    },

    async accept(actor: Actor, id: string): Promise<ConsultationDto> {
      requireRole(actor, ['consultant'], 'accept a consultation request');
      const row = await load(actor, id);
      if (row.consultant_id !== actor.userId) throw notFound(id);
      assertState(row, 'accept');
      const terms = await requireTerms(actor.workspaceId);
      const nowMs = clock.nowMs();
      return write(
        actor,
        async (trx) => {
          const r = createConsultationRepository(trx);
          const moved = await r.transition(
            actor.workspaceId,
            id,
            { fromStates: ['offered'], consultantId: actor.userId },
            acceptance(actor.userId, terms, nowMs),
          );
          if (moved === undefined) return undefined;
          const offeredAtMs = Number(row.offered_at ?? row.created_at);
          return recordTaken(trx, moved, {
            kind: 'accepted',
            by: actor.userId,
            sinceMs: offeredAtMs,
            terms,
            nowMs,
          });
        },
        () =>
          new DomainError(
            'INVALID_TRANSITION',
            'this request is no longer offered to you (declined or expired)',
          ),
      );
    },

    decline: (actor: Actor, id: string, input: { reason?: string | undefined }) =>
      refuseFor(actor, id, input.reason ?? null),

    /**
     * "tout consultant qualifié peut la prendre": the first claim wins. The eligibility checks answer 422 with the
     * reason; the claim itself is one conditional UPDATE on `state = 'open'`, so of many consultants pressing
     * "claim" together exactly one gets the request and every other one a 409 CONSULTATION_ALREADY_TAKEN.
     */
    async claim(actor: Actor, id: string): Promise<ConsultationDto> {
      requireRole(actor, ['consultant'], 'claim a consultation request');
      const row = await repo.find(actor.workspaceId, id);
      if (row === undefined) throw notFound(id);
      const terms = await requireTerms(actor.workspaceId);
      const nowMs = clock.nowMs();
      return write(
        actor,
        async (trx) => {
          const r = createConsultationRepository(trx);
          const profile = await r.profile(actor.workspaceId, actor.userId, { lock: true });
          if (profile === undefined)
            throw new DomainError(
              'CONSULTANT_PROFILE_REQUIRED',
              'set up your consultant profile before claiming',
            );
          const openCount = (await r.loads(actor.workspaceId, [actor.userId])).get(actor.userId) ?? 0;
          const need = { specialty: row.specialty, language: row.language };
          const why = ineligibility({ profile, need, openCount, excluded: await r.exclusions(id), nowMs });
          if (why !== null)
            throw new DomainError(REASON_CODES[why], INELIGIBLE_MESSAGES[why], { reason: why });
          const taken = await r.transition(
            actor.workspaceId,
            id,
            { fromStates: ['open'] },
            acceptance(actor.userId, terms, nowMs),
          );
          if (taken === undefined) return undefined;
          const listedAt = await listedSince(r, id, Number(row.created_at));
          return recordTaken(trx, taken, {
            kind: 'claimed',
            by: actor.userId,
            sinceMs: listedAt,
            terms,
            nowMs,
          });
        },
        () =>
          new DomainError('CONSULTATION_ALREADY_TAKEN', 'another consultant took this request first', { id }),
      );
    },

    /** "contacter le client … pour démarrer la consultation ou fixer un rendez-vous": the first contact meets it. */
    async contact(actor: Actor, id: string, input: ContactInput): Promise<ConsultationDto> {
      requireRole(actor, ['consultant'], 'record a contact');
      const row = await load(actor, id);
      if (row.consultant_id !== actor.userId) throw notFound(id);
      assertState(row, 'contact');
      const nowMs = clock.nowMs();
      return write(
        actor,
        async (trx) => recordContact(trx, { row, consultantId: actor.userId, input, nowMs }),
        () => new DomainError('INVALID_TRANSITION', 'this request is no longer yours to contact'),
      );
    },

    cancel: (actor: Actor, id: string) => end(actor, id, 'cancel'),
    close: (actor: Actor, id: string) => end(actor, id, 'close'),
  };

  async function end(actor: Actor, id: string, action: 'cancel' | 'close'): Promise<ConsultationDto> {
    const row = await load(actor, id);
    const allowed =
      isStaff(actor) ||
      (actor.role === 'client' && row.client_id === actor.userId) ||
      (action === 'close' && actor.role === 'consultant' && row.consultant_id === actor.userId);
    if (!allowed) throw new DomainError('FORBIDDEN', `a ${actor.role} cannot ${action} this request`);
    assertState(row, action);
    const nowMs = clock.nowMs();
    const state = action === 'cancel' ? 'cancelled' : 'closed';
    return write(
      actor,
      async (trx) => {
        const r = createConsultationRepository(trx);
        const moved = await r.transition(
          actor.workspaceId,
          id,
          { fromStates: [row.state] },
          { state, ended_at: nowMs, updated_at: nowMs },
        );
        if (moved === undefined) return undefined;
        await r.appendEvents(
          moved,
          [{ type: state, actorId: actor.userId, consultantId: moved.consultant_id }],
          nowMs,
        );
        await scheduleDeadlines(trx, moved, null, nowMs);
        const recipients = [moved.client_id, moved.consultant_id ?? ''].filter(
          (u) => u !== '' && u !== actor.userId,
        );
        // A request cancelled off the board leaves the boards it was on.
        const board =
          row.state === 'open' ? await boardFollowers(r, moved, await r.exclusions(id), nowMs) : [];
        await enqueue(
          trx,
          moved,
          { topic: `consultation.${state}`, key: String(nowMs), recipients, followers: board },
          nowMs,
        );
        return moved;
      },
      () => new DomainError('INVALID_TRANSITION', 'this request changed meanwhile; reload it'),
    );
  }
}

function notFound(id: string): DomainError {
  return new DomainError('CONSULTATION_NOT_FOUND', `consultation request ${id} not found`);
}

/** When the request last reached the board (its creation, or the last decline or expiry). */
async function listedSince(
  repo: ReturnType<typeof createConsultationRepository>,
  id: string,
  createdAtMs: number,
): Promise<number> {
  const events = await repo.events(id);
  const listed = events.filter((e) => e.type === 'listed').at(-1);
  return listed === undefined ? createdAtMs : Number(listed.at);
}

export type ConsultationService = ReturnType<typeof createConsultationService>;
