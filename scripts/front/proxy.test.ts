/**
 * The front against small servers on loopback: what a client behind it would notice. Different
 * client addresses come from binding 127.0.0.x (all of 127/8 is loopback on Linux).
 *
 * The socket.io test is the one that fails without stickiness: a long-polling session is a
 * series of HTTP requests, and a request that lands on a node that did not open the session is
 * answered 400 "Session ID unknown".
 */
import { createServer, request, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as connectSocketIo, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startFront, type Front } from './proxy.ts';

interface Backend {
  name: string;
  url: string;
  port: number;
  ready: boolean;
  /** X-Forwarded-For of every request and upgrade it received. */
  forwardedFor: (string | undefined)[];
  kill(): Promise<void>;
  revive(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const address = (i: number): string => `127.0.0.${i}`;

/** A node stand-in: /readyz, GET /whoami (its name and the client address it saw), and an upgrade that echoes with its name. */
async function backend(name: string): Promise<Backend> {
  let server: HttpServer;
  const sockets = new Set<Socket>();
  const b: Backend = {
    name,
    url: '',
    port: 0,
    ready: true,
    forwardedFor: [],
    kill: async () => {
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      await closed;
    },
    revive: () => listen(b.port),
  };
  const listen = async (port: number): Promise<void> => {
    server = createServer((req, res) => {
      if (req.url === '/readyz') {
        res.writeHead(b.ready ? 200 : 503).end(JSON.stringify({ ready: b.ready, nodeId: name }));
        return;
      }
      b.forwardedFor.push(req.headers['x-forwarded-for'] as string | undefined);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name, forwardedFor: req.headers['x-forwarded-for'] }));
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      b.forwardedFor.push(req.headers['x-forwarded-for'] as string | undefined);
      sockets.add(socket);
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
      socket.on('data', (d: Buffer) => socket.write(`${name}:${d.toString()}`));
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    b.port = (server.address() as AddressInfo).port;
    b.url = `http://127.0.0.1:${b.port}`;
  };
  await listen(0);
  cleanups.push(() => (server.listening ? b.kill() : undefined));
  return b;
}

async function front(nodes: Backend[]): Promise<Front> {
  const f = await startFront({ nodes: nodes.map((n) => n.url), port: 0, healthIntervalMs: 100 });
  cleanups.push(() => f.close());
  return f;
}

function get(f: Front, path: string, from = address(1)): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: f.port, path, localAddress: from, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end();
  });
}

const whoami = async (f: Front, from: string): Promise<string> => {
  const r = await get(f, '/whoami', from);
  expect(r.status).toBe(200);
  return r.body.name as string;
};

interface Tunnel {
  say(text: string): Promise<string>;
  close(): void;
}

