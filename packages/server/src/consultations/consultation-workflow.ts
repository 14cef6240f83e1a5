import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { replaceJobs } from '../scheduler/jobs.repository.ts';
import {
  acceptDueAt,
  contactDueAt,
  contactWarnings,
  ineligibility,
  nextConsultant,
  routeAfterRefusal,
  type BusinessCalendar,
  type ConsultationPolicy,
} from './consultation-core.ts';
import {
  createConsultationRepository,
  type ConsultationRepository,
  type ConsultationRow,
  type NewConsultationEvent,
} from './consultation.repository.ts';

type Trx = Transaction<Database>;

/** The job kinds of consultation deadlines (consultation-jobs.ts handles them). */
export const CONSULTATION_JOB_KINDS = [
  'consultation-accept-expiry',
  'consultation-contact-warning',
  'consultation-contact-overdue',
] as const;

/** The policy's consultation terms with their compiled calendar. */
export interface ConsultationTerms {
  readonly policy: ConsultationPolicy;
  readonly calendar: BusinessCalendar;
}

export interface AcceptExpiryPayload {
  readonly consultationId: string;
  readonly consultantId: string;
  readonly offeredAtMs: number;
}

export interface ContactJobPayload {
  readonly consultationId: string;
  readonly consultantId: string;
  readonly acceptedAtMs: number;
  readonly threshold?: number;
}

/**
 * A message left in the outbox with the change; `recipients` get e-mail and in-app, webhooks get the rest. Its
 * `followers` are who sees it on the live stream besides staff: the client, the consultant the request is with, the
 * recipients, and whom the writer adds (the consultants whose board it enters or leaves).
 */
