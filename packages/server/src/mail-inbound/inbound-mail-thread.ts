import type { ParsedMail } from 'mailparser';
import { deliveryIdOf, referencedMessageIds, replyTokenIn, subjectReference } from './inbound-mail-core.ts';
import type { InboundMailRepository, SenderMembership, ThreadTicket } from './inbound-mail.repository.ts';
import { tokenMatches } from './reply-token.ts';

export interface Thread {
  readonly ticket: ThreadTicket;
  /** How it was found: reply-token, in-reply-to, subject-reference. */
  readonly by: string;
  /** For a reply token: whether it was signed for this sender. */
  readonly tokenValid?: boolean;
}

/**
 * The ticket a message answers, and how it was found; null: a new request. The reply token and our Message-IDs name
 * a ticket outright; the `[#reference]` of a subject only counts for a ticket the sender requested (eight hex digits
 * are easy to guess).
 */
export async function threadOf(
  repo: InboundMailRepository,
  replyKey: Buffer,
  input: {
    parsed: ParsedMail;
    recipients: readonly string[];
    sender: string;
    members: readonly SenderMembership[];
  },
): Promise<Thread | null> {
  const { parsed, recipients, sender, members } = input;
  const token = replyTokenIn(recipients);
  if (token !== null) {
    const ticket = await repo.ticket(token.ticketId);
    if (ticket !== undefined)
      return {
        ticket,
        by: 'reply-token',
        tokenValid: tokenMatches(replyKey, ticket.id, sender, token.signature),
      };
  }
  const references = referencedMessageIds(
    parsed.inReplyTo,
    parsed.references as string | string[] | undefined,
  );
  for (const messageId of references) {
    const deliveryId = deliveryIdOf(messageId);
    const ticketId =
      (deliveryId === null ? undefined : await repo.ticketOfDelivery(deliveryId)) ??
      (await repo.ticketOfInboundMessage(messageId));
    const ticket = ticketId === undefined ? undefined : await repo.ticket(ticketId);
    if (ticket !== undefined) return { ticket, by: 'in-reply-to' };
  }
  const reference = subjectReference(parsed.subject ?? '');
  if (reference === null) return null;
  const candidates = await repo.ticketsByReference(
    reference,
    members.map((m) => m.workspaceId),
  );
  const own = candidates.filter((t) =>
    members.some((m) => m.workspaceId === t.workspaceId && m.userId === t.requesterId),
  );
  return own.length === 1 && own[0] !== undefined ? { ticket: own[0], by: 'subject-reference' } : null;
}