function upgrade(f: Front, path = '/socket', from = address(1)): Promise<Tunnel> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: f.port, path, localAddress: from, agent: false, headers: { connection: 'Upgrade', upgrade: 'echo' } });
    req.on('upgrade', (_res, socket: Socket) => {
      cleanups.push(() => void socket.destroy());
      resolve({
        say: (text) =>
          new Promise((r) => {
            socket.once('data', (d: Buffer) => r(d.toString()));
            socket.write(text);
          }),
        close: () => socket.destroy(),
      });
    });
    req.on('response', (res) => reject(Object.assign(new Error(`not upgraded: ${res.statusCode}`), { status: res.statusCode })));
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('front: plain HTTP', () => {
  it('sends every request of one client address to one node, spreads addresses, and passes X-Forwarded-For', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map(backend));
    const f = await front(nodes);
    const seen = new Set<string>();
    for (let i = 2; i < 18; i++) {
      const names = new Set<string>();
      for (let k = 0; k < 3; k++) {
        const r = await get(f, '/whoami', address(i));
        names.add(r.body.name as string);
        expect(r.body.forwardedFor).toBe(address(i));
      }
      expect(names.size, `requests from ${address(i)}`).toBe(1);
      seen.add([...names][0]!);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('answers GET /front/status with every node and its state', async () => {
    const nodes = await Promise.all(['a', 'b'].map(backend));
    nodes[1]!.ready = false;
    const f = await front(nodes);
    const r = await get(f, '/front/status');
    expect(r.status).toBe(200);
    expect(r.body.nodes).toMatchObject([
      { url: nodes[0]!.url, state: 'ready', ready: true },
      { url: nodes[1]!.url, state: 'not-ready', ready: false, lastError: 'GET /readyz answered 503' },
    ]);
  });

  it('answers 503 when no node is ready', async () => {
    const n = await backend('a');
    n.ready = false;
    const f = await front([n]);
    const r = await get(f, '/whoami');
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    await expect(upgrade(f)).rejects.toMatchObject({ status: 503 });
  });
});

describe('front: WebSocket upgrades', () => {
  it('pipes an upgraded connection both ways, with X-Forwarded-For', async () => {
    const nodes = await Promise.all(['a'].map(backend));
    const f = await front(nodes);
    const t = await upgrade(f, '/socket', address(9));
    expect(await t.say('hello')).toBe('a:hello');
    expect(await t.say('again')).toBe('a:again');
    expect(nodes[0]!.forwardedFor).toEqual([address(9)]);
    expect(f.status().nodes[0]).toMatchObject({ websocketsOpen: 1, websocketsTotal: 1 });
    t.close();
    await until(() => f.status().nodes[0]!.websocketsOpen === 0, 'the tunnel to close');
  });

  it('spreads new sessions from one address over the nodes (a load test on loopback uses them all)', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map(backend));
    const f = await front(nodes);
    const replies = await Promise.all([1, 2, 3].map(async () => (await upgrade(f)).say('x')));
    expect(new Set(replies)).toEqual(new Set(['a:x', 'b:x', 'c:x']));
  });

  it('sends the upgrade of a long-polling session (sid=…) to the node its polling requests reach', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map(backend));
    const f = await front(nodes);
    for (let i = 2; i < 8; i++) {
      const polling = await whoami(f, address(i));
      for (let k = 0; k < 3; k++) {
        const t = await upgrade(f, '/socket.io/?EIO=4&transport=websocket&sid=abc', address(i));
        expect(await t.say('x')).toBe(`${polling}:x`);
        t.close();
      }
    }
  });
});

describe('front: route hints (?node=)', () => {
  const ws = (hint: string): string => `/socket.io/?EIO=4&transport=websocket&node=${hint}`;
  const polling = (hint: string): string => `/socket.io/?EIO=4&transport=polling&node=${hint}`;

  it('sends a new session to the node its hint names, WebSocket or polling handshake', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map(backend));
    const f = await front(nodes);
    // Without the hint, four WebSockets would spread over the three nodes.
    const replies = await Promise.all([1, 2, 3, 4].map(async () => (await upgrade(f, ws('b'))).say('x')));
    expect(replies).toEqual(['b:x', 'b:x', 'b:x', 'b:x']);
    for (let i = 2; i < 6; i++) expect((await get(f, polling('c'), address(i))).body.name).toBe('c');
    expect(f.status().nodes.map((n) => [n.nodeId, n.hinted])).toEqual([['a', 0], ['b', 4], ['c', 4]]);
  });

  it('routes as if there were no hint when it names no ready node: unknown, draining, dead, or not a node id', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map(backend));
    const f = await front(nodes);
    nodes[1]!.ready = false;
    await until(() => !f.status().nodes[1]!.ready, 'the front to see b not ready');
    await nodes[2]!.kill();
    const stale = ['b', 'c', 'gone-node', ''];
    const forged = ['..%2F..%2Fetc', '%00', 'a'.repeat(65), 'a%20b', '%E2%98%83', 'a&node=b'];
    for (const hint of [...stale, ...forged]) {
      // Only a is left: every one lands there, none fails (c's refused connection is retried on a).
      expect(await (await upgrade(f, ws(hint))).say('x'), `WebSocket, hint ${hint}`).toBe('a:x');
      expect((await get(f, polling(hint))).body.name, `polling, hint ${hint}`).toBe('a');
    }
    // The repeated parameter: the first one counts, and it is a.
    expect(await (await upgrade(f, `${ws('a')}&node=b`)).say('y')).toBe('a:y');
  });
});

