/**
 * The members of Node's net layer the server's snapshot writes reach outside its documented API, in one place (its reads: node-net-read.ts).
 *
 * - `socket._handle.writeBuffer(req, buffer)`: the TCP handle's own write (what `net.Socket`'s
 *   `_writeGeneric` calls), with `req` a `WriteWrap` from `process.binding('stream_wrap')` and the
 *   outcome read from that binding's `streamBaseState` (`kLastWriteWasAsync`). The direct snapshot
 *   write (room-transport.ts) hands every idle member the same frame this way instead of through
 *   `socket.write`: Node's Writable state machine, a `WriteWrap` built per write and an after-write
 *   tick queued per socket per tick were 5.4 % of the server's CPU at 1,000 players beside the
 *   syscall's 21.5 %; on the handle that part is ~1 % (BENCHMARKS.md, "Server CPU per
 *   player-second: snapshot writes on the TCP handle").
 * A direct write the kernel could not take at once waits in libuv, out of the stream's
 * `writableLength`: the writer keeps such sockets in a set until libuv reports the write done, so
 * a member that cannot keep up still shows as busy (`busy`). The handle's own `writeQueueSize` says
 * the same but is a C++ accessor: asked per member and tick it cost ~0.9 % of the server.
 *
 * Order holds: the handle is written only while the stream holds nothing (`writableLength` 0, not
 * corked), and libuv writes a handle's requests in the order they were made, so anything the
 * stream writes later goes after. A write the kernel takes whole (the usual case) completes in the
 * call and its `WriteWrap` is used again; one it cannot take keeps its `WriteWrap` and buffer until
 * libuv reports it done, and an error then, or at once, destroys the socket as Node's own write
 * path would.
 *
 * `probeHandleWrites` checks the binding's shape once at start-up, and `write` checks each socket's
 * handle before use. If an upgrade moved one, the probe names it and snapshots take `ws`'s
 * `sendFrame` (ws.ts) as before.
 */
import { getSystemErrorName } from 'node:util';
import type { ShapeProblem } from './ws.ts';

/** What `process.binding('stream_wrap')` is expected to hold. */
export interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: { readonly [i: number]: number };
  kLastWriteWasAsync: number;
}

interface WriteReq {
  oncomplete?: (this: WriteReq, status: number) => void;
  buffer?: Buffer | null;
  socket?: TcpStream | null;
}

/** The members of a `net.Socket` a handle write needs. */
interface TcpStream {
  _handle?: { writeBuffer?: (req: WriteReq, data: Buffer) => number } | null;
  readonly writableLength: number;
  readonly writableCorked: number;
  readonly destroyed: boolean;
  destroy(error?: Error): unknown;
}

/** Writes whole frames on TCP handles. One per server (it keeps a spare `WriteWrap`). */
export interface HandleWriter {
  /**
   * Writes `frame` on `socket`'s handle now, after whatever the handle holds. False when this
   * socket cannot be written this way now (then nothing was written): use the stream.
   */
  write(socket: unknown, frame: Buffer): boolean;
  /** True while a direct write on `socket` waits for the kernel to take it. */
  busy(socket: unknown): boolean;
}

function loadBinding(): unknown {
  // process.binding is documented as deprecated but kept in Node 20-22; the probe catches its removal.
  return (process as unknown as { binding(name: string): unknown }).binding('stream_wrap');
}

function shapeProblem(binding: unknown): ShapeProblem {
  const b = binding as Partial<StreamWrapBinding> | null | undefined;
  if (!b || typeof b.WriteWrap !== 'function') return "node: process.binding('stream_wrap').WriteWrap is gone";
  if (!b.streamBaseState || typeof b.kLastWriteWasAsync !== 'number' || typeof b.streamBaseState[b.kLastWriteWasAsync] !== 'number')
    return "node: process.binding('stream_wrap').streamBaseState[kLastWriteWasAsync] is gone";
  try {
    new b.WriteWrap();
  } catch (err) {
    return `node: a WriteWrap could not be built (${(err as Error).message})`;
  }
  return null;
}

/** null when the binding a handle write needs is where this module expects it, else what is missing. */
export function probeHandleWrites(load: () => unknown = loadBinding): ShapeProblem {
  try {
    return shapeProblem(load());
  } catch (err) {
    return `node: process.binding('stream_wrap') is gone (${(err as Error).message})`;
  }
}

function writeError(status: number): Error {
  const code = getSystemErrorName(status);
  return Object.assign(new Error(`write ${code}`), { code, errno: status, syscall: 'write' });
}

/** The handle writer over `load()`'s binding, or null when `probeHandleWrites(load)` finds a problem. */
export function handleWriter(load: () => unknown = loadBinding): HandleWriter | null {
  if (probeHandleWrites(load) !== null) return null;
  const { WriteWrap, streamBaseState, kLastWriteWasAsync } = load() as StreamWrapBinding;
  let spare = new WriteWrap();
  /** Sockets with a direct write waiting in libuv (usually none). */
  const waiting = new Set<unknown>();
  /** Called by libuv (through Node) when a write that went asynchronous is done. */
  function onComplete(this: WriteReq, status: number): void {
    const socket = this.socket!;
    this.socket = null;
    this.buffer = null;
    waiting.delete(socket);
    if (status < 0 && !socket.destroyed) socket.destroy(writeError(status));
  }
  return {
    write(socket, frame) {
      const s = socket as TcpStream | null | undefined;
      const handle = s?._handle;
      if (!s || !handle || typeof handle.writeBuffer !== 'function' || s.writableLength !== 0 || s.writableCorked !== 0) return false;
      const req = spare;
      const status = handle.writeBuffer(req, frame);
      if (status !== 0) {
        spare = new WriteWrap();
        s.destroy(writeError(status));
        return true;
      }
      if (streamBaseState[kLastWriteWasAsync] !== 0) {
        // libuv keeps `req` until it is done: it holds the buffer and tells this socket of an error.
        req.buffer = frame;
        req.socket = s;
        req.oncomplete = onComplete;
        waiting.add(s);
        spare = new WriteWrap();
      }
      return true;
    },
    busy: (socket) => waiting.size !== 0 && waiting.has(socket),
  };
}
