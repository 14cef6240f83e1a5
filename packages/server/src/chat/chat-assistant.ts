import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { HelpLanguage } from '../help/help-core.ts';
import type { HelpService, SearchHit } from '../help/help.service.ts';
import type { PriorityId } from '../sla/sla-core.ts';
import type { TicketDto, TicketService } from '../tickets/ticket.service.ts';
import { detectIntent, priorityLine, SAY, shortRef, type BotState, type PriorityText } from './chat-bot.ts';
import type { BusinessCalendar } from './chat-core.ts';
import { formatOpening } from './chat-hours.ts';
import type { ChatRepository, ChatRow, NewMessage } from './chat.repository.ts';

/**
 * An operator may plug a language model in: it gets the question and the articles the search found, and may write
 * the bot's answer (null: the bot's own answer). Nothing in the product needs one; tests never call out.
 */
export interface ChatAnswerProvider {
  answer(input: {
    question: string;
    language: HelpLanguage;
    articles: readonly SearchHit[];
  }): Promise<string | null>;
}

export interface ChatAssistantDeps {
  readonly chats: ChatRepository;
  readonly help: HelpService;
  readonly tickets: TicketService;
  readonly clock: Clock;
  readonly answers?: ChatAnswerProvider | undefined;
  readonly openTicket: (actor: Actor, chat: ChatRow, priority: PriorityId) => Promise<TicketDto>;
  /** Moves the chat to the agents if they can answer now; else the messages saying when they can. */
  readonly askForHuman: (chat: ChatRow) => Promise<NewMessage[]>;
  readonly hoursOf: (chat: ChatRow) => Promise<{ human: BusinessCalendar | null; back: number | null }>;
  /** The policy's priorities, with the agreement's own descriptions. */
  readonly priorities: (chat: ChatRow) => Promise<readonly PriorityText[]>;
}

export interface BotReply {
  readonly messages: NewMessage[];
  readonly state?: BotState;
}

const bot = (text: string, articles?: { slug: string; title: string }[]): NewMessage => ({
  author: 'bot',
  authorId: null,
  text,
  ...(articles === undefined ? {} : { articles }),
});

/** The bot's turn in a conversation it holds: one intent, one answer. */
export function createChatAssistant(deps: ChatAssistantDeps) {
  const { chats, help, tickets, clock } = deps;

  async function priorityQuestion(chat: ChatRow, language: HelpLanguage): Promise<BotReply> {
    const priorities = await deps.priorities(chat);
    const lines = priorities.map((p) => `• ${priorityLine(p, language)}`).join('\n');
    return { messages: [bot(`${SAY.askPriority[language]}\n${lines}`)], state: 'asked-priority' };
  }

  async function status(actor: Actor, chat: ChatRow, ref: string | null): Promise<BotReply> {
    const language = chat.language as HelpLanguage;
    const ids = ref === null ? [] : await chats.ticketIdsByRef(chat.workspace_id, chat.client_id, ref);
    if (ids.length !== 1) return { messages: [bot(SAY.statusUnknown[language])] };
    const ticket = await tickets.get(actor, ids[0] ?? '');
    return { messages: [bot(SAY.status[language](shortRef(ticket.id), ticket.status, ticket.subject))] };
  }

  async function hours(chat: ChatRow): Promise<BotReply> {
    const language = chat.language as HelpLanguage;
    const { human, back } = await deps.hoursOf(chat);
    const nowMs = clock.nowMs();
    if (human === null || back === null) return { messages: [bot(SAY.noHumanChat[language])] };
    const when =
      back <= nowMs
        ? `${formatOpening(nowMs, nowMs, language, chat.time_zone)} – ${formatOpening(human.nextClose(nowMs), nowMs, language, chat.time_zone)}`
        : formatOpening(back, nowMs, language, chat.time_zone);
    return { messages: [bot(SAY.hours[language](when))] };
  }

  async function question(chat: ChatRow, text: string): Promise<BotReply> {
    const language = chat.language as HelpLanguage;
    const hits = await help.searchForBot(chat.workspace_id, text, language, 3);
    const written = deps.answers
      ? await deps.answers.answer({ question: text, language, articles: hits })
      : null;
    if (hits.length === 0) return { messages: [bot(written ?? SAY.nothingFound[language])], state: 'idle' };
    const list = hits.map((h) => `• ${h.title} — ${h.snippet}`).join('\n');
    const body =
      written === null ? `${SAY.articles[language]}\n${list}` : `${written}\n${SAY.articles[language]}`;
    return {
      messages: [
        bot(
          body,
          hits.map((h) => ({ slug: h.slug, title: h.title })),
        ),
      ],
      state: 'asked-solved',
    };
  }

  return {
    async reply(actor: Actor, chat: ChatRow, text: string): Promise<BotReply> {
      const language = chat.language as HelpLanguage;
      const intent = detectIntent(text, chat.bot_state as BotState);
      switch (intent.kind) {
        case 'priority':
          try {
            await deps.openTicket(actor, chat, intent.priority as PriorityId);
            // The ticket's own message (number and due instants) is written by openTicket.
            return { messages: [], state: 'idle' };
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            return { messages: [bot(SAY.ticketFailed[language](error.message))], state: 'idle' };
          }
        case 'cancel':
          return { messages: [bot(SAY.cancelled[language])], state: 'idle' };
        case 'yes':
          return { messages: [bot(SAY.glad[language])], state: 'idle' };
        case 'no':
        case 'open-ticket':
          return chat.ticket_id === null
            ? priorityQuestion(chat, language)
            : { messages: [bot(SAY.ticketOpened[language](shortRef(chat.ticket_id), ''))], state: 'idle' };
        case 'human':
          return { messages: await deps.askForHuman(chat), state: 'idle' };
        case 'status':
          return status(actor, chat, intent.ref);
        case 'hours':
          return hours(chat);
        case 'question':
          return question(chat, text);
      }
    },
  };
}
