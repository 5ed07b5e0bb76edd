/**
 * Every member of `ws` the server reaches outside its documented API, in one place.
 *
 * - `websocket._sender.sendFrame(list)`: writes ready-made frame bytes to the TCP socket, as
 *   engine.io itself does for pre-encoded broadcast frames (its transports/websocket.js). The
 *   direct snapshot write (room-transport.ts) hands every idle member the same frame this way.
 *
 * - `websocket._socket` (the TCP socket), its one `'data'` listener (ws's `socketOnData`), and
 *   `websocket._receiver` with its parser state (`_state`, `_bufferedBytes`, `_fragmented`,
 *   `_opcode`, `_errored`): the frame reader (`readFramesInFront`) sits in the socket's `'data'`
 *   listener and takes whole input frames off each chunk while the receiver holds no partial
 *   frame, handing it everything else. An input otherwise costs Node's Writable path into the
 *   receiver, its state machine, two `'message'` emits and a megamorphic symbol load on the
 *   socket: ~12 % of the server's CPU at 1,000 players (BENCHMARKS.md, "Server CPU per
 *   player-second").
 *
 * `probeWs` and `probeFrameReader` check those members once at start-up on a WebSocket built the
 * way `ws`'s server builds one (`setSocket` over a stream standing in for the TCP socket), by
 * writing one frame through it and reading two. If an upgrade moved one, the probe names what is
 * missing and the server takes the public path: every snapshot through socket.io
 * (`socket.emit`); every input through ws's receiver and its `'message'` event.
 */
import { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { HandleWriter } from './node-net.ts';

/** The public `ws` members the direct paths use. */
export interface ServerWebSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  listeners(event: 'message'): ((data: unknown, isBinary: boolean) => void)[];
  removeListener(event: 'message', fn: (data: unknown, isBinary: boolean) => void): unknown;
  on(event: 'message', fn: (data: unknown, isBinary: boolean) => void): unknown;
}

interface WithSender {
  _sender?: { sendFrame?: (list: Buffer[], cb?: () => void) => void } | null;
}

/** The TCP side of a server WebSocket, as the frame reader uses it (a net.Socket). */
interface TcpSide {
  rawListeners(event: 'data'): Function[];
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  removeListener(event: 'data', fn: Function): unknown;
}

/** ws's Receiver members the frame reader reads to know it holds no partial frame. */
interface ReceiverState {
  _state: number;
  _bufferedBytes: number;
  _fragmented: number;
  _opcode: number;
  _errored: boolean;
  readonly writableLength: number;
}

interface WithInside {
  _socket?: TcpSide | null;
  _receiver?: ReceiverState | null;
}

/** ws's Receiver state between frames (`GET_INFO`). */
const GET_INFO = 0;
const CLOSE_OPCODE = 0x08;
/** FIN + binary: a whole binary message in one frame. */
const FIN_BINARY = 0x82;
const MASKED = 0x80;
/** Payload lengths below this fit the 7-bit field; the reader takes nothing longer. */
const SHORT_PAYLOAD = 126;

/** Who the frame reader hands frames to. */
export interface FrameTaker {
  /** The first three payload bytes of every frame to take (the socket.io packet's header). */
  readonly prefix: Uint8Array;
  /** False when a matching frame must go the ordinary way now (through the receiver). */
  ready(): boolean;
  /**
   * A taken frame: `chunk[start, end)` is its whole unmasked payload, prefix included. The bytes
   * are valid during the call (they are the read chunk's, as ws's own messages are).
   */
  take(chunk: Buffer, start: number, end: number): void;
}

function receiverIdle(r: ReceiverState): boolean {
  return r._state === GET_INFO && r._bufferedBytes === 0 && r._fragmented === 0 && !r._errored && r._opcode !== CLOSE_OPCODE && r.writableLength === 0;
}

