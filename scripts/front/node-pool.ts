/**
 * The front's view of the game nodes: which ones are ready (GET /readyz, once a second, plus a
 * passive mark when a connection to one is refused), and which node a request goes to.
 *
 * Two routing rules, because socket.io has two kinds of connection:
 * - Sticky by client address (`pickSticky`), for plain HTTP: socket.io's long-polling fallback
 *   is a series of HTTP requests that must all reach the node holding the session. Rendezvous
 *   hashing (highest hash of address + node wins) over the ready nodes: when a node goes away,
 *   only its own clients move, each to one of the others; everybody else stays put.
 * - Least busy (`pickFresh`), for a WebSocket that opens a new engine.io session: it is a single
 *   TCP connection, so nothing else needs to find the same node. Hashing the address would put
 *   every client of one machine (a load test on loopback, an office behind one NAT) on one
 *   node; counting open tunnels spreads them, and a node back from a failure gets the next
 *   connections instead of waiting for a reshuffle.
 * - By route hint (`pickHinted`), before either: a client that knows which node runs its match
 *   names it (`?node=<NODE_ID>`, from its last join answer), and a new session goes there while
 *   that node is ready, so its traffic is not relayed between nodes. The front learns each node's
 *   id from its /readyz answer. A hint that names no ready node (it exited, it drains, it was
 *   never one) is no hint: the rules above apply.
 */
import { request } from 'node:http';

/**
 * `draining`: an operator took the node out (a rolling deploy, `drain()`): no new session goes
 * there, whatever its /readyz says, while the sessions it holds are still served until it exits.
 */
export type NodeState = 'unknown' | 'ready' | 'not-ready' | 'down' | 'draining';

export interface GameNode {
  /** Base URL, e.g. http://127.0.0.1:3001. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  state: NodeState;
  /** Epoch ms of the last state change. */
  since: number;
  lastCheckAt: number | null;
  /** Why the node is not ready (HTTP status, or the connection error). */
  lastError: string | null;
  /** Plain HTTP requests forwarded. */
  httpRequests: number;
  /** WebSocket tunnels open (or being opened) now, and ever opened. */
  websocketsOpen: number;
  websocketsTotal: number;
  /** When it was last picked for a new WebSocket (a sequence number): ties go to the one waiting longest. */
  lastPicked: number;
  /** Its NODE_ID, from its last /readyz answer (null until it said). */
  nodeId: string | null;
  /** New sessions that came here by their route hint. */
  hinted: number;
}

/** A node id as the nodes' config allows it (NODE_ID); anything else in a hint is ignored. */
const NODE_ID = /^[\w.-]{1,64}$/;

/** The route hint of a query (`node=…`), or null when there is none or it is not a node id. */
export function routeHint(query: URLSearchParams): string | null {
  const hint = query.get('node');
  return hint !== null && NODE_ID.test(hint) ? hint : null;
}

export interface NodePoolOptions {
  intervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
  /** A node changed state (logging). */
  onChange?: (node: GameNode, from: NodeState, reason: string | null) => void;
}

export class NodePool {
  readonly nodes: GameNode[];
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly checking = new Set<GameNode>();
  private picks = 0;

  constructor(
    urls: readonly string[],
    private readonly opts: NodePoolOptions = {},
  ) {
    if (urls.length === 0) throw new Error('the front needs at least one game node');
    this.intervalMs = opts.intervalMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? Math.min(800, this.intervalMs);
    this.now = opts.now ?? Date.now;
    this.nodes = urls.map((raw) => this.make(raw));
  }

