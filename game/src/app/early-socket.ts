/**
 * The page's WebSocket to the server, opened by the small entry module as soon as the server's
 * settings say the connection starts on WebSocket: the upgrade and engine.io's open packet then
 * happen while the lobby's chunk compiles and React draws, not after: on a cold load over
 * loopback the socket was open ~65 ms sooner and the lobby interactive ~10 % sooner (BENCHMARKS.md,
 * "Lobby cold load: the WebSocket opened by the entry module"). socket.io-client takes the socket over later through adopting-transport.ts; the
 * socket carries nothing before that but engine.io's open packet, since the token goes in
 * socket.io's CONNECT packet, which only the client sends.
 *
 * What arrives before the hand-over is kept in order and replayed to the transport. A socket that
 * closed or failed before the hand-over is not handed over (the client opens its own), and one
 * opened for another address is closed.
 *
 * Nothing here may import socket.io, React or Redux: this module is in the entry chunk.
 */
import { COMPACT_WIRE, WIRE_QUERY_PARAM } from '../../../shared/protocol/wire-query.ts';

/** engine.io's protocol revision in the handshake query (engine.io-client's `protocol`). */
export const ENGINE_IO_PROTOCOL = 4;

/** What the transport takes over: the socket, whether it has opened, what it received so far. */
export interface HandedOver {
  ws: WebSocket;
  opened: boolean;
  messages: unknown[];
}

export interface EarlySocket {
  readonly url: string;
  /** The socket, if it was opened for `url` and has not closed or failed; once only. */
  take(url: string): HandedOver | null;
  /** Closes the socket if nobody took it (the sign-in it was for failed, or went elsewhere). */
  discard(): void;
}

/**
 * The address socket.io-client asks for when it opens on WebSocket: the engine's path with its
 * trailing slash, then the client's query (the compact wire) and engine.io's (protocol,
 * transport), in that order. adopting-transport.test.ts holds it to the engine's own.
 */
export function engineSocketUrl(origin: string, socketPath: string): string {
  const at = new URL(origin);
  const scheme = at.protocol === 'https:' ? 'wss' : 'ws';
  const path = `${socketPath.replace(/\/$/, '')}/`;
  return `${scheme}://${at.host}${path}?${WIRE_QUERY_PARAM}=${COMPACT_WIRE}&EIO=${ENGINE_IO_PROTOCOL}&transport=websocket`;
}

export function openEarlySocket(url: string, make: (url: string) => WebSocket = (u) => new WebSocket(u)): EarlySocket | null {
  let ws: WebSocket | null;
  try {
    ws = make(url);
  } catch {
    return null; // a URL the browser refuses: the client will say so itself
  }
  // What engine.io-client sets: binary frames arrive as ArrayBuffers, also those kept here.
  ws.binaryType = 'arraybuffer';
  const messages: unknown[] = [];
  let opened = false;
  let dead = false;
  const onOpen = () => (opened = true);
  const onMessage = (e: MessageEvent) => messages.push(e.data);
  const onEnd = () => (dead = true);
  ws.addEventListener('open', onOpen);
  ws.addEventListener('message', onMessage);
  ws.addEventListener('close', onEnd);
  ws.addEventListener('error', onEnd);
  const release = (socket: WebSocket) => {
    socket.removeEventListener('open', onOpen);
    socket.removeEventListener('message', onMessage);
    socket.removeEventListener('close', onEnd);
    socket.removeEventListener('error', onEnd);
  };
  return {
    url,
    take(asked) {
      if (!ws) return null;
      const socket = ws;
      ws = null;
      release(socket);
      if (dead || asked !== url) {
        if (!dead) socket.close();
        return null;
      }
      return { ws: socket, opened, messages };
    },
    discard() {
      if (!ws) return;
      release(ws);
      ws.close();
      ws = null;
    },
  };
}
