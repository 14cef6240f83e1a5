import type { Identity } from './actor.ts';

/** A signed-in caller as last read from the database, with the session's expiry (checked on every use). */
export interface CachedIdentity {
  readonly identity: Identity;
  readonly expiresAtMs: number | null;
}

export interface IdentityCache {
  /** `token`: the bearer token or session cookie as presented (see AuthService.authenticate). */
  get(token: string): CachedIdentity | undefined;
  /** Taken before reading the database; `set` drops what was read before a `forgetAll` that happened since. */
  generation(): number;
  set(token: string, entry: CachedIdentity, readAtGeneration: number): void;
  /** After a sign-out, a revoked token, a disabled account or a membership change made by this process. */
  forgetAll(): void;
  /** Entries held now, expired ones not yet dropped included. */
  readonly size: number;
}

/** ACCORD_AUTH_CACHE_MS: 0 turns the cache off; above a minute, revocation would lag too long to call it revocation. */
export const MAX_AUTH_CACHE_MS = 60_000;
export const DEFAULT_AUTH_CACHE_MS = 1_000;

/**
 * Every API request resolved its token with a four-table join (a round trip on PostgreSQL), a sizeable share of a
 * small request. Within `ttlMs` of monotonic time a token is answered from memory instead. Changes made
 * through this process clear the cache at once; a token revoked, an account disabled or a role changed through
 * *another* instance is honoured here within `ttlMs` at most. The session's own expiry is checked on every request
 * against the domain clock, so an expired session never passes.
 */
export function createIdentityCache(
  ttlMs: number,
  options: { maxEntries?: number; monotonicMs?: () => number } = {},
): IdentityCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const monotonicMs = options.monotonicMs ?? (() => performance.now());
  const entries = new Map<string, { entry: CachedIdentity; loadedAtMs: number }>();
  // A sign-out can commit while another request of the same token is between its database read and `set`: that
  // read may predate the sign-out, and caching it would let the token in again for up to `ttlMs`.
  let generation = 0;
  if (ttlMs <= 0)
    return {
      get: () => undefined,
      generation: () => 0,
      set: () => undefined,
      forgetAll: () => undefined,
      size: 0,
    };
  return {
    generation: () => generation,
    get(token) {
      const found = entries.get(token);
      if (found === undefined) return undefined;
      if (monotonicMs() - found.loadedAtMs >= ttlMs) {
        entries.delete(token);
        return undefined;
      }
      return found.entry;
    },
    set(token, entry, readAtGeneration) {
      if (readAtGeneration !== generation) return;
      const nowMs = monotonicMs();
      // Entries are kept in the order they were loaded, so the expired ones are at the front: dropped here, a token
      // stays in memory about `ttlMs`, not until the cache happens to fill up.
      for (const [key, { loadedAtMs }] of entries) {
        if (nowMs - loadedAtMs < ttlMs) break;
        entries.delete(key);
      }
      // A full cache of live entries starts over rather than tracking recency per request.
      if (entries.size >= maxEntries) entries.clear();
      entries.delete(token);
      entries.set(token, { entry, loadedAtMs: nowMs });
    },
    forgetAll() {
      generation++;
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

/** The cache lifetime from the environment, refusing what is not a whole number of milliseconds in range. */
export function authCacheMsFromEnv(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_AUTH_CACHE_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_AUTH_CACHE_MS)
    throw new Error(`ACCORD_AUTH_CACHE_MS must be an integer from 0 to ${MAX_AUTH_CACHE_MS}, got '${value}'`);
  return ms;
}
