/**
 * Which node holds each engine.io long-polling session, so the front sends every request of a
 * session (`?sid=…`) to it. A polling session is a series of HTTP requests that must all reach
 * the node that opened it; any other node answers 400 "Session ID unknown".
 *
 * The session id is learnt from the node's answer to the handshake (the request has none yet):
 * engine.io v4 answers a polling handshake with one open packet, `0{"sid":"…",…}`. Routing by
 * session rather than by client address lets new polling sessions from one address (an office
 * behind NAT, a load test on loopback) spread over the nodes, and keeps a session on its node
 * when the set of ready nodes changes: a node that drains (readyz 503) still serves the sessions
 * it holds, and a node coming back does not take sessions that live elsewhere.
 *
 * Entries are forgotten after `idleMs` without a request: a polling client always has a GET
 * pending (renewed at least every ping interval, 25 s by default), so an idle entry is a session
 * that ended or moved to WebSocket.
 */

import { routeHint } from './node-pool.ts';

/** `0{"sid":"…"` at the start of a polling handshake answer. */
const OPEN_PACKET = /^0\{"sid":"([A-Za-z0-9_-]{1,64})"/;
/** The open packet is small (about 120 bytes); this much is enough to find the sid. */
export const HANDSHAKE_PEEK_BYTES = 512;

export interface EngineRequest {
  /** The session id the request names, or null for a handshake. */
  sid: string | null;
  transport: string;
  /** The node the client asks for (`node=…`, node-pool.ts), when the value is a node id. */
  hint: string | null;
}

/** The engine.io view of a request URL, or null when it is not an engine.io request (any path: SOCKET_PATH may move it). */
export function engineRequest(url: string | undefined): EngineRequest | null {
  const query = new URL(url ?? '/', 'http://front').searchParams;
  const transport = query.get('transport');
  if (query.get('EIO') === null || transport === null) return null;
  return { sid: query.get('sid'), transport, hint: routeHint(query) };
}

/** The session id in the first bytes of a polling handshake answer, or null. */
export function handshakeSid(firstBytes: string): string | null {
  return OPEN_PACKET.exec(firstBytes)?.[1] ?? null;
}

export class SessionRoutes<N> {
  private readonly routes = new Map<string, { node: N; lastSeen: number }>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly opts: { idleMs?: number; now?: () => number } = {},
  ) {}

  private get idleMs(): number {
    return this.opts.idleMs ?? 120_000;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Sweeps idle sessions now and then (unref'd: it never keeps the process alive). */
  start(): void {
    this.timer ??= setInterval(() => this.sweep(), Math.max(1000, this.idleMs / 4));
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  remember(sid: string, node: N): void {
    this.routes.set(sid, { node, lastSeen: this.now() });
  }

  /** The node holding `sid`, and the session counts as alive. */
  lookup(sid: string): N | null {
    const route = this.routes.get(sid);
    if (!route) return null;
    route.lastSeen = this.now();
    return route.node;
  }

  /** Sessions known per node (status). */
  countFor(node: N): number {
    let n = 0;
    for (const r of this.routes.values()) if (r.node === node) n += 1;
    return n;
  }

  get size(): number {
    return this.routes.size;
  }

  sweep(): void {
    const oldest = this.now() - this.idleMs;
    for (const [sid, r] of this.routes) if (r.lastSeen < oldest) this.routes.delete(sid);
  }
}
