/**
 * The snapshot fan-out's transport over a socket.io room of this node's sockets: one emit to the
 * room, which socket.io encodes once and writes to every socket in it. Local only (`nsp.local`):
 * in a cluster the stream reaches other nodes once per tick over the node bus, and each node's
 * relay fans it out to its own sockets, with their own keyframes and slow-reader handling.
 */
import type { FanoutTransport } from '../match/snapshot-fanout.ts';
import { speaksJsonBaseline } from './json-baseline.ts';
import type { MatchNamespace, MatchSocket } from './types.ts';

/** About one second of snapshots at 30 Hz waiting in a socket: it is not keeping up. */
const BACKED_UP_PACKETS = 32;

/** engine.io keeps unsent packets in `writeBuffer`; it is not in the typings but is stable since v3. */
function pendingPackets(socket: MatchSocket): number {
  return (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}

export function roomTransport(nsp: MatchNamespace, room: string): FanoutTransport {
  const socketOf = (id: string): MatchSocket | undefined => nsp.sockets.get(id);
  const baseline: Pick<FanoutTransport, 'broadcastState'> = speaksJsonBaseline(nsp)
    ? {
        broadcastState(snapshot) {
          // The typed event map says binary; the baseline deliberately sends the object as JSON.
          nsp.local.to(room).emit('snapshot', snapshot as unknown as Uint8Array);
          return nsp.adapter.rooms.get(room)?.size ?? 0;
        },
      }
    : {};
  return {
    ...baseline,
    broadcast(bytes) {
      nsp.local.to(room).emit('snapshot', bytes);
      return nsp.adapter.rooms.get(room)?.size ?? 0;
    },
    send(id, bytes) {
      socketOf(id)?.emit('snapshot', bytes);
    },
    subscribe(id) {
      void socketOf(id)?.join(room);
    },
    unsubscribe(id) {
      void socketOf(id)?.leave(room);
    },
    isBackedUp(id) {
      const s = socketOf(id);
      return s !== undefined && pendingPackets(s) > BACKED_UP_PACKETS;
    },
    isDrained(id) {
      const s = socketOf(id);
      return s !== undefined && pendingPackets(s) === 0;
    },
  };
}
