/**
 * The members of Node's `net.Socket` the server's input reads reach outside its documented API, in one
 * place (its snapshot writes: node-net-write.ts) (Node 20, lib/net.js and lib/internal/stream_base_commons.js `onStreamRead`): the fields
 * behind the `onread` socket option, `kBuffer`, `kBufferCb` and `kBufferGen` (symbols, found by
 * their descriptions), and the TCP handle's `useUserBuffer`. With them a socket already open is
 * switched to `onread` mode: each read lands in one buffer the caller owns and goes to a callback.
 *
 * Why: on the ordinary path every read costs libuv a fresh 64 KiB allocation shrunk to the bytes
 * read, a new ArrayBuffer and Buffer around them, `Readable.push` with its state, and a `'data'`
 * emit: Node's read path was 5.7 % of the server at 1,000 players, for one 20-byte input per read
 * (BENCHMARKS.md, "Server CPU per player-second: snapshot writes on the TCP handle"). The /match
 * frame reader (ws.ts) takes its inputs straight out of the shared buffer; whatever it leaves
 * goes on as a copy through `socket.push`, so ws and everyone else still read it as a `'data'`
 * chunk, in order, with the stream's own back-pressure.
 *
 * End of stream and errors take the stream path as before (Node handles them before looking at
 * the user buffer). The mode cannot be undone on a handle, so a socket stays in it until it closes.
 *
 * `probeSharedReads` checks the symbols once at start-up on a new `net.Socket`; `useUserBuffer`
 * exists only on a connected socket's handle, so `readIntoBuffer` checks it per socket and says
 * 'shape' when it is missing. Either way the server reads through `'data'` events, as before.
 */
import { Socket as NetSocket } from 'node:net';
import type { ShapeProblem } from './ws.ts';

type UserBufferSocket = Record<symbol, unknown> & { _handle?: { useUserBuffer?: (buf: Uint8Array) => void } | null };

const FIELDS = ['kBuffer', 'kBufferCb', 'kBufferGen'] as const;
type Fields = Record<(typeof FIELDS)[number], symbol | undefined>;

function fieldsOf(socket: object): Fields {
  const symbols = Object.getOwnPropertySymbols(socket);
  const named = (name: string): symbol | undefined => symbols.find((s) => s.description === name);
  return { kBuffer: named('kBuffer'), kBufferCb: named('kBufferCb'), kBufferGen: named('kBufferGen') };
}

/** null when a new `net.Socket` carries the three `onread` fields, empty; else what moved. */
export function probeSharedReads(make: () => object = () => new NetSocket()): ShapeProblem {
  const socket = make();
  try {
    const fields = fieldsOf(socket);
    const own = socket as UserBufferSocket;
    for (const name of FIELDS) {
      const symbol = fields[name];
      if (!symbol || own[symbol] !== null) return `node: net.Socket's ${name} field is gone or no longer starts empty`;
    }
    return null;
  } finally {
    (socket as { destroy?: () => void }).destroy?.();
  }
}

/**
 * Called per read with the shared buffer and the bytes read into it (`buf[0, nread)`, valid only
 * during the call). Returns false to stop reading for now (the stream's back-pressure, as
 * `push` returning false does): reading starts again when the stream is resumed or read.
 */
export type OnRead = (buf: Buffer, nread: number) => boolean;

/** Why `readIntoBuffer` declined a socket. */
export type ReadRefusal = 'shape' | 'busy';

/**
 * Switches `socket` to `onread` mode into `buffer`, calling `onRead` per read. 'shape' when Node
 * no longer has the fields or the handle's `useUserBuffer` (or the socket is not a plain TCP
 * socket: TLS reads its own way); 'busy' when the socket has no handle (closed), has data waiting
 * in the stream, is paused, or already reads into a user buffer. Nothing is changed then.
 */
export function readIntoBuffer(socket: NetSocket, buffer: Buffer, onRead: OnRead): true | ReadRefusal {
  const own = socket as unknown as UserBufferSocket;
  if (!(socket instanceof NetSocket) || (socket as { encrypted?: boolean }).encrypted) return 'shape';
  const { kBuffer, kBufferCb, kBufferGen } = fieldsOf(socket);
  const handle = own._handle;
  if (!handle) return 'busy';
  if (!kBuffer || !kBufferCb || !kBufferGen || typeof handle.useUserBuffer !== 'function') return 'shape';
  if (own[kBuffer] !== null || own[kBufferGen] !== null || socket.readableLength > 0 || socket.readableFlowing !== true || socket.destroyed) return 'busy';
  own[kBufferCb] = (nread: number, buf: Buffer): boolean => onRead(buf, nread);
  own[kBuffer] = buffer;
  handle.useUserBuffer(buffer);
  return true;
}
