import type { Kysely } from 'kysely';

// Availability monitoring (issue #14). `monitors` holds each monitor's settings and its confirmed state (the memory of
// core nextMonitorState) with the open incident tickets; `monitor_results` one row per check; `monitor_runs` the
// checks the scheduler handed over to a check runner (claimed with a lease, one per monitor and due instant);
// `maintenance_windows` and `availability_exclusions` the time taken out of the figures, with who entered it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('host', 'text')
    .addColumn('port', 'integer')
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
    .addColumn('expected_status', 'integer')
    .addColumn('keyword', 'text')
    .addColumn('slow_ms', 'integer')
    .addColumn('confirmations', 'integer', (c) => c.notNull())
    .addColumn('resolve_on_recovery', 'integer', (c) => c.notNull())
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('heartbeat_token_hash', 'text', (c) => c.unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('candidate', 'text')
    .addColumn('streak', 'integer', (c) => c.notNull())
    .addColumn('baseline_ms', 'integer')
    .addColumn('outage_ticket_id', 'text')
    .addColumn('slow_ticket_id', 'text')
    .addColumn('last_check_at', 'bigint')
    .addColumn('tls_expires_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitors_workspace_idx')
    .on('monitors')
    .columns(['workspace_id', 'organization_id'])
    .execute();

  await db.schema
    .createTable('monitor_results')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('latency_ms', 'integer')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitor_results_monitor_at_idx')
    .on('monitor_results')
    .columns(['monitor_id', 'at'])
    .execute();

  await db.schema
    .createTable('monitor_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addUniqueConstraint('monitor_runs_once', ['monitor_id', 'due_at'])
    .execute();
  await db.schema.createIndex('monitor_runs_due_idx').on('monitor_runs').columns(['lease_until']).execute();

  await db.schema
    .createTable('maintenance_windows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('organization_id', 'text')
    .addColumn('monitor_ids_json', 'text')
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('rrule', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('announce', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('maintenance_windows_workspace_idx')
    .on('maintenance_windows')
    .columns(['workspace_id', 'starts_at'])
    .execute();

  await db.schema
    .createTable('availability_exclusions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('organization_id', 'text')
    .addColumn('monitor_id', 'text')
    .addColumn('from_at', 'bigint', (c) => c.notNull())
    .addColumn('to_at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('availability_exclusions_workspace_idx')
    .on('availability_exclusions')
    .columns(['workspace_id', 'from_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'availability_exclusions',
    'maintenance_windows',
    'monitor_runs',
    'monitor_results',
    'monitors',
  ])
    await db.schema.dropTable(table).execute();
}