export async function enqueue(
  trx: Trx,
  row: ConsultationRow,
  message: {
    topic: string;
    key: string;
    recipients: readonly string[];
    followers?: readonly string[];
    data?: Record<string, unknown>;
  },
  atMs: number,
): Promise<void> {
  const followers = [row.client_id, row.consultant_id, ...message.recipients, ...(message.followers ?? [])];
  await trx
    .insertInto('outbox')
    .values({
      id: newId(),
      workspace_id: row.workspace_id,
      idempotency_key: `${message.topic}:${row.id}:${message.key}`,
      topic: message.topic,
      payload_json: JSON.stringify({
        consultationId: row.id,
        state: row.state,
        consultantId: row.consultant_id,
        specialty: row.specialty,
        ...message.data,
        recipients: [...new Set(message.recipients)],
        followers: [...new Set(followers.filter((f): f is string => f !== null))],
      }),
      status: 'pending',
      attempts: 0,
      available_at: atMs,
      created_at: atMs,
      sent_at: null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/**
 * The request's pending deadline jobs become exactly what its state calls for: the acceptance deadline while it is
 * offered, the contact warnings and deadline while it is accepted, nothing otherwise. Keys carry the offer or the
 * acceptance instant, so a new offer gets its own deadline and a fired one never fires again.
 */
export async function scheduleDeadlines(
  trx: Trx,
  row: ConsultationRow,
  terms: ConsultationTerms | null,
  nowMs: number,
): Promise<void> {
  const jobs: { kind: string; key: string; dueAtMs: number; payload: Record<string, unknown> }[] = [];
  const consultantId = row.consultant_id ?? '';
  if (row.state === 'offered' && row.accept_due_at !== null && row.offered_at !== null) {
    jobs.push({
      kind: 'consultation-accept-expiry',
      key: `consultation:${row.id}:accept:${consultantId}:${row.offered_at}`,
      dueAtMs: Number(row.accept_due_at),
      payload: {
        consultationId: row.id,
        consultantId,
        offeredAtMs: Number(row.offered_at),
      } satisfies AcceptExpiryPayload,
    });
  }
  if (row.state === 'accepted' && row.contact_due_at !== null && row.accepted_at !== null) {
    const acceptedAtMs = Number(row.accepted_at);
    const base = { consultationId: row.id, consultantId, acceptedAtMs } satisfies ContactJobPayload;
    if (terms !== null) {
      for (const w of contactWarnings({ calendar: terms.calendar, policy: terms.policy, acceptedAtMs }))
        jobs.push({
          kind: 'consultation-contact-warning',
          key: `consultation:${row.id}:contact-warning:${w.threshold}:${acceptedAtMs}`,
          dueAtMs: w.atMs,
          payload: { ...base, threshold: w.threshold },
        });
    }
    jobs.push({
      kind: 'consultation-contact-overdue',
      key: `consultation:${row.id}:contact-overdue:${acceptedAtMs}`,
      dueAtMs: Number(row.contact_due_at),
      payload: base,
    });
  }
  await replaceJobs(trx, {
    workspaceId: row.workspace_id,
    subjectId: row.id,
    kinds: CONSULTATION_JOB_KINDS,
    jobs,
    nowMs,
  });
}

/** The consultants who may take the request now, with their loads (for the board, offers and alerts). */
export async function eligibleConsultants(
  repo: ConsultationRepository,
  row: Pick<ConsultationRow, 'workspace_id' | 'specialty' | 'language'>,
  excluded: ReadonlySet<string>,
  nowMs: number,
) {
  const profiles = await repo.profiles(row.workspace_id);
  const loads = await repo.loads(row.workspace_id);
  const need = { specialty: row.specialty, language: row.language };
  const candidates = profiles.map((profile) => ({ profile, openCount: loads.get(profile.userId) ?? 0 }));
  const eligible = candidates.filter(
    (c) => ineligibility({ profile: c.profile, need, openCount: c.openCount, excluded, nowMs }) === null,
  );
  return { candidates, eligible, need };
}

/**
 * The consultants whose board a request enters or leaves: qualified for it by specialty and language and not excluded
 * from it, whether or not they are away or full right now (their board shows why it is empty, and fills again).
 */
export async function boardFollowers(
  repo: ConsultationRepository,
  row: Pick<ConsultationRow, 'workspace_id' | 'specialty' | 'language'>,
  excluded: ReadonlySet<string>,
  nowMs: number,
): Promise<string[]> {
  const need = { specialty: row.specialty, language: row.language };
  const momentary = new Set(['away', 'at-capacity', null]);
  return (await repo.profiles(row.workspace_id))
    .filter((profile) => momentary.has(ineligibility({ profile, need, openCount: 0, excluded, nowMs })))
    .map((profile) => profile.userId);
}

/** Offers a request to a consultant now: its acceptance deadline in business time of the policy's calendar. */
export function offerTo(consultantId: string, terms: ConsultationTerms, nowMs: number) {
  return {
    state: 'offered',
    consultant_id: consultantId,
    offered_at: nowMs,
    accept_due_at: acceptDueAt({ calendar: terms.calendar, policy: terms.policy, offeredAtMs: nowMs }),
    updated_at: nowMs,
  } as const;
}

/** Accepted (directly or by a claim): the contact deadline starts. */
export function acceptance(consultantId: string, terms: ConsultationTerms, nowMs: number) {
  return {
    state: 'accepted',
    consultant_id: consultantId,
    accepted_at: nowMs,
    accept_due_at: null,
    contact_due_at: contactDueAt({ calendar: terms.calendar, policy: terms.policy, acceptedAtMs: nowMs }),
    updated_at: nowMs,
  } as const;
}

/**
 * A decline or an expiry, inside the caller's transaction: the consultant is excluded from the request for good,
 * and the request goes to the board or to the next qualified consultant (`onExpiry`); with nobody left to take it
 * the admins are alerted. Null when the request was no longer offered to that consultant (another writer won).
 */
export async function refuse(
  trx: Trx,
  input: {
    row: ConsultationRow;
    consultantId: string;
    reason: 'declined' | 'expired';
    note: string | null;
    actorId: string | null;
    terms: ConsultationTerms;
    nowMs: number;
  },
): Promise<ConsultationRow | null> {
  const { row, consultantId, reason, terms, nowMs } = input;
  const repo = createConsultationRepository(trx);
  const released = await repo.transition(
    row.workspace_id,
    row.id,
    { fromStates: ['offered'], consultantId },
    { state: 'open', consultant_id: null, offered_at: null, accept_due_at: null, updated_at: nowMs },
  );
  if (released === undefined) return null;
  await repo.exclude(row.id, consultantId, reason, nowMs);
  const excluded = await repo.exclusions(row.id);
  const { candidates, eligible, need } = await eligibleConsultants(repo, released, excluded, nowMs);
  const next = nextConsultant({ candidates, need, excluded, nowMs });
  const route = routeAfterRefusal({
    onExpiry: terms.policy.onExpiry,
    next,
    boardHasTaker: eligible.length > 0,
  });
  const offeredAtMs = Number(row.offered_at ?? nowMs);
  const events: NewConsultationEvent[] = [
    {
      type: reason,
      actorId: input.actorId,
      consultantId,
      payload: {
        ...(input.note === null ? {} : { reason: input.note }),
        offeredAt: offeredAtMs,
        waitedMs: nowMs - offeredAtMs,
      },
    },
  ];
  let current = released;
  if (route.state === 'offered') {
    current =
      (await repo.transition(
        row.workspace_id,
        row.id,
        { fromStates: ['open'] },
        offerTo(route.consultantId, terms, nowMs),
      )) ?? released;
    events.push({ type: 'offered', actorId: null, consultantId: route.consultantId, payload: {} });
  } else {
    events.push({ type: 'listed', actorId: null, consultantId: null, payload: {} });
  }
  if (route.alertAdmins)
    events.push({
      type: 'unassigned',
      actorId: null,
      consultantId: null,
      payload: { excluded: excluded.size },
    });
  await repo.appendEvents(current, events, nowMs);
  await scheduleDeadlines(trx, current, terms, nowMs);

  const key = `${consultantId}:${offeredAtMs}`;
  const topic = reason === 'declined' ? 'consultation.declined' : 'consultation.expired';
  const board = route.state === 'offered' ? [] : await boardFollowers(repo, current, excluded, nowMs);
  await enqueue(
    trx,
    current,
    { topic, key, recipients: [current.client_id, consultantId], followers: board },
    nowMs,
  );
  if (route.state === 'offered')
    await enqueue(
      trx,
      current,
      {
        topic: 'consultation.offered',
        key: `${route.consultantId}:${nowMs}`,
        recipients: [route.consultantId],
      },
      nowMs,
    );
  else if (eligible.length > 0)
    await enqueue(
      trx,
      current,
      {
        topic: 'consultation.listed',
        key,
        recipients: eligible.map((c) => c.profile.userId),
        followers: board,
      },
      nowMs,
    );
  if (route.alertAdmins)
    await enqueue(
      trx,
      current,
      { topic: 'consultation.unassigned', key, recipients: await repo.adminIds(row.workspace_id) },
      nowMs,
    );
  return current;
}

/**
 * A consultant took a request (accepted an offer, or claimed it from the board): the history says how long it
 * waited, the contact deadline is scheduled, and the client hears of it.
 */
export async function recordTaken(
  trx: Trx,
  row: ConsultationRow,
  input: {
    kind: 'accepted' | 'claimed';
    by: string;
    sinceMs: number;
    terms: ConsultationTerms;
    nowMs: number;
  },
): Promise<ConsultationRow> {
  const { kind, by, nowMs } = input;
  const repo = createConsultationRepository(trx);
  // A claimed request leaves the board of every consultant who could see it there.
  const board =
    kind === 'claimed' ? await boardFollowers(repo, row, await repo.exclusions(row.id), nowMs) : [];
  await repo.appendEvents(
    row,
    [{ type: kind, actorId: by, consultantId: by, payload: { waitedMs: nowMs - input.sinceMs } }],
    nowMs,
  );
  await scheduleDeadlines(trx, row, input.terms, nowMs);
  await enqueue(
    trx,
    row,
    { topic: `consultation.${kind}`, key: String(nowMs), recipients: [row.client_id], followers: board },
    nowMs,
  );
  return row;
}
