import type { PersistedSlaRow, TicketRow } from './ticket.repository.ts';

/** Everything a ticket's DTO is built from, as stored at one version. */
export interface TicketSnapshot {
  readonly row: TicketRow;
  readonly sla: readonly PersistedSlaRow[];
  readonly tags: readonly string[];
}

export interface TicketSnapshotCache {
  /** The snapshot of `id` at exactly `version`, or undefined. */
  get(id: string, version: number): TicketSnapshot | undefined;
  set(snapshot: TicketSnapshot): void;
  readonly size: number;
}

/**
 * Reading a page of tickets was mostly reading rows out of the database: the ticket's 21 columns, its clock rows and
 * its tags, for every ticket of the page. Every change to any of them bumps `tickets.version` in the same transaction,
 * so a snapshot keyed by (id, version) can never be stale: a reader asks the database which version is current (one
 * small indexed query) and takes the rest from here. That holds across server instances too — another instance's
 * change bumps the version this one reads — so the cache needs no invalidation, only a bound on its size.
 * The clocks are still advanced to `now` on every read (see sla-projection.ts); only stored data is cached.
 */
export function createTicketSnapshotCache(maxTickets = 10_000): TicketSnapshotCache {
  // A Map iterates in insertion order: re-inserting on a hit keeps the least recently used first, for eviction.
  const byId = new Map<string, TicketSnapshot>();
  return {
    get(id, version) {
      const found = byId.get(id);
      if (found === undefined) return undefined;
      if (found.row.version !== version) return undefined;
      byId.delete(id);
      byId.set(id, found);
      return found;
    },
    set(snapshot) {
      // Shared by every later reader: a caller mutating what it read would corrupt their answers (and now throws).
      Object.freeze(snapshot.row);
      for (const clock of snapshot.sla) Object.freeze(clock);
      Object.freeze(snapshot.sla);
      Object.freeze(snapshot.tags);
      const id = snapshot.row.id;
      const current = byId.get(id);
      // A slower reader must not replace a newer snapshot with the older one it read.
      if (current !== undefined && current.row.version > snapshot.row.version) return;
      byId.delete(id);
      byId.set(id, snapshot);
      if (byId.size > maxTickets) {
        const oldest = byId.keys().next();
        if (oldest.done !== true) byId.delete(oldest.value);
      }
    },
    get size() {
      return byId.size;
    },
  };
}
