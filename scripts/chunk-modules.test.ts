import { describe, expect, it } from 'vitest';
import { byPackage, bytesBySource, decodeSegment } from './chunk-modules.ts';

describe('a chunk attributed to its sources by its source map', () => {
  it('decodes Base64 VLQ fields, signs and continuation digits included, and refuses a cut segment', () => {
    expect(decodeSegment('AAAA')).toEqual([0, 0, 0, 0]);
    expect(decodeSegment('GCAD')).toEqual([3, 1, 0, -1]);
    expect(decodeSegment('gB')).toEqual([16]);
    expect(() => decodeSegment('g')).toThrow(/inside a number/);
    expect(() => decodeSegment('A*')).toThrow(/not a Base64/);
  });

  it('gives each segment the bytes up to the next one on its line, and sums a package', () => {
    // Line 1: "abc" from a.ts, "def" from the package; line 2: "x" unmapped, "yz" from a.ts again.
    const sizes = bytesBySource('abcdef\nxyz', { sources: ['../src/a.ts', '../node_modules/@s/pkg/x.js'], mappings: 'AAAA,GCAA;CDAA' });
    expect(Object.fromEntries(sizes)).toEqual({ '(unmapped)': 1, '../src/a.ts': 5, '../node_modules/@s/pkg/x.js': 3 });
    expect(byPackage(sizes)).toEqual([['src/a.ts', 5], ['nm:@s/pkg', 3], ['(unmapped)', 1]]);
  });
});
