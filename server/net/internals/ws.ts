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
 *   player-second"). With the server's shared read buffer (node-net-read.ts) the reader also takes
 *   those frames straight out of each read, before any Buffer or stream push exists for it.
 *
 * `probeWs` and `probeFrameReader` check those members once at start-up on a WebSocket built the
 * way `ws`'s server builds one (`setSocket` over a stream standing in for the TCP socket), by
 * writing one frame through it and reading two. If an upgrade moved one, the probe names what is
 * missing and the server takes the public path: every snapshot through socket.io
 * (`socket.emit`); every input through ws's receiver and its `'message'` event.
 */
import { Duplex } from 'node:stream';
import type { Socket as NetSocket } from 'node:net';
import { WebSocket } from 'ws';
import type { HandleWriter } from './node-net-write.ts';
import { readIntoBuffer } from './node-net-read.ts';

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
  readonly readableLength: number;
  rawListeners(event: 'data'): Function[];
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  removeListener(event: 'data', fn: Function): unknown;
  push(chunk: Buffer): boolean;
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
/** FIN + text: a whole text message in one frame. */
const FIN_TEXT = 0x81;
const WS_OPEN = 1;
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
   * are valid during the call only (they may be the process's shared read buffer).
   */
  take(chunk: Buffer, start: number, end: number): void;
  /**
   * A whole short text frame, its payload unmasked into `data[0, length)` (a scratch copy, valid
   * during the call): true when it was handled here, false to leave it (and everything after it
   * in its chunk) to the receiver. Without it every text frame goes to the receiver.
   */
  text?(data: Buffer, length: number): boolean;
}

/** A socket in `onread` mode and who reads in front of ws now (null: nobody, every read goes to the stream). */
interface SharedReadSlot {
  front: ((buf: Buffer, n: number) => number) | null;
}

const SHARED_READ = Symbol('sharedRead');

/**
 * The process's shared read buffer (node-net-read.ts), when Node's `onread` fields were found at
 * start-up: a socket whose reads the frame reader takes goes into that mode.
 */
export interface SharedReads {
  readonly buffer: Buffer;
  /** A socket that could not be switched for a reason of shape (told once per process by the owner). */
  refused(why: string): void;
}

function receiverIdle(r: ReceiverState): boolean {
  return r._state === GET_INFO && r._bufferedBytes === 0 && r._fragmented === 0 && !r._errored && r._opcode !== CLOSE_OPCODE && r.writableLength === 0;
}

/**
 * Puts a frame reader in front of `ws`'s receiver: while the receiver holds no partial frame,
 * each chunk's leading whole frames that are final, masked, binary, shorter than 126 bytes and
 * start with `taker.prefix` go to `taker.take`, in order, as do short text frames `taker.text`
 * accepts; the first frame that is anything else, and everything after it in the chunk, goes to
 * the receiver as before. So frames reach whoever reads them in the order they came, and the
 * receiver still judges every frame it sees (a bad one closes the connection as before).
 *
 * With `reads`, the TCP socket is also switched to read into the shared buffer (node-net-read.ts):
 * the same frames are taken from there, and whatever is left of a read is copied and pushed into
 * the socket's stream, where it reaches the reader's `'data'` listener (and ws) as before. A
 * socket that cannot be switched reads through `'data'` only.
 *
 * ws removes its `'data'` listener by name when the socket closes or a close frame arrives; the
 * reader carries that name (`listener`, as `once` wrappers do), so it goes with it; from the
 * shared buffer it takes nothing once ws is no longer open.
 * Returns the function that puts ws's listener back, or null when this socket is not shaped as
 * the probe found (then nothing changed).
 */
