import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import { exponentialRetry, type NotificationProvider, type OutgoingMessage } from '../provider.ts';

/** The content the fan-out stores for an in-app delivery. */
export interface InAppContent {
  readonly title: string;
  readonly body: string;
  readonly ticketId: string | null;
  /** The consultation request it is about: a click opens it (absent in deliveries planned before it existed). */
  readonly consultationId?: string | null;
  /** When the event happened (the outbox row's instant): the order users read them in. */
  readonly occurredAtMs: number;
}

/** Writes the `notifications` row; its id is the delivery id, so a second attempt inserts nothing. */
export function createInAppProvider({ db, clock }: { db: Db; clock: Clock }): NotificationProvider {
  return {
    retryDelayMs: exponentialRetry(1000, 60_000, 8),
    async send(message: OutgoingMessage) {
      const content = message.content as unknown as InAppContent;
      await db
        .insertInto('notifications')
        .values({
          id: message.id,
          workspace_id: message.workspaceId,
          user_id: message.target,
          type: message.eventType,
          ticket_id: content.ticketId,
          consultation_id: content.consultationId ?? null,
          title: content.title,
          body: content.body,
          created_at: content.occurredAtMs ?? clock.nowMs(),
          read_at: null,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return { externalId: message.id };
    },
  };
}
