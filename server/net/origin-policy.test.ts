import { describe, expect, it } from 'vitest';
import { createOriginPolicy, normalizeOrigin, parseOriginList } from './origin-policy.ts';

describe('parseOriginList', () => {
  it('reads origins the way browsers send them', () => {
    expect(parseOriginList('https://Play.Example.com, http://localhost:5173/')).toEqual({
      ok: true,
      value: { kind: 'list', origins: ['https://play.example.com', 'http://localhost:5173'] },
    });
    expect(parseOriginList('https://play.example.com:443')).toEqual({ ok: true, value: { kind: 'list', origins: ['https://play.example.com'] } });
    expect(parseOriginList('*')).toEqual({ ok: true, value: { kind: 'any' } });
  });

  it('refuses URLs, wildcards in lists and other schemes', () => {
    for (const bad of ['https://x.example/path', 'x.example', 'ftp://x.example', 'https://user@x.example', '*, https://x.example', 'https://x.example,', 'null', 'https://x.example?q=1'])
      expect(parseOriginList(bad).ok, bad).toBe(false);
  });

  it('normalizes IPv6 hosts', () => {
    expect(normalizeOrigin('http://[::1]:3000')).toBe('http://[::1]:3000');
  });
});

describe('createOriginPolicy', () => {
  const own = createOriginPolicy({ corsOrigins: { kind: 'list', origins: [] }, publicUrl: null });

  it('lets requests without an Origin through: they are not from a page', () => {
    expect(own.judge({ host: 'game.example' })).toBe('none');
  });

  it('takes a page from the host the request came to, on any scheme', () => {
    expect(own.judge({ host: 'game.example:3000', origin: 'http://game.example:3000' })).toBe('allowed');
    expect(own.judge({ host: 'GAME.example', origin: 'https://game.example' })).toBe('allowed');
    expect(own.judge({ host: 'game.example:80', origin: 'http://game.example' })).toBe('allowed');
    // A proxy that dropped the port (nginx's $host) still names the page's host.
    expect(own.judge({ host: 'game.example', origin: 'http://game.example:8080' })).toBe('allowed');
    expect(own.judge({ host: 'game.example:443', origin: 'https://game.example' })).toBe('allowed');
  });

  it('refuses another site, a null origin and a different port', () => {
    expect(own.judge({ host: 'game.example', origin: 'https://evil.example' })).toBe('refused');
    expect(own.judge({ host: 'game.example', origin: 'null' })).toBe('refused');
    expect(own.judge({ host: 'game.example:3000', origin: 'http://game.example:4000' })).toBe('refused');
    expect(own.judge({ host: 'game.example:80', origin: 'http://game.example:8080' })).toBe('refused');
    expect(own.judge({ host: 'game.example', origin: 'http://game.example.evil.example' })).toBe('refused');
    expect(own.judge({ origin: 'http://game.example' })).toBe('refused');
    expect(own.judge({ host: 'game.example evil', origin: 'http://game.example' })).toBe('refused');
  });

  it('adds PUBLIC_URL and the listed origins to its own', () => {
    const p = createOriginPolicy({ corsOrigins: { kind: 'list', origins: ['https://cdn.example'] }, publicUrl: 'https://play.example/arena' });
    expect(p.judge({ host: '10.0.0.5:3000', origin: 'https://play.example' })).toBe('allowed');
    expect(p.judge({ host: '10.0.0.5:3000', origin: 'https://cdn.example' })).toBe('allowed');
    expect(p.judge({ host: '10.0.0.5:3000', origin: 'https://evil.example' })).toBe('refused');
    expect(p.allowOriginHeader({ host: '10.0.0.5:3000', origin: 'https://cdn.example' })).toBe('https://cdn.example');
    expect(p.allowOriginHeader({ host: '10.0.0.5:3000', origin: 'https://evil.example' })).toBeNull();
    expect(p.judge({ host: '10.0.0.5:3000', origin: 'https://CDN.example' })).toBe('allowed');
  });

  it('takes any origin only when told `*`', () => {
    const p = createOriginPolicy({ corsOrigins: { kind: 'any' }, publicUrl: null });
    expect(p.judge({ host: 'game.example', origin: 'https://evil.example' })).toBe('allowed');
    expect(p.allowOriginHeader({ origin: 'https://evil.example' })).toBe('*');
  });
});
