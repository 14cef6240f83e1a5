import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { WORKSPACE_HEADER } from './request-context.ts';

/** The workspace a request acts in, as `actorFor` resolves it; an unresolvable header scopes by its raw value. */
function workspaceScope(
  memberships: readonly { workspaceId: string; workspaceSlug: string }[],
  header: string | string[] | undefined,
): string {
  const wanted = Array.isArray(header) ? header[0] : header;
  if (wanted === undefined) return memberships.length === 1 ? (memberships[0]?.workspaceId ?? '') : '';
  const found = memberships.find((m) => m.workspaceSlug === wanted || m.workspaceId === wanted);
  return found?.workspaceId ?? `?${wanted}`;
}

const MAX_KEY_LENGTH = 255;
const ABANDONED_CLAIM_MS = 5 * 60_000;
/** How long a key answers for its request; older keys are forgotten (and purged). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
/** Purging runs at most this often per process, and deletes at most PURGE_BATCH keys at a time (oldest first). */
const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 500;
/** Anything shaped like a session or API token (auth.service.ts `newToken`), wherever it appears in a response. */
const SECRET_SHAPE = /ac[st]_[A-Za-z0-9_-]{43}/;

/** Deletes up to PURGE_BATCH keys created before `beforeMs`, through the index on `created_at`. */
async function purgeExpiredKeys(db: Db, beforeMs: number): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where((eb) =>
      eb(
        eb.refTuple('actor_id', 'key'),
        'in',
        eb
          .selectFrom('idempotency_keys as expired')
          .select(['expired.actor_id', 'expired.key'])
          .where('expired.created_at', '<', beforeMs)
          .orderBy('expired.created_at')
          .limit(PURGE_BATCH)
          .$asTuple('actor_id', 'key'),
      ),
    )
    .execute();
}

/**
 * `Idempotency-Key` on POST: the first request claims the key (unique per caller), its response is stored, and a retry
 * with the same body gets the stored response; the same key with another body is refused. A 5xx releases the key.
 * A response that carries a secret (a new API token) is never stored: its retry is 409 IDEMPOTENCY_SECRET_WITHHELD and
 * creates nothing more. Keys answer for IDEMPOTENCY_WINDOW_MS, then are purged.
 */
export function registerIdempotencyHook(app: FastifyInstance, { db, clock }: { db: Db; clock: Clock }): void {
  app.decorateRequest('idempotency', null);
  let lastPurgeMs = Number.NEGATIVE_INFINITY;

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || !request.identity) return;
    const raw = request.headers['idempotency-key'];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? (raw[0] ?? '') : raw;
    if (key === '' || key.length > MAX_KEY_LENGTH)
      throw new DomainError('VALIDATION_FAILED', `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`);
    const actorId = request.identity.userId;
    // Scoped by workspace as well as caller: a multi-workspace user reusing a key elsewhere must not get the other
    // workspace's stored response (the stored key is `<workspace>\n<key>`; a header never holds a newline, so no schema change is needed).
    const storedKey = `${workspaceScope(request.identity.memberships, request.headers[WORKSPACE_HEADER])}\n${key}`;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const nowMs = clock.nowMs();
    const claim = () =>
      db
        .insertInto('idempotency_keys')
        .values({
          actor_id: actorId,
          key: storedKey,
          request_hash: requestHash,
          status_code: null,
          response_json: null,
          created_at: nowMs,
        })
        .onConflict((oc) => oc.columns(['actor_id', 'key']).doNothing())
        .executeTakeFirst();
    const find = () =>
      db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('actor_id', '=', actorId)
        .where('key', '=', storedKey)
        .executeTakeFirst();
    let claimed = Number((await claim()).numInsertedOrUpdatedRows ?? 0) === 1;
    let stored = claimed ? undefined : await find();
    if (stored && stored.created_at < nowMs - IDEMPOTENCY_WINDOW_MS) {
      // Past its window the key means nothing any more (the purge may not have reached it yet).
      await db
        .deleteFrom('idempotency_keys')
        .where('actor_id', '=', actorId)
        .where('key', '=', storedKey)
        .where('created_at', '=', stored.created_at)
        .execute();
      claimed = Number((await claim()).numInsertedOrUpdatedRows ?? 0) === 1;
      stored = claimed ? undefined : await find();
    }
    if (claimed) {
      request.idempotency = { actorId, key: storedKey, replayed: false };
      if (nowMs - lastPurgeMs >= PURGE_EVERY_MS) {
        lastPurgeMs = nowMs;
        await purgeExpiredKeys(db, nowMs - IDEMPOTENCY_WINDOW_MS);
      }
      return;
    }
    if (!stored)
      throw new DomainError(
        'IDEMPOTENCY_IN_PROGRESS',
        'a request with this Idempotency-Key is being processed; retry shortly',
      );
    if (stored.request_hash !== requestHash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used for a different request; use a new key for a new request',
      );
    }
    if (stored.status_code !== null && stored.response_json === null) {
      throw new DomainError(
        'IDEMPOTENCY_SECRET_WITHHELD',
        'this request already succeeded, and its response held a secret that is shown only once and never kept: ' +
          'nothing was done again. Find what it made (e.g. GET /api/v1/tokens), revoke it if you lost the secret, ' +
          'and send a new request with a new Idempotency-Key',
        { status: stored.status_code },
      );
    }
    if (stored.status_code === null) {
      // A claim whose request never finished (the process died) is released after a while.
      if (stored.created_at < clock.nowMs() - ABANDONED_CLAIM_MS) {
        await db
          .deleteFrom('idempotency_keys')
          .where('actor_id', '=', actorId)
          .where('key', '=', storedKey)
          .where('status_code', 'is', null)
          .execute();
      }
      throw new DomainError(
        'IDEMPOTENCY_IN_PROGRESS',
        'a request with this Idempotency-Key is being processed; retry shortly',
      );
    }
    request.idempotency = { actorId, key: storedKey, replayed: true };
    return reply
      .code(stored.status_code)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8')
      .serializer((p: unknown) => p as string)
      .send(stored.response_json);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim || claim.replayed) return payload;
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await db
        .deleteFrom('idempotency_keys')
        .where('actor_id', '=', claim.actorId)
        .where('key', '=', claim.key)
        .execute();
      return payload;
    }
    // A completed request whose response is withheld keeps its status only (see the replay above).
    const withhold = request.routeOptions.config.secretResponse === true || SECRET_SHAPE.test(payload);
    await db
      .updateTable('idempotency_keys')
      .set({ status_code: reply.statusCode, response_json: withhold ? null : payload })
      .where('actor_id', '=', claim.actorId)
      .where('key', '=', claim.key)
      .execute();
    return payload;
  });
}
