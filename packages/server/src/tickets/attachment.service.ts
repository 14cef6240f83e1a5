import { iso } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { isStaff } from '../auth/actor.ts';
import type { TicketChange } from './ticket-change.ts';
import type { TicketService } from './ticket.service.ts';

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** Types a browser will not execute when served back with `nosniff` and as a download. */
export const ALLOWED_ATTACHMENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/json',
  'application/zip',
] as const;

/** As for comments: a closed ticket is final, follow-ups go in a new one. */
function closedTicket(): DomainError {
  return new DomainError('INVALID_TRANSITION', 'this ticket is closed; open a new one');
}

export interface AttachmentServiceDeps {
  readonly db: Db;
  readonly tickets: TicketService;
  readonly change: TicketChange;
  readonly clock: Clock;
}

export function createAttachmentService({ db, tickets, change, clock }: AttachmentServiceDeps) {
  return {
    async add(
      actor: Actor,
      ticketId: string,
      input: {
        filename: string;
        contentType: string;
        contentBase64: string;
        visibility?: 'public' | 'internal' | undefined;
      },
    ) {
      const ticket = await tickets.visibleTicket(actor, ticketId);
      const visibility = input.visibility ?? 'public';
      if (visibility === 'internal' && !isStaff(actor))
        throw new DomainError('FORBIDDEN', 'only staff attach internal files');
      if (ticket.status === 'closed') throw closedTicket();
      if (!(ALLOWED_ATTACHMENT_TYPES as readonly string[]).includes(input.contentType)) {
        throw new DomainError(
          'ATTACHMENT_TYPE_NOT_ALLOWED',
          `type ${input.contentType} is not accepted; allowed: ${ALLOWED_ATTACHMENT_TYPES.join(', ')}`,
        );
      }
      const bytes = Buffer.from(input.contentBase64, 'base64');
      if (bytes.length === 0) throw new DomainError('VALIDATION_FAILED', 'the attachment is empty');
      if (bytes.length > MAX_ATTACHMENT_BYTES)
        throw new DomainError(
          'ATTACHMENT_TOO_LARGE',
          `attachments are limited to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`,
        );
      const nowMs = clock.nowMs();
      const id = newId();
      const internal = visibility === 'internal';
      await change.apply({
        ticket,
        actorId: actor.userId,
        nowMs,
        // Decided from the locked row: a close committed since the read above wins, and nothing is written.
        decide: (current) => {
          if (current.status === 'closed') throw closedTicket();
          return {
            events: [
              {
                type: internal ? 'internal-attachment-added' : 'attachment-added',
                payload: { attachmentId: id, filename: input.filename },
              },
            ],
            affectsClocks: false,
            write: async (trx) => {
              await trx
                .insertInto('attachments')
                .values({
                  id,
                  ticket_id: current.id,
                  workspace_id: current.workspace_id,
                  uploader_id: actor.userId,
                  filename: input.filename,
                  content_type: input.contentType,
                  size_bytes: bytes.length,
                  data: bytes,
                  visibility,
                  created_at: nowMs,
                })
                .execute();
            },
            outbox: [
              {
                topic: 'ticket.attachment-added',
                idempotencyKey: `attachment.added:${id}`,
                payload: { ticketId: current.id, attachmentId: id, visibility },
              },
            ],
            result: null,
          };
        },
      });
      return {
        id,
        ticketId: ticket.id,
        filename: input.filename,
        contentType: input.contentType,
        sizeBytes: bytes.length,
        uploaderId: actor.userId,
        visibility,
        createdAt: iso(nowMs),
      };
    },

    async list(actor: Actor, ticketId: string) {
      const ticket = await tickets.visibleTicket(actor, ticketId);
      const rows = await db
        .selectFrom('attachments')
        .select([
          'id',
          'ticket_id',
          'filename',
          'content_type',
          'size_bytes',
          'uploader_id',
          'visibility',
          'created_at',
        ])
        .where('ticket_id', '=', ticket.id)
        .$if(!isStaff(actor), (qb) => qb.where('visibility', '=', 'public'))
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        ticketId: r.ticket_id,
        filename: r.filename,
        contentType: r.content_type,
        sizeBytes: r.size_bytes,
        uploaderId: r.uploader_id,
        visibility: r.visibility as 'public' | 'internal',
        createdAt: iso(r.created_at),
      }));
    },

    async content(actor: Actor, ticketId: string, attachmentId: string) {
      const ticket = await tickets.visibleTicket(actor, ticketId);
      const row = await db
        .selectFrom('attachments')
        .select(['filename', 'content_type', 'data'])
        .where('id', '=', attachmentId)
        .where('ticket_id', '=', ticket.id)
        // An internal file is "not found" for a client, as another organization's ticket is.
        .$if(!isStaff(actor), (qb) => qb.where('visibility', '=', 'public'))
        .executeTakeFirst();
      if (!row) throw new DomainError('ATTACHMENT_NOT_FOUND', 'attachment not found');
      return { filename: row.filename, contentType: row.content_type, data: Buffer.from(row.data) };
    },
  };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
