import { iso } from '../access.ts';
import type { Db } from '../db/database.ts';
import { addMonthsToDate, formatInstant, reviewStatus, type SlaPolicy } from '../sla/sla-core.ts';

/**
 * "Ce SLA sera révisé tous les 6 mois": the versions a workspace adopted and the reviews recorded against them.
 * A review is of the version in force: adopting a new version starts its own schedule (its effectiveFrom +
 * reviewEveryMonths), and the reviews of earlier versions stay listed under them.
 */

export interface PolicyReviewDto {
  at: string;
  by: string;
  note: string;
  nextReviewDate: string;
}

export interface PolicyVersionDto {
  version: string;
  effectiveFrom: string;
  adoptedBy: string | null;
  adoptedAt: string;
  reviews: PolicyReviewDto[];
}

/** The local date of the review instant in the policy's zone, plus the policy's review period (day clamped). */
export function nextReviewDateAfter(policy: SlaPolicy, reviewedAtMs: number): string {
  const reviewDay = formatInstant(reviewedAtMs, policy.timeZone).slice(0, 10);
  return addMonthsToDate(reviewDay, policy.reviewEveryMonths);
}

/** The version's review status: the latest recorded review's next date, else the policy's own review date. */
export function currentReviewStatus(
  policy: SlaPolicy,
  latest: { next_review_date: string } | undefined,
  nowMs: number,
) {
  const scheduled = latest === undefined ? policy : { ...policy, reviewDate: latest.next_review_date };
  const status = reviewStatus(scheduled, nowMs);
  return { reviewDate: status.reviewDate, overdue: status.overdue };
}

export function createPolicyHistoryRepository(db: Db) {
  return {
    latestReview: (workspaceId: string, version: string) =>
      db
        .selectFrom('policy_reviews')
        .select(['next_review_date', 'reviewed_at', 'reviewed_by', 'note'])
        .where('workspace_id', '=', workspaceId)
        .where('version', '=', version)
        .orderBy('reviewed_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),

    /** `executor`: a transaction to record the review in (a version adopted with its review, as one unit). */
    insertReview: async (
      row: {
        id: string;
        workspace_id: string;
        version: string;
        reviewed_at: number;
        reviewed_by: string;
        note: string;
        next_review_date: string;
      },
      executor: Pick<Db, 'insertInto'> = db,
    ): Promise<void> => {
      await executor.insertInto('policy_reviews').values(row).execute();
    },

    /** Every version, newest adoption first, each with its reviews (newest first). */
    async versions(workspaceId: string): Promise<PolicyVersionDto[]> {
      const rows = await db
        .selectFrom('policy_versions')
        .select(['version', 'policy_json', 'adopted_by', 'created_at'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('created_at', 'desc')
        .orderBy('version', 'desc')
        .execute();
      const reviews = await db
        .selectFrom('policy_reviews')
        .select(['version', 'reviewed_at', 'reviewed_by', 'note', 'next_review_date'])
        .where('workspace_id', '=', workspaceId)
        .orderBy('reviewed_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      const byVersion = new Map<string, PolicyReviewDto[]>();
      for (const r of reviews) {
        const list = byVersion.get(r.version) ?? [];
        list.push({
          at: iso(r.reviewed_at),
          by: r.reviewed_by,
          note: r.note,
          nextReviewDate: r.next_review_date,
        });
        byVersion.set(r.version, list);
      }
      return rows.map((r) => ({
        version: r.version,
        effectiveFrom: String((JSON.parse(r.policy_json) as { effectiveFrom?: unknown }).effectiveFrom ?? ''),
        adoptedBy: r.adopted_by,
        adoptedAt: iso(r.created_at),
        reviews: byVersion.get(r.version) ?? [],
      }));
    },
  };
}

export type PolicyHistoryRepository = ReturnType<typeof createPolicyHistoryRepository>;
