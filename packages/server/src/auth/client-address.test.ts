import { isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateLimitKeyOf } from './client-address.ts';

/** The full, uncompressed form of 8 groups, as a reference to compare compressed spellings against. */
const full = (groups: readonly number[]) => groups.map((g) => g.toString(16).padStart(4, '0')).join(':');

describe('rateLimitKeyOf', () => {
  it('keeps an IPv4 address, alone or mapped into IPv6, as it is', () => {
    expect(rateLimitKeyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitKeyOf('::ffff:cb00:7107')).toBe('203.0.113.7');
  });

  it('counts IPv6 per /64, whatever the spelling, zone index included', () => {
    expect(rateLimitKeyOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKeyOf('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKeyOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(rateLimitKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitKeyOf('::1')).toBe('0:0:0:0::/64');
  });

  it('gives every address of one /64 the same key and addresses of other /64s other keys', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    const groups = fc.array(group, { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(groups, groups, (a, b) => {
        // Any spelling Node accepts: compressed by URL (RFC 5952), or written out in full.
        const compressed = new URL(`http://[${full(a)}]`).hostname.slice(1, -1);
        expect(isIPv6(compressed)).toBe(true);
        const key = rateLimitKeyOf(compressed);
        expect(rateLimitKeyOf(full(a))).toBe(key);
        const mapped = a.slice(0, 5).every((g) => g === 0) && a[5] === 0xffff;
        if (!mapped)
          expect(key).toBe(
            `${a
              .slice(0, 4)
              .map((g) => g.toString(16))
              .join(':')}::/64`,
          );
        const samePrefix = [...a.slice(0, 4), ...b.slice(4)];
        if (!mapped) expect(rateLimitKeyOf(full(samePrefix))).toBe(key);
        if (full(a.slice(0, 4)) !== full(b.slice(0, 4)) && !mapped)
          expect(rateLimitKeyOf(full(b))).not.toBe(key);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves what is not an address as it is', () => {
    expect(rateLimitKeyOf('unknown')).toBe('unknown');
  });
});
