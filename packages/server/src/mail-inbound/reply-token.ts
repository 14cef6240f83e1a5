import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The reply token of an outgoing mail's `Reply-To` (`support+TOKEN@desk.example`): the ticket id and a signature over
 * (ticket id, recipient address) with the server's secret key. A reply carrying it lands on that ticket only when it
 * comes from the address the mail was sent to; a token copied into someone else's mail is held for staff.
 * Lower-case hex only: some mail systems lower-case the local part.
 */
export type ReplyKey = () => Buffer;

function signature(key: Buffer, ticketId: string, address: string): string {
  return createHmac('sha256', key)
    .update(`accord-reply-token\u0000${ticketId.toLowerCase()}\u0000${address.trim().toLowerCase()}`)
    .digest('hex')
    .slice(0, 12);
}

/** `local+<ticket hex><signature>@domain` from the sender address (`Accord <support@desk.example>`). */
export function replyAddress(mailFrom: string, key: Buffer, ticketId: string, recipient: string): string {
  const address = /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom.trim();
  const at = address.lastIndexOf('@');
  const local = (at < 0 ? address : address.slice(0, at)).split('+')[0] ?? 'support';
  const domain = at < 0 ? 'accord.invalid' : address.slice(at + 1);
  return `${local}+${ticketId.replace(/-/g, '').toLowerCase()}${signature(key, ticketId, recipient)}@${domain}`;
}

/** Whether the token's signature was made for this ticket and this sender. */
export function tokenMatches(key: Buffer, ticketId: string, sender: string, token: string): boolean {
  const expected = Buffer.from(signature(key, ticketId, sender));
  const given = Buffer.from(token.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}
