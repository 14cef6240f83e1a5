import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { CommentTable } from '../../db/schema.ts';
import { runPrepared } from '../../db/prepared.ts';
import { newId } from '../../ids.ts';

export type CommentRow = Selectable<CommentTable>;

/** The `ticket_tags` table. */
export function ticketTagsRepository(db: Db) {
  return {
    setTags: async (
      ticket: { id: string; workspace_id: string },
      tags: readonly string[],
      options: { fresh?: boolean } = {},
    ): Promise<void> => {
      if (options.fresh !== true)
        await db.deleteFrom('ticket_tags').where('ticket_id', '=', ticket.id).execute();
      if (tags.length > 0) {
        await db
          .insertInto('ticket_tags')
          .values(tags.map((tag) => ({ ticket_id: ticket.id, workspace_id: ticket.workspace_id, tag })))
          .execute();
      }
    },

    tagsFor: async (ticketIds: readonly string[]): Promise<Map<string, string[]>> => {
      const out = new Map<string, string[]>();
      if (ticketIds.length === 0) return out;
      const { rows } = await runPrepared(
        db,
        `ticket_tags.of:${ticketIds.length}`,
        (p) =>
          db
            .selectFrom('ticket_tags')
            .select(['ticket_id', 'tag'])
            .where('ticket_id', 'in', p.list<string>('ids', ticketIds.length)),
        { ids: ticketIds },
      );
      for (const row of rows) {
        const list = out.get(row.ticket_id);
        if (list === undefined) out.set(row.ticket_id, [row.tag]);
        else list.push(row.tag);
      }
      // Sorted here, as `normalizeTags` sorts what is written: the database's collation (PostgreSQL's locale, SQLite's
      // bytes) orders some letters otherwise, and a ticket must list its tags alike on every read and in the answer
      // that created it.
      for (const list of out.values()) list.sort();
      return out;
    },

    tagCounts: (workspaceId: string) =>
      db
        .selectFrom('ticket_tags')
        .select(['tag', (eb) => eb.fn.countAll<number>().as('count')])
        .where('workspace_id', '=', workspaceId)
        .groupBy('tag')
        .orderBy('tag')
        .execute(),
  };
}

/** The `comments` table. */
export function commentsRepository(db: Db) {
  return {
    insertComment: async (row: CommentRow): Promise<void> => {
      await db.insertInto('comments').values(row).execute();
    },

    /** A ticket's comments in order, each with its author's name (left join: an author row is never deleted). */
    comments: (ticketId: string, includeInternal: boolean) =>
      db
        .selectFrom('comments')
        .leftJoin('users', 'users.id', 'comments.author_id')
        .selectAll('comments')
        .select('users.name as author_name')
        .where('comments.ticket_id', '=', ticketId)
        .$if(!includeInternal, (qb) => qb.where('comments.visibility', '=', 'public'))
        .orderBy('comments.created_at')
        .orderBy('comments.id')
        .execute(),

    /** The outbox row is written with the event, so a notification cannot be lost between commit and send. */
  };
}

/** The `outbox` table: messages written with the change they announce. */
export function outboxRepository(db: Db) {
  return {
    enqueueOutbox: async (row: {
      workspaceId: string;
      idempotencyKey: string;
      topic: string;
      payload: Record<string, unknown>;
      atMs: number;
    }): Promise<void> => {
      await runPrepared(
        db,
        'outbox.insert',
        (p) =>
          db.insertInto('outbox').values({
            id: p<string>('id'),
            workspace_id: p<string>('workspaceId'),
            idempotency_key: p<string>('idempotencyKey'),
            topic: p<string>('topic'),
            payload_json: p<string>('payloadJson'),
            status: 'pending',
            attempts: 0,
            available_at: p<number>('atMs'),
            created_at: p<number>('atMs'),
            sent_at: null,
          }),
        {
          id: newId(),
          workspaceId: row.workspaceId,
          idempotencyKey: row.idempotencyKey,
          topic: row.topic,
          payloadJson: JSON.stringify(row.payload),
          atMs: row.atMs,
        },
      );
    },
  };
}
