import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { createConsultationRepository, type ConsultationRow } from './consultation.repository.ts';
import { enqueue, scheduleDeadlines } from './consultation-workflow.ts';

type Trx = Transaction<Database>;

export interface ContactInput {
  readonly kind: 'message' | 'call' | 'appointment';
  /** The appointment's instant (or when the call took place), ms. */
  readonly atMs?: number | undefined;
  readonly note?: string | undefined;
}

/**
 * "Après acceptation, le consultant doit contacter le client dans un délai de 24 heures ouvrables": records a contact
 * inside the caller's transaction. The first one moves the request to `contacted` and meets (or misses) the deadline;
 * "first" is decided by the guarded transition `accepted → contacted` itself, not by an earlier read, so of two
 * writers racing to be first only one is. Returns undefined when the request is no longer the consultant's to
 * contact (or, with `onlyIfFirst`, when a contact was already recorded).
 */
export async function recordContact(
  trx: Trx,
  {
    row,
    consultantId,
    input,
    nowMs,
    onlyIfFirst = false,
  }: {
    row: ConsultationRow;
    consultantId: string;
    input: ContactInput;
    nowMs: number;
    /** A message counts only as the first contact: later messages record nothing here. */
    onlyIfFirst?: boolean;
  },
): Promise<ConsultationRow | undefined> {
  const r = createConsultationRepository(trx);
  // The first contact is the one that moves `accepted` → `contacted`; a later one leaves the state as it is.
  const firstMove = await r.transition(
    row.workspace_id,
    row.id,
    { fromStates: ['accepted'], consultantId },
    { state: 'contacted', contacted_at: nowMs, contact_kind: input.kind, updated_at: nowMs },
  );
  const first = firstMove !== undefined;
  if (!first && onlyIfFirst) return undefined;
  const moved =
    firstMove ??
    (await r.transition(
      row.workspace_id,
      row.id,
      { fromStates: ['contacted'], consultantId },
      { updated_at: nowMs },
    ));
  if (moved === undefined) return undefined;
  const dueMs = Number(moved.contact_due_at ?? nowMs);
  // A late first contact after the overdue alert fired is already counted missed by that alert.
  const overdueFired = first && (await r.events(row.id)).some((e) => e.type === 'contact-overdue');
  await r.appendEvents(
    moved,
    [
      {
        type: 'contacted',
        actorId: consultantId,
        consultantId,
        payload: {
          kind: input.kind,
          first,
          ...(first ? { met: nowMs <= dueMs, overdueFired } : {}),
          ...(input.atMs === undefined ? {} : { at: new Date(input.atMs).toISOString() }),
          ...(input.note === undefined ? {} : { note: input.note }),
        },
      },
    ],
    nowMs,
  );
  await scheduleDeadlines(trx, moved, null, nowMs);
  await enqueue(
    trx,
    moved,
    { topic: 'consultation.contacted', key: String(nowMs), recipients: [moved.client_id] },
    nowMs,
  );
  return moved;
}
