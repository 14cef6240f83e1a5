import { describe, expect, it } from 'vitest';
import { embeddedIpv4, isForbiddenAddress, resolveAllowed } from './ssrf.ts';

describe('isForbiddenAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['93.184.216.34', false],
    ['8.8.8.8', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['fc00::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:a9fe:a9fe', true],
    ['::ffff:10.0.0.1', true],
    ['::127.0.0.1', true],
    ['64:ff9b::a00:1', true],
    ['::ffff:8.8.8.8', false],
    ['2606:4700:4700::1111', false],
    ['not-an-ip', true],
  ])('%s → %s', (address, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
  });
});

describe('embeddedIpv4', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['0:0:0:0:0:ffff:c0a8:0101', '192.168.1.1'],
    ['::1', null],
    ['2001:db8::1', null],
  ])('%s → %s', (address, v4) => {
    expect(embeddedIpv4(address)).toBe(v4);
  });
});

describe('resolveAllowed', () => {
  it('refuses names and literals that reach this host, and allows them when told to', async () => {
    await expect(resolveAllowed('localhost', false)).rejects.toThrow(/loopback, private or link-local/);
    await expect(resolveAllowed('[::ffff:127.0.0.1]', false)).rejects.toThrow(/loopback/);
    await expect(resolveAllowed('169.254.169.254', false)).rejects.toThrow(/link-local/);
    expect((await resolveAllowed('127.0.0.1', true)).map((a) => a.address)).toEqual(['127.0.0.1']);
    expect((await resolveAllowed('8.8.8.8', false)).map((a) => a.address)).toEqual(['8.8.8.8']);
  });
});