describe('front: failover', () => {
  it('moves a dead node’s clients to the others at once, and sends them back when it is ready again', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map(backend));
    const f = await front(nodes);
    const client = address(7);
    const first = await whoami(f, client);
    const dead = nodes.find((n) => n.name === first)!;
    await dead.kill();

    // The next request already gets an answer: the refused connection is retried on another node.
    const next = await whoami(f, client);
    expect(next).not.toBe(first);
    expect(f.status().nodes.find((n) => n.url === dead.url)).toMatchObject({ state: 'down', ready: false });
    for (let k = 0; k < 5; k++) expect(await whoami(f, client)).toBe(next);
    const tunnels = await Promise.all([1, 2, 3, 4].map(async () => (await upgrade(f)).say('x')));
    expect(tunnels.filter((r) => r.startsWith(`${first}:`))).toEqual([]);

    await dead.revive();
    await until(() => f.status().nodes.find((n) => n.url === dead.url)!.ready, 'the node to be ready again');
    expect(await whoami(f, client)).toBe(first);
  });

  it('stops sending new traffic to a node that is not ready (draining), and keeps its open WebSockets', async () => {
    const nodes = await Promise.all(['a', 'b'].map(backend));
    const f = await front(nodes);
    const open = [await upgrade(f), await upgrade(f)];
    const onB = (await Promise.all(open.map((t) => t.say('x')))).indexOf('b:x');
    nodes[1]!.ready = false;
    await until(() => !f.status().nodes[1]!.ready, 'the front to see b not ready');
    for (let i = 2; i < 12; i++) expect(await whoami(f, address(i))).toBe('a');
    expect(await (await upgrade(f)).say('y')).toBe('a:y');
    expect(await open[onB]!.say('still')).toBe('b:still');
  });
});

describe('front: socket.io through it', () => {
  async function socketIoNode(name: string, health = { ready: true }): Promise<string> {
    const http = createServer((req, res) => {
      if (req.url === '/readyz') res.writeHead(health.ready ? 200 : 503).end();
    });
    const io = new SocketIoServer(http);
    io.on('connection', (s) => {
      s.emit('hello', name);
      s.on('echo', (x: number, ack: (reply: { name: string; x: number }) => void) => ack({ name, x }));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => void io.close(() => r())));
    return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  }

  async function client(f: Front, transports: ('polling' | 'websocket')[]): Promise<{ socket: ClientSocket; node: string }> {
    const socket = connectSocketIo(f.url, { transports, forceNew: true, reconnection: false });
    cleanups.push(() => void socket.close());
    const node = await new Promise<string>((resolve, reject) => {
      socket.once('hello', resolve);
      socket.once('connect_error', reject);
    });
    return { socket, node };
  }

  it('keeps a long-polling session, and its upgrade to WebSocket, on one node; spreads WebSocket-only clients', async () => {
    const urls = await Promise.all(['a', 'b', 'c'].map((n) => socketIoNode(n)));
    const f = await startFront({ nodes: urls, port: 0, healthIntervalMs: 100 });
    cleanups.push(() => f.close());

    const polling = await client(f, ['polling']);
    for (let x = 0; x < 10; x++) expect(await polling.socket.emitWithAck('echo', x)).toEqual({ name: polling.node, x });

    const upgrading = await client(f, ['polling', 'websocket']);
    await until(() => upgrading.socket.io.engine.transport.name === 'websocket', 'the upgrade to WebSocket');
    expect(await upgrading.socket.emitWithAck('echo', 1)).toEqual({ name: upgrading.node, x: 1 });

    const ws = await Promise.all([1, 2, 3].map(() => client(f, ['websocket'])));
    expect(new Set(ws.map((c) => c.node)).size).toBe(3);
  });

  it('routes polling sessions by sid: new ones from one address spread, each stays on its node, even while it drains', async () => {
    const health = [{ ready: true }, { ready: true }, { ready: true }];
    const urls = await Promise.all(['a', 'b', 'c'].map((n, i) => socketIoNode(n, health[i])));
    const f = await startFront({ nodes: urls, port: 0, healthIntervalMs: 100 });
    cleanups.push(() => f.close());
    // Sticky by address alone would put all six on one node.
    const clients = await Promise.all([1, 2, 3, 4, 5, 6].map(() => client(f, ['polling'])));
    expect(new Set(clients.map((c) => c.node)).size).toBe(3);
    expect(f.status().nodes.map((n) => n.pollingSessions)).toEqual([2, 2, 2]);
    for (const c of clients) expect(await c.socket.emitWithAck('echo', 1)).toEqual({ name: c.node, x: 1 });
    // A draining node takes no new sessions, and keeps serving the ones it holds.
    health[0]!.ready = false;
    await until(() => !f.status().nodes[0]!.ready, 'the front to see a draining');
    for (const c of clients) expect(await c.socket.emitWithAck('echo', 2)).toEqual({ name: c.node, x: 2 });
    const later = await Promise.all([1, 2, 3, 4].map(() => client(f, ['polling'])));
    expect(later.map((c) => c.node).filter((n) => n === 'a')).toEqual([]);
  });
});