  private make(raw: string): GameNode {
    const url = new URL(raw);
    if (url.protocol !== 'http:') throw new Error(`${raw}: the front forwards to http:// nodes only`);
    return {
      url: url.origin,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 80),
      state: 'unknown',
      since: this.now(),
      lastCheckAt: null,
      lastError: null,
      httpRequests: 0,
      websocketsOpen: 0,
      websocketsTotal: 0,
      lastPicked: 0,
      nodeId: null,
      hinted: 0,
    };
  }

  /** A node joins (a rolling deploy started it): checked at once, so it takes traffic as soon as it is ready. */
  async add(raw: string): Promise<GameNode> {
    const origin = new URL(raw).origin;
    const known = this.nodes.find((n) => n.url === origin);
    if (known) return known;
    const node = this.make(raw);
    this.nodes.push(node);
    await this.check(node);
    return node;
  }

  /** Takes a node out of rotation for new sessions; the ones it holds go on (see NodeState). */
  drain(raw: string): void {
    const node = this.find(raw);
    if (node) this.set(node, 'draining', 'taken out by the operator');
  }

  /** Forgets a node (it exited): nothing is sent there any more. */
  remove(raw: string): void {
    const node = this.find(raw);
    if (!node) return;
    this.nodes.splice(this.nodes.indexOf(node), 1);
    const from = node.state;
    node.state = 'down';
    this.opts.onChange?.(node, from, 'removed from the front');
  }

  private find(raw: string): GameNode | undefined {
    const origin = new URL(raw).origin;
    return this.nodes.find((n) => n.url === origin);
  }

  /** Checks every node once (so the first request already knows), then every interval. */
  async start(): Promise<void> {
    await this.checkAll();
    this.timer ??= setInterval(() => void this.checkAll(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  ready(exclude: ReadonlySet<GameNode> = new Set()): GameNode[] {
    return this.nodes.filter((n) => n.state === 'ready' && !exclude.has(n));
  }

  pickSticky(clientKey: string, exclude?: ReadonlySet<GameNode>): GameNode | null {
    return rendezvous(clientKey, this.ready(exclude));
  }

  /** The ready node whose id is `hint` (see the opening comment), or null. */
  pickHinted(hint: string | null, exclude: ReadonlySet<GameNode> = new Set()): GameNode | null {
    if (hint === null) return null;
    const node = this.nodes.find((n) => n.nodeId === hint && n.state === 'ready' && !exclude.has(n));
    if (!node) return null;
    node.hinted += 1;
    node.lastPicked = ++this.picks;
    return node;
  }

  /** The caller counts the pick in `websocketsOpen` at once, so concurrent upgrades spread too. */
  pickFresh(exclude?: ReadonlySet<GameNode>): GameNode | null {
    const pick = leastBusy(this.ready(exclude));
    if (pick) pick.lastPicked = ++this.picks;
    return pick;
  }

  /** A connection to the node was refused: stop sending it anything until a check says it is back. */
  markDown(node: GameNode, reason: string): void {
    this.set(node, 'down', reason);
  }

  async checkAll(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.check(n)));
  }

  private async check(node: GameNode): Promise<void> {
    if (this.checking.has(node)) return; // a slow node is not asked again before it answered
    this.checking.add(node);
    try {
      const answer = await readyz(node, this.timeoutMs);
      const status = 'error' in answer ? answer : answer.status;
      if (!('error' in answer)) node.nodeId = answer.nodeId;
      node.lastCheckAt = this.now();
      // Taken out by the operator: stays out until it is gone.
      if (node.state === 'draining') {
        if (typeof status !== 'number') this.set(node, 'down', status.error);
        return;
      }
      if (typeof status === 'number') this.set(node, status === 200 ? 'ready' : 'not-ready', status === 200 ? null : `GET /readyz answered ${status}`);
      else this.set(node, 'down', status.error);
    } finally {
      this.checking.delete(node);
    }
  }

  private set(node: GameNode, state: NodeState, reason: string | null): void {
    node.lastError = reason;
    if (node.state === state) return;
    const from = node.state;
    node.state = state;
    node.since = this.now();
    this.opts.onChange?.(node, from, reason);
  }
}

/** Bytes of a /readyz answer read for the node's id: the answer is a few dozen bytes. */
const READYZ_MAX_BYTES = 1024;

/**
 * GET /readyz: the status code and the node's id (`{"ready":…,"nodeId":"…"}`; null from a node
 * that does not say), or why there was no answer. Never throws.
 */
function readyz(node: GameNode, timeoutMs: number): Promise<{ status: number; nodeId: string | null } | { error: string }> {
  return new Promise((resolve) => {
    // agent: false: one short connection per check, nothing left open between checks.
    const req = request({ host: node.host, port: node.port, path: '/readyz', method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < READYZ_MAX_BYTES) body += chunk;
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, nodeId: nodeIdOf(body) }));
      res.once('error', (e) => resolve({ error: e.message }));
    });
    req.once('timeout', () => req.destroy(new Error(`no answer to GET /readyz within ${timeoutMs} ms`)));
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

function nodeIdOf(body: string): string | null {
  try {
    const id = (JSON.parse(body) as { nodeId?: unknown } | null)?.nodeId;
    return typeof id === 'string' && NODE_ID.test(id) ? id : null;
  } catch {
    return null;
  }
}

/** 32-bit FNV-1a: small, fast, and spreads short keys (addresses) well enough for routing. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche, so keys that differ only in their last character differ in every bit.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Highest-random-weight hashing: the candidate whose hash with the key is highest. */
export function rendezvous<T extends { url: string }>(key: string, candidates: readonly T[]): T | null {
  let best: T | null = null;
  let bestScore = -1;
  for (const c of candidates) {
    const score = fnv1a(`${key}|${c.url}`);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** The candidate with the fewest open WebSockets; of those, the one picked longest ago (round robin). */
export function leastBusy<T extends { websocketsOpen: number; lastPicked: number }>(candidates: readonly T[]): T | null {
  let best: T | null = null;
  for (const c of candidates) {
    if (!best || c.websocketsOpen < best.websocketsOpen || (c.websocketsOpen === best.websocketsOpen && c.lastPicked < best.lastPicked)) best = c;
  }
  return best;
}
