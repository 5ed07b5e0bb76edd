/**
 * A loopback TCP proxy in front of the game server, so a test can drop one page's connection the
 * way a network does (every socket through it cut at once), keep it down for a while (new
 * connections are closed as they arrive, so socket.io's attempts fail and count up), and let it
 * through again. HTTP and WebSocket both pass untouched.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  url: string;
  /** Cuts every connection and refuses new ones until `restore()`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/**
 * Opens the proxied connection to the server for `client`, keeps both in `live` (for closing
 * everything at once), and closes each when the other closes or fails. The caller moves the bytes.
 */
export function linkUpstream(client: Socket, targetPort: number, live: Set<Socket>): Socket {
  const upstream = connect(targetPort, '127.0.0.1');
  live.add(client).add(upstream);
  const drop = (): void => {
    client.destroy();
    upstream.destroy();
    live.delete(client);
    live.delete(upstream);
  };
  client.on('error', drop).on('close', drop);
  upstream.on('error', drop).on('close', drop);
  return upstream;
}

export async function startProxy(targetPort: number): Promise<TcpProxy> {
  const live = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = linkUpstream(client, targetPort, live);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      down = true;
      for (const s of live) s.destroy();
      live.clear();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of live) s.destroy();
        server.close(() => resolve());
      }),
  };
}
