/**
 * The members of socket.io's per-connection `Client` the wire negotiation reaches outside its
 * typings, in one place (net/wire-negotiation.ts says why).
 *
 * - `client.encoder`: what `Client#_packet` encodes a socket's own packets with (socket.io sets
 *   the server's encoder on every Client).
 * - `client.writeToEngine(encodedPackets, opts)`: where `_packet` and the adapter's broadcast
 *   (socket.io-adapter, `broadcast`: encoded once, written to every member) hand encoded packets
 *   to engine.io.
 *
 * `probeSocketIoClient` checks both once at start-up by calling socket.io's own `_packet` and the
 * adapter's own `broadcast` on stand-ins. If an upgrade moved either, the server cannot give a
 * standard connection its own encoding, and it keeps every connection on the compact wire (what
 * the SDK speaks), saying so in its log.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Server } from 'socket.io';
import { PacketType, type Packet } from 'socket.io-parser';
import type { ShapeProblem } from './ws.ts';

type Frames = (string | Uint8Array)[];

/** The members of a socket.io Client the negotiation changes. */
export interface SocketIoClient {
  encoder: { encode(packet: Packet): Frames };
  writeToEngine(encoded: Frames, opts: unknown): void;
}

/**
 * Makes `client` encode its own packets with `encoder` and write `translate(frames)` for whatever
 * is handed to it encoded (its own packets, and every broadcast it is a member of).
 */
export function rewriteClient(client: SocketIoClient, encoder: SocketIoClient['encoder'], translate: (frames: Frames) => Frames): void {
  client.encoder = encoder;
  const write = client.writeToEngine;
  client.writeToEngine = function (encoded: Frames, opts: unknown): void {
    write.call(this, Array.isArray(encoded) ? translate(encoded) : encoded, opts);
  };
}

interface ClientClass {
  prototype: { _packet(this: unknown, packet: Packet, opts: object): void };
}

interface AdapterLike {
  addAll(id: string, rooms: Set<string>): void;
  broadcast(packet: Packet, opts: object): void;
}

/** socket.io's in-memory adapter class (what a server without `adapter` uses, and what the Redis ones extend). */
function adapterClass(): new (nsp: unknown) => AdapterLike {
  return (new Server().of('/').adapter as object).constructor as new (nsp: unknown) => AdapterLike;
}

/** socket.io's Client class: not exported, so read from the file beside its entry point. */
function clientClass(): ClientClass {
  const require = createRequire(import.meta.url);
  return (require(join(dirname(require.resolve('socket.io')), 'client.js')) as { Client: ClientClass }).Client;
}

export function probeSocketIoClient(loadClient: () => ClientClass = clientClass): ShapeProblem {
  const packet: Packet = { type: PacketType.EVENT, nsp: '/', data: ['probe'] };
  const marker: Frames = ['probe'];
  try {
    let written: unknown = null;
    const client = {
      conn: { readyState: 'open' },
      encoder: { encode: () => marker },
      writeToEngine: (encoded: unknown) => (written = encoded),
    };
    loadClient().prototype._packet.call(client, packet, {});
    if (written !== marker) return 'socket.io: Client#_packet no longer encodes with `encoder` and writes through `writeToEngine`';
    written = null;
    const nsp = { name: '/', server: { encoder: client.encoder }, sockets: new Map([['probe', { client }]]) };
    const Adapter = adapterClass();
    const adapter = new Adapter(nsp);
    adapter.addAll('probe', new Set(['room']));
    adapter.broadcast({ ...packet }, { rooms: new Set(['room']), except: new Set(), flags: {} });
    if (written !== marker) return "socket.io-adapter: a broadcast no longer reaches a member through its Client's `writeToEngine`";
    return null;
  } catch (err) {
    return `socket.io: the Client probe could not run (${(err as Error).message})`;
  }
}
