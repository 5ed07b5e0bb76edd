/**
 * The page's WebSocket to the server, opened by the small entry module as soon as the server's
 * settings say the connection starts on WebSocket: the upgrade and engine.io's open packet then
 * happen while the lobby's chunk compiles and React draws, not after: on a cold load over
 * loopback the socket was open ~65 ms sooner and the lobby interactive ~10 % sooner (BENCHMARKS.md,
 * "Lobby cold load: the WebSocket opened by the entry module"). socket.io-client takes the socket
 * over later through adopting-transport.ts.
 *
 * Once the guest token is known too, the entry module sends the lobby's CONNECT packet on it
 * (`sendOnceOpen(lobbyConnectFrame(token))`), so the server's answer (the CONNECT's and the
 * `session`) is waiting when the lobby's code runs, instead of one round trip after it, behind
 * React's first render (BENCHMARKS.md, "Lobby cold load: the lobby's CONNECT sent by the entry
 * module"). The frame is the very one socket.io-client writes for the same token; the transport
 * does not send it a second time.
 *
 * What arrives before the hand-over is kept in order and replayed to the transport. A socket that
 * closed or failed before the hand-over is not handed over (the client opens its own), and one
 * opened for another address is closed.
 *
 * Nothing here may import socket.io, React or Redux: this module is in the entry chunk.
 */
import { Namespaces } from '../../../shared/protocol/events.ts';
import { handshakeAuth } from '../../../shared/protocol/version.ts';
import { COMPACT_WIRE, WIRE_QUERY_PARAM } from '../../../shared/protocol/wire-query.ts';

/** engine.io's protocol revision in the handshake query (engine.io-client's `protocol`). */
export const ENGINE_IO_PROTOCOL = 4;

/** What the transport takes over: the socket, whether it has opened, what it received so far. */
export interface HandedOver {
  ws: WebSocket;
  opened: boolean;
  messages: unknown[];
  /** Text frames the entry module sent on it, in order: the transport does not send them again. */
  sent: string[];
}

export interface EarlySocket {
  readonly url: string;
  /**
   * Sends `frame` once engine.io's open packet has arrived (at once if it has), unless the socket
   * was taken or closed before: then the client sends its own. Resolves with whether it went out.
   */
  sendOnceOpen(frame: string): Promise<boolean>;
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

/**
 * The CONNECT packet of /lobby for `token`, as engine.io-client frames it for socket.io-client's
 * first connect: engine.io's message type (4), socket.io's CONNECT (0), the namespace, the auth.
 * adopting-transport.test.ts holds it to the frame the client itself writes.
 */
export function lobbyConnectFrame(token: string): string {
  return `40${Namespaces.lobby},${JSON.stringify(handshakeAuth(token))}`;
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
  const sent: string[] = [];
  /** Frames to send once engine.io's open packet has come (what engine.io-client waits for too). */
  let waiting: { frame: string; done: (sent: boolean) => void }[] = [];
  /** The socket will send nothing more of its own: frames still waiting are dropped. */
  const drop = () => {
    for (const w of waiting) w.done(false);
    waiting = [];
  };
  let handshaken = false;
  let opened = false;
  let dead = false;
  const onOpen = () => (opened = true);
  const onMessage = (e: MessageEvent) => {
    messages.push(e.data);
    if (handshaken || typeof e.data !== 'string' || !e.data.startsWith('0')) return;
    handshaken = true;
    for (const w of waiting) w.done(send(w.frame));
    waiting = [];
  };
  const send = (frame: string): boolean => {
    try {
      ws!.send(frame);
      sent.push(frame);
      return true;
    } catch {
      return false; // closing already: its close event follows, and the client opens its own socket
    }
  };
  const onEnd = () => {
    dead = true;
    drop();
  };
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
    sendOnceOpen(frame) {
      if (!ws || dead) return Promise.resolve(false);
      if (handshaken) return Promise.resolve(send(frame));
      return new Promise((done) => waiting.push({ frame, done }));
    },
    take(asked) {
      if (!ws) return null;
      const socket = ws;
      ws = null;
      release(socket);
      drop();
      if (dead || asked !== url) {
        if (!dead) socket.close();
        return null;
      }
      return { ws: socket, opened, messages, sent };
    },
    discard() {
      if (!ws) return;
      release(ws);
      drop();
      ws.close();
      ws = null;
    },
  };
}
