import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clientAddress, MAX_HOPS, parseProxyTrust, type ProxyTrust } from './client-address.ts';

const trust = (text: string): ProxyTrust => {
  const res = parseProxyTrust(text);
  if (!res.ok) throw new Error(res.message);
  return res.value;
};

describe('parseProxyTrust', () => {
  it('reads hop counts, lists and named groups', () => {
    expect(trust('')).toEqual({ kind: 'none' });
    expect(trust('0')).toEqual({ kind: 'none' });
    expect(trust('2')).toEqual({ kind: 'hops', hops: 2 });
    const list = trust('loopback, 10.1.0.0/16, 2001:db8::1');
    expect(list.kind).toBe('cidrs');
    expect(list.kind === 'cidrs' && list.blocks).toHaveLength(4);
  });

  it('says what is wrong with a bad value', () => {
    expect(parseProxyTrust('10.0.0.0/33')).toMatchObject({ ok: false, message: expect.stringContaining('10.0.0.0/33') });
    expect(parseProxyTrust('nginx')).toMatchObject({ ok: false });
    expect(parseProxyTrust('10.0.0.1,,10.0.0.2')).toMatchObject({ ok: false, message: expect.stringContaining('empty') });
    expect(parseProxyTrust(String(MAX_HOPS + 1))).toMatchObject({ ok: false });
    expect(parseProxyTrust('-1')).toMatchObject({ ok: false });
  });
});

describe('clientAddress', () => {
  it('is the peer when nobody is trusted, whatever the header says', () => {
    expect(clientAddress('198.51.100.9', '1.2.3.4', trust(''))).toBe('198.51.100.9');
    expect(clientAddress('::ffff:198.51.100.9', undefined, trust(''))).toBe('198.51.100.9');
  });

  it('ignores a spoofed header from a peer that is not a trusted proxy', () => {
    expect(clientAddress('198.51.100.9', '1.2.3.4', trust('loopback'))).toBe('198.51.100.9');
    expect(clientAddress('198.51.100.9', '127.0.0.1', trust('10.0.0.0/8'))).toBe('198.51.100.9');
  });

  it('takes the address a trusted proxy appended', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7', trust('loopback'))).toBe('203.0.113.7');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.7', trust('127.0.0.1'))).toBe('203.0.113.7');
    expect(clientAddress('::1', '2001:DB8::7', trust('loopback'))).toBe('2001:db8::7');
  });

  it('does not believe what the client wrote before the first untrusted hop', () => {
    // The client sent "X-Forwarded-For: 9.9.9.9"; nginx (10.0.0.2) appended the client's address.
    expect(clientAddress('10.0.0.2', '9.9.9.9, 203.0.113.7', trust('10.0.0.0/8'))).toBe('203.0.113.7');
  });

  it('walks a chain of trusted proxies back to the client', () => {
    // client -> CDN edge (10.9.0.1) -> nginx (10.0.0.2) -> node
    expect(clientAddress('10.0.0.2', '203.0.113.7, 10.9.0.1', trust('10.0.0.0/8'))).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', '9.9.9.9, 203.0.113.7, 10.9.0.1', trust('10.0.0.0/8'))).toBe('203.0.113.7');
    // Every hop trusted: the leftmost is the best there is.
    expect(clientAddress('10.0.0.2', '10.5.5.5, 10.9.0.1', trust('10.0.0.0/8'))).toBe('10.5.5.5');
  });

  it('counts hops from the peer', () => {
    expect(clientAddress('10.0.0.2', '9.9.9.9, 203.0.113.7', trust('1'))).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', '9.9.9.9, 203.0.113.7, 10.9.0.1', trust('2'))).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', '203.0.113.7', trust('3'))).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', undefined, trust('1'))).toBe('10.0.0.2');
  });

  it('stops at garbage rather than keying on it', () => {
    expect(clientAddress('127.0.0.1', 'not-an-ip', trust('loopback'))).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '', trust('loopback'))).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '203.0.113.7, <script>', trust('loopback'))).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '<script>, 203.0.113.7', trust('1'))).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', ',,,', trust('2'))).toBe('127.0.0.1');
  });

  it('reads the forms with ports and brackets', () => {
    expect(clientAddress('127.0.0.1', '203.0.113.7:5555', trust('loopback'))).toBe('203.0.113.7');
    expect(clientAddress('127.0.0.1', '[2001:db8::7]:5555', trust('loopback'))).toBe('2001:db8::7');
    expect(clientAddress('127.0.0.1', ['9.9.9.9', '203.0.113.7'], trust('loopback'))).toBe('203.0.113.7');
  });

  it('returns a peer it cannot parse as it is', () => {
    expect(clientAddress(undefined, '1.2.3.4', trust('1'))).toBe('unknown');
    expect(clientAddress('/tmp/sock', '1.2.3.4', trust('1'))).toBe('/tmp/sock');
  });

  it('never returns an entry left of an untrusted hop, for any header', () => {
    // Whatever a client writes, behind one trusted proxy the answer is the address that proxy saw
    // (the last entry), or the proxy itself when the header was garbage.
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 12 })), { maxLength: 40 }), fc.ipV4(), (spoofed, real) => {
        const header = [...spoofed, real].join(', ');
        expect(clientAddress('10.0.0.2', header, trust('10.0.0.2'))).toBe(real.split('.').map(Number).join('.'));
      }),
    );
  });

  it('bounds the walk however long the header', () => {
    const long = Array.from({ length: 2000 }, () => '10.0.0.3').join(', ');
    expect(clientAddress('10.0.0.2', long, trust('10.0.0.0/8'))).toBe('10.0.0.3');
  });
});
