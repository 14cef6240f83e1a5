import type { Actor } from '../auth/actor.ts';
import { isStaff } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { LiveEventTable } from '../db/schema.ts';
import { createLiveEventRepository, type LiveScope } from './live-event.repository.ts';

export interface LiveConfig {
  /** How often an instance looks for new events while someone listens (ACCORD_LIVE_POLL_MS). */
  readonly pollMs: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  readonly heartbeatMs: number;
  /** A stream is closed after this long; the browser reconnects with Last-Event-ID and is authenticated again. */
  readonly maxStreamMs: number;
  /** Events are kept this long for readers resuming with Last-Event-ID. */
  readonly retentionMs: number;
}

export const DEFAULT_LIVE_CONFIG: LiveConfig = {
  pollMs: 500,
  heartbeatMs: 15_000,
  maxStreamMs: 300_000,
  retentionMs: 86_400_000,
};

export function liveScopeOf(actor: Actor): LiveScope {
  return {
    workspaceId: actor.workspaceId,
    staff: isStaff(actor),
    organizationId: actor.role === 'client' ? actor.organizationId : null,
    requesterId: actor.userId,
    userId: actor.userId,
  };
}

export interface LiveEvent {
  readonly seq: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly occurredAtMs: number;
}

/**
 * One per server instance: tails the database's event log (not this process's memory, so every instance on one
 * PostgreSQL serves every event under the same ids) while at least one stream is open, and wakes the streams when
 * the sequence moves. Each stream then reads its own scope's events after its own cursor.
 */
export function createLiveHub({ db, clock, config }: { db: Db; clock: Clock; config: LiveConfig }) {
  const repo = createLiveEventRepository(db);
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let lastSeen = -1;
  let checking = false;
  let lastPruneMs = 0;

  async function check(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      const latest = await repo.latestSeq();
      if (latest !== lastSeen) {
        lastSeen = latest;
        for (const listener of listeners) listener();
      }
    } catch {
      // The next tick tries again; an open stream keeps its heartbeat meanwhile.
    } finally {
      checking = false;
    }
  }

  /** At most hourly, by whichever instance appends events: the log keeps `retentionMs` of them. */
  async function maybePrune(): Promise<void> {
    const nowMs = clock.nowMs();
    if (nowMs - lastPruneMs < 3_600_000) return;
    lastPruneMs = nowMs;
    await repo.prune(nowMs - config.retentionMs).catch(() => undefined);
  }

  return {
    config,
    scopeOf: liveScopeOf,
    latestSeq: () => repo.latestSeq(),
    /** True when events after `seq` may have been pruned: the reader must reload rather than resume. */
    async gapAfter(seq: number): Promise<boolean> {
      const latest = await repo.latestSeq();
      if (seq >= latest) return false;
      const oldest = await repo.oldestSeq();
      return oldest === null || oldest > seq + 1;
    },
    async readAfter(scope: LiveScope, afterSeq: number, limit = 200): Promise<LiveEvent[]> {
      const rows: LiveEventTable[] = await repo.readAfter(scope, afterSeq, limit);
      return rows.map((r) => ({
        seq: r.seq,
        type: r.type,
        data: JSON.parse(r.data_json) as Record<string, unknown>,
        occurredAtMs: r.created_at,
      }));
    },
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      timer ??= setInterval(() => void check(), config.pollMs);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    /** This instance appended events: look now rather than at the next tick. */
    nudge(): void {
      if (listeners.size > 0) void check();
      void maybePrune();
    },
    stop(): void {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      listeners.clear();
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
