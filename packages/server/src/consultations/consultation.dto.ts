import { iso, isoOrNull } from '../access.ts';
import { isStaff, type Actor } from '../auth/actor.ts';
import {
  runningDeadline,
  type BusinessCalendar,
  type ConsultantProfile,
  type ConsultationState,
  type IneligibleReason,
} from './consultation-core.ts';
import type { ConsultationRepository, ConsultationRow } from './consultation.repository.ts';

type EventRow = Awaited<ReturnType<ConsultationRepository['events']>>[number];

/** Events everybody party to the request sees; staff see every event, a consultant also their own offers. */
const PUBLIC_EVENTS = new Set(['created', 'accepted', 'claimed', 'contacted', 'closed', 'cancelled']);
const CONSULTANT_OWN_EVENTS = new Set([
  'offered',
  'declined',
  'expired',
  'contact-warning',
  'contact-overdue',
]);

export function eventDto(e: EventRow) {
  return {
    type: e.type,
    at: iso(Number(e.at)),
    actorId: e.actor_id,
    consultantId: e.consultant_id,
    details: JSON.parse(e.payload_json) as Record<string, unknown>,
  };
}

export function visibleEvents(actor: Actor, events: readonly EventRow[]) {
  if (isStaff(actor)) return events.map(eventDto);
  return events
    .filter(
      (e) =>
        PUBLIC_EVENTS.has(e.type) ||
        (actor.role === 'consultant' &&
          e.consultant_id === actor.userId &&
          CONSULTANT_OWN_EVENTS.has(e.type)),
    )
    .map((e) => {
      const dto = eventDto(e);
      // A decline's reason is for the desk, not for the client.
      return actor.role === 'client' ? { ...dto, details: {} } : dto;
    });
}

/** The user ids a request's view mentions (client, consultant, the visible history's people): their names are shown. */
export function mentionedUsers(row: ConsultationRow, history: ReturnType<typeof visibleEvents>): string[] {
  const ids = [row.client_id, row.consultant_id, ...history.flatMap((e) => [e.actorId, e.consultantId])];
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

export function consultationDto(
  row: ConsultationRow,
  history: ReturnType<typeof visibleEvents>,
  nowMs: number,
  context: { names: ReadonlyMap<string, string>; calendar: BusinessCalendar | null } = {
    names: new Map(),
    calendar: null,
  },
) {
  const running =
    context.calendar === null
      ? null
      : runningDeadline({
          calendar: context.calendar,
          state: row.state as ConsultationState,
          acceptDueAtMs: row.accept_due_at === null ? null : Number(row.accept_due_at),
          contactDueAtMs: row.contact_due_at === null ? null : Number(row.contact_due_at),
          nowMs,
        });
  const due = row.contact_due_at === null ? null : Number(row.contact_due_at);
  const contacted = row.contacted_at === null ? null : Number(row.contacted_at);
  return {
    id: row.id,
    state: row.state as ConsultationState,
    mode: row.mode,
    subject: row.subject,
    description: row.description,
    specialty: row.specialty,
    language: row.language,
    clientId: row.client_id,
    consultantId: row.consultant_id,
    createdAt: iso(Number(row.created_at)),
    offeredAt: isoOrNull(row.offered_at === null ? null : Number(row.offered_at)),
    acceptDueAt: isoOrNull(row.accept_due_at === null ? null : Number(row.accept_due_at)),
    acceptedAt: isoOrNull(row.accepted_at === null ? null : Number(row.accepted_at)),
    contactDueAt: isoOrNull(due),
    contactedAt: isoOrNull(contacted),
    contactKind: row.contact_kind,
    /** true: contacted in time; false: late or overdue; null: not due yet. */
    contactMet: due === null ? null : contacted !== null ? contacted <= due : nowMs > due ? false : null,
    endedAt: isoOrNull(row.ended_at === null ? null : Number(row.ended_at)),
    deadline:
      running === null
        ? null
        : {
            metric: running.metric,
            dueAt: iso(running.dueAtMs),
            remainingSeconds: running.remainingMs / 1000,
            countingNow: running.countingNow,
            nextChangeAt: isoOrNull(running.nextChangeAtMs),
          },
    names: Object.fromEntries(
      mentionedUsers(row, history).flatMap((id) => {
        const name = context.names.get(id);
        return name === undefined ? [] : [[id, name]];
      }),
    ),
    history,
  };
}

export type ConsultationDto = ReturnType<typeof consultationDto>;

export function profileDto(
  profile: ConsultantProfile & { bio: string; name?: string },
  extra: { availableNow: boolean; openCount?: number },
) {
  return {
    userId: profile.userId,
    name: profile.name ?? null,
    specialties: [...profile.specialties],
    languages: [...profile.languages],
    capacity: profile.capacity,
    available: profile.available,
    awayUntil: isoOrNull(profile.awayUntilMs),
    availableNow: extra.availableNow,
    bio: profile.bio,
    ...(extra.openCount === undefined ? {} : { openCount: extra.openCount }),
  };
}

/** Why a consultant's board is empty, or may not claim: the reason the API names. */
export const INELIGIBLE_MESSAGES: Record<IneligibleReason, string> = {
  excluded: 'you declined this request or let it expire; it is no longer offered to you',
  away: 'you are marked away; set yourself available to take requests',
  specialty: 'this request needs a specialty your profile does not list',
  language: 'this request needs a language your profile does not list',
  'at-capacity': 'you hold as many open requests as your capacity allows',
};
