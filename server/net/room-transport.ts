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
import { binaryFrame, engineConn, reportSent, speaksWire, tellAnyOutgoingListeners, textMessageFrame, watchersOf, type EngineConn, type EngineTransport, type Watchers } from './engine-direct.ts';
import { directPathsOf, type DirectPaths } from './internals/direct-paths.ts';
import { webSocketOf } from './internals/engine-io.ts';
import type { HandleWriter } from './internals/node-net-write.ts';
import { tcpSocketOf, writeFrame, writesFrames, type ServerWebSocket } from './internals/ws.ts';
import { speaksJsonBaseline } from './json-baseline.ts';
import type { MatchNamespace, MatchSocket } from './types.ts';
import { negotiatedFormat } from './wire-negotiation.ts';

/** About one second of snapshots at 30 Hz waiting in a socket: it is not keeping up. */
const BACKED_UP_PACKETS = 32;
const NO_BYTES = new Uint8Array(0);
const WS_OPEN = 1;

/**
 * One subscriber as the direct broadcast walks it, found once at `subscribe`: its socket, its
 * engine.io connection, who watches that connection's packets, its wire format, and the `ws`
 * socket of the transport it was last seen on. At 1,000 players per core the broadcast's cost
 * was memory, not instructions: per member and tick a room `Set` of ids, a `Map` lookup, the
 * socket.io socket and client, two symbol-keyed loads on the connection, then the slow-reader
 * pass touching most of it again (BENCHMARKS.md, "Server CPU per player-second: snapshot writes
 * on the TCP handle"). The records sit in one array, in the order members subscribed.
 */
interface Member {
  readonly id: string;
  readonly socket: MatchSocket;
  readonly conn: EngineConn;
  readonly watchers: Watchers;
  readonly standard: boolean;
  /** The transport `ws` was read from: another one (an upgrade) is read again. */
  transport: EngineTransport | null;
  /** That transport's `ws` socket when it takes whole frames, else null. */
  ws: ServerWebSocket | null;
  /** The TCP socket under `ws`, for the handle writer's busy check. */
  tcp: unknown;
}

/**
 * The member's `ws` socket when a frame may be written to it right now without overtaking
 * anything or hiding back-pressure (the rules of engine-direct.ts `idleWebSocket`, over the record): the
 * connection is open on WebSocket, engine.io holds nothing unsent, and neither `ws` nor the TCP
 * handle under it holds bytes unsent.
 */
function idleMember(m: Member, pending: number, handles: HandleWriter | null): ServerWebSocket | null {
  const conn = m.conn;
  const transport = conn.transport;
  if (pending !== 0 || conn.readyState !== 'open' || !transport.writable || m.watchers.wrapped) return null;
  if (transport !== m.transport) {
    m.transport = transport;
    const ws = webSocketOf(transport);
    m.ws = ws && writesFrames(ws) ? ws : null;
    m.tcp = m.ws ? tcpSocketOf(m.ws) : undefined;
  }
  const ws = m.ws;
  if (ws === null || ws.readyState !== WS_OPEN || ws.bufferedAmount !== 0) return null;
  // A direct write the kernel could not take whole waits on the handle, out of `bufferedAmount`'s sight.
  if (handles !== null && handles.busy(m.tcp)) return null;
  return ws;
}

/**
 * A snapshot broadcast that frames the socket.io packet and its WebSocket frames once per wire
 * format and hands the same bytes to every idle member's `ws` sender: no per-socket engine.io
 * packet object, encode, write callback and `drain`/`flush` emits (engine-direct.ts says when a
 * socket is idle). Each member gets the format it negotiated (wire-negotiation.ts): compact, one
 * binary frame; standard, the placeholder text frame then the attachment, written together. A
 * format is framed only when a member of the room speaks it.
 * Any other member gets the ordinary emit, after whatever engine.io holds for it, so nothing is
 * overtaken and a reader that cannot keep up shows in the packets engine.io holds as before.
 *
 * With `backedUp`, the slow-reader check is made in the same pass: a member holding more than
 * BACKED_UP_PACKETS is sent nothing and its id is pushed there for the fan-out to take it off
 * the delta chain (the fan-out then makes no pass of its own: `checksBackedUp`).
 */
