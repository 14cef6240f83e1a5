import { iso, requireRole } from '../access.ts';
import { isStaff, STAFF_ROLES, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { HelpLanguage } from '../help/help-core.ts';
import type { HelpService } from '../help/help.service.ts';
import { newId } from '../ids.ts';
import type { OrganizationRepository } from '../organizations/organization.repository.ts';
import type { SlaClockService } from '../sla/sla-clock.service.ts';
import type { PriorityId, TicketCategory } from '../sla/sla-core.ts';
import type { TicketService } from '../tickets/ticket.service.ts';
import { createChatAssistant, type ChatAnswerProvider } from './chat-assistant.ts';
import { chatDto, messageDto, type ChatDto } from './chat.dto.ts';
import { SAY } from './chat-bot.ts';
import { chatChannels, formatOpening, humansBackAt, isTimeZone, type ChatChannels } from './chat-hours.ts';
import { createChatTicket } from './chat-ticket.ts';
import type { ChatMode, ChatRepository, ChatRow, NewMessage } from './chat.repository.ts';
import { ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from '../tickets/attachment.service.ts';

/** How long an agent waits before the bot takes a chat nobody took, unless the workspace sets its own. */
export const DEFAULT_WAIT_SECONDS = 120;
/** The agent console renews presence by heartbeat; an agent whose console went quiet counts as away after this. */
export const PRESENCE_TTL_MS = 45_000;
/** A typing indicator lasts this long after the last keystroke signal. */
export const TYPING_MS = 6_000;

export interface ChatServiceDeps {
  readonly chats: ChatRepository;
  readonly organizations: OrganizationRepository;
  readonly sla: SlaClockService;
  readonly tickets: TicketService;
  readonly help: HelpService;
  readonly clock: Clock;
  /** Optional language model behind the bot's answers; none by default, never in tests. */
  readonly answers?: ChatAnswerProvider | undefined;
}

export type { ChatDto, ChatMessageDto } from './chat.dto.ts';

/** Live chat: who answers (agents during the chat channel's hours, else the bot), atomic take, chat → ticket. */
export function createChatService(deps: ChatServiceDeps) {
  const { chats, organizations, sla, clock } = deps;
  const openTicket = createChatTicket(deps);

  async function channelsOf(workspaceId: string, organizationId: string): Promise<ChatChannels> {
    const contract = await organizations.currentContract(workspaceId, organizationId);
    if (!contract)
      throw new DomainError('NO_CONTRACT', 'your organization has no contract: chat is not available');
    const ctx = await sla.policyContext(workspaceId);
    return chatChannels(ctx, { plan: contract.plan, extendedCalendarKey: contract.extended_calendar_key });
  }

  async function waitMs(workspaceId: string): Promise<number> {
    return ((await chats.waitSeconds(workspaceId)) ?? DEFAULT_WAIT_SECONDS) * 1000;
  }

  /** Why the bot answers instead of a person, in the client's words, or null when agents can answer. */
  async function botReason(chat: Pick<ChatRow, 'workspace_id' | 'language' | 'time_zone'>, ch: ChatChannels) {
    const nowMs = clock.nowMs();
    const language = chat.language as HelpLanguage;
    if (ch.human === null) return SAY.noHumanChat[language];
    if (!ch.human.isOpen(nowMs)) {
      const back = humansBackAt(ch.human, nowMs);
      return back === null
        ? SAY.noHumanChat[language]
        : SAY.humansBack[language](formatOpening(back, nowMs, language, chat.time_zone));
    }
    if ((await chats.agentsOnline(chat.workspace_id, nowMs)) === 0) return SAY.noAgentOnline[language];
    return null;
  }

  /** A waiting chat nobody took in time, or whose agents all left, goes to the bot (once: a conditional move). */
  async function settle(chat: ChatRow): Promise<ChatRow> {
    if (chat.mode !== 'waiting') return chat;
    const nowMs = clock.nowMs();
    const timedOut = nowMs >= (chat.waiting_until ?? 0);
    const nobody = (await chats.agentsOnline(chat.workspace_id, nowMs)) === 0;
    if (!timedOut && !nobody) return chat;
    const language = chat.language as HelpLanguage;
    const text = timedOut ? SAY.timedOut[language] : SAY.noAgentOnline[language];
    await chats.transition({
      id: chat.id,
      from: ['waiting'],
      set: { mode: 'bot', waiting_until: null },
      atMs: nowMs,
      messages: [{ author: 'bot', authorId: null, text }],
    });
    return (await chats.byId(chat.workspace_id, chat.id)) ?? chat;
  }

  /** The chat if the actor may see it: its client, or the workspace's staff. Anyone else: 404. */
  async function visible(actor: Actor, id: string): Promise<ChatRow> {
    const row = await chats.byId(actor.workspaceId, id);
    if (!row || (!isStaff(actor) && row.client_id !== actor.userId))
      throw new DomainError('CHAT_NOT_FOUND', 'chat not found');
    return settle(row);
  }

  /** Hands a bot chat to the agents when they can answer now; otherwise says when they can. */
  async function askForHuman(chat: ChatRow): Promise<NewMessage[]> {
    const ch = await channelsOf(chat.workspace_id, chat.organization_id);
    const reason = await botReason(chat, ch);
    if (reason !== null) return [{ author: 'bot', authorId: null, text: reason }];
    const nowMs = clock.nowMs();
    await chats.transition({
      id: chat.id,
      from: ['bot'],
      set: { mode: 'waiting', waiting_until: nowMs + (await waitMs(chat.workspace_id)), bot_state: 'idle' },
      atMs: nowMs,
      messages: [{ author: 'bot', authorId: null, text: SAY.waiting[chat.language as HelpLanguage] }],
    });
    return [];
  }

  const assistant = createChatAssistant({
    chats,
    help: deps.help,
    tickets: deps.tickets,
    clock,
    answers: deps.answers,
    openTicket: (actor, chat, priority) => openTicket(actor, chat, { priority }),
    askForHuman,
    priorities: async (chat) => (await sla.policyContext(chat.workspace_id)).policy.priorities,
    hoursOf: async (chat) => {
      const ch = await channelsOf(chat.workspace_id, chat.organization_id);
      return { human: ch.human, back: humansBackAt(ch.human, clock.nowMs()) };
    },
  });

  async function dto(row: ChatRow): Promise<ChatDto> {
    const nowMs = clock.nowMs();
    let back: number | null = null;
    if (row.mode === 'bot') {
      const ch = await channelsOf(row.workspace_id, row.organization_id).catch(() => null);
      back = ch === null ? null : humansBackAt(ch.human, nowMs);
    }
    return chatDto(row, nowMs, back);
  }

  /** A message from the chat's client (the bot answers at once while it holds the chat) or its agent. */
  async function post(actor: Actor, id: string, text: string) {
    const chat = await visible(actor, id);
    if (chat.mode === 'closed') throw new DomainError('CHAT_CLOSED', 'this chat is closed');
    const nowMs = clock.nowMs();
    if (isStaff(actor)) {
      if (chat.mode !== 'agent' || chat.agent_id !== actor.userId)
        throw new DomainError('FORBIDDEN', 'take the chat before writing in it');
      await chats.append(id, [{ author: 'agent', authorId: actor.userId, text }], nowMs);
    } else {
      await chats.append(id, [{ author: 'client', authorId: actor.userId, text }], nowMs);
      if (chat.mode === 'bot') {
        const reply = await assistant.reply(actor, chat, text);
        await chats.append(id, reply.messages, clock.nowMs());
        if (reply.state !== undefined) await chats.setBotState(id, reply.state);
      }
    }
    return { items: (await chats.messages(id, chat.last_seq)).map(messageDto) };
  }

  return {
    async start(
      actor: Actor,
      input: { language: HelpLanguage; timeZone?: string | undefined; text?: string | undefined },
    ) {
      requireRole(actor, ['client', 'consultant'], 'start a support chat');
      if (actor.organizationId === null)
        throw new DomainError(
          'FORBIDDEN',
          'your account belongs to no organization: ask an admin to add you to one',
        );
      if (input.timeZone !== undefined && !isTimeZone(input.timeZone))
        throw new DomainError('VALIDATION_FAILED', `unknown time zone ${input.timeZone}`, {
          field: 'timeZone',
        });
      const ch = await channelsOf(actor.workspaceId, actor.organizationId);
      if (ch.human === null && !ch.bot)
        throw new DomainError('CHANNEL_NOT_ALLOWED', 'your plan includes neither live chat nor the chatbot');
      const ctx = await sla.policyContext(actor.workspaceId);
      const nowMs = clock.nowMs();
      const base = {
        workspace_id: actor.workspaceId,
        language: input.language,
        time_zone: input.timeZone ?? ctx.policy.timeZone,
      };
      const reason = await botReason(base, ch);
      const row: ChatRow = {
        id: newId(),
        ...base,
        organization_id: actor.organizationId,
        client_id: actor.userId,
        mode: reason === null ? 'waiting' : 'bot',
        agent_id: null,
        bot_state: 'idle',
        waiting_until: reason === null ? nowMs + (await waitMs(actor.workspaceId)) : null,
        last_seq: 0,
        ticket_id: null,
        ticket_claimed_at: null,
        client_typing_until: null,
        agent_typing_until: null,
        started_at: nowMs,
        updated_at: nowMs,
        closed_at: null,
      };
      const text =
        reason === null ? SAY.waiting[input.language] : `${SAY.greeting[input.language]} ${reason}`;
      await chats.insert(row, [{ author: 'bot', authorId: null, text }]);
      if (input.text !== undefined && input.text.trim() !== '') await post(actor, row.id, input.text);
      return dto(await visible(actor, row.id));
    },

    async get(actor: Actor, id: string) {
      return dto(await visible(actor, id));
    },

    /** Staff see the workspace's chats (e.g. `mode=waiting` for the console); clients their own. */
    async list(actor: Actor, input: { mode?: ChatMode | undefined }) {
      const rows = await chats.list({
        workspaceId: actor.workspaceId,
        ...(isStaff(actor) ? {} : { clientId: actor.userId }),
        ...(input.mode === undefined ? {} : { mode: input.mode }),
        limit: 200,
      });
      const settled = await Promise.all(rows.map((r) => settle(r)));
      const nowMs = clock.nowMs();
      return settled
        .filter((r) => input.mode === undefined || r.mode === input.mode)
        .map((r) => chatDto(r, nowMs, null));
    },

    async messages(actor: Actor, id: string, afterSeq: number) {
      const chat = await visible(actor, id);
      return { chat: await dto(chat), items: (await chats.messages(id, afterSeq)).map(messageDto) };
    },

    post,

    /** A file sent in the chat (same types and size limit as ticket attachments), as a message of its sender. */
    async attach(
      actor: Actor,
      id: string,
      input: { filename: string; contentType: string; contentBase64: string; text?: string | undefined },
    ) {
      const chat = await visible(actor, id);
      if (chat.mode === 'closed') throw new DomainError('CHAT_CLOSED', 'this chat is closed');
      if (isStaff(actor) && (chat.mode !== 'agent' || chat.agent_id !== actor.userId))
        throw new DomainError('FORBIDDEN', 'take the chat before writing in it');
      if (!(ALLOWED_ATTACHMENT_TYPES as readonly string[]).includes(input.contentType))
        throw new DomainError(
          'ATTACHMENT_TYPE_NOT_ALLOWED',
          `type ${input.contentType} is not accepted; allowed: ${ALLOWED_ATTACHMENT_TYPES.join(', ')}`,
        );
      const data = Buffer.from(input.contentBase64, 'base64');
      if (data.length === 0) throw new DomainError('VALIDATION_FAILED', 'the attachment is empty');
      if (data.length > MAX_ATTACHMENT_BYTES)
        throw new DomainError(
          'ATTACHMENT_TOO_LARGE',
          `attachments are limited to ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB`,
        );
      const attachment = {
        id: newId(),
        filename: input.filename,
        contentType: input.contentType,
        sizeBytes: data.length,
        data,
      };
      const text = input.text?.trim() || input.filename;
      await chats.append(
        id,
        [{ author: isStaff(actor) ? 'agent' : 'client', authorId: actor.userId, text, attachment }],
        clock.nowMs(),
      );
      return { items: (await chats.messages(id, chat.last_seq)).map(messageDto) };
    },

    async attachmentContent(actor: Actor, id: string, attachmentId: string) {
      await visible(actor, id);
      const file = await chats.attachment(id, attachmentId);
      if (!file) throw new DomainError('ATTACHMENT_NOT_FOUND', 'attachment not found');
      return { filename: file.filename, contentType: file.content_type, data: Buffer.from(file.data) };
    },

    /** Atomic: of several agents taking the same chat, exactly one succeeds; the others get 409. */
    async take(actor: Actor, id: string) {
      requireRole(actor, STAFF_ROLES, 'take a chat');
      const chat = await visible(actor, id);
      const nowMs = clock.nowMs();
      const taken = await chats.transition({
        id,
        from: ['waiting', 'bot'],
        set: { mode: 'agent', agent_id: actor.userId, waiting_until: null, bot_state: 'idle' },
        atMs: nowMs,
        messages: [
          { author: 'bot', authorId: null, text: SAY.agentJoined[chat.language as HelpLanguage](actor.name) },
        ],
      });
      if (!taken) {
        const now = await chats.byId(actor.workspaceId, id);
        if (now?.mode === 'closed') throw new DomainError('CHAT_CLOSED', 'this chat is closed');
        throw new DomainError('CHAT_ALREADY_TAKEN', 'another agent has taken this chat', {
          agentId: now?.agent_id,
        });
      }
      return dto(await visible(actor, id));
    },

    async close(actor: Actor, id: string) {
      const chat = await visible(actor, id);
      if (isStaff(actor) && chat.mode === 'agent' && chat.agent_id !== actor.userId)
        throw new DomainError('FORBIDDEN', 'another agent holds this chat');
      const nowMs = clock.nowMs();
      await chats.transition({
        id,
        from: ['bot', 'waiting', 'agent'],
        set: { mode: 'closed', closed_at: nowMs },
        atMs: nowMs,
      });
      return dto(await visible(actor, id));
    },

    async typing(actor: Actor, id: string): Promise<void> {
      const chat = await visible(actor, id);
      const side = isStaff(actor) ? 'agent' : 'client';
      if (side === 'agent' && chat.agent_id !== actor.userId) return;
      await chats.setTyping(id, side, clock.nowMs() + TYPING_MS);
    },

    async ticket(
      actor: Actor,
      id: string,
      input: { priority: PriorityId; subject?: string | undefined; category?: TicketCategory | undefined },
    ) {
      return openTicket(actor, await visible(actor, id), input);
    },

    /** The agent console's heartbeat: available (or not) until `PRESENCE_TTL_MS` from now. */
    async presence(actor: Actor, input: { available: boolean }) {
      requireRole(actor, STAFF_ROLES, 'answer chats');
      const nowMs = clock.nowMs();
      const expiresAtMs = nowMs + PRESENCE_TTL_MS;
      await chats.setPresence({
        workspaceId: actor.workspaceId,
        userId: actor.userId,
        available: input.available,
        expiresAtMs,
      });
      return {
        available: input.available,
        expiresAt: iso(expiresAtMs),
        agentsOnline: await chats.agentsOnline(actor.workspaceId, nowMs),
      };
    },

    async settings(actor: Actor) {
      requireRole(actor, STAFF_ROLES, 'read chat settings');
      return { waitSeconds: (await waitMs(actor.workspaceId)) / 1000 };
    },

    async updateSettings(actor: Actor, input: { waitSeconds: number }) {
      requireRole(actor, ['admin'], 'change chat settings');
      await chats.setWaitSeconds(actor.workspaceId, input.waitSeconds, clock.nowMs());
      return { waitSeconds: input.waitSeconds };
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;
