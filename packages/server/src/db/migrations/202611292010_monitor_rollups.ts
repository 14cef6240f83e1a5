import type { Kysely } from 'kysely';

// Availability rollups and retention (issue #14). `monitor_rollups`: per monitor and UTC bucket (minute, hour, day by
// `bucket_ms`), the milliseconds of the state timeline in each status and the results' counts and latencies
// (core availability/rollup.ts); its primary key is the read path (monitor, level, range). `monitors.rolled_until`:
// where the monitor's rollups end (raw results from there on are not rolled yet, and never pruned).
// `monitor_tls_warnings`: one row per certificate (its end instant) and threshold warned about, so a warning goes out
// once across instances and restarts.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('monitor_rollups')
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('bucket_ms', 'integer', (c) => c.notNull())
    .addColumn('bucket_at', 'bigint', (c) => c.notNull())
    .addColumn('up_ms', 'bigint', (c) => c.notNull())
    .addColumn('slow_ms', 'bigint', (c) => c.notNull())
    .addColumn('down_ms', 'bigint', (c) => c.notNull())
    .addColumn('error_ms', 'bigint', (c) => c.notNull())
    .addColumn('up_count', 'integer', (c) => c.notNull())
    .addColumn('slow_count', 'integer', (c) => c.notNull())
    .addColumn('down_count', 'integer', (c) => c.notNull())
    .addColumn('error_count', 'integer', (c) => c.notNull())
    .addColumn('latency_sum_ms', 'bigint', (c) => c.notNull())
    .addColumn('latency_count', 'integer', (c) => c.notNull())
    .addColumn('latency_max_ms', 'integer')
    .addPrimaryKeyConstraint('monitor_rollups_pk', ['monitor_id', 'bucket_ms', 'bucket_at'])
    .execute();
  await db.schema.alterTable('monitors').addColumn('rolled_until', 'bigint').execute();
  await db.schema
    .createTable('monitor_tls_warnings')
    .addColumn('monitor_id', 'text', (c) => c.notNull().references('monitors.id').onDelete('cascade'))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('threshold_days', 'integer', (c) => c.notNull())
    .addColumn('warned_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitor_tls_warnings_pk', ['monitor_id', 'expires_at', 'threshold_days'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('monitor_tls_warnings').execute();
  await db.schema.alterTable('monitors').dropColumn('rolled_until').execute();
  await db.schema.dropTable('monitor_rollups').execute();
}
