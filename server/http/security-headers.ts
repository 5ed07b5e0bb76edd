/**
 * Response headers that limit what a page served from here may do: a Content-Security-Policy
 * that allows only this origin (and its WebSocket), X-Content-Type-Options, Referrer-Policy.
 * The header set is chosen by path, so another part of the site (the operators' Admin UI under
 * /admin/) can register its own set without touching the game page's.
 *
 * The game page, as built by Vite (dist/game), needs:
 * - script-src 'self': module scripts from ./assets, no inline script, no eval;
 * - style-src 'self' + the hash of index.html's one inline <style> (computed from the file, so a
 *   rebuild that changes it still works); React's `style={…}` and Phaser's canvas styles are set
 *   through the CSSOM, which CSP does not govern;
 * - img-src 'self' data:: Phaser's built-in textures are data: PNGs (without data:, Chromium
 *   reports four img-src violations at boot). Phaser would need blob: to load SVG files; the
 *   games draw their textures in code, so it is not allowed;
 * - connect-src 'self' + ws(s)://this-host: socket.io (polling is 'self'; CSP2 browsers do not
 *   count ws: as 'self').
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type HeaderSet = Record<string, string>;

/** Hashes of a page's inline <style> and <script> elements, for its CSP. */
export interface InlineHashes {
  styles: string[];
  scripts: string[];
}

const NONE: InlineHashes = { styles: [], scripts: [] };

/** CSP source expressions (`'sha256-…'`) for the inline styles and scripts of an HTML document. */
export function inlineHashes(html: string): InlineHashes {
  const hash = (body: string) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`;
  const styles = [...html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/gi)].map((m) => hash(m[1]!));
  const scripts = [...html.matchAll(/<script(?![^>]*\ssrc=)(?:\s[^>]*)?>([\s\S]*?)<\/script>/gi)].map((m) => hash(m[1]!));
  return { styles, scripts };
}

/** A Host header safe to write back into a header (host[:port], IPv6 in brackets), or null. */
function safeHost(host: string | undefined): string | null {
  return host && /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/.test(host) ? host.toLowerCase() : null;
}

export interface SecurityHeaderOptions {
  /** PUBLIC_URL: WebSocket connections may go to its host as well as to the request's Host. */
  publicUrl: string | null;
}

/** Chooses a path's header set; `forPrefix` lets a section of the site (e.g. `/admin/`) have its own. */
export interface SecurityHeaders {
  headers(req: IncomingMessage, pathname: string, inline?: InlineHashes): HeaderSet;
  forPrefix(prefix: string, make: (req: IncomingMessage, inline: InlineHashes) => HeaderSet): void;
}

/** Headers every response may carry. */
export const BASE_HEADERS: HeaderSet = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function createSecurityHeaders(opts: SecurityHeaderOptions): SecurityHeaders {
  const publicHost = opts.publicUrl ? new URL(opts.publicUrl).host : null;
  const sections: { prefix: string; make: (req: IncomingMessage, inline: InlineHashes) => HeaderSet }[] = [];

  const gamePage = (req: IncomingMessage, inline: InlineHashes): HeaderSet => {
    // The host the page came from (a front in a cluster forwards its own) and PUBLIC_URL's.
    const hosts = [...new Set([safeHost(req.headers.host), publicHost].filter((h): h is string => h !== null))];
    const sockets = hosts.map((h) => ` ws://${h} wss://${h}`).join('');
    const csp = [
      "default-src 'self'",
      `script-src 'self'${inline.scripts.map((h) => ` ${h}`).join('')}`,
      `style-src 'self'${inline.styles.map((h) => ` ${h}`).join('')}`,
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self'${sockets}`,
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'self'",
    ].join('; ');
    return { ...BASE_HEADERS, 'content-security-policy': csp };
  };

  return {
    headers(req, pathname, inline = NONE) {
      const section = sections.find((s) => pathname.startsWith(s.prefix));
      return section ? section.make(req, inline) : gamePage(req, inline);
    },
    forPrefix(prefix, make) {
      sections.push({ prefix, make });
      // Longest prefix first: /admin/api/ before /admin/.
      sections.sort((a, b) => b.prefix.length - a.prefix.length);
    },
  };
}
