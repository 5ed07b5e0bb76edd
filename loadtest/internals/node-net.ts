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
