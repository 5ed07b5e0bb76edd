/**
 * The snapshot fan-out's transport over a socket.io room of this node's sockets: the snapshot is
 * framed once per wire format and written to every socket in the room (directly to idle
 * WebSockets, through socket.io for the rest; with the JSON baseline parser, one room emit).
 * Local only (`nsp.local`): in a cluster the stream reaches other nodes once per tick over the
 * node bus, and each node's relay fans it out to its own sockets, with their own keyframes and
 * slow-reader handling.
 */
import { Encoder, PacketType } from 'socket.io-parser';
import { wireParser } from '../../shared/protocol/wire.ts';
import type { FanoutTransport } from '../match/snapshot-fanout.ts';
import { binaryFrame, engineConn, idleWebSocket, reportSent, speaksWire, tellAnyOutgoingListeners, textMessageFrame, watchersOf } from './engine-direct.ts';
import { directPathsOf, type DirectPaths } from './internals/direct-paths.ts';
import { writeFrame } from './internals/ws.ts';
import { speaksJsonBaseline } from './json-baseline.ts';
import type { MatchNamespace, MatchSocket } from './types.ts';
import { negotiatedFormat } from './wire-negotiation.ts';

/** About one second of snapshots at 30 Hz waiting in a socket: it is not keeping up. */
const BACKED_UP_PACKETS = 32;
const NO_BYTES = new Uint8Array(0);

/**
 * A snapshot broadcast that frames the socket.io packet and its WebSocket frames once per wire
 * format and hands the same bytes to every idle member's `ws` sender: no per-socket engine.io
 * packet object, encode, write callback and `drain`/`flush` emits (engine-direct.ts says when a
 * socket is idle). Each member gets the format it negotiated (wire-negotiation.ts): compact, one
 * binary frame; standard, the placeholder text frame then the attachment, written together. A
 * format is framed only when a member of the room speaks it.
 * Any other member gets the ordinary emit, after whatever engine.io holds for it, so nothing is
 * overtaken and a reader that cannot keep up shows in the packets engine.io holds as before.
 */
function directBroadcast(nsp: MatchNamespace, room: string, paths: DirectPaths): ((bytes: Uint8Array) => number) | null {
  const prefix = wireParser.eventPrefix(nsp.name, 'snapshot');
  if (!prefix) return null;
  // The standard placeholder packet never changes: `451-/match,["snapshot",{"_placeholder":true,"num":0}]`.
  const placeholder = new Encoder().encode({ type: PacketType.EVENT, nsp: nsp.name, data: ['snapshot', NO_BYTES] })[0] as string;
  const placeholderFrame = textMessageFrame(placeholder);
  return (bytes) => {
    const members = nsp.adapter.rooms.get(room);
    if (!members || members.size === 0) return 0;
    let compact: { list: Buffer[]; packet: Uint8Array } | null = null;
    let standard: { list: Buffer[]; packets: (string | Uint8Array)[] } | null = null;
    let reached = 0;
    for (const id of members) {
      const socket = nsp.sockets.get(id);
      if (!socket) continue;
      const conn = engineConn(socket);
      // Read once per member: a keyed load on connections of many shapes.
      const watchers = watchersOf(conn);
      const ws = idleWebSocket(conn, paths, watchers);
      if (ws) {
        if (negotiatedFormat(conn) === 'standard') {
          // Two frames in one corked write (ws's sendFrame takes a pair).
          standard ??= { list: [placeholderFrame, binaryFrame(NO_BYTES, bytes)], packets: [placeholder, bytes] };
          writeFrame(ws, standard.list);
          reportSent(conn, standard.packets, watchers);
        } else {
          if (!compact) {
            const frame = binaryFrame(prefix, bytes);
            // The socket.io packet inside the frame, for whoever counts engine.io's packets.
            compact = { list: [frame], packet: frame.subarray(frame.length - prefix.length - bytes.length) };
          }
          writeFrame(ws, compact.list);
          reportSent(conn, compact.packet, watchers);
        }
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
