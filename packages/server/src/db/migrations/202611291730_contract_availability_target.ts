import type { Kysely } from 'kysely';

/**
 * A contract may promise its own monthly availability (`availability_target_ppm`, parts per million: 995000 is
 * 99.5 %, exact on both dialects); null: the workspace policy's target applies (availability/figures.service.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contracts').addColumn('availability_target_ppm', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contracts').dropColumn('availability_target_ppm').execute();
}
