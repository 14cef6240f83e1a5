import type { ParsedMail } from 'mailparser';
import type { Actor } from '../auth/actor.ts';
import { ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from '../tickets/attachment.service.ts';
import type { AttachmentService } from '../tickets/attachment.service.ts';

const MAX_ATTACHMENTS = 10;

/** A message's attachments as staff see them before anything is applied: listed, never served. */
export function attachmentList(parsed: ParsedMail) {
  return parsed.attachments.map((file) => ({
    filename: (file.filename ?? 'attachment').slice(0, 200),
    contentType: file.contentType.toLowerCase().slice(0, 200),
    sizeBytes: file.size ?? file.content.length,
    kept: (ALLOWED_ATTACHMENT_TYPES as readonly string[]).includes(file.contentType.toLowerCase()),
  }));
}

/**
 * Adds a message's attachments to a ticket through the attachment service (the ticket write path); what it cannot
 * keep (type, size, count) is returned, described, for the message's reason.
 */
export async function addAttachments(
  attachments: AttachmentService,
  input: {
    actor: Actor;
    ticketId: string;
    parsed: ParsedMail;
    visibility?: 'public' | 'internal';
    /** Files an earlier run of the same message stored (by their place in it): counted, never added again. */
    stored?: ReadonlySet<number>;
    /** Wraps each file's change (inbound mail marks the file stored in that change's transaction). */
    each?: (index: number, add: () => Promise<unknown>) => Promise<unknown>;
  },
): Promise<string[]> {
  const notKept: string[] = [];
  const each = input.each ?? ((_index, add) => add());
  let kept = 0;
  for (const [index, file] of input.parsed.attachments.entries()) {
    if (input.stored?.has(index) === true) {
      kept += 1;
      continue;
    }
    const filename = (file.filename ?? 'attachment').slice(0, 200);
    const type = file.contentType.toLowerCase();
    if (!(ALLOWED_ATTACHMENT_TYPES as readonly string[]).includes(type)) {
      notKept.push(`${filename} (type ${type})`);
      continue;
    }
    if (file.size > MAX_ATTACHMENT_BYTES || file.content.length === 0 || kept >= MAX_ATTACHMENTS) {
      notKept.push(`${filename} (${file.content.length === 0 ? 'empty' : 'too large or too many'})`);
      continue;
    }
    try {
      await each(index, () =>
        attachments.add(input.actor, input.ticketId, {
          filename,
          contentType: type,
          contentBase64: file.content.toString('base64'),
          visibility: input.visibility,
        }),
      );
      kept += 1;
    } catch (error) {
      notKept.push(`${filename} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return notKept;
}