/**
 * Puts a frame reader in front of `ws`'s receiver: while the receiver holds no partial frame,
 * each chunk's leading whole frames that are final, masked, binary, shorter than 126 bytes and
 * start with `taker.prefix` go to `taker.take`, in order; the first frame that is anything else,
 * and everything after it in the chunk, goes to the receiver as before. So frames reach whoever
 * reads them in the order they came, and the receiver still judges every frame it sees (a bad
 * one closes the connection as before).
 *
 * ws removes its `'data'` listener by name when the socket closes or a close frame arrives; the
 * reader carries that name (`listener`, as `once` wrappers do), so it goes with it.
 * Returns the function that puts ws's listener back, or null when this socket is not shaped as
 * the probe found (then nothing changed).
 */
export function readFramesInFront(ws: ServerWebSocket, taker: FrameTaker): (() => void) | null {
  const inside = ws as unknown as WithInside;
  const tcp = inside._socket;
  const receiver = inside._receiver;
  if (!tcp || !receiver || typeof receiver._state !== 'number' || typeof receiver._bufferedBytes !== 'number') return null;
  const listeners = tcp.rawListeners('data');
  if (listeners.length !== 1) return null;
  const wsListener = listeners[0] as (this: unknown, chunk: Buffer) => void;
  const [p0, p1, p2] = taker.prefix as unknown as [number, number, number];
  const minLength = taker.prefix.length + 1;

  const reader = function (this: unknown, chunk: Buffer): void {
    let at = 0;
    if (receiverIdle(receiver)) {
      const n = chunk.length;
      while (n - at > 6) {
        const b1 = chunk[at + 1]!;
        if (chunk[at] !== FIN_BINARY || (b1 & MASKED) === 0) break;
        const length = b1 & 0x7f;
        const key = at + 2;
        const start = key + 4;
        const end = start + length;
        if (length >= SHORT_PAYLOAD || length < minLength || end > n) break;
        if ((chunk[start]! ^ chunk[key]!) !== p0 || (chunk[start + 1]! ^ chunk[key + 1]!) !== p1 || (chunk[start + 2]! ^ chunk[key + 2]!) !== p2) break;
        if (!taker.ready()) break;
        // Unmasked in place, as ws's receiver does: the chunk is this read's own buffer.
        for (let i = 0; i < length; i++) chunk[start + i]! ^= chunk[key + (i & 3)]!;
        at = end;
        taker.take(chunk, start, end);
      }
      if (at === n) return;
    }
    wsListener.call(this, at === 0 ? chunk : chunk.subarray(at));
  };
  (reader as typeof reader & { listener: Function }).listener = wsListener;
  tcp.removeListener('data', wsListener);
  tcp.on('data', reader);
  return () => {
    if (!tcp.rawListeners('data').includes(reader)) return;
    tcp.removeListener('data', reader);
    tcp.on('data', wsListener);
  };
}

/** null when the members above are where this module expects them, else what is missing. */
export type ShapeProblem = string | null;

/** The constructor the probe builds its WebSocket with (the real one, or a stand-in in tests). */
export type WsClass = new (address: null, protocols: undefined, options: object) => unknown;

/** True when `ws` has a sender taking whole frames: its frames can be written directly. */
export function writesFrames(ws: ServerWebSocket): boolean {
  return typeof (ws as WithSender)._sender?.sendFrame === 'function';
}

/** The TCP socket under `ws` (a net.Socket), for node-net.ts; undefined once ws let it go. */
export function tcpSocketOf(ws: ServerWebSocket): unknown {
  return (ws as WithInside)._socket ?? undefined;
}

/**
 * Writes `list` (one complete frame) on `ws`'s TCP socket, after whatever ws has written: a frame
 * in one buffer straight on the socket's handle when `handles` can (node-net.ts), else through
 * ws's sender. Only when `writesFrames(ws)`.
 */
export function writeFrame(ws: ServerWebSocket, list: Buffer[], handles: HandleWriter | null = null): void {
  if (handles !== null && list.length === 1 && handles.write((ws as WithInside)._socket, list[0]!)) return;
  (ws as WithSender)._sender!.sendFrame!(list);
}

