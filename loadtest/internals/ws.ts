/**
 * Every member of the `ws` client the load generator reaches outside its documented API, in one
 * place (ws 8, lib/websocket.js and lib/receiver.js):
 * - `_socket`: the TCP socket under the WebSocket (exact bytes in and out, and the light bots'
 *   tap, ws-socket-tap.ts);
 * - `_extensions`: the negotiated extensions (a tap needs none: with permessage-deflate the
 *   Sender queues frames while it compresses, and a direct write could overtake them);
 * - `_receiver._state`, `_bufferedBytes`, `_fragmented`: the Receiver sits at a frame boundary,
 *   holding nothing, outside a fragmented message, so a tap may start reading there;
 * - the socket's one 'data' listener, `socketOnData`, which writes each chunk to the Receiver.
 *
 * `probeWsClient` checks them once when the bots start, on a WebSocket wired by `ws`'s own
 * `setSocket` over a stream standing in for the TCP socket. If an upgrade moved one, it names it
 * and the bots take the public path: snapshots from ws's 'message' event, inputs through `ws.send`.
 */
import type { Socket as NetSocket } from 'node:net';
import { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** null when the members above are where this module expects them, else what is missing. */
export type ShapeProblem = string | null;

interface WsFields {
  _socket?: NetSocket | null;
  _extensions?: Record<string, unknown>;
  _receiver?: { _state?: number; _bufferedBytes?: number; _fragmented?: number } | null;
}

type DataListener = (chunk: Buffer) => void;

/** receiver.js GET_INFO: waiting for the first byte of a frame. */
const RECEIVER_AT_FRAME_START = 0;

/** The name ws 8 gives the 'data' listener it puts on its TCP socket. */
const WS_DATA_LISTENER = 'socketOnData';

/** The TCP socket under a `ws` WebSocket, or null. */
export function tcpSocketOf(ws: unknown): NetSocket | null {
  return (ws as WsFields | null)?._socket ?? null;
}

/** True when ws's Receiver waits for the first byte of a frame, holding nothing. */
export function receiverAtFrameStart(ws: unknown): boolean {
  const receiver = (ws as WsFields)._receiver;
  return !!receiver && receiver._state === RECEIVER_AT_FRAME_START && receiver._bufferedBytes === 0 && receiver._fragmented === 0;
}

/**
 * The TCP socket and ws's own 'data' listener on it, when a reader may take the stream's place
 * from here on: no extension, one 'data' listener (ws's), and the Receiver at a frame boundary
 * holding nothing (call it outside the Receiver's parse loop). Otherwise null.
 */
export function tappableStream(ws: unknown): { socket: NetSocket; wsOnData: DataListener } | null {
  const fields = ws as WsFields;
  const socket = fields._socket;
  if (!socket || !fields._extensions || Object.keys(fields._extensions).length > 0) return null;
  const listeners = socket.listeners('data') as DataListener[];
  const wsOnData = listeners[0];
  if (listeners.length !== 1 || wsOnData?.name !== WS_DATA_LISTENER) return null;
  if (!receiverAtFrameStart(ws)) return null;
  return { socket, wsOnData };
}

/** The constructor the probe builds its WebSocket with (the real one, or a stand-in in tests). */
export type WsClass = new (address: null, protocols: undefined, options: object) => unknown;

export function probeWsClient(Ws: WsClass = WebSocket as unknown as WsClass): ShapeProblem {
  const tcp = new Duplex({
    read() {},
    write(_chunk, _encoding, done) {
      done();
    },
  });
  try {
    const ws = new Ws(null, undefined, {}) as WsFields & { setSocket?: (s: Duplex, head: Buffer, o: object) => void };
    if (typeof ws.setSocket !== 'function') return 'ws: WebSocket#setSocket is gone (the probe cannot wire a socket)';
    ws.setSocket(tcp, Buffer.alloc(0), { maxPayload: 1024, skipUTF8Validation: false, allowSynchronousEvents: true });
    if (tcpSocketOf(ws) !== (tcp as unknown)) return 'ws: WebSocket#_socket no longer holds the TCP socket';
    if (!ws._extensions || typeof ws._extensions !== 'object') return 'ws: WebSocket#_extensions is gone';
    const receiver = ws._receiver;
    if (!receiver) return 'ws: WebSocket#_receiver is gone';
    for (const field of ['_state', '_bufferedBytes', '_fragmented'] as const) {
      if (receiver[field] !== 0) return `ws: Receiver#${field} is gone or no longer starts at 0`;
    }
    const listeners = tcp.listeners('data');
    if (listeners.length !== 1 || listeners[0]?.name !== WS_DATA_LISTENER) return `ws: the TCP socket's 'data' listener is no longer ws's one ${WS_DATA_LISTENER}`;
    return null;
  } catch (err) {
    return `ws: the probe WebSocket could not be built (${(err as Error).message})`;
  } finally {
    tcp.destroy();
  }
}
