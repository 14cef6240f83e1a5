import { isStaff, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { iso } from '../access.ts';
import { recordContact } from './consultation-contact.ts';
import { createConsultationMessageRepository } from './consultation-message.repository.ts';
import { createConsultationRepository, type ConsultationRow } from './consultation.repository.ts';
import { enqueue } from './consultation-workflow.ts';

/** States in which the client and the consultant who took the request write to each other. */
const OPEN_THREAD = new Set(['accepted', 'contacted']);

export interface ConsultationMessageDto {
  readonly id: string;
  readonly authorId: string;
  readonly authorName: string;
  readonly fromConsultant: boolean;
  readonly body: string;
  readonly createdAt: string;
}

/**
 * The thread between a client and the consultant who took their request. "Le consultant doit contacter le client
 * dans un délai de 24 heures ouvrables" — the consultant's first message is that contact: it is recorded as
 * `kind: message` in the message's own transaction, through the same guarded transition as `POST /contact`, so it
 * counts exactly once (a contact already recorded by call or appointment is not recorded again).
 */
export function createConsultationMessageService({ db, clock }: { db: Db; clock: Clock }) {
  const requests = createConsultationRepository(db);

  /** Parties and staff read; another client's or consultant's request is 404, as everywhere. */
  async function load(actor: Actor, id: string): Promise<ConsultationRow> {
    const row = await requests.find(actor.workspaceId, id);
    const party =
      row !== undefined &&
      ((actor.role === 'client' && row.client_id === actor.userId) ||
        (actor.role === 'consultant' && row.consultant_id === actor.userId && row.accepted_at !== null));
    if (row === undefined || !(party || isStaff(actor)))
      throw new DomainError('CONSULTATION_NOT_FOUND', `consultation request ${id} not found`);
    return row;
  }

  function dto(
    row: ConsultationRow,
    m: { id: string; author_id: string; author_name: string; body: string; created_at: number },
  ): ConsultationMessageDto {
    return {
      id: m.id,
      authorId: m.author_id,
      authorName: m.author_name,
      fromConsultant: m.author_id === row.consultant_id,
      body: m.body,
      createdAt: iso(Number(m.created_at)),
    };
  }

  return {
    async list(actor: Actor, id: string): Promise<ConsultationMessageDto[]> {
      const row = await load(actor, id);
      const messages = await createConsultationMessageRepository(db).list(id);
      return messages.map((m) => dto(row, m));
    },

    async post(actor: Actor, id: string, body: string): Promise<ConsultationMessageDto> {
      const row = await load(actor, id);
      if (isStaff(actor))
        throw new DomainError('FORBIDDEN', 'only the client and the consultant write in this thread');
      if (!OPEN_THREAD.has(row.state))
        throw new DomainError(
          'INVALID_TRANSITION',
          row.state === 'offered' || row.state === 'open'
            ? 'no consultant has taken this request yet'
            : `this request is ${row.state}: its thread is closed`,
          { state: row.state },
        );
      const nowMs = clock.nowMs();
      const fromConsultant = row.consultant_id === actor.userId;
      return db.transaction().execute(async (trx) => {
        // Locks the request (PostgreSQL's row lock; SQLite's single writer) while checking it still has this thread,
        // so concurrent messages number themselves in turn and only the first of the consultant's records the contact.
        const current = await createConsultationRepository(trx).transition(
          actor.workspaceId,
          id,
          { fromStates: [...OPEN_THREAD], consultantId: row.consultant_id },
          { updated_at: nowMs },
        );
        if (current === undefined)
          throw new DomainError('INVALID_TRANSITION', 'this request changed meanwhile; reload it');
        const message = await createConsultationMessageRepository(trx).insert({
          id: newId(),
          consultation_id: id,
          workspace_id: actor.workspaceId,
          author_id: actor.userId,
          body,
          created_at: nowMs,
        });
        // "ou le premier message au client compte": only the move accepted → contacted records it.
        if (fromConsultant && current.state === 'accepted')
          await recordContact(trx, {
            row: current,
            consultantId: actor.userId,
            input: { kind: 'message' },
            nowMs,
            onlyIfFirst: true,
          });
        const to = fromConsultant ? current.client_id : current.consultant_id;
        await enqueue(
          trx,
          current,
          {
            topic: 'consultation.message',
            key: message.id,
            recipients: to === null ? [] : [to],
            data: { messageId: message.id, authorId: actor.userId },
          },
          nowMs,
        );
        const names = await createConsultationRepository(trx).userNames([actor.userId]);
        return dto(current, { ...message, author_name: names.get(actor.userId) ?? '' });
      });
    },
  };
}

export type ConsultationMessageService = ReturnType<typeof createConsultationMessageService>;
