import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Q = Kysely<Database> | Transaction<Database>;

/** Stored choices of users in one workspace, keyed by user then `event/channel`. */
export async function storedPreferences(
  db: Q,
  workspaceId: string,
  userIds: readonly string[],
): Promise<Map<string, Map<string, boolean>>> {
  const byUser = new Map<string, Map<string, boolean>>();
  if (userIds.length === 0) return byUser;
  const rows = await db
    .selectFrom('notification_preferences')
    .select(['user_id', 'event_type', 'channel', 'enabled'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', 'in', [...userIds])
    .execute();
  for (const r of rows) {
    const map = byUser.get(r.user_id) ?? new Map<string, boolean>();
    map.set(`${r.event_type}/${r.channel}`, Number(r.enabled) === 1);
    byUser.set(r.user_id, map);
  }
  return byUser;
}

export async function savePreferences(
  db: Kysely<Database>,
  key: { userId: string; workspaceId: string },
  items: readonly { eventType: string; channel: string; enabled: boolean }[],
  nowMs: number,
): Promise<void> {
  if (items.length === 0) return;
  await db
    .insertInto('notification_preferences')
    .values(
      items.map((i) => ({
        user_id: key.userId,
        workspace_id: key.workspaceId,
        event_type: i.eventType,
        channel: i.channel,
        enabled: i.enabled ? 1 : 0,
        updated_at: nowMs,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['user_id', 'workspace_id', 'event_type', 'channel']).doUpdateSet((eb) => ({
        enabled: eb.ref('excluded.enabled'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
