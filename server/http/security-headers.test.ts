import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createSecurityHeaders, inlineHashes } from './security-headers.ts';

const req = (host?: string) => ({ headers: host === undefined ? {} : { host } }) as IncomingMessage;

describe('security headers', () => {
  it("hashes a page's inline styles and scripts, not its external ones", () => {
    const html = '<style>a{b:c}</style><script type="module" crossorigin src="./x.js"></script><script>go()</script>';
    const h = inlineHashes(html);
    const sha = (body: string) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
    expect(h).toEqual({ styles: [sha('a{b:c}')], scripts: [sha('go()')] });
  });

  it('allows only self, the page hashes and WebSocket to this host', () => {
    const s = createSecurityHeaders({ publicUrl: null });
    const h = s.headers(req('game.example:3000'), '/', { styles: ["'sha256-abc'"], scripts: [] });
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
    const csp = h['content-security-policy']!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'sha256-abc'");
    expect(csp).toContain("connect-src 'self' ws://game.example:3000 wss://game.example:3000");
    expect(csp).not.toContain('unsafe');
  });

  it('never writes a strange Host back into the header', () => {
    const s = createSecurityHeaders({ publicUrl: null });
    expect(s.headers(req('evil; script-src *'), '/')['content-security-policy']).toContain("connect-src 'self';");
    const both = createSecurityHeaders({ publicUrl: 'https://play.example' }).headers(req('front.example:3000'), '/')['content-security-policy'];
    expect(both).toContain("connect-src 'self' ws://front.example:3000 wss://front.example:3000 ws://play.example wss://play.example;");
  });

  it('lets a section of the site have its own set', () => {
    const s = createSecurityHeaders({ publicUrl: null });
    s.forPrefix('/admin/', () => ({ 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'self' https://admin.socket.io" }));
    expect(s.headers(req('h'), '/admin/index.html')['content-security-policy']).toContain('admin.socket.io');
    expect(s.headers(req('h'), '/index.html')['content-security-policy']).not.toContain('admin.socket.io');
  });
});
