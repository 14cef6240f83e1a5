import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Server-side request forgery guard for webhooks: a target must not reach this host, its private network or
 * link-local services (cloud metadata at 169.254.169.254) unless ACCORD_WEBHOOK_ALLOW_PRIVATE=true. Checked when a
 * webhook is created and again at every delivery, on the address the connection then uses (DNS may change between).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`). */
export function embeddedIpv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  const groups = expandIpv6(address);
  if (groups === null) return null;
  const zeros = groups.slice(0, 5).every((g) => g === 0);
  if (!zeros || (groups[5] !== 0xffff && groups[5] !== 0)) return null;
  if (groups[5] === 0 && groups[6] === 0) return null; // :: and ::1 are IPv6 themselves
  const [hi = 0, lo = 0] = [groups[6], groups[7]];
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

function expandIpv6(address: string): number[] | null {
  let text = address.toLowerCase().split('%')[0] ?? '';
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    const parts = dotted[1].split('.').map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(fill).fill('0'), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : null;
}

/** True when `address` (an IP literal) is loopback, private, link-local or otherwise not a public host. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const v4 = family === 4 ? address : embeddedIpv4(address);
  if (v4 !== null) return blocked.check(v4, 'ipv4');
  return blocked.check(address, 'ipv6');
}

export class ForbiddenTargetError extends Error {
  override readonly name = 'ForbiddenTargetError';
}

/**
 * Resolves `hostname` and returns the addresses a connection may use; throws when any of them is forbidden (a name
 * that resolves to one public and one private address is refused: the connection could pick either).
 */
export async function resolveAllowed(
  hostname: string,
  allowPrivate: boolean,
): Promise<{ address: string; family: number }[]> {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const family = isIP(bare);
  const addresses =
    family !== 0 ? [{ address: bare, family }] : await lookup(bare, { all: true, verbatim: true });
  if (addresses.length === 0) throw new ForbiddenTargetError(`${hostname} does not resolve`);
  if (!allowPrivate) {
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad !== undefined)
      throw new ForbiddenTargetError(
        `${hostname} resolves to ${bad.address}, a loopback, private or link-local address (set ACCORD_WEBHOOK_ALLOW_PRIVATE=true to allow)`,
      );
  }
  return addresses;
}
