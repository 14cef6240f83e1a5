import { randomBytes } from 'node:crypto';
import { isoOrNull, iso, requireRole } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { WebhookTable } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { SecretBox } from './secret-box.ts';
import { ForbiddenTargetError, resolveAllowed } from './ssrf.ts';

/** The event types a webhook can subscribe to (see fan-out.ts for what each carries). */
export const WEBHOOK_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.commented',
  'sla.warning',
  'sla.breached',
] as const;

function webhookDto(row: WebhookTable) {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events_json) as string[],
    description: row.description,
    enabled: row.enabled === 1,
    disabledAt: isoOrNull(row.disabled_at === null ? null : Number(row.disabled_at)),
    disabledReason: row.disabled_reason,
    createdAt: iso(Number(row.created_at)),
  };
}

export function createWebhookService({
  db,
  clock,
  secrets,
  allowPrivate,
}: {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  allowPrivate: boolean;
}) {
  async function visible(actor: Actor, id: string): Promise<WebhookTable> {
    requireRole(actor, ['admin'], 'manage webhooks');
    const row = await db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', actor.workspaceId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (row === undefined) throw new DomainError('WEBHOOK_NOT_FOUND', `no webhook ${id}`);
    return row;
  }

  async function checkTarget(url: string): Promise<void> {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new DomainError('WEBHOOK_TARGET_FORBIDDEN', 'a webhook URL must be http or https');
    if (parsed.username !== '' || parsed.password !== '')
      throw new DomainError(
        'WEBHOOK_TARGET_FORBIDDEN',
        'a webhook URL must not carry credentials; sign with the secret',
      );
    try {
      await resolveAllowed(parsed.hostname, allowPrivate);
    } catch (error) {
      if (error instanceof ForbiddenTargetError)
        throw new DomainError('WEBHOOK_TARGET_FORBIDDEN', error.message);
      throw new DomainError('WEBHOOK_TARGET_FORBIDDEN', `${parsed.hostname} does not resolve`);
    }
  }

  return {
    async create(actor: Actor, input: { url: string; events: string[]; description?: string | undefined }) {
      requireRole(actor, ['admin'], 'manage webhooks');
      await checkTarget(input.url);
      const secret = `whsec_${randomBytes(32).toString('base64')}`;
      const row: WebhookTable = {
        id: newId(),
        workspace_id: actor.workspaceId,
        url: input.url,
        events_json: JSON.stringify([...new Set(input.events)]),
        description: input.description ?? null,
        secret_enc: secrets.seal(secret),
        enabled: 1,
        failing_since: null,
        disabled_at: null,
        disabled_reason: null,
        created_by: actor.userId,
        created_at: clock.nowMs(),
        deleted_at: null,
      };
      await db.insertInto('webhooks').values(row).execute();
      // The only time the secret leaves the server.
      return { ...webhookDto(row), secret };
    },

    async list(actor: Actor) {
      requireRole(actor, ['admin'], 'manage webhooks');
      const rows = await db
        .selectFrom('webhooks')
        .selectAll()
        .where('workspace_id', '=', actor.workspaceId)
        .where('deleted_at', 'is', null)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(webhookDto);
    },

    async remove(actor: Actor, id: string): Promise<void> {
      const row = await visible(actor, id);
      // Kept (soft-deleted) so its deliveries stay explainable; pending ones die at their next attempt.
      await db
        .updateTable('webhooks')
        .set({ deleted_at: clock.nowMs(), enabled: 0 })
        .where('id', '=', row.id)
        .execute();
    },

    async deliveries(actor: Actor, id: string) {
      const row = await visible(actor, id);
      const rows = await db
        .selectFrom('deliveries')
        .selectAll()
        .where('channel', '=', 'webhook')
        .where('target', '=', row.id)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(200)
        .execute();
      return rows.map((d) => ({
        id: d.id,
        eventType: d.event_type,
        status: d.status as 'pending' | 'sending' | 'sent' | 'dead',
        attempts: Number(d.attempts),
        lastError: d.last_error,
        createdAt: iso(Number(d.created_at)),
        sentAt: isoOrNull(d.sent_at === null ? null : Number(d.sent_at)),
        nextAttemptAt: d.status === 'pending' ? iso(Number(d.next_attempt_at)) : null,
      }));
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
