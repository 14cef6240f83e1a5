import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { savePreferences, storedPreferences } from './preference.repository.ts';
import {
  isEnabled,
  isLocked,
  PREFERENCE_CHANNELS,
  PREFERENCE_EVENTS,
  type PreferenceChannel,
  type PreferenceEvent,
} from './preferences.ts';

export interface PreferenceItem {
  eventType: PreferenceEvent;
  channel: PreferenceChannel;
  enabled: boolean;
  /** Cannot be turned off by this user (a P1 breach, for staff). */
  locked: boolean;
}

/** GET/PUT /api/v1/me/notification-preferences: the whole matrix, defaults filled in. */
export function createPreferenceService({ db, clock }: { db: Db; clock: Clock }) {
  async function matrix(actor: Actor): Promise<PreferenceItem[]> {
    const stored =
      (await storedPreferences(db, actor.workspaceId, [actor.userId])).get(actor.userId) ?? new Map();
    return PREFERENCE_EVENTS.flatMap((eventType) =>
      PREFERENCE_CHANNELS.map((channel) => ({
        eventType,
        channel,
        enabled: isEnabled(stored, eventType, channel, actor.role),
        locked: isLocked(eventType, actor.role),
      })),
    );
  }
  return {
    get: matrix,
    async put(
      actor: Actor,
      items: readonly { eventType: PreferenceEvent; channel: PreferenceChannel; enabled: boolean }[],
    ): Promise<PreferenceItem[]> {
      const muted = items.find((i) => !i.enabled && isLocked(i.eventType, actor.role));
      if (muted !== undefined)
        throw new DomainError(
          'PREFERENCE_LOCKED',
          `alerts of P1 breaches cannot be muted by staff (${muted.channel})`,
        );
      await savePreferences(
        db,
        { userId: actor.userId, workspaceId: actor.workspaceId },
        items,
        clock.nowMs(),
      );
      return matrix(actor);
    },
  };
}

export type PreferenceService = ReturnType<typeof createPreferenceService>;
