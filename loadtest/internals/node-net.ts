/**
 * Every member of Node's `net.Socket` the load generator reaches outside its documented API, in
 * one place (Node 20, lib/net.js): the `onread` option's fields `kBuffer`, `kBufferCb`,
 * `kBufferGen` (symbols, found by their descriptions) and the TCP handle's `useUserBuffer`. With
 * them a socket already open is switched to `onread` mode: each read lands in one user buffer and
 * goes to a callback, with no Buffer allocated per read, no Readable.push and no 'data' event.
 * End of stream and errors still take the stream path.
 *
 * `probeNodeNet` checks the symbols once when the bots start, on a new `net.Socket`;
 * `useUserBuffer` exists only on a connected socket's handle, so `readIntoBuffer` checks it per
 * socket. Either missing: the caller is told (once) and reads through 'data' events.
 */
import { Socket as NetSocket } from 'node:net';
import { getSystemErrorName } from 'node:util';
import type { ShapeProblem } from './ws.ts';

type UserBufferSocket = Record<symbol, unknown> & { _handle?: { useUserBuffer?: (buf: Uint8Array) => void } | null };

const FIELDS = ['kBuffer', 'kBufferCb', 'kBufferGen'] as const;

function fieldsOf(socket: NetSocket): Record<(typeof FIELDS)[number], symbol | undefined> {
  const symbols = Object.getOwnPropertySymbols(socket);
  const named = (name: string): symbol | undefined => symbols.find((s) => s.description === name);
  return { kBuffer: named('kBuffer'), kBufferCb: named('kBufferCb'), kBufferGen: named('kBufferGen') };
}

export function probeNodeNet(make: () => NetSocket = () => new NetSocket()): ShapeProblem {
  const socket = make();
  try {
    const fields = fieldsOf(socket);
    const own = socket as unknown as UserBufferSocket;
    for (const name of FIELDS) {
      const symbol = fields[name];
      if (!symbol || own[symbol] !== null) return `node: net.Socket's ${name} field is gone or no longer starts empty`;
    }
    return null;
  } finally {
    socket.destroy();
  }
}

/** Why `readIntoBuffer` declined a socket. */
export type ReadRefusal = 'shape' | 'busy';

/**
 * Switches `socket` to `onread` mode into `buffer`, calling `onRead` per read. 'shape' when Node
 * no longer has the fields or the handle's `useUserBuffer`, 'busy' when the socket has no handle
 * (closed), has data waiting, is paused or already reads into a user buffer; nothing is changed then.
 */
export function readIntoBuffer(socket: NetSocket, buffer: Buffer, onRead: (buf: Buffer, nread: number) => void): true | ReadRefusal {
  const own = socket as unknown as UserBufferSocket;
  const { kBuffer, kBufferCb, kBufferGen } = fieldsOf(socket);
  const handle = own._handle;
  if (!handle) return 'busy';
  if (!kBuffer || !kBufferCb || !kBufferGen || typeof handle.useUserBuffer !== 'function') return 'shape';
  if (own[kBuffer] !== null || own[kBufferGen] !== null || socket.readableLength > 0 || socket.isPaused()) return 'busy';
  own[kBufferCb] = (nread: number, buf: Buffer): boolean => {
    onRead(buf, nread);
    return true;
  };
  own[kBuffer] = buffer;
  handle.useUserBuffer(buffer);
  return true;
}

/**
 * Direct writes, for the raw light bots: a frame goes straight to the socket's TCP handle
 * (`_handle.writeBuffer`, the call Node's own `Socket._writeGeneric` ends in) instead of through
 * the Writable stream. On loopback nearly every write completes inside that call, and the stream
 * around it costs more than the rest of a bot's tick: `Writable.write`'s state, a new `WriteWrap`
 * per write, and a `process.nextTick` per write (`afterWriteTick`), which in turn makes Node
 * enter JavaScript a second time after each read callback that wrote.
 *
 * What it reaches (Node 20, lib/internal/stream_base_commons.js and src/stream_base.cc):
 * `process.binding('stream_wrap')`'s `WriteWrap` (the request object the handle wants: a write
 * the kernel cannot take at once is queued in libuv and completes on it), `streamBaseState`
 * with `kLastWriteWasAsync`, and the TCP handle's `writeBuffer(req, data)` returning a libuv
 * error code. A request that completed inside the call is never attached to a C++ write and is
 * reused; one that went async keeps its buffer alive until `oncomplete`, and the caller must not
 * patch that buffer while `pending` is above zero.
 *
 * Order with the stream: the caller writes through here only while the stream holds nothing
 * (`writableLength === 0`); both paths end in the same libuv write queue, so a write from either
 * side after that keeps its place.
 */
