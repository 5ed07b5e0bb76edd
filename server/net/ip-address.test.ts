import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalIp, formatIp, inCidr, parseCidr, parseForwardedEntry, parseIp } from './ip-address.ts';

describe('parseIp / canonicalIp', () => {
  it('keys one client under one text whatever way its address is written', () => {
    expect(canonicalIp('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(canonicalIp('::FFFF:0a00:0001')).toBe('10.0.0.1');
    expect(canonicalIp('2001:0DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
    expect(canonicalIp('::1')).toBe('::1');
    expect(canonicalIp('::')).toBe('::');
    expect(canonicalIp('fe80::1%eth0')).toBe('fe80::1');
    expect(canonicalIp('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
  });

  it('refuses what is not an address', () => {
    for (const bad of ['', 'localhost', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', ':::', '1.2.3.4:80', '<script>', 'unknown', '1:2:3:4:5:6:7::8:9'])
      expect(parseIp(bad), bad).toBeNull();
  });

  it('round-trips any IPv6 address through its canonical text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const text = formatIp({ version: 6, bytes });
        const back = parseIp(text)!;
        expect(back).not.toBeNull();
        expect(formatIp(back)).toBe(text);
      }),
    );
  });
});

describe('parseForwardedEntry', () => {
  it('takes the address out of the forms proxies write', () => {
    expect(formatIp(parseForwardedEntry(' 203.0.113.7 ')!)).toBe('203.0.113.7');
    expect(formatIp(parseForwardedEntry('203.0.113.7:4711')!)).toBe('203.0.113.7');
    expect(formatIp(parseForwardedEntry('[2001:db8::7]:4711')!)).toBe('2001:db8::7');
    expect(formatIp(parseForwardedEntry('[2001:db8::7]')!)).toBe('2001:db8::7');
    expect(parseForwardedEntry('[2001:db8::7')).toBeNull();
    expect(parseForwardedEntry('unknown')).toBeNull();
  });
});

describe('CIDR blocks', () => {
  it('matches by prefix, IPv4-mapped addresses as IPv4', () => {
    const block = parseCidr('10.0.0.0/8')!;
    expect(inCidr(parseIp('10.200.3.4')!, block)).toBe(true);
    expect(inCidr(parseIp('::ffff:10.200.3.4')!, block)).toBe(true);
    expect(inCidr(parseIp('11.0.0.1')!, block)).toBe(false);
    expect(inCidr(parseIp('::a00:1')!, block)).toBe(false);
    const odd = parseCidr('172.16.0.0/12')!;
    expect(inCidr(parseIp('172.31.255.255')!, odd)).toBe(true);
    expect(inCidr(parseIp('172.32.0.0')!, odd)).toBe(false);
    const v6 = parseCidr('2001:db8::/32')!;
    expect(inCidr(parseIp('2001:db8:ffff::1')!, v6)).toBe(true);
    expect(inCidr(parseIp('2001:db9::1')!, v6)).toBe(false);
    expect(inCidr(parseIp('1.2.3.4')!, parseCidr('1.2.3.4')!)).toBe(true);
    expect(inCidr(parseIp('1.2.3.5')!, parseCidr('1.2.3.4')!)).toBe(false);
    expect(inCidr(parseIp('9.9.9.9')!, parseCidr('0.0.0.0/0')!)).toBe(true);
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual(parseCidr('10.0.0.0/8'));
  });

  it('refuses malformed blocks', () => {
    for (const bad of ['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/8/8', 'ten/8', '10.0.0.0/-1', '10.0.0.0/0x8']) expect(parseCidr(bad), bad).toBeNull();
  });
});
