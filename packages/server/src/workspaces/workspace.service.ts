import { isDeepStrictEqual } from 'node:util';
import { iso, requireRole } from '../access.ts';
import { STAFF_ROLES, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { seedStarterArticles } from '../help/starter-articles.ts';
import {
  isPolicyPresetId,
  planIdsOf,
  policyPreset,
  validateCalendarSpec,
  validatePolicy,
  type PolicyPresetId,
  type SlaClockService,
} from '../sla/sla-clock.service.ts';
import { CALENDAR_PRESET_IDS, type SlaPolicy } from '../sla/sla-core.ts';
import type { TicketChange } from '../tickets/ticket-change.ts';
import { recomputeClocksOnCalendar } from './calendar-recompute.ts';
import { createPolicyHistoryRepository, currentReviewStatus, nextReviewDateAfter } from './policy-history.ts';
import {
  createCalendarRepository,
  lockWorkspaceExclusive,
} from '../calendars/workspace-calendars.repository.ts';
import { createWorkspaceRepository } from './workspace.repository.ts';

export interface WorkspaceServiceDeps {
  readonly db: Db;
  readonly sla: SlaClockService;
  readonly change: TicketChange;
  readonly clock: Clock;
}

export function createWorkspaceService({ db, sla, change, clock }: WorkspaceServiceDeps) {
  const history = createPolicyHistoryRepository(db);
  const workspaces = createWorkspaceRepository(db);
  const calendars = createCalendarRepository(db);
  async function policyDto(actor: Actor) {
    const ctx = await sla.policyContext(actor.workspaceId);
    const workspace = await workspaces.find(actor.workspaceId);
    if (!workspace) throw new DomainError('WORKSPACE_NOT_FOUND', 'workspace not found');
    const latest = await history.latestReview(actor.workspaceId, ctx.version);
    const review = currentReviewStatus(ctx.policy, latest, clock.nowMs());
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
      const existing = await workspaces.idOfSlug(input.slug);
      if (existing !== undefined) return existing;
      const policy = policyPreset(input.preset);
      const id = newId();
      const nowMs = clock.nowMs();
      const version = String(policy.version);
      await db.transaction().execute(async (trx) => {
        await workspaces.insert(trx, {
          id,
          slug: input.slug,
          name: input.name,
          policy_preset: input.preset,
          policy_version: version,
          created_at: nowMs,
        });
        await workspaces.insertPolicyVersion(trx, {
          workspace_id: id,
          version,
          policy_json: JSON.stringify(policy),
          created_at: nowMs,
          adopted_by: null,
        });
        // The help centre opens with the preset's starter articles (help/starter-articles.ts).
        await seedStarterArticles(trx, { workspaceId: id, preset: input.preset, nowMs });
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
    async setPolicy(
      actor: Actor,
      input: ({ preset: string } | { policy: unknown }) & { review?: { note: string } | undefined },
    ) {
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
        const existing = await workspaces.policyJson(trx, actor.workspaceId, version);
        if (existing !== undefined && !samePolicy(existing, policy)) {
          throw new DomainError(
            'VERSION_CONFLICT',
            `policy version '${version}' already exists with different content; bump the version`,
          );
        }
        if (existing === undefined)
          await workspaces.insertPolicyVersion(trx, {
            workspace_id: actor.workspaceId,
            version,
            policy_json: JSON.stringify(policy),
            created_at: nowMs,
            adopted_by: actor.userId,
          });
        await workspaces.adoptPolicy(trx, actor.workspaceId, { version, preset: presetId });
        // Adopted at a review (the what-if's "adopt this draft"): the review is recorded against the new version in
        // the same transaction, and its next review date runs from today.
        if (input.review !== undefined)
          await history.insertReview(
            {
              id: newId(),
              workspace_id: actor.workspaceId,
              version,
              reviewed_at: nowMs,
              reviewed_by: actor.userId,
              note: input.review.note,
              next_review_date: nextReviewDateAfter(policy, nowMs),
            },
            trx,
          );
      });
      sla.forgetWorkspace(actor.workspaceId);
      return policyDto(actor);
    },

    /** Every version of the workspace's policy, newest first, with the reviews recorded against each. */
    async policyVersions(actor: Actor) {
      requireRole(actor, STAFF_ROLES, 'read the policy history');
      return history.versions(actor.workspaceId);
    },

    /** Records the periodic review of the version in force and schedules the next one from the review instant. */
    async reviewPolicy(actor: Actor, input: { note: string }) {
      requireRole(actor, ['admin'], 'review the policy');
      const ctx = await sla.policyContext(actor.workspaceId, undefined, { fresh: true });
      const nowMs = clock.nowMs();
      const row = {
        id: newId(),
        workspace_id: actor.workspaceId,
        version: ctx.version,
        reviewed_at: nowMs,
        reviewed_by: actor.userId,
        note: input.note,
        next_review_date: nextReviewDateAfter(ctx.policy, nowMs),
      };
      await history.insertReview(row);
      return {
        version: row.version,
        at: iso(nowMs),
        by: row.reviewed_by,
        note: row.note,
        nextReviewDate: row.next_review_date,
      };
    },

    async listCalendars(actor: Actor) {
      requireRole(actor, STAFF_ROLES, 'list calendars');
      const rows = await calendars.list(actor.workspaceId);
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
      requireRole(actor, STAFF_ROLES, 'read calendars');
      const row = await calendars.find(actor.workspaceId, key);
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
      const nowMs = clock.nowMs();
      const spec = validateCalendarSpec(input.spec, nowMs);
      // The spec, and the clocks of the open tickets that run on it, commit together or not at all: a calendar the
      // recompute cannot use is refused without a trace.
      await db.transaction().execute(async (trx) => {
        // Waits for the ticket creations in flight in this workspace (they hold the row shared, see
        // readWorkspaceCalendars), and makes later ones wait for this edit: a ticket is either created before the edit,
        // and found by the recompute below, or after it, with the new calendar.
        await lockWorkspaceExclusive(trx, actor.workspaceId);
        await calendars.upsert(trx, {
          id: newId(),
          workspaceId: actor.workspaceId,
          key,
          name: input.name,
          specJson: JSON.stringify(spec),
          nowMs,
        });
        await recomputeClocksOnCalendar({ sla, change }, trx, {
          workspaceId: actor.workspaceId,
          calendarKey: key,
          nowMs,
          actorId: actor.userId,
        });
      });
      sla.forgetWorkspace(actor.workspaceId);
      return this.getCalendar(actor, key);
    },
  };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;

/**
 * Whether a stored version holds this policy: compared as values, not as text, because the order of the fields is
 * not part of a policy (a preset is stored in its source's order, a parsed file in the schema's).
 */
function samePolicy(storedJson: string, policy: SlaPolicy): boolean {
  return isDeepStrictEqual(JSON.parse(storedJson), JSON.parse(JSON.stringify(policy)));
}
