import { describe, expect, it } from 'vitest';
import { chooseEncoding, parseAcceptEncoding } from './content-encoding.ts';

const BOTH = ['br', 'gzip'] as const;

describe('Accept-Encoding negotiation', () => {
  it("prefers Brotli when a browser takes both (Chromium's, Firefox's and Safari's headers)", () => {
    expect(chooseEncoding('gzip, deflate, br, zstd', BOTH)).toBe('br');
    expect(chooseEncoding('gzip, deflate, br', BOTH)).toBe('br');
    expect(chooseEncoding('br;q=1.0, gzip;q=0.8, *;q=0.1', BOTH)).toBe('br');
  });

  it('follows q-values over the preference, and takes what exists', () => {
    expect(chooseEncoding('br;q=0.5, gzip', BOTH)).toBe('gzip');
    expect(chooseEncoding('gzip, deflate', BOTH)).toBe('gzip');
    expect(chooseEncoding('gzip, br', ['gzip'])).toBe('gzip');
    expect(chooseEncoding('br', ['gzip'])).toBe('identity');
    expect(chooseEncoding('x-gzip', BOTH)).toBe('gzip');
    expect(chooseEncoding('GZIP, BR', BOTH)).toBe('br');
  });

  it('sends identity without a header, with an empty one, or when every coding is refused', () => {
    expect(chooseEncoding(undefined, BOTH)).toBe('identity');
    expect(chooseEncoding('', BOTH)).toBe('identity');
    expect(chooseEncoding('identity', BOTH)).toBe('identity');
    expect(chooseEncoding('br;q=0, gzip;q=0', BOTH)).toBe('identity');
    expect(chooseEncoding('*;q=0', BOTH)).toBe('identity');
    expect(chooseEncoding('gzip, br', [])).toBe('identity');
    // Refusing identity too leaves nothing acceptable: the file is still sent, whole.
    expect(chooseEncoding('identity;q=0, *;q=0', BOTH)).toBe('identity');
  });

  it('reads * as every coding not named, and ranks identity above a worse copy', () => {
    expect(chooseEncoding('*', BOTH)).toBe('br');
    expect(chooseEncoding('br;q=0, *', BOTH)).toBe('gzip');
    expect(chooseEncoding('identity;q=1, gzip;q=0.5', BOTH)).toBe('identity');
    expect(chooseEncoding('*;q=0.5, identity;q=0.1', BOTH)).toBe('br');
  });

  it('skips the entries it cannot parse and keeps the rest', () => {
    expect(chooseEncoding('br;q=abc, gzip', BOTH)).toBe('gzip');
    expect(chooseEncoding('br;q=2, gzip;q=0.5', BOTH)).toBe('gzip');
    expect(chooseEncoding('br;q=-1', BOTH)).toBe('identity');
    expect(chooseEncoding('br;q, gzip;q=', BOTH)).toBe('identity');
    expect(chooseEncoding(',,, ;;; ,br', BOTH)).toBe('br');
    expect(chooseEncoding('b r, "gzip", gzip\u0000', BOTH)).toBe('identity');
    expect(chooseEncoding('gzip;level=9;q=0.3', BOTH)).toBe('gzip');
    expect(parseAcceptEncoding('gzip;q=0.2, gzip;q=0.9')).toEqual(new Map([['gzip', 0.9]]));
  });

  it('looks at the first KB of an absurd header only, quickly', () => {
    const huge = `${'x,'.repeat(100_000)}br`;
    expect(chooseEncoding(huge, BOTH)).toBe('identity');
    expect(chooseEncoding(`br, ${'x;q=0.1,'.repeat(100_000)}`, BOTH)).toBe('br');
  });
});