function directBroadcast(nsp: MatchNamespace, paths: DirectPaths, members: readonly Member[]): ((bytes: Uint8Array, backedUp?: string[]) => number) | null {
  const prefix = wireParser.eventPrefix(nsp.name, 'snapshot');
  if (!prefix) return null;
  // The standard placeholder packet never changes: `451-/match,["snapshot",{"_placeholder":true,"num":0}]`.
  const placeholder = new Encoder().encode({ type: PacketType.EVENT, nsp: nsp.name, data: ['snapshot', NO_BYTES] })[0] as string;
  const placeholderFrame = textMessageFrame(placeholder);
  const pendingPackets = paths.pendingPackets;
  const handles = paths.handles;
  return (bytes, backedUp) => {
    const n = members.length;
    if (n === 0) return 0;
    let compact: { list: Buffer[]; packet: Uint8Array } | null = null;
    let standard: { list: Buffer[]; packets: (string | Uint8Array)[] } | null = null;
    let reached = 0;
    for (let i = 0; i < n; i++) {
      const m = members[i]!;
      const socket = m.socket;
      // Gone from the namespace (and so from the room) until the match host unsubscribes it.
      if (!socket.connected) continue;
      const pending = pendingPackets(m.conn);
      if (backedUp !== undefined && pending > BACKED_UP_PACKETS) {
        backedUp.push(m.id);
        continue;
      }
      const ws = idleMember(m, pending, handles);
      if (ws) {
        if (m.standard) {
          // Two frames in one corked write (ws's sendFrame takes a pair).
          standard ??= { list: [placeholderFrame, binaryFrame(NO_BYTES, bytes)], packets: [placeholder, bytes] };
          writeFrame(ws, standard.list);
          reportSent(m.conn, standard.packets, m.watchers);
        } else {
          if (!compact) {
            const frame = binaryFrame(prefix, bytes);
            // The socket.io packet inside the frame, for whoever counts engine.io's packets.
            compact = { list: [frame], packet: frame.subarray(frame.length - prefix.length - bytes.length) };
          }
          writeFrame(ws, compact.list, handles);
          reportSent(m.conn, compact.packet, m.watchers);
        }
        tellAnyOutgoingListeners(socket, 'snapshot', bytes);
      } else socket.emit('snapshot', bytes);
      reached++;
    }
    return reached;
  };
}

/**
 * The transport of one room. Subscribers join the socket.io room (the public path, the JSON
 * baseline and anyone listing rooms see them there); with the direct path the broadcast walks
 * their records (`Member`) instead of the room.
 */
export function roomTransport(nsp: MatchNamespace, room: string): FanoutTransport {
  const socketOf = (id: string): MatchSocket | undefined => nsp.sockets.get(id);
  const paths = directPathsOf(nsp.server);
  const pendingPackets = (socket: MatchSocket): number => paths.pendingPackets(engineConn(socket));
  const members: Member[] = [];
  const byId = new Map<string, Member>();
  const direct = speaksWire(nsp) && paths.snapshots ? directBroadcast(nsp, paths, members) : null;
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
    checksBackedUp: direct !== null,
    broadcast(bytes, backedUp) {
      if (direct) return direct(bytes, backedUp);
      nsp.local.to(room).emit('snapshot', bytes);
      return nsp.adapter.rooms.get(room)?.size ?? 0;
    },
    send(id, bytes) {
      socketOf(id)?.emit('snapshot', bytes);
    },
    subscribe(id) {
      const socket = socketOf(id);
      if (!socket) return;
      void socket.join(room);
      if (!direct || byId.has(id)) return;
      const conn = engineConn(socket);
      const m: Member = { id, socket, conn, watchers: watchersOf(conn), standard: negotiatedFormat(conn) === 'standard', transport: null, ws: null, tcp: undefined };
      byId.set(id, m);
      members.push(m);
    },
    unsubscribe(id) {
      void socketOf(id)?.leave(room);
      const m = byId.get(id);
      if (!m) return;
      byId.delete(id);
      members.splice(members.indexOf(m), 1);
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
