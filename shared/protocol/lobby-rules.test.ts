import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, cleanChatText, normalizeCode, normalizeNickname, nicknameWithSuffix } from './lobby-rules.ts';

describe('nicknames', () => {
  it('trims, folds spaces and accepts letters of any script', () => {
    expect(normalizeNickname('  Ada   Lovelace ')).toEqual({ ok: true, value: 'Ada Lovelace' });
    expect(normalizeNickname('Zoë_çé.ñ-1')).toMatchObject({ ok: true });
    expect(normalizeNickname('東京')).toMatchObject({ ok: true });
  });

  it('refuses empty, long, markup and invisible names', () => {
    for (const bad of ['', '   ', 'a'.repeat(17), '<script>', 'a\u200Bb', 'tab\tx\u0000', '@admin', 42, null, {}]) {
      expect(normalizeNickname(bad), JSON.stringify(bad)).toMatchObject({ ok: false, code: 'BAD_NICKNAME' });
    }
  });

  it('keeps a suffixed name within 16 characters', () => {
    expect(nicknameWithSuffix('a'.repeat(16), 12)).toBe(`${'a'.repeat(14)}12`);
    expect(nicknameWithSuffix('abc ', 2)).toBe('abc2');
  });

  it('never throws and only ever returns valid names', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const r = normalizeNickname(v);
        if (r.ok) expect(normalizeNickname(r.value)).toEqual(r);
      }),
    );
  });
});

describe('codes and chat', () => {
  it('reads codes loosely but only from the unambiguous alphabet', () => {
    expect(normalizeCode(' ab-c2d ')).toBe('ABC2D');
    expect(normalizeCode('ABC0D')).toBe(null);
    expect(normalizeCode('ABCD')).toBe(null);
    expect(normalizeCode(12345)).toBe(null);
    expect(CODE_ALPHABET).not.toMatch(/[01IOL]/);
  });

  it('strips control and bidi characters, keeps markup as plain text, limits length', () => {
    expect(cleanChatText('<b>hi</b> & "you"', 200)).toEqual({ ok: true, value: '<b>hi</b> & "you"' });
    expect(cleanChatText('a\u0000b\u202Ec\nd', 200)).toEqual({ ok: true, value: 'abcd' });
    expect(cleanChatText('\uD800x', 200)).toEqual({ ok: true, value: '\uFFFDx' });
    expect(cleanChatText('x'.repeat(11), 10)).toMatchObject({ ok: false, code: 'TOO_LONG' });
    expect(cleanChatText(' \u0001 ', 10)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(cleanChatText(['x'], 10)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });
});
