/**
 * Reads a `ws` client socket's frames off its TCP socket (raw-match-frames.ts says why): a
 * SnapshotFrameReader takes the place of ws's 'data' listener, hands frames that start with a
 * given prefix to a callback, and gives every other byte to ws's listener, in order, unchanged.
 * Relies on ws 8's wiring (lib/websocket.js `setSocket`: one 'data' listener, `socketOnData`,
 * writing each chunk to the Receiver; it stops reading by removing that listener); a socket wired
 * otherwise is left alone.
 */
import type { Socket as NetSocket } from 'node:net';
import { SnapshotFrameReader } from './ws-snapshot-reader.ts';

/** Frames are a few hundred bytes; anything larger is left to ws (and its maxPayload). */
const MAX_MATCHED_FRAME = 1 << 20;

/** The ws internals read once per connection: the TCP socket, the negotiated extensions, the Receiver's state. */
export interface TappableWs {
  _socket?: NetSocket | null;
  _extensions?: Record<string, unknown>;
  _receiver?: { _state?: number; _bufferedBytes?: number; _fragmented?: number };
}

/** receiver.js GET_INFO: waiting for the first byte of a frame. */
const RECEIVER_AT_FRAME_START = 0;

type DataListener = (chunk: Buffer) => void;

/**
 * Puts a SnapshotFrameReader for frames starting with `prefix` in place of ws's 'data' listener on its TCP socket; returns the
 * socket, or null when ws is not shaped as expected (nothing is changed then).
 */
export function tapWsSocket(ws: TappableWs, prefix: Uint8Array, onSnapshot: (payload: Uint8Array) => void, opts: { sharedReads?: boolean } = {}): NetSocket | null {
  const socket = ws._socket;
  // With permessage-deflate, ws's Sender queues frames while it compresses: a direct write could overtake them.
  if (!socket || !ws._extensions || Object.keys(ws._extensions).length > 0) return null;
  const listeners = socket.listeners('data') as DataListener[];
  const wsOnData = listeners[0];
  if (listeners.length !== 1 || wsOnData?.name !== 'socketOnData') return null;
  // From here on the reader sees the stream first: ws's Receiver must be at a frame boundary,
  // holding nothing, outside a fragmented message (call this outside its parse loop).
  const receiver = ws._receiver;
  if (!receiver || receiver._state !== RECEIVER_AT_FRAME_START || receiver._bufferedBytes !== 0 || receiver._fragmented !== 0) return null;
  let reading = true;
  // Bytes read into the shared buffer are overwritten by the next read: ws gets a copy.
  let copyPassed = false;
  const reader = new SnapshotFrameReader(prefix, MAX_MATCHED_FRAME, {
    // ws may stop reading in the middle of a chunk (at a close frame): the rest is dropped, as ws drops it.
    match: (payload) => {
      if (reading) onSnapshot(payload);
    },
    pass: (bytes) => {
      if (reading) wsOnData.call(socket, copyPassed ? Buffer.from(bytes) : Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    },
  });
  const onData: DataListener = (chunk) => reader.push(chunk);
  socket.removeListener('data', wsOnData);
  socket.on('data', onData);
  if (opts.sharedReads) copyPassed = readIntoSharedBuffer(socket, (buf, n) => reader.push(buf, n));
  // ws stops reading by removing its listener (websocket.js: receiverOnConclude, receiverOnError,
  // socketOnClose); that now removes the tap's.
  const removeListener = socket.removeListener;
  socket.removeListener = function (this: NetSocket, event: string | symbol, fn: (...args: unknown[]) => void) {
    if (event !== 'data' || fn !== wsOnData || !reading) return removeListener.call(this, event, fn);
    reading = false;
    // The socket closed with a frame half read: ws's Receiver gets those bytes first, then what the
    // socket still buffers (socketOnClose writes that next), as it would have without the tap.
    const held = this.destroyed ? reader.takeHeld() : null;
    if (held) wsOnData.call(this, Buffer.from(held.buffer, held.byteOffset, held.length));
    return removeListener.call(this, 'data', onData);
  } as NetSocket['removeListener'];
  return socket;
}

/**
 * One read buffer for every tapped socket of the process, valid only during the read callback:
 * reads are dispatched one at a time by the event loop, and nothing keeps a view of it (the
 * frame reader copies what it holds back, ws gets copies).
 */
const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

type UserBufferSocket = Record<symbol, unknown> & { _handle?: { useUserBuffer?: (buf: Uint8Array) => void } | null };

/**
 * Switches `socket` to Node's `onread` mode (the net.Socket option, lib/net.js: reads land in one
 * user buffer and go to a callback, with no Buffer allocated per read, no Readable.push and no
 * 'data' event), after the fact, through the socket's own fields. End of stream and errors still
 * take the stream path (ws's 'end' and 'close' listeners). ws's pause on back-pressure no longer
 * stops reads, which it needs only when its Receiver falls behind (it parses synchronously).
 * False, with nothing changed, when the socket is not shaped as Node 20 makes it or has data waiting.
 */
function readIntoSharedBuffer(socket: NetSocket, onRead: (buf: Buffer, nread: number) => void): boolean {
  const fields = socket as unknown as UserBufferSocket;
  const symbols = Object.getOwnPropertySymbols(socket);
  const named = (name: string): symbol | undefined => symbols.find((s) => s.description === name);
  const kBuffer = named('kBuffer');
  const kBufferCb = named('kBufferCb');
  const kBufferGen = named('kBufferGen');
  const handle = fields._handle;
  if (!kBuffer || !kBufferCb || !kBufferGen || fields[kBuffer] !== null || fields[kBufferGen] !== null) return false;
  if (typeof handle?.useUserBuffer !== 'function' || socket.readableLength > 0 || socket.isPaused()) return false;
  fields[kBufferCb] = (nread: number, buf: Buffer): boolean => {
    onRead(buf, nread);
    return true;
  };
  fields[kBuffer] = SHARED_READ_BUFFER;
  handle.useUserBuffer(SHARED_READ_BUFFER);
  return true;
}
