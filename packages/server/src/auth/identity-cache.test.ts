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
    await auth.authenticate('token');
    await auth.authenticate('token');
    expect(store.lookups()).toBe(1);
    nowMs = 1_000;
    await auth.authenticate('token');
    expect(store.lookups()).toBe(2);
    // The session expires at 10 000 on the domain clock: a cached entry does not outlive it.
    clock.set(10_000);
    await expect(auth.authenticate('token')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('a sign-out racing an authentication of the same token wins: the older read is not cached', async () => {
    const store = oneSession();
    const auth = createAuthService({
      auth: store.repository,
      clock: new ManualClock(0),
      identities: createIdentityCache(60_000),
    });
    const release = store.hold();
    const inFlight = auth.authenticate('token'); // reads the session before the sign-out…
    await new Promise((r) => setTimeout(r, 5));
    await auth.logout(identity); // …which commits and clears the cache…
    release();
    await inFlight; // …before that read is answered.
    await expect(auth.authenticate('token')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
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
