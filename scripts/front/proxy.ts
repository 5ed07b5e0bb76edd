/**
 * The front of a local cluster: one port that forwards to the game nodes, with nothing but
 * node:http and node:net (the role nginx plays in docker-compose.yml).
 *
 * - socket.io long-polling is sticky by session: a polling handshake goes to the least busy node,
 *   the front reads the session id from the node's answer (session-routes.ts), and every later
 *   request naming that `sid`, and the upgrade to WebSocket, goes to that node, even while it
 *   drains. A sid the front never saw (the front restarted) falls back to the client's address.
 * - Other plain HTTP (the page, POST /api/guest) is forwarded sticky by client address; a
 *   WebSocket that opens a new session is piped as raw bytes to the least busy node
 *   (node-pool.ts explains why). All of it passes X-Forwarded-For and X-Real-IP, for the
 *   nodes' TRUST_PROXY.
 * - A new session (a polling handshake, or a WebSocket without a sid) that names a node
 *   (`?node=<NODE_ID>`: the SDK's route hint, the node that runs the player's match) goes to that
 *   node while it is ready; a hint that names no ready node, or is not a node id, is ignored.
 * - Only nodes whose GET /readyz answers 200 get traffic. A node that refuses a connection is
 *   marked down at once, and a request that has no body (so nothing was lost) or an upgrade is
 *   tried on the next node: a dead node's share moves to the others without an error.
 * - GET /front/status answers the nodes and their state as JSON.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { NodePool, type GameNode, type NodeState } from './node-pool.ts';
import { engineRequest, HANDSHAKE_PEEK_BYTES, handshakeSid, SessionRoutes, type EngineRequest } from './session-routes.ts';

export const STATUS_PATH = '/front/status';

export interface FrontOptions {
  /** Game node base URLs (http://host:port). */
  nodes: readonly string[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 3000; 0: any free port. */
  port?: number;
  /** How often each node's /readyz is asked (default 1000 ms). */
  healthIntervalMs?: number;
  /** One line per event worth telling an operator (a node going down or coming back). */
  log?: (message: string) => void;
}

export interface FrontStatus {
  url: string;
  uptimeS: number;
  routing: { http: string; websocket: string };
  nodes: {
    url: string;
    nodeId: string | null;
    state: NodeState;
    ready: boolean;
    sinceS: number;
    lastCheckAt: string | null;
    lastError: string | null;
    httpRequests: number;
    websocketsOpen: number;
    websocketsTotal: number;
    /** New sessions sent here by their route hint. */
    hinted: number;
    /** Long-polling sessions the front routes to this node (recently active). */
    pollingSessions: number;
  }[];
}

export interface Front {
  url: string;
  port: number;
  pool: NodePool;
  status(): FrontStatus;
  close(): Promise<void>;
}

/** Headers that describe one hop, not the message: never forwarded (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
/** The node-side connection failed before anything was sent: the node is not there. */
const NODE_GONE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);
const HALF_CLOSE_MS = 2000;

