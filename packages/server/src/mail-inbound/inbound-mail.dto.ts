import type { ParsedMail } from 'mailparser';
import { iso, isoOrNull } from '../access.ts';
import type { InboundMailTable } from '../db/schema.ts';
import { addressesOf } from './inbound-mail-apply.ts';
import { attachmentList } from './inbound-mail-attachments.ts';
import { MAX_BODY_CHARS, messageText } from './inbound-mail-core.ts';
import type { InboundStatus } from './inbound-mail.repository.ts';

export function inboundMailDto(row: Omit<InboundMailTable, 'raw'>) {
  return {
    id: row.id,
    source: row.source as 'smtp' | 'import',
    status: row.status as InboundStatus,
    reason: row.reason,
    from: row.from_address,
    envelopeFrom: row.envelope_from,
    subject: row.subject,
    messageId: row.message_id,
    sizeBytes: Number(row.size_bytes),
    ticketId: row.ticket_id,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    portalReplySentAt: isoOrNull(row.replied_at === null ? null : Number(row.replied_at)),
    receivedAt: iso(Number(row.received_at)),
    processedAt: isoOrNull(row.processed_at === null ? null : Number(row.processed_at)),
  };
}

// Control characters other than tab and newline, and the bidirectional overrides and isolates that can make a text
// read differently from what it is (a sender could reverse an address or a link in the staff page).
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A message's text as staff may read it: text only (mailparser turns an HTML-only body into text), bounded. */
export function readableText(text: string | undefined): { text: string; truncated: boolean } {
  const clean = (text ?? '').replace(/\r\n?/g, '\n').replace(UNSAFE_CHARS, '').trim();
  return clean.length > MAX_BODY_CHARS
    ? { text: `${clean.slice(0, MAX_BODY_CHARS - 1)}…`, truncated: true }
    : { text: clean, truncated: false };
}

export function inboundMailDetail(
  row: Omit<InboundMailTable, 'raw'>,
  parsed: ParsedMail,
  actions: readonly {
    action: string;
    outcome: string;
    ticketId: string | null;
    at: number | string;
    actorName: string | null;
  }[],
) {
  const body = readableText(messageText(parsed));
  return {
    ...inboundMailDto(row),
    to: addressesOf(parsed.to).slice(0, 50),
    cc: addressesOf(parsed.cc).slice(0, 50),
    sentAt:
      parsed.date === undefined || Number.isNaN(parsed.date.getTime()) ? null : iso(parsed.date.getTime()),
    text: body.text,
    textTruncated: body.truncated,
    attachments: attachmentList(parsed).slice(0, 100),
    actions: actions.map((a) => ({
      action: a.action as 'replay' | 'attach' | 'discard',
      outcome: a.outcome,
      ticketId: a.ticketId,
      by: a.actorName,
      at: iso(Number(a.at)),
    })),
  };
}

export type InboundMailDto = ReturnType<typeof inboundMailDto>;
export type InboundMailDetailDto = ReturnType<typeof inboundMailDetail>;
