import { isIPv4, isIPv6 } from 'node:net';

/**
 * What sign-in attempts are counted against per address. An IPv6 client usually holds a whole /64 (privacy
 * extensions pick a new address in it at will), so counting each address apart would let one client make a new
 * "address" per guess: IPv6 counts per /64. IPv4, and IPv4 mapped into IPv6, counts per address.
 */
export function rateLimitKeyOf(ip: string): string {
  const bare = ip.split('%')[0] ?? ip; // a zone index (fe80::1%eth0) names the interface, not the client
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return ip;
  const hextets = ipv6Hextets(bare);
  // ::ffff:a.b.c.d is an IPv4 client seen through a dual-stack socket: the same client as a.b.c.d.
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const [high = 0, low = 0] = hextets.slice(6);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(':')}::/64`;
}

/** The 8 groups of a valid IPv6 address (as `isIPv6` accepts it: `::` shorthand, a dotted IPv4 tail). */
function ipv6Hextets(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const left = groups(head);
  if (tail === undefined) return left;
  const right = groups(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
