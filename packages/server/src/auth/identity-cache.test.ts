import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import type { AuthRepository } from './auth.repository.ts';
import { createAuthService } from './auth.service.ts';
import { authCacheMsFromEnv, createIdentityCache } from './identity-cache.ts';

type FoundIdentity = Awaited<ReturnType<AuthRepository['findIdentityByTokenHash']>>;

/** An auth repository over one session whose lookups can be held between reading and answering. */
function oneSession() {
  let revokedAtMs: number | null = null;
  let gate: Promise<void> | null = null;
  let lookups = 0;
  const repository = {
    findIdentityByTokenHash: async (): Promise<FoundIdentity> => {
      lookups++;
      const revokedAt = revokedAtMs; // read now…
      if (gate) await gate; // …answered later
      return {
        session: {
          sessionId: 's1',
          userId: 'u1',
          email: 'a@b.test',
          name: 'A',
          expiresAt: 10_000,
          revokedAt,
          disabledAt: null,
        },
        memberships: [],
      };
    },
    revokeSession: async () => {
      revokedAtMs = 1;
      return true;
    },
  } as unknown as AuthRepository;
  return {
    repository,
    hold: () => {
      let release = (): void => undefined;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
    lookups: () => lookups,
  };
}

/** A token of the shape `newToken` makes (anything else is refused before any lookup). */
const TOKEN = `acs_${'A'.repeat(43)}`;

describe('identity cache', () => {
  const identity = { userId: 'u1', sessionId: 's1', email: 'a@b.test', name: 'A', memberships: [] };

  it('answers a token from memory within its lifetime, and never past the session expiry', async () => {
    let nowMs = 0;
    const store = oneSession();
    const clock = new ManualClock(0);
    const auth = createAuthService({
      auth: store.repository,
      clock,
      identities: createIdentityCache(1_000, { monotonicMs: () => nowMs }),
    });
    await auth.authenticate(TOKEN);
    await auth.authenticate(TOKEN);
    expect(store.lookups()).toBe(1);
    nowMs = 1_000;
    await auth.authenticate(TOKEN);
    expect(store.lookups()).toBe(2);
    // The session expires at 10 000 on the domain clock: a cached entry does not outlive it.
    clock.set(10_000);
    await expect(auth.authenticate(TOKEN)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a sign-out racing an authentication of the same token wins: the older read is not cached', async () => {
    const store = oneSession();
    const auth = createAuthService({
      auth: store.repository,
      clock: new ManualClock(0),
      identities: createIdentityCache(60_000),
    });
    const release = store.hold();
    const inFlight = auth.authenticate(TOKEN); // reads the session before the sign-out…
    await new Promise((r) => setTimeout(r, 5));
    await auth.logout(identity); // …which commits and clears the cache…
    release();
    await inFlight; // …before that read is answered.
    await expect(auth.authenticate(TOKEN)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('0 turns it off; the environment value is checked', () => {
    const off = createIdentityCache(0);
    off.set('h', { identity, expiresAtMs: null }, off.generation());
    expect(off.get('h')).toBeUndefined();
    expect(authCacheMsFromEnv(undefined)).toBe(1_000);
    expect(authCacheMsFromEnv('0')).toBe(0);
    expect(() => authCacheMsFromEnv('-1')).toThrow(/ACCORD_AUTH_CACHE_MS/);
    expect(() => authCacheMsFromEnv('1.5')).toThrow(/ACCORD_AUTH_CACHE_MS/);
    expect(() => authCacheMsFromEnv('600000')).toThrow(/ACCORD_AUTH_CACHE_MS/);
  });
});

describe('identity cache bounds', () => {
  it('refuses what cannot be a token before any lookup, so no caller chooses what is cached', async () => {
    const store = oneSession();
    const auth = createAuthService({
      auth: store.repository,
      clock: new ManualClock(0),
      identities: createIdentityCache(1_000),
    });
    for (const bad of ['token', `acs_${'A'.repeat(42)}`, `acs_${'A'.repeat(43)} `, `xyz_${'A'.repeat(43)}`])
      await expect(auth.authenticate(bad)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(store.lookups()).toBe(0);
    await auth.authenticate(TOKEN);
    expect(store.lookups()).toBe(1);
  });

  it('drops expired entries as new ones arrive: a token stays in memory about the lifetime, not until the cache fills', () => {
    let nowMs = 0;
    const cache = createIdentityCache(1_000, { monotonicMs: () => nowMs });
    const entry = {
      identity: { userId: 'u', sessionId: 's', email: 'e', name: 'n', memberships: [] },
      expiresAtMs: null,
    };
    cache.set('a', entry, cache.generation());
    nowMs = 500;
    cache.set('b', entry, cache.generation());
    expect(cache.size).toBe(2);
    nowMs = 1_200; // `a` expired, `b` not yet
    cache.set('c', entry, cache.generation());
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBe(entry);
    nowMs = 1_600;
    cache.set('b', entry, cache.generation()); // reloaded: moves to the back with a new load time
    nowMs = 2_300; // `c` expired, `b` (loaded at 1,600) not yet
    cache.set('d', entry, cache.generation());
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBe(entry);
    expect(cache.get('c')).toBeUndefined();
  });
});