export async function startFront(opts: FrontOptions): Promise<Front> {
  const log = opts.log ?? (() => {});
  const pool = new NodePool(opts.nodes, {
    intervalMs: opts.healthIntervalMs,
    onChange: (node, from, reason) => log(`${node.url} ${from} → ${node.state}${reason ? ` (${reason})` : ''}`),
  });
  // Keep-alive towards the nodes: long-polling clients send a request every few seconds.
  const agent = new Agent({ keepAlive: true });
  const sessions = new SessionRoutes<GameNode>();
  /** Every upgraded client socket and node-side connection, to end them all on close. */
  const tunnels = new Set<Socket>();
  const startedAt = Date.now();
  let url = '';

  const status = (): FrontStatus => ({
    url,
    uptimeS: Math.round((Date.now() - startedAt) / 1000),
    routing: {
      http: 'long-polling: by session (sid learnt from the handshake answer; a new session goes to the node its route hint names while that node is ready, else to the least busy node); other requests: sticky by client address (rendezvous hash over the ready nodes)',
      websocket: 'new session: the node its route hint names (node=<NODE_ID>) while that node is ready, else the ready node with the fewest open WebSockets; upgrade of a polling session (sid): the node holding it',
    },
    nodes: pool.nodes.map((n) => ({
      url: n.url,
      nodeId: n.nodeId,
      state: n.state,
      ready: n.state === 'ready',
      sinceS: Math.round((Date.now() - n.since) / 1000),
      lastCheckAt: n.lastCheckAt === null ? null : new Date(n.lastCheckAt).toISOString(),
      lastError: n.lastError,
      httpRequests: n.httpRequests,
      websocketsOpen: n.websocketsOpen,
      websocketsTotal: n.websocketsTotal,
      hinted: n.hinted,
      pollingSessions: sessions.countFor(n),
    })),
  });

  /**
   * The node for an engine.io request: the one holding its session, while that node is not down
   * (a draining node still serves its sessions); a new polling session, the least busy node.
   */
  const engineNode = (engine: EngineRequest | null, client: string, tried: Set<GameNode>): GameNode | null => {
    if (engine?.sid) {
      const held = sessions.lookup(engine.sid);
      if (held && held.state !== 'down' && !tried.has(held)) return held;
      return pool.pickSticky(client, tried);
    }
    if (engine?.transport === 'polling') return pool.pickHinted(engine.hint, tried) ?? pool.pickFresh(tried);
    return null;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, client: string, tried: Set<GameNode>): void => {
    const engine = engineRequest(req.url);
    const handshake = engine !== null && engine.sid === null && engine.transport === 'polling';
    const node = engine ? engineNode(engine, client, tried) : pool.pickSticky(client, tried);
    if (!node) return unavailable(res, tried.size > 0 ? 'no game node took the request' : 'no game node is ready');
    node.httpRequests += 1;
    const upstream = request({
      host: node.host,
      port: node.port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req.headers, client),
      agent,
    });
    let answered = false;
    upstream.once('response', (nodeRes) => {
      answered = true;
      const headers = withoutHopByHop(nodeRes.headers);
      res.writeHead(nodeRes.statusCode ?? 502, nodeRes.statusMessage, headers);
      // Learn the new session's id before its bytes reach the client: the client's next request
      // names it, and must find its node. (A 'data' listener added before pipe() sees each chunk first.)
      if (handshake && nodeRes.statusCode === 200 && !nodeRes.headers['content-encoding']) learnSid(nodeRes, node);
      nodeRes.pipe(res);
      nodeRes.once('error', () => res.destroy());
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (answered) return res.destroy();
      const code = error.code ?? '';
      if (NODE_GONE.has(code)) pool.markDown(node, code);
      // Safe to send again only when nothing of the request was consumed: no body.
      const retry = !hasBody(req) && (NODE_GONE.has(code) || code === 'ECONNRESET');
      if (retry && !res.headersSent && !res.destroyed) return forward(req, res, client, new Set([...tried, node]));
      if (!res.headersSent) unavailable(res, `node ${node.url} failed: ${code || error.message}`, 502);
      else res.destroy();
    });
    // A client that goes away (a long-poll closed by the browser) ends the node-side request too.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    // A request without a body may be sent twice (see the retry above), and a second pipe from
    // a request that already ended would never end the second upstream request.
    if (hasBody(req)) req.pipe(upstream);
    else {
      req.resume();
      upstream.end();
    }
  };

  const learnSid = (nodeRes: IncomingMessage, node: GameNode): void => {
    let peek = '';
    const onData = (chunk: Buffer): void => {
      peek += chunk.toString('latin1', 0, HANDSHAKE_PEEK_BYTES);
      const sid = handshakeSid(peek);
      if (sid) sessions.remember(sid, node);
      if (sid || peek.length >= HANDSHAKE_PEEK_BYTES) nodeRes.off('data', onData);
    };
    nodeRes.on('data', onData);
  };

  const tunnel = (req: IncomingMessage, socket: Socket, head: Buffer, client: string, tried: Set<GameNode>): void => {
    // The upgrade of a long-polling session (sid=…) must reach the node that holds it.
    const engine = engineRequest(req.url);
    const node = engine?.sid ? engineNode(engine, client, tried) : (pool.pickHinted(engine?.hint ?? null, tried) ?? pool.pickFresh(tried));
    if (!node) return refuseUpgrade(socket, 'no game node is ready');
    // Counted from now, not from the connect: upgrades that arrive together spread too.
    node.websocketsOpen += 1;
    let counted = true;
    const uncount = (): void => {
      if (counted) node.websocketsOpen -= 1;
      counted = false;
    };
    const upstream = connect({ host: node.host, port: node.port });
    tunnels.add(upstream);
    upstream.once('close', () => tunnels.delete(upstream));
    let connected = false;
    const onEarlyClose = (): void => {
      uncount();
      upstream.destroy();
    };
    socket.once('close', onEarlyClose);
    upstream.once('connect', () => {
      connected = true;
      socket.off('close', onEarlyClose);
      if (socket.destroyed) {
        uncount();
        return upstream.destroy();
      }
      upstream.setNoDelay(true);
      node.websocketsTotal += 1;
      upstream.write(upgradeHead(req, client));
      if (head.length > 0) upstream.write(head);
      // Bytes both ways from here on; the node answers 101 (or refuses) itself.
      socket.pipe(upstream);
      upstream.pipe(socket);
      let closed = false;
      const close = (): void => {
        if (closed) return;
        closed = true;
        uncount();
        socket.destroy();
        upstream.destroy();
      };
      socket.once('close', close);
      upstream.once('close', close);
      // One side hung up (pipe passes the FIN on): the other has a moment to finish, then both
      // go, so a peer that never closes its half cannot hold the tunnel open.
      const halfClosed = (): void => void setTimeout(close, HALF_CLOSE_MS).unref();
      socket.once('end', halfClosed);
      upstream.once('end', halfClosed);
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (connected) return; // 'close' follows and tears the tunnel down
      socket.off('close', onEarlyClose);
      uncount();
      const code = error.code ?? '';
      if (NODE_GONE.has(code)) {
        pool.markDown(node, code);
        if (!socket.destroyed) return tunnel(req, socket, head, client, new Set([...tried, node]));
      }
      refuseUpgrade(socket, `node ${node.url} failed: ${code || error.message}`, 502);
    });
  };

  const server = createServer((req, res) => {
    const client = clientAddress(req.socket);
    if (req.method === 'GET' && new URL(req.url ?? '/', 'http://front').pathname === STATUS_PATH) {
      return json(res, 200, status());
    }
    forward(req, res, client, new Set());
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.setNoDelay(true); // snapshots and inputs are small and latency-bound
    socket.on('error', () => socket.destroy());
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    tunnel(req, socket, head, clientAddress(socket), new Set());
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await pool.start();
  sessions.start();
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    pool.stop();
    sessions.stop();
    agent.destroy();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    pool,
    status,
    close: async () => {
      pool.stop();
      sessions.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of tunnels) s.destroy();
      agent.destroy();
      await closed;
    },
  };
}