export function readFramesInFront(ws: ServerWebSocket, taker: FrameTaker, reads: SharedReads | null = null): (() => void) | null {
  const inside = ws as unknown as WithInside;
  const tcp = inside._socket;
  const receiver = inside._receiver;
  if (!tcp || !receiver || typeof receiver._state !== 'number' || typeof receiver._bufferedBytes !== 'number') return null;
  const listeners = tcp.rawListeners('data');
  if (listeners.length !== 1) return null;
  const wsListener = listeners[0] as (this: unknown, chunk: Buffer) => void;
  const [p0, p1, p2] = taker.prefix as unknown as [number, number, number];
  const minLength = taker.prefix.length + 1;
  const text = taker.text?.bind(taker) ?? null;
  let scratch: Buffer | null = null;

  /** Takes the leading frames of `chunk[0, n)`; returns where the first frame it left starts. */
  const takeFrames = (chunk: Buffer, n: number): number => {
    let at = 0;
    while (n - at > 6) {
      const b0 = chunk[at]!;
      const b1 = chunk[at + 1]!;
      if ((b1 & MASKED) === 0) break;
      const length = b1 & 0x7f;
      const key = at + 2;
      const start = key + 4;
      const end = start + length;
      if (length >= SHORT_PAYLOAD || end > n) break;
      if (b0 === FIN_BINARY) {
        if (length < minLength) break;
        if ((chunk[start]! ^ chunk[key]!) !== p0 || (chunk[start + 1]! ^ chunk[key + 1]!) !== p1 || (chunk[start + 2]! ^ chunk[key + 2]!) !== p2) break;
        if (!taker.ready()) break;
        // Unmasked in place, as ws's receiver does: the chunk is this read's own buffer.
        for (let i = 0; i < length; i++) chunk[start + i]! ^= chunk[key + (i & 3)]!;
        at = end;
        taker.take(chunk, start, end);
      } else if (b0 === FIN_TEXT && text !== null) {
        // Unmasked into a copy: a frame the taker leaves must reach the receiver as it came.
        scratch ??= Buffer.allocUnsafe(SHORT_PAYLOAD);
        for (let i = 0; i < length; i++) scratch[i] = chunk[start + i]! ^ chunk[key + (i & 3)]!;
        if (!text(scratch, length)) break;
        at = end;
      } else break;
    }
    return at;
  };

  const reader = function (this: unknown, chunk: Buffer): void {
    let at = 0;
    if (receiverIdle(receiver)) {
      at = takeFrames(chunk, chunk.length);
      if (at === chunk.length) return;
    }
    wsListener.call(this, at === 0 ? chunk : chunk.subarray(at));
  };
  (reader as typeof reader & { listener: Function }).listener = wsListener;
  tcp.removeListener('data', wsListener);
  tcp.on('data', reader);

  const front = (buf: Buffer, n: number): number =>
    ws.readyState === WS_OPEN && tcp.readableLength === 0 && receiverIdle(receiver) ? takeFrames(buf, n) : 0;
  const slot = reads ? sharedReadSlot(tcp, reads) : null;
  if (slot) slot.front = front;
  return () => {
    if (slot && slot.front === front) slot.front = null;
    if (!tcp.rawListeners('data').includes(reader)) return;
    tcp.removeListener('data', reader);
    tcp.on('data', wsListener);
  };
}

/** `tcp`'s slot, switching it to read into the shared buffer first; null when it cannot be. */
function sharedReadSlot(tcp: TcpSide, reads: SharedReads): SharedReadSlot | null {
  const holder = tcp as TcpSide & { [SHARED_READ]?: SharedReadSlot };
  const known = holder[SHARED_READ];
  if (known) return known;
  const slot: SharedReadSlot = { front: null };
  const switched = readIntoBuffer(tcp as unknown as NetSocket, reads.buffer, (buf, n) => {
    const front = slot.front;
    const at = front === null ? 0 : front(buf, n);
    if (at === n) return true;
    // The rest goes the stream's way, as Node would have sent the whole read: a copy, since the
    // shared buffer is the next read's.
    const rest = Buffer.allocUnsafe(n - at);
    buf.copy(rest, 0, at, n);
    return tcp.push(rest);
  });
  if (switched === 'shape') reads.refused("node: a connected socket's TCP handle has no useUserBuffer (or the socket is not plain TCP); /match inputs are read through 'data' events");
  if (switched !== true) return null;
  holder[SHARED_READ] = slot;
  return slot;
}

/** null when the members above are where this module expects them, else what is missing. */
export type ShapeProblem = string | null;

/** The constructor the probe builds its WebSocket with (the real one, or a stand-in in tests). */
export type WsClass = new (address: null, protocols: undefined, options: object) => unknown;

/** True when `ws` has a sender taking whole frames: its frames can be written directly. */
export function writesFrames(ws: ServerWebSocket): boolean {
  return typeof (ws as WithSender)._sender?.sendFrame === 'function';
}

/** The TCP socket under `ws` (a net.Socket), for node-net-write.ts; undefined once ws let it go. */
export function tcpSocketOf(ws: ServerWebSocket): unknown {
  return (ws as WithInside)._socket ?? undefined;
}

/**
 * Writes `list` (one complete frame) on `ws`'s TCP socket, after whatever ws has written: a frame
 * in one buffer straight on the socket's handle when `handles` can (node-net-write.ts), else through
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
