/**
 * Pure rules of inbound e-mail: what is an automatic reply, where a reply token or a ticket reference is, how a
 * subject and a body are cleaned. No I/O; the service (inbound-mail.service.ts) applies them.
 */

/** A header as mailparser gives it: a string, a structured value, or an address list. */
export type HeaderValue = unknown;

function headerText(value: HeaderValue): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  if (typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  return String(value);
}

/**
 * Why a message must not be answered nor turned into a ticket, or null. RFC 3834 (`Auto-Submitted` other than `no`),
 * the de-facto `Precedence: bulk|list|junk`, and the vacation headers of common servers (`X-Autoreply`,
 * `X-Autorespond`); a bounce (empty envelope sender) and our own mails coming back (`X-Accord-Event`) are loops.
 */
export function automaticReason(
  headers: ReadonlyMap<string, HeaderValue>,
  envelopeFrom: string | null,
): string | null {
  const autoSubmitted = headerText(headers.get('auto-submitted')).trim().toLowerCase();
  if (autoSubmitted !== '' && autoSubmitted.split(';')[0]?.trim() !== 'no')
    return `auto-submitted: ${autoSubmitted}`;
  const precedence = headerText(headers.get('precedence')).trim().toLowerCase();
  if (['bulk', 'list', 'junk'].includes(precedence)) return `precedence: ${precedence}`;
  if (headers.has('x-autoreply')) return 'x-autoreply';
  if (headers.has('x-autorespond')) return 'x-autorespond';
  if (headers.has('x-accord-event')) return 'loop: one of our own messages';
  if (envelopeFrom === '') return 'bounce: empty envelope sender';
  return null;
}

/** `local+TOKEN@domain`: the ticket id (32 hex digits, dashes dropped) and a 12-digit signature. */
export const REPLY_TOKEN_PATTERN = /\+([0-9a-f]{32})([0-9a-f]{12})@/i;

export function ticketIdFromHex(hex: string): string {
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The first reply token among the addresses, as `{ ticketId, signature }`. */
export function replyTokenIn(
  addresses: readonly string[],
): { ticketId: string; signature: string; address: string } | null {
  for (const address of addresses) {
    const match = REPLY_TOKEN_PATTERN.exec(address);
    if (match?.[1] !== undefined && match[2] !== undefined)
      return { ticketId: ticketIdFromHex(match[1]), signature: match[2].toLowerCase(), address };
  }
  return null;
}

/** `local+slug@domain` where the tag is not a reply token: a workspace slug, as an address for new tickets. */
export function plusTagsIn(addresses: readonly string[]): string[] {
  const tags: string[] = [];
  for (const address of addresses) {
    const match = /^[^+@\s]+\+([a-z0-9][a-z0-9-]{0,62})@/i.exec(address.trim());
    if (match?.[1] !== undefined && !REPLY_TOKEN_PATTERN.test(address)) tags.push(match[1].toLowerCase());
  }
  return tags;
}

/** `[#ABCD1234]` in a subject: the first 8 hex digits of a ticket id, as outgoing mails write it. */
export function subjectReference(subject: string): string | null {
  const match = /\[#([0-9a-f]{8})\]/i.exec(subject);
  return match?.[1] === undefined ? null : match[1].toLowerCase();
}

/** Message-IDs in `In-Reply-To` and `References`, nearest first, without angle brackets. */
export function referencedMessageIds(
  inReplyTo: string | undefined,
  references: string | string[] | undefined,
) {
  const refs = Array.isArray(references)
    ? references
    : references === undefined
      ? []
      : references.split(/\s+/);
  const ids = [...(inReplyTo === undefined ? [] : inReplyTo.split(/\s+/)), ...refs.slice().reverse()]
    .map((id) => id.trim().replace(/^<|>$/g, ''))
    .filter((id) => id !== '' && id.length <= 250);
  return [...new Set(ids)].slice(0, 50);
}

/** The delivery id our Message-IDs carry (`<delivery-uuid@domain>`, notifications/providers/email.provider.ts). */
export function deliveryIdOf(messageId: string): string | null {
  const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@/i.exec(messageId);
  return match?.[1]?.toLowerCase() ?? null;
}

export const MAX_SUBJECT_CHARS = 200;
export const MAX_BODY_CHARS = 20_000;

/** The subject without reply prefixes and our reference, bounded; never empty. */
export function cleanSubject(subject: string | undefined): string {
  let s = (subject ?? '').replace(/\[#[0-9a-f]{8}\]/gi, ' ');
  // Re:, Fwd:, TR:, AW:, رد: … repeated at the start.
  for (;;) {
    const next = s.replace(/^\s*(re|fw|fwd|tr|aw|wg|sv|vs|رد|إعادة توجيه)\s*(\[\d+\])?\s*:\s*/i, '');
    if (next === s) break;
    s = next;
  }
  s = s.replace(/\s+/g, ' ').trim();
  if (s === '') s = '(no subject)';
  return s.length > MAX_SUBJECT_CHARS ? `${s.slice(0, MAX_SUBJECT_CHARS - 1)}…` : s;
}

/** Lines that introduce the quoted message a reply carries, in the languages of the presets. */
const QUOTE_INTRO = [
  /^On .{1,300} wrote:\s*$/i,
  /^Le .{1,300} a écrit\s*:\s*$/i,
  /^-{2,}\s*(Original Message|Message d'origine|Message original)\s*-{2,}\s*$/i,
  /^في .{1,300} كتب\s*:?\s*$/,
  /^From: .+$/i,
  /^De\s?: .+$/i,
];

/** The new text of a reply: the quoted history below it dropped, bounded; never empty. */
export function replyText(text: string | undefined): string {
  const lines = (text ?? '').replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (QUOTE_INTRO.some((re) => re.test(line.trim()))) break;
    kept.push(line);
  }
  // Quoted lines (`> …`) at the end belong to the history as well.
  while (kept.length > 0 && (kept.at(-1)?.trim() === '' || kept.at(-1)?.trimStart().startsWith('>')))
    kept.pop();
  const body = kept.join('\n').trim();
  const bounded = body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS - 1)}…` : body;
  return bounded === '' ? '(e-mail without text)' : bounded;
}

/** A whole message's text for a new ticket: only bounded. */
export function descriptionText(text: string | undefined): string {
  const body = (text ?? '').replace(/\r\n?/g, '\n').trim();
  const bounded = body.length > MAX_BODY_CHARS ? `${body.slice(0, MAX_BODY_CHARS - 1)}…` : body;
  return bounded === '' ? '(e-mail without text)' : bounded;
}

/** A sane single address (lower-cased) or null. */
export function normalizeAddress(address: string | undefined | null): string | null {
  const a = (address ?? '').trim().toLowerCase();
  return /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}$/.test(a) ? a : null;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * The text of an HTML body, for a message without a text part (mailparser converts only a lone HTML body, not one
 * beside attachments). Scripts, styles and the head are dropped with their content; blocks become lines; tags go;
 * entities are decoded. The result is shown and stored as text, never as HTML.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote|pre|table)\s*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '- ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (entity: string, name: string) => {
      if (name.startsWith('#')) {
        const code =
          name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A parsed message's text: its text part, else its HTML as text. */
export function messageText(parsed: {
  text?: string | undefined;
  html?: string | false | undefined;
}): string {
  if (parsed.text !== undefined && parsed.text.trim() !== '') return parsed.text;
  return typeof parsed.html === 'string' ? htmlToText(parsed.html) : '';
}
