/**
 * Which pages may talk to this node: its own origin always, the origins CORS_ORIGINS lists, or
 * any when CORS_ORIGINS is `*` (only when an operator says so). A request without an Origin
 * header is not from a page (load-test bots, curl, other servers) and is let through: the check
 * is there to stop another site's page from using a visitor's browser, not to stop clients.
 *
 * "Own origin" is the node's PUBLIC_URL when set, and otherwise (also when set: a node behind a
 * front may be reached under the front's name) the Host the request came to: a page served
 * from here sends an Origin whose host is the Host it loaded from. The scheme is not compared:
 * behind a TLS-terminating proxy the node cannot tell https from http. Nor is the port when the
 * Host names none: proxies commonly drop it (nginx's `proxy_set_header Host $host`), so a page
 * at http://game.example:8080 reaches the node as `Host: game.example`. A Host with a port must
 * match it exactly.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type OriginList = { kind: 'any' } | { kind: 'list'; origins: string[] };

/** An origin in the form browsers send (`scheme://host[:port]`, lowercase, default port dropped), or null. */
export function normalizeOrigin(text: string): string | null {
  const t = text.trim();
  // scheme://host[:port] and nothing else: a path, a query or credentials mean a URL was pasted.
  if (!/^https?:\/\/[^/?#@\s]+\/?$/i.test(t)) return null;
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return null;
  }
  return url.origin === 'null' ? null : url.origin;
}

/**
 * The Origin header as it may be written back in Access-Control-Allow-Origin: only when it is
 * a well-formed origin (what a browser sends), never arbitrary bytes a client put there.
 */
export function reflectableOrigin(origin: string | string[] | undefined): string | null {
  return typeof origin === 'string' && normalizeOrigin(origin) !== null ? origin.trim() : null;
}

/** CORS_ORIGINS: `*`, or a comma list of origins. */
export function parseOriginList(text: string): { ok: true; value: OriginList } | { ok: false; message: string } {
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 1 && items[0] === '*') return { ok: true, value: { kind: 'any' } };
  if (items.includes('*')) return { ok: false, message: '`*` stands alone (any origin), not in a list' };
  const origins: string[] = [];
  for (const item of items) {
    if (item === '') return { ok: false, message: 'an empty entry in the list' };
    const origin = normalizeOrigin(item);
    if (!origin) return { ok: false, message: `${JSON.stringify(item)} is not an origin: expected scheme://host[:port], e.g. https://play.example.com` };
    origins.push(origin);
  }
  return { ok: true, value: { kind: 'list', origins } };
}

/** The Host header as a URL's host parts, or null when it is not a plausible host[:port]. */
function hostOf(hostHeader: string | undefined): { hostname: string; port: string | null } | null {
  if (!hostHeader || !/^[A-Za-z0-9.\-[\]:]{1,300}$/.test(hostHeader)) return null;
  try {
    const url = new URL(`http://${hostHeader}`);
    // `new URL` drops :80; a Host that wrote a port, even the default one, pinned it.
    const wrotePort = /:\d+$/.test(hostHeader);
    return { hostname: url.hostname, port: wrotePort ? url.port || '80' : null };
  } catch {
    return null;
  }
}

/** The port an origin's page is served on, written out (https://x is 443). */
const portOf = (origin: URL): string => origin.port || (origin.protocol === 'https:' ? '443' : '80');

export type OriginVerdict = 'none' | 'allowed' | 'refused';

export interface OriginPolicy {
  /** 'none': no Origin header (not a page); 'allowed' or 'refused' for a page. */
  judge(headers: IncomingHttpHeaders): OriginVerdict;
  /**
   * What Access-Control-Allow-Origin to answer a cross-origin page with: its origin when allowed,
   * null when not (a same-origin page needs none, and gets its own origin back harmlessly).
   */
  allowOriginHeader(headers: IncomingHttpHeaders): string | null;
}

export function createOriginPolicy(opts: { corsOrigins: OriginList; publicUrl: string | null }): OriginPolicy {
  const listed = new Set(opts.corsOrigins.kind === 'list' ? opts.corsOrigins.origins : []);
  const own = opts.publicUrl ? normalizeOrigin(new URL(opts.publicUrl).origin) : null;
  if (own) listed.add(own);
  const any = opts.corsOrigins.kind === 'any';

  const originOf = (headers: IncomingHttpHeaders): string | undefined => {
    const o = headers.origin;
    return Array.isArray(o) ? o[0] : o;
  };
  const allows = (origin: string, headers: IncomingHttpHeaders): boolean => {
    if (any) return true;
    const normal = normalizeOrigin(origin);
    // `null` (sandboxed frames, file: pages) and malformed origins match nothing.
    if (!normal) return false;
    if (listed.has(normal)) return true;
    const host = hostOf(headers.host);
    if (host === null) return false;
    const page = new URL(normal);
    return page.hostname === host.hostname && (host.port === null || host.port === portOf(page));
  };

  return {
    judge(headers) {
      const origin = originOf(headers);
      if (origin === undefined) return 'none';
      return allows(origin, headers) ? 'allowed' : 'refused';
    },
    allowOriginHeader(headers) {
      const origin = originOf(headers);
      if (origin === undefined || !allows(origin, headers)) return null;
      return any ? '*' : origin;
    },
  };
}
