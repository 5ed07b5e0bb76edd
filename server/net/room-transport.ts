/**
 * The snapshot fan-out's transport over a socket.io room of this node's sockets: the snapshot is
 * framed once and written to every socket in the room (directly to idle WebSockets, through
 * socket.io for the rest; with the JSON baseline parser, one room emit). Local only (`nsp.local`):
 * in a cluster the stream reaches other nodes once per tick over the node bus, and each node's
 * relay fans it out to its own sockets, with their own keyframes and slow-reader handling.
 */
import { wireParser } from '../../shared/protocol/wire.ts';
import type { FanoutTransport } from '../match/snapshot-fanout.ts';
import { binaryFrame, engineConn, idleWebSocket, reportSent, speaksWire, tellAnyOutgoingListeners, watchersOf } from './engine-direct.ts';
import { directPathsOf, type DirectPaths } from './internals/direct-paths.ts';
import { writeFrame } from './internals/ws.ts';
import { speaksJsonBaseline } from './json-baseline.ts';
import type { MatchNamespace, MatchSocket } from './types.ts';

/** About one second of snapshots at 30 Hz waiting in a socket: it is not keeping up. */
const BACKED_UP_PACKETS = 32;

/**
 * A snapshot broadcast that frames the socket.io packet and its WebSocket frame once and hands
 * the same bytes to every idle member's `ws` sender: no per-socket engine.io packet object,
 * encode, write callback and `drain`/`flush` emits (engine-direct.ts says when a socket is idle).
 * Any other member gets the ordinary emit, after whatever engine.io holds for it, so nothing is
 * overtaken and a reader that cannot keep up shows in the packets engine.io holds as before.
 */
function directBroadcast(nsp: MatchNamespace, room: string, paths: DirectPaths): ((bytes: Uint8Array) => number) | null {
  const prefix = wireParser.eventPrefix(nsp.name, 'snapshot');
  if (!prefix) return null;
  return (bytes) => {
    const members = nsp.adapter.rooms.get(room);
    if (!members || members.size === 0) return 0;
    const frame = binaryFrame(prefix, bytes);
    const list = [frame];
    // The socket.io packet inside the frame, for whoever counts engine.io's packets.
    const packet = frame.subarray(frame.length - prefix.length - bytes.length);
    let reached = 0;
    for (const id of members) {
      const socket = nsp.sockets.get(id);
      if (!socket) continue;
      const conn = engineConn(socket);
      // Read once per member: a keyed load on connections of many shapes.
      const watchers = watchersOf(conn);
      const ws = idleWebSocket(conn, paths, watchers);
      if (ws) {
        writeFrame(ws, list);
        reportSent(conn, packet, watchers);
        tellAnyOutgoingListeners(socket, 'snapshot', bytes);
      } else socket.emit('snapshot', bytes);
      reached++;
    }
    return reached;
  };
}

export function roomTransport(nsp: MatchNamespace, room: string): FanoutTransport {
  const socketOf = (id: string): MatchSocket | undefined => nsp.sockets.get(id);
  const paths = directPathsOf(nsp.server);
  const pendingPackets = (socket: MatchSocket): number => paths.pendingPackets(engineConn(socket));
  const direct = speaksWire(nsp) && paths.snapshots ? directBroadcast(nsp, room, paths) : null;
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
      if (direct) return direct(bytes);
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
