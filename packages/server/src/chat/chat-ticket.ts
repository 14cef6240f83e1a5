import { isStaff, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { HelpLanguage } from '../help/help-core.ts';
import type { PriorityId, TicketCategory } from '../sla/sla-core.ts';
import { MAX_REPORTED_AGO_MS, type TicketDto, type TicketService } from '../tickets/ticket.service.ts';
import { SAY, shortRef } from './chat-bot.ts';
import type { ChatMessageRow, ChatRepository, ChatRow } from './chat.repository.ts';

/** A claim on a chat's ticket that was never completed (a crash mid-way) is given up after this. */
const CLAIM_STALE_MS = 60_000;
/** Ticket descriptions hold at most 20,000 characters (ticket.routes.ts); the transcript leaves room. */
const MAX_TRANSCRIPT_CHARS = 19_000;

const LOCALES: Record<HelpLanguage, string> = { fr: 'fr-FR', en: 'en-GB', ar: 'ar' };

export function formatInstant(atMs: number, language: HelpLanguage, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
    hourCycle: 'h23',
    calendar: 'gregory',
    numberingSystem: 'latn',
  }).format(atMs);
}

/** The conversation as plain text, oldest first, in the chat's zone; cut (with a note) past the description limit. */
export function transcriptOf(chat: ChatRow, messages: readonly ChatMessageRow[], names: Map<string, string>) {
  const time = new Intl.DateTimeFormat('en-CA', {
    timeZone: chat.time_zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const lines = messages.map((m) => {
    const who = m.author === 'bot' ? 'Bot' : (names.get(m.author_id ?? '') ?? m.author);
    const links = (JSON.parse(m.articles_json) as { slug: string; title: string }[])
      .map((a) => `\n    → ${a.title} (${a.slug})`)
      .join('');
    const file =
      m.attachment_json === null
        ? ''
        : ` [file: ${(JSON.parse(m.attachment_json) as { filename: string }).filename}, kept in the chat]`;
    return `[${time.format(m.at)}] ${who}: ${m.text}${file}${links}`;
  });
  const head = `Chat ${chat.id} (${chat.time_zone}), transcript:\n\n`;
  const text = head + lines.join('\n');
  if (text.length <= MAX_TRANSCRIPT_CHARS) return text;
  return `${text.slice(0, MAX_TRANSCRIPT_CHARS)}\n… (transcript cut; the whole conversation stays in chat ${chat.id})`;
}

export interface ChatTicketDeps {
  readonly chats: ChatRepository;
  readonly tickets: TicketService;
  readonly clock: Clock;
}

/**
 * A chat becomes a ticket: through the ticket service like any other (channel `chatbot` when the bot holds the chat,
 * `chat` when an agent does), the transcript as its description, its clocks counted from the chat's start — at most
 * 24 hours back, the limit of staff intake (a chat older than that starts its clocks 24 hours ago, and says so).
 */
export function createChatTicket({ chats, tickets, clock }: ChatTicketDeps) {
  return async function openTicket(
    actor: Actor,
    chat: ChatRow,
    input: { priority: PriorityId; subject?: string | undefined; category?: TicketCategory | undefined },
  ): Promise<TicketDto> {
    if (chat.mode === 'closed') throw new DomainError('CHAT_CLOSED', 'this chat is closed');
    if (chat.ticket_id !== null)
      throw new DomainError('CHAT_TICKET_EXISTS', 'this chat already has its ticket', {
        ticketId: chat.ticket_id,
      });
    const staff = isStaff(actor);
    if (staff && (chat.mode !== 'agent' || chat.agent_id !== actor.userId))
      throw new DomainError('FORBIDDEN', 'take the chat before opening a ticket from it');
    if (!staff && chat.mode === 'agent')
      throw new DomainError('FORBIDDEN', 'the agent holding this chat opens its ticket');
    const nowMs = clock.nowMs();
    if (!(await chats.claimTicket(chat.id, nowMs, CLAIM_STALE_MS)))
      throw new DomainError('CHAT_TICKET_EXISTS', 'a ticket is already being opened from this chat');
    const language = chat.language as HelpLanguage;
    try {
      const messages = await chats.messages(chat.id, 0, 10_000);
      const names = new Map<string, string>();
      for (const id of new Set(messages.map((m) => m.author_id).filter((v): v is string => v !== null)))
        names.set(id, (await chats.userName(id)) ?? id);
      const reportedAtMs = Math.max(chat.started_at, nowMs - MAX_REPORTED_AGO_MS);
      const firstQuestion = messages.find((m) => m.author === 'client')?.text.trim();
      const subject =
        input.subject ??
        (firstQuestion
          ? firstQuestion.slice(0, 120)
          : `Chat ${formatInstant(chat.started_at, language, chat.time_zone)}`);
      // A client's chat is filed as staff intake would be (the clocks start when the chat did); the requester is the
      // client and the access checks above are the client's own.
      const creator: Actor = staff ? actor : { ...actor, role: 'agent', organizationId: null };
      const created = await tickets.create(creator, {
        subject,
        description: transcriptOf(chat, messages, names),
        priority: input.priority,
        category: input.category ?? 'hosting',
        channel: staff ? 'chat' : 'chatbot',
        organizationId: chat.organization_id,
        requesterId: staff ? chat.client_id : undefined,
        reportedAtMs,
      });
      await chats.setTicket(chat.id, created.id);
      const ticket = await tickets.get(actor, created.id);
      const say = SAY.due[language];
      const dues = ticket.sla
        .map((c) => {
          const label = (say as Record<string, string>)[c.metric] ?? c.metric;
          return `${label} ${c.dueAt === null ? say.none : formatInstant(Date.parse(c.dueAt), language, chat.time_zone)}.`;
        })
        .join(' ');
      const clipped =
        reportedAtMs > chat.started_at
          ? ` ${SAY.clocksFrom[language](formatInstant(reportedAtMs, language, chat.time_zone))}`
          : '';
      await chats.append(
        chat.id,
        [
          {
            author: 'bot',
            authorId: null,
            text: `${SAY.ticketOpened[language](shortRef(ticket.id), dues)}${clipped}`,
          },
        ],
        nowMs,
      );
      return ticket;
    } catch (error) {
      await chats.releaseTicketClaim(chat.id);
      throw error;
    }
  };
}