function clientAddress(socket: Socket): string {
  // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d: one client, one key.
  return (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.includes(name)) out[name] = value;
  }
  return out;
}

function forwardedHeaders(headers: IncomingHttpHeaders, client: string): IncomingHttpHeaders {
  const out = withoutHopByHop(headers);
  const before = headers['x-forwarded-for'];
  out['x-forwarded-for'] = before ? `${Array.isArray(before) ? before.join(', ') : before}, ${client}` : client;
  out['x-real-ip'] = client;
  out['x-forwarded-proto'] = 'http';
  if (headers.host) out['x-forwarded-host'] = headers.host;
  return out;
}

/** The client's upgrade request as the node will read it: the same headers, plus X-Forwarded-For and X-Real-IP. */
function upgradeHead(req: IncomingMessage, client: string): string {
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (name !== 'x-forwarded-for' && name !== 'x-real-ip') lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  const before = req.headers['x-forwarded-for'];
  lines.push(`X-Forwarded-For: ${before ? `${before}, ${client}` : client}`);
  lines.push(`X-Real-IP: ${client}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function unavailable(res: ServerResponse, message: string, status = 503): void {
  if (res.headersSent || res.destroyed) return;
  json(res, status, { ok: false, code: 'UNAVAILABLE', message });
}

function refuseUpgrade(socket: Socket, message: string, status = 503): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ ok: false, code: 'UNAVAILABLE', message });
  const reason = status === 503 ? 'Service Unavailable' : 'Bad Gateway';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
