/**
 * Serves the socket.io Admin UI (the package's built page, `@socket.io/admin-ui/ui/dist`) under
 * /admin/, so an operator on a closed network needs nothing but the node itself.
 *
 * The built page keeps its connection settings in localStorage (`server_url`, `path`,
 * `namespace`, `ws_only`, `parser`) and opens its connection modal when `server_url` is empty.
 * A small script served beside it (`preset.js`, loaded before the page's own scripts) fills
 * those in: the server URL with the page's own origin unless the operator chose another, and
 * the socket.io path and transports this node really uses. Opening /admin/ then asks for the
 * user name and password only.
 *
 * The page's index.html also links a web font and an icon font from public CDNs: on a closed
 * network they cannot load, and the page's CSP allows 'self' only. The icon font (Material
 * Design Icons, the `@mdi/font` package) is served from the node under /admin/mdi/ instead, so
 * the menu and buttons keep their glyphs; the web font is dropped (the system font is fine).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';

export const ADMIN_UI_PATH = '/admin';

export function isAdminUiPath(pathname: string): boolean {
  return pathname === ADMIN_UI_PATH || pathname.startsWith(`${ADMIN_UI_PATH}/`);
}

export interface AdminUiRouteOptions {
  /** The socket.io path of this node (`io.path()`). */
  socketPath: string;
  /** The admin namespace the UI must connect to. */
  namespace: string;
  /** True when this node does not offer long-polling: the UI must start on WebSocket. */
  wsOnly: boolean;
  /** The built UI; default: the installed package's `ui/dist`. */
  distDir?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject',
};

/** Where the icon font's files are served from, under /admin/. */
const ICONS_PREFIX = 'mdi/';
const ICONS_STYLESHEET = `${ICONS_PREFIX}css/materialdesignicons.min.css`;

/**
 * What the built UI needs and nothing more: its own scripts (no inline script, no eval: checked
 * in Chromium by test/browser/admin-ui.test.ts), inline styles (Vuetify writes its theme into a
 * <style> element at run time), images from itself and data: URLs, and a socket.io connection
 * to this origin ('self' covers ws:/wss: to the same host in CSP 3). It may not be framed.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-robots-tag': 'noindex, nofollow',
};

/** The page and its preset change with the node's settings: never cached. */
const NO_STORE = 'no-store';
/** js/, css/ and img/ names carry a content hash (app.0d7d7845.js): cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const ONE_HOUR = 'public, max-age=3600';

const packageDir = (name: string): string => dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));

export function defaultAdminUiDist(): string {
  return join(packageDir('@socket.io/admin-ui'), 'ui', 'dist');
}

/**
 * The package's index.html with its CDN links dropped, the icon font's taken from this node,
 * and preset.js before its own scripts.
 */
export function rewriteIndexHtml(html: string): string {
  const withoutCdn = html.replace(/<link\b[^>]*\bhref="(?:https?:)?\/\/[^"]*"[^>]*>/g, (link) =>
    link.includes('materialdesignicons') ? `<link rel="stylesheet" href="${ICONS_STYLESHEET}">` : '',
  );
  const at = withoutCdn.indexOf('<script');
  // A package update that changes the page's shape must fail loudly at start, not serve a page
  // that silently stopped connecting to this node.
  if (at < 0) throw new Error('@socket.io/admin-ui: ui/dist/index.html has no <script>: cannot preset the connection');
  return `${withoutCdn.slice(0, at)}<script src="preset.js"></script>${withoutCdn.slice(at)}`;
}

/** The script that fills the UI's connection settings in before the UI reads them. */
export function presetScript(opts: Pick<AdminUiRouteOptions, 'socketPath' | 'namespace' | 'wsOnly'>): string {
  const settings = { path: opts.socketPath, namespace: opts.namespace, ws_only: String(opts.wsOnly), parser: 'default' };
  return `// Written by the game server that serves this page: connect the Admin UI to this node.
(function () {
  try {
    var store = window.localStorage;
    if (!store.getItem('server_url')) store.setItem('server_url', window.location.origin);
    var settings = ${JSON.stringify(settings)};
    for (var key in settings) store.setItem(key, settings[key]);
  } catch (e) {
    // No localStorage (a locked-down browser): the UI asks for the server URL itself.
  }
})();
`;
}

export function createAdminUiRoute(opts: AdminUiRouteOptions) {
  const root = resolve(opts.distDir ?? defaultAdminUiDist());
  const iconsRoot = resolve(packageDir('@mdi/font'));
  const index = Buffer.from(rewriteIndexHtml(readFileSync(join(root, 'index.html'), 'utf8')));
  const preset = Buffer.from(presetScript(opts));

  const send = (res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer | string): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
    res.end(body);
  };
  const notFound = (res: ServerResponse, pathname: string): void => {
    const body = JSON.stringify({ error: 'NOT_FOUND', message: `no admin UI file at ${pathname}` });
    send(res, 404, { 'content-type': 'application/json', 'cache-control': NO_STORE, 'content-length': Buffer.byteLength(body) }, body);
  };
  const sendBuffer = (req: IncomingMessage, res: ServerResponse, type: string, body: Buffer): void =>
    send(res, 200, { 'content-type': type, 'content-length': body.length, 'cache-control': NO_STORE }, req.method === 'HEAD' ? undefined : body);

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const body = JSON.stringify({ error: 'METHOD_NOT_ALLOWED', message: 'the admin UI answers GET and HEAD' });
      return send(res, 405, { allow: 'GET, HEAD', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, body);
    }
    // The page's links are relative (js/app.…js): it must be loaded from the folder URL.
    if (pathname === ADMIN_UI_PATH) return send(res, 308, { location: `${ADMIN_UI_PATH}/`, 'cache-control': NO_STORE });
    const rel = pathname.slice(ADMIN_UI_PATH.length + 1);
    if (rel === '' || rel === 'index.html') return sendBuffer(req, res, TYPES['.html']!, index);
    if (rel === 'preset.js') return sendBuffer(req, res, TYPES['.js']!, preset);

    if (rel.startsWith(ICONS_PREFIX)) {
      // Only the stylesheet and the fonts of that package, not its scripts or preview page.
      const inIcons = rel.slice(ICONS_PREFIX.length);
      if (!/^(css|fonts)\//.test(inIcons)) return notFound(res, pathname);
      return serveFile(req, res, iconsRoot, inIcons, pathname);
    }
    return serveFile(req, res, root, rel, pathname);
  };

  /** A file under `dir`, whatever the request's "..": anything resolving outside is a 404. */
  async function serveFile(req: IncomingMessage, res: ServerResponse, dir: string, rel: string, pathname: string): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rel);
    } catch {
      return notFound(res, pathname);
    }
    // resolve() folds every "..", encoded or not: whatever comes out must still be inside dir.
    const file = resolve(dir, decoded);
    if (decoded.includes('\0') || !file.startsWith(dir + sep)) return notFound(res, pathname);
    const type = TYPES[extname(file)];
    if (!type) return notFound(res, pathname);
    try {
      const info = await stat(file);
      if (!info.isFile()) return notFound(res, pathname);
      // The UI's js/, css/ and img/ names carry a content hash; the icon font is a pinned version.
      const immutable = dir === iconsRoot || /^(js|css|img)$/.test(file.slice(dir.length + 1).split(sep)[0]!);
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': info.size, 'cache-control': immutable ? IMMUTABLE : ONE_HOUR });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch {
      notFound(res, pathname);
    }
  }
}
