/**
 * Serves the built game (Vite output) without letting a path escape its folder, each file with
 * the security headers of its path (security-headers.ts). HTML is read whole (it is small) to
 * hash its inline styles into the page's CSP.
 *
 * The build writes Brotli and gzip copies beside each text file (`x.js.br`, `x.js.gz`:
 * game/build/precompress.ts); a request gets the copy its `Accept-Encoding` prefers
 * (content-encoding.ts) with `Content-Encoding`, the copy's `Content-Length`, and
 * `Vary: Accept-Encoding` so a cache between keeps the variants apart. A copy older than its
 * file (the file was replaced without a rebuild) is not trusted. Range requests are not
 * supported: `Range` is ignored and the whole file sent (RFC 9110 allows it; nothing here
 * needs resuming, and a byte range of a compressed copy is a range of different bytes).
 *
 * With `pageConfig`, each HTML page carries it in its head as `<meta name="arena-config">` (the
 * JSON of GET /api/config's answer): the page's entry module reads it instead of asking, so its
 * WebSocket opens one round trip sooner on a cold load, before the lobby's script arrives and
 * holds the main thread (BENCHMARKS.md, "Lobby cold load: the games out of the lobby chunk, the
 * settings in the page"). A meta element, not a script: the CSP is unchanged.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chooseEncoding, type Coding } from './content-encoding.ts';
import { inlineHashes, type InlineHashes, type SecurityHeaders } from './security-headers.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

const SUFFIX: Record<Coding, string> = { br: '.br', gzip: '.gz' };

/** The precompressed copies of `file` that are at least as new as it, with their sizes. */
async function copiesOf(file: string, modifiedMs: number): Promise<Map<Coding, number>> {
  const copies = new Map<Coding, number>();
  await Promise.all(
    (Object.keys(SUFFIX) as Coding[]).map(async (coding) => {
      try {
        const info = await stat(file + SUFFIX[coding]);
        if (info.isFile() && info.mtimeMs >= modifiedMs) copies.set(coding, info.size);
      } catch {
        // no copy in this coding
      }
    }),
  );
  return copies;
}

/** The name of the meta element that carries the connection settings (game/src/app/early-sign-in.ts reads it). */
export const PAGE_CONFIG_META = 'arena-config';

/** `html` with `config` as a meta element at the end of its head; unchanged without a head. */
export function withPageConfig(html: string, config: unknown): string {
  const at = html.search(/<\/head>/i);
  if (at < 0) return html;
  const attr = JSON.stringify(config).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `${html.slice(0, at)}<meta name="${PAGE_CONFIG_META}" content="${attr}">${html.slice(at)}`;
}

export function staticFiles(dir: string, security: SecurityHeaders, opts: { pageConfig?: unknown } = {}) {
  const root = resolve(dir);
  /** HTML files with their hashes, kept while the file is unchanged (a rebuild replaces it). */
  const pages = new Map<string, { version: string; body: Buffer; inline: InlineHashes }>();
  const readPage = async (file: string, version: string) => {
    const cached = pages.get(file);
    if (cached?.version === version) return cached;
    const raw = (await readFile(file)).toString('utf8');
    const html = opts.pageConfig === undefined ? raw : withPageConfig(raw, opts.pageConfig);
    const body = Buffer.from(html);
    const page = { version, body, inline: inlineHashes(html) };
    pages.set(file, page);
    return page;
  };
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    const rel = normalize(decoded === '/' ? '/index.html' : decoded);
    const file = join(root, rel);
    if (file !== root && !file.startsWith(root + sep)) return false;
    try {
      const info = await stat(file);
      if (!info.isFile()) return false;
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Vite fingerprints assets; index.html must always be fresh.
        'cache-control': rel.startsWith(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      };
      if (extname(file) === '.html') {
        const page = await readPage(file, `${info.mtimeMs}:${info.size}`);
        res.writeHead(200, { ...headers, ...security.headers(req, pathname, page.inline), 'content-length': page.body.length });
        res.end(req.method === 'HEAD' ? undefined : page.body);
        return true;
      }
      const copies = await copiesOf(file, info.mtimeMs);
      const coding = copies.size > 0 ? chooseEncoding(req.headers['accept-encoding'], [...copies.keys()]) : 'identity';
      const sent = coding === 'identity' ? { path: file, size: info.size } : { path: file + SUFFIX[coding], size: copies.get(coding)! };
      res.writeHead(200, {
        ...headers,
        ...security.headers(req, pathname),
        ...(copies.size > 0 && { vary: 'Accept-Encoding' }),
        ...(coding !== 'identity' && { 'content-encoding': coding }),
        'content-length': sent.size,
      });
      if (req.method === 'HEAD') res.end();
      else {
        const stream = createReadStream(sent.path);
        // Headers are out: a file that vanished meanwhile (a rebuild) can only cut the answer short.
        stream.on('error', () => res.destroy());
        stream.pipe(res);
      }
      return true;
    } catch {
      return false;
    }
  };
}
