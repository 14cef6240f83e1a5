import webpush from 'web-push';
import type { Db } from '../../db/database.ts';
import { PermanentDeliveryError, type NotificationProvider, type OutgoingMessage } from '../provider.ts';
import type { VapidKeyStore } from '../vapid-keys.ts';
import { postChecked } from './webhook.provider.ts';

/** The content the fan-out stores for a push delivery; the service worker (web/public/sw.js) shows it. */
export interface PushContent {
  readonly title: string;
  readonly body: string;
  /** Opened on click (same origin). */
  readonly url: string;
  /** Replaces an earlier notification of the same tag on the device. */
  readonly tag: string;
  readonly ticketId: string | null;
}

/**
 * Web push (RFC 8030) with VAPID (RFC 8292) and an aes128gcm payload (RFC 8291), built by the web-push library
 * (`generateRequestDetails`) and sent through the webhooks' checked POST: the push service's address passes the same
 * server-side request forgery guard (private targets only with ACCORD_WEBHOOK_ALLOW_PRIVATE=true). A subscription
 * the push service says is gone (404, 410) is deleted.
 */
export function createPushProvider({
  db,
  vapid,
  subject,
  allowPrivate,
  timeoutMs = 10_000,
}: {
  db: Db;
  vapid: VapidKeyStore;
  /** `mailto:` or `https:` contact for push services (RFC 8292 §2.1). */
  subject: string;
  allowPrivate: boolean;
  timeoutMs?: number;
}): NotificationProvider {
  return {
    retryDelayMs: (attempts) => (attempts >= 6 ? null : Math.min(3_600_000, 10_000 * 4 ** (attempts - 1))),
    async send(message: OutgoingMessage) {
      const sub = await db
        .selectFrom('push_subscriptions')
        .selectAll()
        .where('id', '=', message.target)
        .executeTakeFirst();
      if (sub === undefined) throw new PermanentDeliveryError('push subscription removed');
      const keys = await vapid.get();
      const content = message.content as unknown as PushContent;
      const payload = JSON.stringify({ ...content, id: message.id, type: message.eventType });
      const details = webpush.generateRequestDetails(
        { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
        payload,
        {
          vapidDetails: { subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
          TTL: 86_400,
          contentEncoding: 'aes128gcm',
          urgency: message.eventType.startsWith('sla.') ? 'high' : 'normal',
          topic: undefined,
        },
      );
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
      const status = await postChecked(new URL(details.endpoint), {
        headers,
        body: details.body,
        allowPrivate,
        timeoutMs,
      });
      if (status === 404 || status === 410) {
        await db.deleteFrom('push_subscriptions').where('id', '=', sub.id).execute();
        throw new PermanentDeliveryError(`push subscription expired (HTTP ${status})`);
      }
      if (status < 200 || status >= 300) {
        await db
          .updateTable('push_subscriptions')
          .set({ last_error: `HTTP ${status}` })
          .where('id', '=', sub.id)
          .execute();
        throw new Error(`push service answered HTTP ${status}`);
      }
      return { externalId: `HTTP ${status}` };
    },
  };
}
