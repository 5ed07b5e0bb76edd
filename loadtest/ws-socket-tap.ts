/**
 * Reads a `ws` client socket's frames off its TCP socket (raw-match-frames.ts says why): a
 * SnapshotFrameReader takes the place of ws's 'data' listener, hands frames that start with a
 * given prefix to a callback, and gives every other byte to ws's listener, in order, unchanged.
 * Relies on ws 8's wiring (internals/ws.ts: one 'data' listener writing each chunk to the
 * Receiver; ws stops reading by removing that listener); a socket wired otherwise is left alone.
 */
import type { Socket as NetSocket } from 'node:net';
import { readIntoBuffer } from './internals/node-net.ts';
import { tappableStream } from './internals/ws.ts';
import { SnapshotFrameReader } from './ws-snapshot-reader.ts';

/** Frames are a few hundred bytes; anything larger is left to ws (and its maxPayload). */
const MAX_MATCHED_FRAME = 1 << 20;

type DataListener = (chunk: Buffer) => void;

/**
 * Puts a SnapshotFrameReader for frames starting with `prefix` in place of ws's 'data' listener on its TCP socket; returns the
 * socket, or null when ws is not shaped as expected (nothing is changed then).
 */
export function tapWsSocket(
  ws: unknown,
  prefix: Uint8Array,
  onSnapshot: (payload: Uint8Array) => void,
  opts: { sharedReads?: boolean; onReadShapeMoved?: () => void } = {},
): NetSocket | null {
  // From here on the reader sees the stream first (internals/ws.ts says when it may).
  const tappable = tappableStream(ws);
  if (!tappable) return null;
  const { socket, wsOnData } = tappable;
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
  if (opts.sharedReads) {
    const switched = readIntoBuffer(socket, SHARED_READ_BUFFER, (buf, n) => reader.push(buf, n));
    copyPassed = switched === true;
    if (switched === 'shape') opts.onReadShapeMoved?.();
  }
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
 * One read buffer for every tapped socket of the process (read in Node's `onread` mode,
 * internals/node-net.ts), valid only during the read callback:
 * reads are dispatched one at a time by the event loop, and nothing keeps a view of it (the
 * frame reader copies what it holds back, ws gets copies).
 */
const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
