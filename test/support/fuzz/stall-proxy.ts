/**
 * A loopback TCP proxy that can stop reading from the server, the way a client that stops
 * reading looks to the server: what the server sends piles up in the kernel's buffers (the
 * server's send buffer and this proxy's receive buffer), then in the server itself. It counts
 * the bytes the server sent through it, so a test can see how much arrives in one burst when
 * reading resumes (everything that was buffered for this client, kernel and server together).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface StallProxy {
  url: string;
  /** Bytes read from the server so far, over every connection. */
  readonly bytesFromServer: number;
  /** Stop reading from the server (client to server still flows). */
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startStallProxy(targetPort: number): Promise<StallProxy> {
  const upstreams = new Set<Socket>();
  const all = new Set<Socket>();
  let stalled = false;
  let bytesFromServer = 0;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    upstreams.add(upstream);
    all.add(client).add(upstream);
    if (stalled) upstream.pause();
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      upstreams.delete(upstream);
      all.delete(client);
      all.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      bytesFromServer += chunk.length;
      // Our own write side backing up is the client's business; the stall is on our read side.
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get bytesFromServer() {
      return bytesFromServer;
    },
    stall() {
      stalled = true;
      for (const u of upstreams) u.pause();
    },
    resume() {
      stalled = false;
      for (const u of upstreams) u.resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of all) s.destroy();
        server.close(() => resolve());
      }),
  };
}
