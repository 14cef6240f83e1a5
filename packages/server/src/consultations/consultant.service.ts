import { requireRole } from '../access.ts';
import { isStaff, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { isAvailable } from './consultation-core.ts';
import { profileDto } from './consultation.dto.ts';
import { createConsultationRepository } from './consultation.repository.ts';

export interface ProfilePatch {
  readonly specialties?: readonly string[] | undefined;
  readonly languages?: readonly string[] | undefined;
  readonly capacity?: number | undefined;
  readonly available?: boolean | undefined;
  /** With `available: false`: back at this instant (ms); null: until they say otherwise. */
  readonly awayUntilMs?: number | null | undefined;
  readonly bio?: string | undefined;
}

/** Consultant profiles: specialties, languages, capacity and availability (issue #13). */
export function createConsultantService({ db, clock }: { db: Db; clock: Clock }) {
  const repo = createConsultationRepository(db);
  return {
    /** Clients see the consultants available now (to choose one); staff see every profile with its load. */
    async list(actor: Actor) {
      const nowMs = clock.nowMs();
      const profiles = await repo.profiles(actor.workspaceId);
      if (isStaff(actor)) {
        const loads = await repo.loads(actor.workspaceId);
        return profiles.map((p) =>
          profileDto(p, { availableNow: isAvailable(p, nowMs), openCount: loads.get(p.userId) ?? 0 }),
        );
      }
      return profiles
        .filter((p) => isAvailable(p, nowMs))
        .map((p) => profileDto({ ...p, bio: p.bio }, { availableNow: true }));
    },

    async me(actor: Actor) {
      requireRole(actor, ['consultant'], 'have a consultant profile');
      const profile = await repo.profile(actor.workspaceId, actor.userId);
      if (profile === undefined)
        throw new DomainError(
          'CONSULTANT_PROFILE_REQUIRED',
          'no profile yet: PATCH /consultants/me creates it',
        );
      const openCount = (await repo.loads(actor.workspaceId, [actor.userId])).get(actor.userId) ?? 0;
      return profileDto(profile, { availableNow: isAvailable(profile, clock.nowMs()), openCount });
    },

    /** A consultant edits their own profile; the first edit creates it (capacity 5, available, by default). */
    async updateMe(actor: Actor, patch: ProfilePatch) {
      requireRole(actor, ['consultant'], 'edit a consultant profile');
      const nowMs = clock.nowMs();
      const current = await repo.profile(actor.workspaceId, actor.userId);
      const available = patch.available ?? current?.available ?? true;
      const awayUntilMs = available
        ? null
        : patch.awayUntilMs !== undefined
          ? patch.awayUntilMs
          : (current?.awayUntilMs ?? null);
      if (awayUntilMs !== null && awayUntilMs <= nowMs)
        throw new DomainError('VALIDATION_FAILED', 'awayUntil must be in the future', { field: 'awayUntil' });
      await repo.saveProfile(
        actor.workspaceId,
        {
          userId: actor.userId,
          specialties: dedupe(patch.specialties ?? current?.specialties ?? []),
          languages: dedupe(patch.languages ?? current?.languages ?? []),
          capacity: patch.capacity ?? current?.capacity ?? 5,
          available,
          awayUntilMs,
          bio: patch.bio ?? current?.bio ?? '',
        },
        nowMs,
      );
      return this.me(actor);
    },
  };
}

function dedupe(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values
    .map((v) => v.trim())
    .filter((v) => {
      const key = v.toLowerCase();
      if (v === '' || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

export type ConsultantService = ReturnType<typeof createConsultantService>;