/**
 * Builds a server-side WebSocket over a stand-in TCP stream, puts the frame reader in front of
 * it and feeds it one chunk holding a frame to take then a frame for ws: the first must reach
 * the taker unmasked, the second ws's `'message'`, and ws's own removal of its listener must
 * take the reader with it.
 */
export function probeFrameReader(Ws: WsClass = WebSocket as unknown as WsClass): ShapeProblem {
  const tcp = new Duplex({ read() {}, write(_chunk, _encoding, done) { done(); } });
  try {
    const ws = new Ws(null, undefined, {}) as ServerWebSocket & { setSocket?: (s: Duplex, head: Buffer, o: object) => void };
    if (typeof ws.setSocket !== 'function') return 'ws: WebSocket#setSocket is gone (the probe cannot build a server-side socket)';
    ws.setSocket(tcp, Buffer.alloc(0), { maxPayload: 1024, skipUTF8Validation: false, allowSynchronousEvents: true });
    const prefix = Uint8Array.of(2, 1, 0);
    const taken: number[][] = [];
    const restore = readFramesInFront(ws, { prefix, ready: () => true, take: (chunk, start, end) => taken.push([...chunk.subarray(start, end)]) });
    if (!restore) return 'ws: WebSocket#_socket or #_receiver is gone, or its socket has other data listeners (inputs go through ws\'s receiver)';
    const messages: number[][] = [];
    ws.on('message', (data) => messages.push([...(data as Buffer)]));
    const mask = [0x11, 0x22, 0x33, 0x44];
    const masked = (payload: number[]): number[] => [FIN_BINARY, MASKED | payload.length, ...mask, ...payload.map((b, i) => b ^ mask[i & 3]!)];
    tcp.emit('data', Buffer.from([...masked([2, 1, 0, 7]), ...masked([2, 1, 1, 9])]));
    if (taken.length !== 1 || taken[0]!.join() !== '2,1,0,7') return 'ws: the frame reader no longer sees whole frames the way the probe wrote them (inputs go through ws\'s receiver)';
    if (messages.length !== 1 || messages[0]!.join() !== '2,1,1,9') return 'ws: the receiver no longer reads what the frame reader hands it (inputs go through ws\'s receiver)';
    const wsListener = (reader: Function) => (reader as Function & { listener?: Function }).listener ?? reader;
    const current = (tcp as unknown as TcpSide).rawListeners('data');
    (tcp as unknown as TcpSide).removeListener('data', wsListener(current[0]!));
    if ((tcp as unknown as TcpSide).rawListeners('data').length !== 0) return 'ws: removing ws\'s data listener no longer removes the frame reader (inputs go through ws\'s receiver)';
    return null;
  } catch (err) {
    return `ws: the probe WebSocket could not be built (${(err as Error).message})`;
  } finally {
    tcp.destroy();
  }
}

export function probeWs(Ws: WsClass = WebSocket as unknown as WsClass): ShapeProblem {
  const written: Buffer[] = [];
  const tcp = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk);
      done();
    },
  });
  try {
    const ws = new Ws(null, undefined, {}) as ServerWebSocket & WithSender & { setSocket?: (s: Duplex, head: Buffer, o: object) => void };
    if (typeof ws.setSocket !== 'function') return 'ws: WebSocket#setSocket is gone (the probe cannot build a server-side socket)';
    ws.setSocket(tcp, Buffer.alloc(0), { maxPayload: 1024, skipUTF8Validation: false, allowSynchronousEvents: true });
    if (!writesFrames(ws)) return 'ws: WebSocket#_sender.sendFrame is gone (direct snapshot writes need it)';
    const frame = Buffer.from([0x82, 0x01, 0x2a]);
    writeFrame(ws, [frame]);
    if (!Buffer.concat(written).equals(frame)) return 'ws: WebSocket#_sender.sendFrame no longer writes the frame as given';
    return null;
  } catch (err) {
    return `ws: the probe WebSocket could not be built (${(err as Error).message})`;
  } finally {
    tcp.destroy();
  }
}
