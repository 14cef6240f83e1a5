import { addBusinessDuration, businessDurationMs, parseBusinessDuration } from '../calendar/duration.ts';
import type { BusinessCalendar } from '../calendar/calendar.types.ts';
import { nextTransitionAt } from '../calendar/transitions.ts';
import type { ConsultationPolicy } from './consultation-policy.ts';

/**
 * offered: a direct request waiting for its consultant; open: on the claim board; accepted: a consultant took it;
 * contacted: the consultant reached the client; closed, cancelled: over.
 */
export const CONSULTATION_STATES = [
  'offered',
  'open',
  'accepted',
  'contacted',
  'closed',
  'cancelled',
] as const;
export type ConsultationState = (typeof CONSULTATION_STATES)[number];

/** States that hold a place in the consultant's capacity ("open requests at once"). */
export const CONSULTATION_LOAD_STATES: readonly ConsultationState[] = ['offered', 'accepted', 'contacted'];

export interface ConsultantProfile {
  readonly userId: string;
  readonly specialties: readonly string[];
  readonly languages: readonly string[];
  readonly capacity: number;
  readonly available: boolean;
  /** With `available: false`: back at this instant; null = away until they say otherwise. */
  readonly awayUntilMs: number | null;
}

export interface ConsultationNeed {
  readonly specialty: string;
  readonly language: string | null;
}

export type IneligibleReason = 'excluded' | 'away' | 'specialty' | 'language' | 'at-capacity';

/** Is the consultant available at `nowMs`? Away ends by itself once `awayUntilMs` passes. */
export function isAvailable(profile: ConsultantProfile, nowMs: number): boolean {
  if (profile.available) return true;
  return profile.awayUntilMs !== null && nowMs >= profile.awayUntilMs;
}

const same = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'base' }) === 0;

/**
 * Why this consultant may not take the request, or null when they may. "tout consultant qualifié peut la prendre":
 * qualified = the request's specialty (and language, when it names one), available, with room left in their capacity,
 * and not someone who declined it or let it expire ("never again offered to, listed for, or claimable by").
 */
export function ineligibility({
  profile,
  need,
  openCount,
  excluded,
  nowMs,
}: {
  profile: ConsultantProfile;
  need: ConsultationNeed;
  /** Requests the consultant holds now (offered, accepted or contacted). */
  openCount: number;
  /** Consultants who declined the request or let it expire. */
  excluded: ReadonlySet<string>;
  nowMs: number;
}): IneligibleReason | null {
  if (excluded.has(profile.userId)) return 'excluded';
  if (!profile.specialties.some((s) => same(s, need.specialty))) return 'specialty';
  if (need.language !== null && !profile.languages.some((l) => same(l, need.language!))) return 'language';
  if (!isAvailable(profile, nowMs)) return 'away';
  if (openCount >= profile.capacity) return 'at-capacity';
  return null;
}

/**
 * The consultant a request goes to next under `onExpiry: 'next-consultant'` ("attribuée à un autre consultant"): among
 * the eligible ones, the least loaded (most room left), then the one with the fewest requests held, then by id, so the
 * choice is the same on every instance. Null: nobody qualifies (the admins are alerted).
 */
export function nextConsultant({
  candidates,
  need,
  excluded,
  nowMs,
}: {
  candidates: readonly { profile: ConsultantProfile; openCount: number }[];
  need: ConsultationNeed;
  excluded: ReadonlySet<string>;
  nowMs: number;
}): string | null {
  const eligible = candidates.filter(
    (c) => ineligibility({ profile: c.profile, need, openCount: c.openCount, excluded, nowMs }) === null,
  );
  const sorted = [...eligible].sort(
    (a, b) =>
      b.profile.capacity - b.openCount - (a.profile.capacity - a.openCount) ||
      a.openCount - b.openCount ||
      (a.profile.userId < b.profile.userId ? -1 : a.profile.userId > b.profile.userId ? 1 : 0),
  );
  return sorted[0]?.profile.userId ?? null;
}

/**
 * Where a direct request goes when its consultant declines or lets `acceptDueAt` pass: "En l'absence de réponse, la
 * demande est renvoyée au système de prise en charge ou attribuée à un autre consultant". `alertAdmins`: nobody is
 * left to take it ("Everybody declined or nobody qualified → the workspace admins are alerted").
 */
export function routeAfterRefusal({
  onExpiry,
  next,
  boardHasTaker,
}: {
  onExpiry: ConsultationPolicy['onExpiry'];
  /** `nextConsultant`'s answer. */
  next: string | null;
  /** Whether at least one eligible consultant could claim it from the board. */
  boardHasTaker: boolean;
}): { state: 'offered'; consultantId: string; alertAdmins: false } | { state: 'open'; alertAdmins: boolean } {
  if (onExpiry === 'next-consultant' && next !== null)
    return { state: 'offered', consultantId: next, alertAdmins: false };
  return { state: 'open', alertAdmins: !boardHasTaker };
}

