/**
 * A loopback TCP proxy that counts every byte each way and remembers the first line of each
 * connection's first request (`GET /socket.io/?EIO=4&transport=polling…`): what a player's
 * connection costs on the wire, HTTP headers and WebSocket framing included, and which
 * transports it opened, in order. One proxy per player measured.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { linkUpstream } from './tcp-proxy.ts';

export interface MeteredProxy {
  url: string;
  /** Bytes from the client to the server, and back. */
  readonly up: number;
  readonly down: number;
  /** TCP connections opened through the proxy. */
  readonly connections: number;
  /** HTTP requests seen (a chunk from the client that starts a GET or POST; upgraded bytes never do in practice). */
  readonly requests: number;
  /** The first request line of each connection, in the order they were opened. */
  readonly requestLines: string[];
  close(): Promise<void>;
}

export async function startMeteredProxy(targetPort: number): Promise<MeteredProxy> {
  const live = new Set<Socket>();
  const requestLines: string[] = [];
  let up = 0;
  let down = 0;
  let connections = 0;
  let requests = 0;
  const server: Server = createServer((client) => {
    connections += 1;
    const index = requestLines.push('') - 1;
    let head = '';
    const upstream = linkUpstream(client, targetPort, live);
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    let upgraded = false;
    client.on('data', (chunk: Buffer) => {
      up += chunk.length;
      if (!upgraded && (chunk.subarray(0, 5).toString('latin1') === 'POST ' || chunk.subarray(0, 4).toString('latin1') === 'GET ')) {
        requests += 1;
        if (/\r\nupgrade: websocket\r\n/i.test(chunk.toString('latin1', 0, 2048))) upgraded = true;
      }
      if (head.length < 512 && !head.includes('\r\n')) {
        head += chunk.subarray(0, 512).toString('latin1');
        requestLines[index] = head.split('\r\n')[0]!;
      }
    });
    upstream.on('data', (chunk: Buffer) => (down += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get up() {
      return up;
    },
    get down() {
      return down;
    },
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    requestLines,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of live) s.destroy();
        server.close(() => resolve());
      }),
  };
}
