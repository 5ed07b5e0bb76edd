import { createServer, type Server } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminUiRoute, presetScript, rewriteIndexHtml } from './admin-ui-route.ts';

/** A raw GET, so paths like /admin/../x reach the server unnormalised (fetch would fold them). */
function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('admin UI route', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const route = createAdminUiRoute({ socketPath: '/game.io', namespace: '/admin', wsOnly: true });
    server = createServer((req, res) => void route(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('sends /admin to /admin/, whose relative links need the slash', async () => {
    const res = await get(port, '/admin');
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe('/admin/');
  });

  it('serves the page without CDN links, with the preset first, never cached, with its own CSP', async () => {
    const res = await get(port, '/admin/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).not.toMatch(/https?:\/\//);
    expect(res.body.indexOf('<script src="preset.js"></script>')).toBeLessThan(res.body.indexOf('<script src="js/'));
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it("presets this node's socket.io path and transports", async () => {
    const res = await get(port, '/admin/preset.js');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toContain('"path":"/game.io"');
    expect(res.body).toContain('"ws_only":"true"');
    expect(res.body).toContain("store.setItem('server_url', window.location.origin)");
  });

  it('serves the icon font from the node instead of its CDN, and nothing else of that package', async () => {
    const html = (await get(port, '/admin/')).body;
    const sheet = /<link rel="stylesheet" href="(mdi\/css\/[^"]+)">/.exec(html)![1]!;
    const css = await get(port, `/admin/${sheet}`);
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const font = /url\("\.\.\/(fonts\/materialdesignicons-webfont\.woff2)\?/.exec(css.body)![1]!;
    const woff2 = await get(port, `/admin/mdi/${font}`, 'HEAD');
    expect(woff2.status).toBe(200);
    expect(woff2.headers['content-type']).toBe('font/woff2');
    expect((await get(port, '/admin/mdi/preview.html')).status).toBe(404);
    expect((await get(port, '/admin/mdi/package.json')).status).toBe(404);
    expect((await get(port, '/admin/mdi/css/../../admin-ui/package.json')).status).toBe(404);
  });

  it('serves the hashed bundles with their types, cached for good', async () => {
    const html = (await get(port, '/admin/')).body;
    const js = /src="(js\/app\.[0-9a-f]+\.js)"/.exec(html)![1]!;
    const css = /href="(css\/app\.[0-9a-f]+\.css)" rel="stylesheet"/.exec(html)![1]!;
    const script = await get(port, `/admin/${js}`);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get(port, `/admin/${css}`)).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(port, '/admin/favicon.png')).headers['content-type']).toBe('image/png');
    const head = await get(port, `/admin/${js}`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('never leaves its folder', async () => {
    for (const path of [
      '/admin/../../package.json',
      '/admin/..%2f..%2fpackage.json',
      '/admin/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/admin/js/..%2f..%2f..%2f..%2fpackage.json',
      '/admin/%2fetc%2fpasswd',
      '/admin/js%00.js',
      '/admin/%E0%A4%A',
      '/admin/js',
      '/admin/nothing.js',
    ]) {
      const res = await get(port, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('"name"');
    }
  });

  it('answers GET and HEAD only', async () => {
    const res = await get(port, '/admin/', 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });
});

describe('rewriteIndexHtml and presetScript', () => {
  it('refuses a page it cannot preset', () => {
    expect(() => rewriteIndexHtml('<html><body>no scripts</body></html>')).toThrow(/cannot preset/);
  });

  it('keeps an operator-chosen server URL and sets the rest', () => {
    const store = new Map<string, string>([['server_url', 'https://other.example']]);
    const window = {
      location: { origin: 'http://node1:3000' },
      localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    };
    new Function('window', presetScript({ socketPath: '/socket.io', namespace: '/admin', wsOnly: false }))(window);
    expect(Object.fromEntries(store)).toEqual({ server_url: 'https://other.example', path: '/socket.io', namespace: '/admin', ws_only: 'false', parser: 'default' });
    store.clear();
    new Function('window', presetScript({ socketPath: '/socket.io', namespace: '/admin', wsOnly: false }))(window);
    expect(store.get('server_url')).toBe('http://node1:3000');
  });
});