/** "accepter ou refuser la demande dans un délai de 4 heures ouvrables": the instant, in business time of the calendar. */
export function acceptDueAt({
  calendar,
  policy,
  offeredAtMs,
}: {
  calendar: BusinessCalendar;
  policy: ConsultationPolicy;
  offeredAtMs: number;
}): number {
  return addBusinessDuration(calendar, offeredAtMs, policy.acceptWithin);
}

/** "Après acceptation, le consultant doit contacter le client dans un délai de 24 heures ouvrables". */
export function contactDueAt({
  calendar,
  policy,
  acceptedAtMs,
}: {
  calendar: BusinessCalendar;
  policy: ConsultationPolicy;
  acceptedAtMs: number;
}): number {
  return addBusinessDuration(calendar, acceptedAtMs, policy.contactWithin);
}

/** The warnings before the contact deadline: each threshold's share of `contactWithin`, in business time. */
export function contactWarnings({
  calendar,
  policy,
  acceptedAtMs,
}: {
  calendar: BusinessCalendar;
  policy: ConsultationPolicy;
  acceptedAtMs: number;
}): { threshold: number; atMs: number }[] {
  const totalMs = businessDurationMs(parseBusinessDuration(policy.contactWithin), calendar.businessDayMs);
  return policy.warningThresholds.map((threshold) => ({
    threshold,
    atMs: calendar.dueAt(acceptedAtMs, Math.round((totalMs * threshold) / 100)),
  }));
}

/** Was the contact deadline met? Contact at the due instant itself counts as in time. */
export function contactMet(
  contactDueAtMs: number,
  contactedAtMs: number | null,
  nowMs: number,
): boolean | null {
  if (contactedAtMs !== null) return contactedAtMs <= contactDueAtMs;
  return nowMs > contactDueAtMs ? false : null;
}

export interface RunningDeadline {
  /** accept: the offered consultant answers by then; contact: the consultant who took it reaches the client. */
  readonly metric: 'accept' | 'contact';
  readonly dueAtMs: number;
  /** Business time left at `nowMs` (negative once past: business time since the deadline). */
  readonly remainingMs: number;
  /** Whether business time is being used right now (the calendar is open). */
  readonly countingNow: boolean;
  /** When the calendar next opens or closes: until then the countdown runs (or stands) steadily. */
  readonly nextChangeAtMs: number | null;
}

/**
 * The deadline a request is running against now, as a snapshot a page can tick without the calendar: "4 heures
 * ouvrables" to accept while offered, "24 heures ouvrables" to contact once accepted; none in any other state.
 */
export function runningDeadline({
  calendar,
  state,
  acceptDueAtMs,
  contactDueAtMs,
  nowMs,
}: {
  calendar: BusinessCalendar;
  state: ConsultationState;
  acceptDueAtMs: number | null;
  contactDueAtMs: number | null;
  nowMs: number;
}): RunningDeadline | null {
  const running =
    state === 'offered' && acceptDueAtMs !== null
      ? { metric: 'accept' as const, dueAtMs: acceptDueAtMs }
      : state === 'accepted' && contactDueAtMs !== null
        ? { metric: 'contact' as const, dueAtMs: contactDueAtMs }
        : null;
  if (running === null) return null;
  const remainingMs =
    nowMs <= running.dueAtMs
      ? calendar.elapsedMs(nowMs, running.dueAtMs)
      : -calendar.elapsedMs(running.dueAtMs, nowMs);
  return {
    ...running,
    remainingMs,
    countingNow: calendar.isOpen(nowMs),
    nextChangeAtMs: nextTransitionAt(calendar, nowMs),
  };
}

/** The actions on a request and the states they may start from. */
export const CONSULTATION_TRANSITIONS = {
  accept: ['offered'],
  decline: ['offered'],
  expire: ['offered'],
  claim: ['open'],
  contact: ['accepted', 'contacted'],
  cancel: ['offered', 'open', 'accepted'],
  close: ['accepted', 'contacted'],
} as const satisfies Record<string, readonly ConsultationState[]>;
export type ConsultationAction = keyof typeof CONSULTATION_TRANSITIONS;

export function canTransition(state: ConsultationState, action: ConsultationAction): boolean {
  return (CONSULTATION_TRANSITIONS[action] as readonly ConsultationState[]).includes(state);
}

/** The median of a list of numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
