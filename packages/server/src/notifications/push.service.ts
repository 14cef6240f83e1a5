import { iso } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { ForbiddenTargetError, resolveAllowed } from './ssrf.ts';
import type { VapidKeyStore } from './vapid-keys.ts';

export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  userAgent?: string | undefined;
}

function base64urlBytes(value: string): number {
  return /^[A-Za-z0-9_-]+=*$/.test(value) ? Buffer.from(value, 'base64url').length : -1;
}

/** The signed-in user's push subscriptions (one per browser), in the workspace of the request. */
export function createPushService({
  db,
  clock,
  vapid,
  allowPrivate,
}: {
  db: Db;
  clock: Clock;
  vapid: VapidKeyStore;
  allowPrivate: boolean;
}) {
  async function checkEndpoint(endpoint: string): Promise<void> {
    const url = new URL(endpoint);
    // Push services are https; plain http only where private targets are allowed (a test's local endpoint).
    if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:'))
      throw new DomainError('PUSH_ENDPOINT_FORBIDDEN', 'a push endpoint must be https');
    if (url.username !== '' || url.password !== '')
      throw new DomainError('PUSH_ENDPOINT_FORBIDDEN', 'a push endpoint must not carry credentials');
    try {
      await resolveAllowed(url.hostname, allowPrivate);
    } catch (error) {
      throw new DomainError(
        'PUSH_ENDPOINT_FORBIDDEN',
        error instanceof ForbiddenTargetError ? error.message : `${url.hostname} does not resolve`,
      );
    }
  }

  return {
    async publicKey(): Promise<{ publicKey: string }> {
      return { publicKey: (await vapid.get()).publicKey };
    },

    async subscribe(actor: Actor, input: PushSubscriptionInput) {
      // RFC 8291: an uncompressed P-256 point (65 bytes) and a 16-byte authentication secret.
      if (base64urlBytes(input.keys.p256dh) !== 65 || base64urlBytes(input.keys.auth) !== 16)
        throw new DomainError(
          'VALIDATION_FAILED',
          'keys.p256dh must be a P-256 public key and keys.auth 16 bytes',
        );
      await checkEndpoint(input.endpoint);
      const nowMs = clock.nowMs();
      await db
        .insertInto('push_subscriptions')
        .values({
          id: newId(),
          workspace_id: actor.workspaceId,
          user_id: actor.userId,
          endpoint: input.endpoint,
          p256dh: input.keys.p256dh,
          auth: input.keys.auth,
          user_agent: input.userAgent?.slice(0, 300) ?? null,
          created_at: nowMs,
          last_error: null,
        })
        // The same browser subscribing again keeps its id and takes its new keys.
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'user_id', 'endpoint']).doUpdateSet({
            p256dh: input.keys.p256dh,
            auth: input.keys.auth,
            last_error: null,
          }),
        )
        .execute();
      const row = await db
        .selectFrom('push_subscriptions')
        .selectAll()
        .where('workspace_id', '=', actor.workspaceId)
        .where('user_id', '=', actor.userId)
        .where('endpoint', '=', input.endpoint)
        .executeTakeFirstOrThrow();
      return { id: row.id, endpoint: row.endpoint, createdAt: iso(Number(row.created_at)) };
    },

    async list(actor: Actor) {
      const rows = await db
        .selectFrom('push_subscriptions')
        .selectAll()
        .where('workspace_id', '=', actor.workspaceId)
        .where('user_id', '=', actor.userId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        endpoint: r.endpoint,
        createdAt: iso(Number(r.created_at)),
        lastError: r.last_error,
      }));
    },

    async unsubscribe(actor: Actor, id: string): Promise<void> {
      const result = await db
        .deleteFrom('push_subscriptions')
        .where('id', '=', id)
        .where('workspace_id', '=', actor.workspaceId)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      // Someone else's subscription is as absent as a missing one.
      if (Number(result.numDeletedRows) === 0)
        throw new DomainError('PUSH_SUBSCRIPTION_NOT_FOUND', `no push subscription ${id}`);
    },
  };
}

export type PushService = ReturnType<typeof createPushService>;
