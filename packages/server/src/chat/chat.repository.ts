import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { ChatMessageTable, ChatTable } from '../db/schema.ts';
import { newId } from '../ids.ts';

export type ChatRow = Selectable<ChatTable>;
export type ChatMessageRow = Selectable<ChatMessageTable>;
export type ChatMode = 'bot' | 'waiting' | 'agent' | 'closed';
export type ChatAuthor = 'client' | 'agent' | 'bot';

export interface ChatFile {
  readonly id: string;
  readonly filename: string;
  readonly contentType: string;
  readonly sizeBytes: number;
}

export interface NewMessage {
  readonly author: ChatAuthor;
  readonly authorId: string | null;
  readonly text: string;
  readonly articles?: readonly { slug: string; title: string }[];
  /** A file sent with the message: its bytes are written in the same transaction. */
  readonly attachment?: ChatFile & { readonly data: Uint8Array };
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/** PostgreSQL returns bigint columns as strings: instants back to numbers. */
function chatOf(row: ChatRow): ChatRow {
  return {
    ...row,
    waiting_until: num(row.waiting_until),
    ticket_claimed_at: num(row.ticket_claimed_at),
    client_typing_until: num(row.client_typing_until),
    agent_typing_until: num(row.agent_typing_until),
    started_at: Number(row.started_at),
    updated_at: Number(row.updated_at),
    closed_at: num(row.closed_at),
    last_seq: Number(row.last_seq),
  };
}

export function createChatRepository(db: Db) {
  /** Appends messages in order: each takes the chat's next sequence number in the same transaction. */
  async function append(
    trx: Db,
    chatId: string,
    messages: readonly NewMessage[],
    atMs: number,
  ): Promise<void> {
    for (const message of messages) {
      const file = message.attachment;
      if (file !== undefined)
        await trx
          .insertInto('chat_attachments')
          .values({
            id: file.id,
            chat_id: chatId,
            uploader_id: message.authorId ?? '',
            filename: file.filename,
            content_type: file.contentType,
            size_bytes: file.sizeBytes,
            data: file.data,
            created_at: atMs,
          })
          .execute();
      const { last_seq } = await trx
        .updateTable('chats')
        .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: atMs }))
        .where('id', '=', chatId)
        .returning('last_seq')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('chat_messages')
        .values({
          id: newId(),
          chat_id: chatId,
          seq: Number(last_seq),
          author: message.author,
          author_id: message.authorId,
          text: message.text,
          articles_json: JSON.stringify(message.articles ?? []),
          attachment_json:
            file === undefined
              ? null
              : JSON.stringify({
                  id: file.id,
                  filename: file.filename,
                  contentType: file.contentType,
                  sizeBytes: file.sizeBytes,
                }),
          at: atMs,
        })
        .execute();
    }
  }

  return {
    db,
    append: (chatId: string, messages: readonly NewMessage[], atMs: number) =>
      db.transaction().execute((trx) => append(trx, chatId, messages, atMs)),

    async insert(row: ChatRow, messages: readonly NewMessage[]): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('chats').values(row).execute();
        await append(trx, row.id, messages, row.started_at);
      });
    },

    async byId(workspaceId: string, id: string): Promise<ChatRow | undefined> {
      const row = await db
        .selectFrom('chats')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row === undefined ? undefined : chatOf(row);
    },

    async list(input: { workspaceId: string; clientId?: string; mode?: ChatMode; limit: number }) {
      const rows = await db
        .selectFrom('chats')
        .selectAll()
        .where('workspace_id', '=', input.workspaceId)
        .$if(input.clientId !== undefined, (qb) => qb.where('client_id', '=', input.clientId ?? ''))
        .$if(input.mode !== undefined, (qb) => qb.where('mode', '=', input.mode ?? ''))
        .orderBy('started_at', 'desc')
        .orderBy('id')
        .limit(input.limit)
        .execute();
      return rows.map(chatOf);
    },

    async messages(chatId: string, afterSeq: number, limit = 500): Promise<ChatMessageRow[]> {
      const rows = await db
        .selectFrom('chat_messages')
        .selectAll()
        .where('chat_id', '=', chatId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ ...r, seq: Number(r.seq), at: Number(r.at) }));
    },

    /**
     * Moves a chat from one of `from` to `set.mode`, only if it is still in one of them: the one statement decides
     * between two agents taking the same chat (exactly one sees a row changed). Messages go in with the move.
     */
    async transition(input: {
      id: string;
      from: readonly ChatMode[];
      set: Partial<Pick<ChatRow, 'mode' | 'agent_id' | 'waiting_until' | 'bot_state' | 'closed_at'>>;
      atMs: number;
      messages?: readonly NewMessage[];
    }): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable('chats')
          .set({ ...input.set, updated_at: input.atMs })
          .where('id', '=', input.id)
          .where('mode', 'in', [...input.from])
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await append(trx, input.id, input.messages ?? [], input.atMs);
        return true;
      });
    },

    async attachment(chatId: string, id: string) {
      return db
        .selectFrom('chat_attachments')
        .select(['filename', 'content_type', 'data'])
        .where('chat_id', '=', chatId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async setBotState(id: string, state: string): Promise<void> {
      await db.updateTable('chats').set({ bot_state: state }).where('id', '=', id).execute();
    },

    async setTyping(id: string, side: 'client' | 'agent', untilMs: number): Promise<void> {
      await db
        .updateTable('chats')
        .set(side === 'client' ? { client_typing_until: untilMs } : { agent_typing_until: untilMs })
        .where('id', '=', id)
        .execute();
    },

    /** One ticket per chat: claims the right to create it (a claim older than `staleMs` is abandoned). */
    async claimTicket(id: string, nowMs: number, staleMs: number): Promise<boolean> {
      const result = await db
        .updateTable('chats')
        .set({ ticket_claimed_at: nowMs })
        .where('id', '=', id)
        .where('ticket_id', 'is', null)
        .where((eb) =>
          eb.or([eb('ticket_claimed_at', 'is', null), eb('ticket_claimed_at', '<', nowMs - staleMs)]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async releaseTicketClaim(id: string): Promise<void> {
      await db.updateTable('chats').set({ ticket_claimed_at: null }).where('id', '=', id).execute();
    },

    async setTicket(id: string, ticketId: string): Promise<void> {
      await db.updateTable('chats').set({ ticket_id: ticketId }).where('id', '=', id).execute();
    },

    async agentsOnline(workspaceId: string, nowMs: number): Promise<number> {
      const row = await db
        .selectFrom('chat_presence')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('available', '=', 1)
        .where('expires_at', '>', nowMs)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async setPresence(input: {
      workspaceId: string;
      userId: string;
      available: boolean;
      expiresAtMs: number;
    }) {
      const values = { available: input.available ? 1 : 0, expires_at: input.expiresAtMs };
      await db
        .insertInto('chat_presence')
        .values({ workspace_id: input.workspaceId, user_id: input.userId, ...values })
        .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet(values))
        .execute();
    },

    async waitSeconds(workspaceId: string): Promise<number | undefined> {
      const row = await db
        .selectFrom('chat_settings')
        .select('wait_seconds')
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      return row === undefined ? undefined : Number(row.wait_seconds);
    },

    async setWaitSeconds(workspaceId: string, waitSeconds: number, nowMs: number): Promise<void> {
      await db
        .insertInto('chat_settings')
        .values({ workspace_id: workspaceId, wait_seconds: waitSeconds, updated_at: nowMs })
        .onConflict((oc) =>
          oc.column('workspace_id').doUpdateSet({ wait_seconds: waitSeconds, updated_at: nowMs }),
        )
        .execute();
    },

    async userName(userId: string): Promise<string | undefined> {
      const row = await db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
      return row?.name;
    },

    /** The requester's tickets whose id starts with `ref` (the bot's short numbers). */
    async ticketIdsByRef(workspaceId: string, requesterId: string, ref: string): Promise<string[]> {
      const rows = await db
        .selectFrom('tickets')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('requester_id', '=', requesterId)
        .where('id', 'like', `${ref}%`)
        .limit(2)
        .execute();
      return rows.map((r) => r.id);
    },
  };
}

export type ChatRepository = ReturnType<typeof createChatRepository>;
