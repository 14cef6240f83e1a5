import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/database.ts';
import type { SecretBox } from '../secret-box.ts';
import { resolveAllowed } from '../ssrf.ts';
import { PermanentDeliveryError, type NotificationProvider, type OutgoingMessage } from '../provider.ts';

/** The Standard Webhooks retry schedule (immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
/** A webhook failing for this long is disabled, with the reason shown in the API. */
export const DISABLE_AFTER_FAILING_MS = 86_400_000;

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` keyed by the secret's base64-decoded bytes. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/**
 * POSTs to `url`, connecting only to an address checked by the SSRF guard: the name is resolved here and the socket
 * is handed that address, so a DNS answer that changes between check and connect (rebinding) cannot slip through.
 * Redirects are not followed.
 */
export async function postChecked(
  url: URL,
  {
    headers,
    body,
    allowPrivate,
    timeoutMs,
  }: { headers: Record<string, string>; body: string | Buffer; allowPrivate: boolean; timeoutMs: number },
): Promise<number> {
  const [target] = await resolveAllowed(url.hostname, allowPrivate);
  if (target === undefined) throw new Error(`${url.hostname} does not resolve`);
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        timeout: timeoutMs,
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

export function createWebhookProvider({
  db,
  clock,
  secrets,
  allowPrivate,
  timeoutMs = 10_000,
}: {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  allowPrivate: boolean;
  timeoutMs?: number;
}): NotificationProvider {
  async function recordFailure(webhookId: string, failingSince: number | null, error: string): Promise<void> {
    const nowMs = clock.nowMs();
    const since = failingSince ?? nowMs;
    const disable = nowMs - since >= DISABLE_AFTER_FAILING_MS;
    await db
      .updateTable('webhooks')
      .set({
        failing_since: since,
        ...(disable
          ? {
              enabled: 0,
              disabled_at: nowMs,
              disabled_reason: `failing since ${new Date(since).toISOString()}; last error: ${error}`.slice(
                0,
                500,
              ),
            }
          : {}),
      })
      .where('id', '=', webhookId)
      .execute();
  }

  return {
    retryDelayMs: (attempts) => RETRY_DELAYS_MS[attempts - 1] ?? null,
    async send(message: OutgoingMessage) {
      const webhook = await db
        .selectFrom('webhooks')
        .selectAll()
        .where('id', '=', message.target)
        .executeTakeFirst();
      if (webhook === undefined || webhook.deleted_at !== null)
        throw new PermanentDeliveryError('webhook deleted');
      if (webhook.enabled !== 1)
        throw new PermanentDeliveryError(
          `webhook disabled: ${webhook.disabled_reason ?? 'by an administrator'}`,
        );
      const body = String(message.content['body']);
      const timestampSeconds = Math.floor(clock.nowMs() / 1000);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Accord-Webhooks/1',
        'webhook-id': message.id,
        'webhook-timestamp': String(timestampSeconds),
        'webhook-signature': signWebhook(
          secrets.open(webhook.secret_enc),
          message.id,
          timestampSeconds,
          body,
        ),
      };
      let status: number;
      try {
        status = await postChecked(new URL(webhook.url), { headers, body, allowPrivate, timeoutMs });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await recordFailure(webhook.id, webhook.failing_since, reason);
        throw error;
      }
      if (status < 200 || status >= 300) {
        await recordFailure(webhook.id, webhook.failing_since, `HTTP ${status}`);
        throw new Error(`HTTP ${status}`);
      }
      if (webhook.failing_since !== null)
        await db.updateTable('webhooks').set({ failing_since: null }).where('id', '=', webhook.id).execute();
      return { externalId: `HTTP ${status}` };
    },
  };
}
