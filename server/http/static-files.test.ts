/**
 * The game page's files over real HTTP: each request gets the precompressed copy its
 * Accept-Encoding prefers, with the copy's length, `Content-Encoding`, and `Vary`; the body
 * decodes to the very file. Without the copies (or with stale ones) the file itself is sent.
 */
import { mkdtempSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecurityHeaders } from './security-headers.ts';
import { staticFiles, withPageConfig } from './static-files.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = (a: Answer): Buffer =>
  a.headers['content-encoding'] === 'br' ? brotliDecompressSync(a.body) : a.headers['content-encoding'] === 'gzip' ? gunzipSync(a.body) : a.body;

describe('static files with precompressed copies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arena-static-'));
  // Repetitive enough that both copies are far smaller than the file.
  const js = Buffer.from(Array.from({ length: 400 }, (_, i) => `export const v${i} = ${i % 7};\n`).join(''));
  const css = Buffer.from('body { color: red; }\n'.repeat(200));
  let server: Server;
  let port: number;

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><style>a{}</style><p>hi</p>');
    writeFileSync(join(dir, 'assets', 'app.js'), js);
    writeFileSync(join(dir, 'assets', 'app.js.br'), brotliCompressSync(js));
    writeFileSync(join(dir, 'assets', 'app.js.gz'), gzipSync(js));
    writeFileSync(join(dir, 'assets', 'only-gzip.css'), css);
    writeFileSync(join(dir, 'assets', 'only-gzip.css.gz'), gzipSync(css));
    writeFileSync(join(dir, 'assets', 'plain.css'), css);
    // A copy older than its file: the file was replaced after the build.
    writeFileSync(join(dir, 'assets', 'stale.js'), js);
    writeFileSync(join(dir, 'assets', 'stale.js.br'), brotliCompressSync(Buffer.from('old')));
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'assets', 'stale.js.br'), past, past);
    const serve = staticFiles(dir, createSecurityHeaders({ publicUrl: null }));
    server = createServer((req, res) => {
      void serve(req, res, new URL(req.url!, 'http://x').pathname).then((done) => {
        if (!done) res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends Brotli to a browser that takes it, with the copy's length, and the body is the file", async () => {
    const a = await get(port, '/assets/app.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(a.status).toBe(200);
    expect(a.headers['content-encoding']).toBe('br');
    expect(a.headers.vary).toBe('Accept-Encoding');
    expect(a.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(a.headers['cache-control']).toContain('immutable');
    expect(Number(a.headers['content-length'])).toBe(a.body.length);
    expect(a.body.length).toBeLessThan(js.length / 4);
    expect(decode(a).equals(js)).toBe(true);
  });

  it('sends gzip to a client without Brotli, and where only a gzip copy exists', async () => {
    const a = await get(port, '/assets/app.js', { 'accept-encoding': 'gzip' });
    expect(a.headers['content-encoding']).toBe('gzip');
    expect(Number(a.headers['content-length'])).toBe(a.body.length);
    expect(decode(a).equals(js)).toBe(true);
    const b = await get(port, '/assets/only-gzip.css', { 'accept-encoding': 'br, gzip' });
    expect(b.headers['content-encoding']).toBe('gzip');
    expect(decode(b).equals(css)).toBe(true);
  });

  it('sends the file itself (with Vary) without Accept-Encoding, with a bad one, or when every coding is refused', async () => {
    for (const headers of [{} as Record<string, string>, { 'accept-encoding': '' }, { 'accept-encoding': 'br;q=abc, gzip;q=7, ;;' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }, { 'accept-encoding': 'zstd' }]) {
      const a = await get(port, '/assets/app.js', headers);
      expect(a.status).toBe(200);
      expect(a.headers['content-encoding']).toBeUndefined();
      expect(a.headers.vary).toBe('Accept-Encoding');
      expect(Number(a.headers['content-length'])).toBe(js.length);
      expect(a.body.equals(js)).toBe(true);
    }
  });

  it('answers HEAD with the headers and length of what GET would send, and no body', async () => {
    for (const [ae, coding] of [['br', 'br'], ['gzip', 'gzip'], ['identity', undefined]] as const) {
      const head = await get(port, '/assets/app.js', { 'accept-encoding': ae }, 'HEAD');
      const full = await get(port, '/assets/app.js', { 'accept-encoding': ae });
      expect(head.status).toBe(200);
      expect(head.body.length).toBe(0);
      expect(head.headers['content-encoding']).toBe(coding);
      expect(head.headers['content-length']).toBe(String(full.body.length));
      expect(head.headers.vary).toBe('Accept-Encoding');
    }
  });

  it('ignores Range (not supported) and sends the whole answer', async () => {
    const a = await get(port, '/assets/app.js', { 'accept-encoding': 'br', range: 'bytes=0-9' });
    expect(a.status).toBe(200);
    expect(a.headers['content-range']).toBeUndefined();
    expect(decode(a).equals(js)).toBe(true);
  });

  it('leaves files without copies alone: no Content-Encoding, no Vary', async () => {
    const a = await get(port, '/assets/plain.css', { 'accept-encoding': 'br, gzip' });
    expect(a.headers['content-encoding']).toBeUndefined();
    expect(a.headers.vary).toBeUndefined();
    expect(a.body.equals(css)).toBe(true);
    const page = await get(port, '/', { 'accept-encoding': 'br, gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBeUndefined();
    expect(page.headers['content-security-policy']).toContain("style-src 'self' 'sha256-");
  });

  it('does not trust a copy older than its file', async () => {
    const a = await get(port, '/assets/stale.js', { 'accept-encoding': 'br' });
    expect(a.headers['content-encoding']).toBeUndefined();
    expect(a.body.equals(js)).toBe(true);
  });
});

describe('the connection settings in the page', () => {
  it('puts them in the head as a meta element whose content parses back to them, whatever they hold', () => {
    const config = { socketPath: '/socket.io', transports: ['websocket', 'polling'], note: '"></head><script>alert(1)</script>&amp;' };
    const html = withPageConfig('<!doctype html><html><head><title>x</title></head><body></body></html>', config);
    const meta = /<meta name="arena-config" content="([^"]*)">/.exec(html);
    expect(meta).not.toBeNull();
    expect(html.indexOf(meta![0])).toBeLessThan(html.indexOf('</head>'));
    // An attribute's value, as the browser decodes it.
    const decoded = meta![1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    expect(JSON.parse(decoded)).toEqual(config);
    expect(html.match(/<script>/g)).toBeNull();
    expect(withPageConfig('<p>no head</p>', config)).toBe('<p>no head</p>');
  });

  it('serves HTML pages with them (and their length), other files untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arena-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><head></head><p>hi</p>');
    writeFileSync(join(dir, 'a.js'), 'export {};');
    const serve = staticFiles(dir, createSecurityHeaders({ publicUrl: null }), { pageConfig: { socketPath: '/socket.io', transports: ['websocket'] } });
    const server = createServer((req, res) => void serve(req, res, new URL(req.url!, 'http://x').pathname));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const page = await get(port, '/');
      expect(page.body.toString()).toBe('<!doctype html><head><meta name="arena-config" content="{&quot;socketPath&quot;:&quot;/socket.io&quot;,&quot;transports&quot;:[&quot;websocket&quot;]}"></head><p>hi</p>');
      expect(Number(page.headers['content-length'])).toBe(page.body.length);
      expect((await get(port, '/a.js')).body.toString()).toBe('export {};');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