interface WriteReq {
  handle: unknown;
  oncomplete: (this: WriteReq, status: number) => void;
  buffer: Uint8Array | null;
  writer: DirectWriter | null;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: { [i: number]: number; length: number };
  kLastWriteWasAsync: number;
}

type WritableHandle = { writeBuffer?: (req: WriteReq, data: Uint8Array) => number };

function streamWrap(): StreamWrapBinding | string {
  let b: Partial<StreamWrapBinding>;
  try {
    b = (process as unknown as { binding(name: string): Partial<StreamWrapBinding> }).binding('stream_wrap');
  } catch (error) {
    return `process.binding('stream_wrap') failed (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof b.WriteWrap !== 'function') return "process.binding('stream_wrap') has no WriteWrap";
  const state = b.streamBaseState;
  const at = b.kLastWriteWasAsync;
  if (!state || typeof state.length !== 'number' || !Number.isInteger(at) || at! < 0 || at! >= state.length) {
    return "process.binding('stream_wrap')'s streamBaseState or kLastWriteWasAsync moved";
  }
  return b as StreamWrapBinding;
}

/** The process's direct writes; `probeDirectWrites` returns it, or why not. */
export class DirectWrites {
  private told = false;

  constructor(
    private readonly binding: StreamWrapBinding,
    private readonly tell: (line: string) => void,
  ) {}

  /**
   * A writer for a connected socket, or null (use `socket.write`) when its handle has no
   * `writeBuffer`: told once for the process.
   */
  writerFor(socket: NetSocket): DirectWriter | null {
    const handle = (socket as unknown as { _handle?: WritableHandle | null })._handle;
    if (!handle) return null;
    if (typeof handle.writeBuffer !== 'function') {
      if (!this.told) this.tell("node: a connected socket's TCP handle has no writeBuffer; raw bots write through socket.write");
      this.told = true;
      return null;
    }
    return new DirectWriter(socket, handle, this.binding);
  }
}

/**
 * Checks once for the members above; null (and one line told) when one moved: the raw bots then
 * write through `socket.write`.
 */
export function probeDirectWrites(tell: (line: string) => void): DirectWrites | null {
  const b = streamWrap();
  if (typeof b === 'string') {
    tell(`node: ${b}; raw bots write through socket.write`);
    return null;
  }
  return new DirectWrites(b, tell);
}

function onWriteComplete(this: WriteReq, status: number): void {
  const writer = this.writer!;
  this.buffer = null;
  this.writer = null;
  writer.pending -= 1;
  if (status < 0) writer.failed(status);
}

export class DirectWriter {
  /** Writes handed to libuv that the kernel has not taken yet. */
  pending = 0;
  private spare: WriteReq | null = null;

  constructor(
    private readonly socket: NetSocket,
    private readonly handle: WritableHandle,
    private readonly binding: StreamWrapBinding,
  ) {}

  /** Writes `data`; false when the socket is gone or the write failed (the socket is destroyed then). */
  write(data: Uint8Array): boolean {
    const socket = this.socket as unknown as { _handle?: unknown; destroyed: boolean };
    if (socket.destroyed || socket._handle !== this.handle) return false;
    let req = this.spare;
    if (req === null) {
      req = new this.binding.WriteWrap();
      req.handle = this.handle;
      req.oncomplete = onWriteComplete;
      req.buffer = null;
      req.writer = null;
    }
    const err = this.handle.writeBuffer!(req, data);
    if (err !== 0) {
      this.spare = req;
      this.failed(err);
      return false;
    }
    if (this.binding.streamBaseState[this.binding.kLastWriteWasAsync]) {
      // libuv holds this request and the bytes until the kernel takes them.
      req.buffer = data;
      req.writer = this;
      this.pending += 1;
      this.spare = null;
    } else {
      this.spare = req;
    }
    return true;
  }

  failed(status: number): void {
    if (!this.socket.destroyed) this.socket.destroy(new Error(`write failed: ${getSystemErrorName(status)}`));
  }
}
