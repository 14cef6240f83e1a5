import { iso, isoOrNull } from '../access.ts';
import type { HelpLanguage } from '../help/help-core.ts';
import type { ChatFile, ChatMessageRow, ChatMode, ChatRow } from './chat.repository.ts';

/** A chat and its messages as the API shows them. */

export function chatDto(row: ChatRow, nowMs: number, back: number | null) {
  return {
    id: row.id,
    mode: row.mode as ChatMode,
    language: row.language as HelpLanguage,
    timeZone: row.time_zone,
    clientId: row.client_id,
    organizationId: row.organization_id,
    agentId: row.agent_id,
    ticketId: row.ticket_id,
    startedAt: iso(row.started_at),
    waitingUntil: row.mode === 'waiting' ? isoOrNull(row.waiting_until) : null,
    humansBackAt: isoOrNull(back),
    lastSeq: row.last_seq,
    typing: {
      client: (row.client_typing_until ?? 0) > nowMs,
      agent: (row.agent_typing_until ?? 0) > nowMs,
    },
    closedAt: isoOrNull(row.closed_at),
  };
}
export type ChatDto = ReturnType<typeof chatDto>;

export function messageDto(row: ChatMessageRow) {
  return {
    id: row.id,
    seq: row.seq,
    author: row.author as 'client' | 'agent' | 'bot',
    authorId: row.author_id,
    text: row.text,
    articles: JSON.parse(row.articles_json) as { slug: string; title: string }[],
    attachment: row.attachment_json === null ? null : (JSON.parse(row.attachment_json) as ChatFile),
    at: iso(row.at),
  };
}
export type ChatMessageDto = ReturnType<typeof messageDto>;
