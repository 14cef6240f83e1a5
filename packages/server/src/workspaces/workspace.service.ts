import { iso, requireRole } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { sql } from 'kysely';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  isPolicyPresetId,
  planIdsOf,
  policyPreset,
  validateCalendarSpec,
  validatePolicy,
  type PolicyPresetId,
  type SlaClockService,
} from '../sla/sla-clock.service.ts';
import { CALENDAR_PRESET_IDS } from '../sla/sla-core.ts';
import { recomputeClocksOnCalendar } from './calendar-recompute.ts';
import { lockWorkspaceExclusive } from './workspace-calendars.repository.ts';

export interface WorkspaceServiceDeps {
  readonly db: Db;
  readonly sla: SlaClockService;
  readonly clock: Clock;
}

export function createWorkspaceService({ db, sla, clock }: WorkspaceServiceDeps) {
  async function policyDto(actor: Actor) {
    const ctx = await sla.policyContext(actor.workspaceId);
    const workspace = await db
      .selectFrom('workspaces')
      .select(['policy_preset', 'slug', 'name'])
      .where('id', '=', actor.workspaceId)
      .executeTakeFirstOrThrow();
    const review = sla.reviewStatus(ctx, clock.nowMs());
    return {
      workspace: { slug: workspace.slug, name: workspace.name },
      preset: workspace.policy_preset,
      version: ctx.version,
      plans: planIdsOf(ctx.policy),
      review: { reviewDate: review.reviewDate, overdue: review.overdue },
      policy: ctx.policy as unknown as Record<string, unknown>,
    };
  }

  return {
    /** Outside any request: demo seeding and `accord admin create`. Idempotent by slug. */
    async ensureWorkspace(input: { slug: string; name: string; preset: PolicyPresetId }): Promise<string> {
      const existing = await db
        .selectFrom('workspaces')
        .select('id')
        .where('slug', '=', input.slug)
        .executeTakeFirst();
      if (existing) return existing.id;
      const policy = policyPreset(input.preset);
      const id = newId();
      const nowMs = clock.nowMs();
      const version = String(policy.version);
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('workspaces')
          .values({
            id,
            slug: input.slug,
            name: input.name,
            policy_preset: input.preset,
            policy_version: version,
            created_at: nowMs,
          })
          .execute();
        await trx
          .insertInto('policy_versions')
          .values({ workspace_id: id, version, policy_json: JSON.stringify(policy), created_at: nowMs })
          .execute();
      });
      return id;
    },

    getPolicy: (actor: Actor) => policyDto(actor),

    /** What a client sees when choosing a priority: the agreement's own wording and examples. */
    async priorities(actor: Actor) {
      const ctx = await sla.policyContext(actor.workspaceId);
      return ctx.policy.priorities.map((p) => ({
        id: p.id,
        label: p.label,
        description: p.description,
        examples: p.examples,
        blocking: p.blocking,
      }));
    },

    /** A new policy version; open tickets keep the version they were opened under. */
    async setPolicy(actor: Actor, input: { preset: string } | { policy: unknown }) {
      requireRole(actor, ['admin'], 'change the policy');
      let presetId: string | null = null;
      let policy;
      if ('preset' in input) {
        if (!isPolicyPresetId(input.preset))
          throw new DomainError('INVALID_POLICY', `unknown preset '${input.preset}'`);
        presetId = input.preset;
        policy = policyPreset(input.preset);
      } else {
        policy = validatePolicy(input.policy);
      }
      const version = String(policy.version);
      const nowMs = clock.nowMs();
      await db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('policy_versions')
          .select('policy_json')
          .where('workspace_id', '=', actor.workspaceId)
          .where('version', '=', version)
          .executeTakeFirst();
        if (existing && existing.policy_json !== JSON.stringify(policy)) {
          throw new DomainError(
            'VERSION_CONFLICT',
            `policy version '${version}' already exists with different content; bump the version`,
          );
        }
        if (!existing) {
          await trx
            .insertInto('policy_versions')
            .values({
              workspace_id: actor.workspaceId,
              version,
              policy_json: JSON.stringify(policy),
              created_at: nowMs,
            })
            .execute();
        }
        await trx
          .updateTable('workspaces')
          .set({ policy_version: version, policy_preset: presetId })
          .where('id', '=', actor.workspaceId)
          .execute();
      });
      sla.forgetWorkspace(actor.workspaceId);
      return policyDto(actor);
    },

    async listCalendars(actor: Actor) {
      requireRole(actor, ['admin', 'agent', 'consultant'], 'list calendars');
      const rows = await db
        .selectFrom('calendars')
        .selectAll()
        .where('workspace_id', '=', actor.workspaceId)
        .orderBy('key')
        .execute();
      return {
        presets: [...CALENDAR_PRESET_IDS],
        calendars: rows.map((r) => ({
          key: r.key,
          name: r.name,
          spec: JSON.parse(r.spec_json) as Record<string, unknown>,
          updatedAt: iso(r.updated_at),
        })),
      };
    },

    async getCalendar(actor: Actor, key: string) {
      requireRole(actor, ['admin', 'agent', 'consultant'], 'read calendars');
      const row = await db
        .selectFrom('calendars')
        .selectAll()
        .where('workspace_id', '=', actor.workspaceId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) throw new DomainError('CALENDAR_NOT_FOUND', `no calendar '${key}' in this workspace`);
      return {
        key: row.key,
        name: row.name,
        spec: JSON.parse(row.spec_json) as Record<string, unknown>,
        updatedAt: iso(row.updated_at),
      };
    },

    /** Create or replace a workspace calendar (e.g. a Sur Mesure client's extended hours). */
    async putCalendar(actor: Actor, key: string, input: { name: string; spec: unknown }) {
      requireRole(actor, ['admin'], 'edit calendars');
      const spec = validateCalendarSpec(input.spec);
      const nowMs = clock.nowMs();
      await db.transaction().execute(async (trx) => {
        // Waits for the ticket creations in flight in this workspace (they hold the row shared, see
        // readWorkspaceCalendars), and makes later ones wait for this edit: a ticket is either created before the edit,
        // and found by the recompute below, or after it, with the new calendar.
        await lockWorkspaceExclusive(trx, actor.workspaceId);
        await trx
          .insertInto('calendars')
          .values({
            id: newId(),
            workspace_id: actor.workspaceId,
            key,
            name: input.name,
            spec_json: JSON.stringify(spec),
            created_at: nowMs,
            updated_at: nowMs,
          })
          .onConflict((oc) =>
            oc
              .columns(['workspace_id', 'key'])
              .doUpdateSet({
                name: input.name,
                spec_json: JSON.stringify(spec),
                // Strictly forward on every edit, even two in one millisecond: (id, updated_at) then names one
                // stored state of the calendar, which is what ticket changes check their context against.
                updated_at: sql<number>`case when calendars.updated_at >= ${nowMs} then calendars.updated_at + 1 else ${nowMs} end`,
              })
              // The same name and spec again (a retry) is no edit: ticket changes in flight keep their context.
              .where(
                sql<boolean>`calendars.spec_json <> excluded.spec_json or calendars.name <> excluded.name`,
              ),
          )
          .execute();
      });
      sla.forgetWorkspace(actor.workspaceId);
      // Open tickets on this calendar get clocks consistent with it. Not in the upsert's transaction (the new
      // contexts are read through the pool), but PUT is idempotent: a retry after a failure finishes the job.
      await recomputeClocksOnCalendar(
        { db, sla },
        { workspaceId: actor.workspaceId, calendarKey: key, nowMs, actorId: actor.userId },
      );
      return this.getCalendar(actor, key);
    },
  };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
