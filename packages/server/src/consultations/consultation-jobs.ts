import type { Clock } from '../clock.ts';
import type { JobHandler } from '../scheduler/scheduler.ts';
import type { SlaClockService } from '../sla/sla-clock.service.ts';
import { termsOf } from './consultation.service.ts';
import { createConsultationRepository } from './consultation.repository.ts';
import {
  enqueue,
  refuse,
  type AcceptExpiryPayload,
  type ContactJobPayload,
} from './consultation-workflow.ts';

/**
 * The handler of the consultation deadlines, in the job's transaction (the job is marked done with its writes).
 * Each firing acts only if the request is still where the job found it — offered to the same consultant since the
 * same instant, or accepted by them since the same instant and not yet contacted — so an accept, a decline or a
 * contact that committed first wins, and the deadline fires exactly once.
 */
export function createConsultationJobHandler({
  sla,
  clock,
}: {
  sla: SlaClockService;
  clock: Clock;
}): JobHandler {
  return async ({ job, trx }) => {
    const repo = createConsultationRepository(trx);
    const payload = job.payload as unknown as AcceptExpiryPayload & ContactJobPayload;
    const row = await repo.find(job.workspaceId, payload.consultationId);
    if (row === undefined || row.consultant_id !== payload.consultantId) return;
    const nowMs = clock.nowMs();
    const latenessMs = Math.max(0, nowMs - job.dueAtMs);

    if (job.kind === 'consultation-accept-expiry') {
      // "En l'absence de réponse, la demande est renvoyée au système de prise en charge ou attribuée à un autre
      // consultant."
      if (row.state !== 'offered' || Number(row.offered_at) !== payload.offeredAtMs) return;
      const terms = await termsOf(sla, job.workspaceId, trx);
      if (terms === null) return;
      await refuse(trx, {
        row,
        consultantId: payload.consultantId,
        reason: 'expired',
        note: null,
        actorId: null,
        terms,
        nowMs,
      });
      return;
    }

    if (row.state !== 'accepted' || Number(row.accepted_at) !== payload.acceptedAtMs) return;
    const dueAt = new Date(Number(row.contact_due_at)).toISOString();
    if (job.kind === 'consultation-contact-warning') {
      await repo.appendEvents(
        row,
        [
          {
            type: 'contact-warning',
            actorId: null,
            consultantId: row.consultant_id,
            payload: { threshold: payload.threshold, dueAt, latenessMs },
          },
        ],
        nowMs,
      );
      await enqueue(
        trx,
        row,
        {
          topic: 'consultation.contact-warning',
          key: job.key,
          recipients: [payload.consultantId],
          data: { threshold: payload.threshold, contactDueAt: dueAt },
        },
        nowMs,
      );
      return;
    }
    // The contact deadline passed with no contact recorded: an escalation to the admins, and the consultant told.
    await repo.appendEvents(
      row,
      [
        {
          type: 'contact-overdue',
          actorId: null,
          consultantId: row.consultant_id,
          payload: { dueAt, latenessMs },
        },
      ],
      nowMs,
    );
    await enqueue(
      trx,
      row,
      {
        topic: 'consultation.contact-overdue',
        key: job.key,
        recipients: [payload.consultantId, ...(await repo.adminIds(job.workspaceId))],
        data: { contactDueAt: dueAt },
      },
      nowMs,
    );
  };
}
