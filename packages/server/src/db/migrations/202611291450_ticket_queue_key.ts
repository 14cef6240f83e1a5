import { sql, type Kysely } from 'kysely';
import { parseSlaPolicy, queueSortKey, type PriorityId, type QueueClass } from '@accord/core';

/**
 * The agents' queue is ordered as each workspace's policy says (`queues.*.order`): the write path stores a sort key
 * computed by the core (`queueSortKey`) on every change, and the queue reads an index in that order instead of
 * sorting every open ticket. Existing open tickets get their key here, from the policy version they were opened
 * under; closed and resolved ones get theirs when they are reopened.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('tickets')
    .addColumn('queue_key', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  const { rows } = await sql<{
    id: string;
    priority: string;
    queue_class: string;
    created_at: number | string;
    next_due_at: number | string | null;
    policy_json: string;
  }>`
    select t.id, t.priority, t.queue_class, t.created_at, t.next_due_at, p.policy_json
    from tickets t
    join policy_versions p on p.workspace_id = t.workspace_id and p.version = t.policy_version
    where t.status in ('new', 'open')`.execute(db);
  const policies = new Map<string, ReturnType<typeof parseSlaPolicy>>();
  for (const row of rows) {
    let policy = policies.get(row.policy_json);
    if (policy === undefined) {
      policy = parseSlaPolicy(JSON.parse(row.policy_json));
      policies.set(row.policy_json, policy);
    }
    const key = queueSortKey(policy, {
      queueClass: row.queue_class as QueueClass,
      priority: row.priority as PriorityId,
      createdAtMs: Number(row.created_at),
      dueAtMs: row.next_due_at === null ? null : Number(row.next_due_at),
    });
    await sql`update tickets set queue_key = ${key} where id = ${row.id}`.execute(db);
  }
  await sql`create index tickets_queue on tickets (workspace_id, queue_key, id) where status in ('new', 'open')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tickets_queue').execute();
  await db.schema.alterTable('tickets').dropColumn('queue_key').execute();
}
