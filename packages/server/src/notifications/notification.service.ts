import { iso, isoOrNull } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';

/** In-app notifications of the signed-in user, in the workspace of the request. */
export function createNotificationService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    async list(actor: Actor, input: { limit: number }) {
      const rows = await db
        .selectFrom('notifications')
        .selectAll()
        .where('user_id', '=', actor.userId)
        .where('workspace_id', '=', actor.workspaceId)
        // Unread first, newest first within each group.
        .orderBy((eb) => eb.case().when('read_at', 'is', null).then(0).else(1).end())
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(input.limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        ticketId: r.ticket_id,
        consultationId: r.consultation_id,
        title: r.title,
        body: r.body,
        createdAt: iso(Number(r.created_at)),
        readAt: isoOrNull(r.read_at === null ? null : Number(r.read_at)),
      }));
    },

    async markRead(actor: Actor, id: string): Promise<void> {
      const row = await db
        .selectFrom('notifications')
        .select(['id', 'read_at'])
        .where('id', '=', id)
        .where('user_id', '=', actor.userId)
        .where('workspace_id', '=', actor.workspaceId)
        .executeTakeFirst();
      // Someone else's notification is as absent as a missing one.
      if (row === undefined) throw new DomainError('NOTIFICATION_NOT_FOUND', `no notification ${id}`);
      if (row.read_at === null)
        await db
          .updateTable('notifications')
          .set({ read_at: clock.nowMs() })
          .where('id', '=', id)
          .where('read_at', 'is', null)
          .execute();
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
