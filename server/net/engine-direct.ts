/**
 * What the two direct paths of /match (net/input-fast-path.ts in, net/room-transport.ts out) may
 * rely on in engine.io and `ws`, and when they must stand aside. The floor ladder (BENCHMARKS.md) measured
 * engine.io + socket.io at ~1.5x a raw `ws` server per player; most of that is per-message work
 * on the two messages every player exchanges 20-30 times a second (an input up, a snapshot down).
 *
 * The engine.io and `ws` members outside their typings live in internals/ (engine-io.ts, ws.ts),
 * checked at start-up; when one has moved, internals/direct-paths.ts turns the paths off.
 *
 * A connection takes a direct path only when nothing can tell the difference:
 * - the server speaks the wire parser, alone or negotiated per connection (the JSON baseline
 *   sends binary as attachments): inputs are taken only from compact connections, snapshots are
 *   framed in each member's format (wire-negotiation.ts);
 * - nobody wraps the connection's `write` or `emit` (the network simulator delays every packet
 *   by replacing them on the instance);
 * - whoever listens to engine.io's per-packet events still hears every packet: the direct paths
 *   emit `packet` for an input they take, and `packetCreate` then `flush` for a snapshot they
 *   write (a packet created and handed to the transport at once), but only when someone listens
 *   (the Admin UI's packet and byte counts, per-connection packet budgets); a listener marked
 *   `blindToDirectWrites` (the send-buffer cap) is not told of a direct write: it counts what
 *   engine.io holds, to which a direct write, made only when engine.io holds nothing, adds nothing;
 *   socket.io's catch-all listeners (`onAny`, `onAnyOutgoing`: the Admin UI's development mode
 *   forwards every event) are called with the event as socket.io would call them.
 */
import type { Namespace } from 'socket.io';
import { wireParser } from '../../shared/protocol/wire.ts';
import type { DirectPaths } from './internals/direct-paths.ts';
import { webSocketOf, type EngineConn } from './internals/engine-io.ts';
import { tcpSocketOf, writesFrames, type ServerWebSocket } from './internals/ws.ts';

export type { EngineConn, EngineTransport } from './internals/engine-io.ts';

/** Who watches a connection's packets, kept current as listeners come and go. */
export interface Watchers {
  /** `write` or `emit` replaced on the instance (the network simulator): no direct path at all. */
  wrapped: boolean;
  /** Someone listens to `packet` (each packet received) and reads the packet. */
  inbound: boolean;
  /** `packet` listeners marked `countsPacketsOnly`: told of direct inputs by a call with their number. */
  counters: ((count: number) => void)[];
  /** Someone listens to `packetCreate` or `flush` (each packet sent, each write to the transport). */
  outbound: boolean;
}

const BLIND = Symbol('blindToDirectWrites');
const COUNTS_ONLY = Symbol('countsPacketsOnly');

/**
 * Marks a `packet` listener that reads nothing of the packet (a packet budget): a direct input
 * calls it with a count instead of building a packet object and emitting it, which cost every
 * input an allocation and an emit while the engine guard listened on every connection. engine.io
 * itself calls it with the packet (count one then); the input fast path with the number of inputs
 * it took since it last told (`reportCounted`).
 */
export function countsPacketsOnly<F extends (count?: unknown) => void>(listener: F): F {
  (listener as F & { [COUNTS_ONLY]?: true })[COUNTS_ONLY] = true;
  return listener;
}

function countsOnly(listener: Function): boolean {
  return (listener as Function & { [COUNTS_ONLY]?: true })[COUNTS_ONLY] === true;
}

/**
 * Marks a `packetCreate`/`flush` listener that needs no report of direct writes: one that follows
 * only what engine.io holds unsent. Building and emitting that report for every member every tick
 * cost the send-buffer cap's listeners (installed on every connection) an allocation per write.
 */
export function blindToDirectWrites<F extends Function>(listener: F): F {
  (listener as F & { [BLIND]?: true })[BLIND] = true;
  return listener;
}

function hearsDirectWrites(conn: EngineConn, event: string): boolean {
  return conn.listeners(event).some((l) => !(l as Function & { [BLIND]?: true })[BLIND]);
}

const WS_OPEN = 1;

/** True when the namespace's server speaks the wire parser, alone or negotiated per connection. */
export function speaksWire(nsp: Pick<Namespace, 'server'>): boolean {
  return nsp.server.encoder instanceof wireParser.Encoder;
}

/** The engine.io connection under a socket.io socket. */
export function engineConn(socket: { conn: unknown }): EngineConn {
  return socket.conn as EngineConn;
}

/** Where a connection keeps its Watchers: on itself, so they live and die with it. */
const WATCHERS = Symbol('packetWatchers');

/**
 * Asked per message (40 times a second per player), so the answer is kept on the connection and
 * updated by EventEmitter's own `newListener`/`removeListener` events rather than recomputed
 * (`listenerCount` and two `hasOwn` per input were 3 % of the server's CPU at 128 bots).
 */
export function watchersOf(conn: EngineConn): Watchers {
  const holder = conn as EngineConn & { [WATCHERS]?: Watchers };
  return holder[WATCHERS] ?? (holder[WATCHERS] = watch(conn));
}

function watch(conn: EngineConn): Watchers {
  // The network simulator replaces write/emit when the connection opens, before any socket.
  const w: Watchers = { wrapped: Object.hasOwn(conn, 'write') || Object.hasOwn(conn, 'emit'), inbound: false, counters: [], outbound: false };
  const update = (): void => {
    const packet = conn.listeners('packet');
    w.inbound = packet.some((l) => !countsOnly(l));
    w.counters = packet.filter(countsOnly) as ((count: number) => void)[];
    w.outbound = hearsDirectWrites(conn, 'packetCreate') || hearsDirectWrites(conn, 'flush');
  };
  update();
  // `newListener` fires before the listener is added, `removeListener` after it is gone.
  conn.on('newListener', (event, listener) => {
    if (event === 'packet') {
      if (countsOnly(listener)) w.counters = [...w.counters, listener as (count: number) => void];
      else w.inbound = true;
    } else if ((event === 'packetCreate' || event === 'flush') && !(listener as Function & { [BLIND]?: true })[BLIND]) w.outbound = true;
  });
  conn.on('removeListener', (event) => {
    if (event === 'packet' || event === 'packetCreate' || event === 'flush') update();
  });
  return w;
}

/**
 * An input taken by the fast path (`chunk[start, end)`, the socket.io packet), told to `packet`
 * listeners as engine.io would have: emitted when one reads packets (every listener hears it
 * then), else each counter is called with one.
 */
export function reportReceived(conn: EngineConn, chunk: Uint8Array, start = 0, end = chunk.length, watchers = watchersOf(conn)): void {
  if (watchers.inbound) conn.emit('packet', { type: 'message', data: start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end) });
  else for (const count of watchers.counters) count(1);
}

/**
 * `count` inputs taken by the fast path, told at once to `packet` counters: only when nobody
 * reads packets (`watchers.inbound` false), who must hear each one with its bytes.
 */
export function reportCounted(watchers: Watchers, count: number): void {
  for (const counter of watchers.counters) counter(count);
}

/**
 * Frames written directly, told to `packetCreate` and `flush` listeners as engine.io would have:
 * one engine.io message per socket.io frame (the standard encoding's placeholder and attachment
 * are two), handed to the transport together.
 */
export function reportSent(conn: EngineConn, data: Uint8Array | readonly (string | Uint8Array)[], watchers = watchersOf(conn)): void {
  if (!watchers.outbound) return;
  const packets = (data instanceof Uint8Array ? [data] : data).map((d) => ({ type: 'message', data: d, options: { compress: false } }));
  for (const packet of packets) conn.emit('packetCreate', packet);
  conn.emit('flush', packets);
}

/** The socket.io side of a /match socket the direct paths tell (public socket.io API). */
interface AnyListeners {
  listenersAny(): ((...args: unknown[]) => void)[];
  listenersAnyOutgoing(): ((...args: unknown[]) => void)[];
}

/** An event taken by the input fast path, told to `socket.onAny` listeners as socket.io would. */
export function tellAnyListeners(socket: AnyListeners, event: string, payload: Uint8Array): void {
  const listeners = socket.listenersAny();
  if (listeners.length === 0) return;
  for (const listener of [...listeners]) listener.call(socket, event, payload);
}

/** An event written directly, told to `socket.onAnyOutgoing` listeners as socket.io would. */
export function tellAnyOutgoingListeners(socket: AnyListeners, event: string, payload: Uint8Array): void {
  const listeners = socket.listenersAnyOutgoing();
  if (listeners.length === 0) return;
  for (const listener of [...listeners]) listener.call(socket, event, payload);
}

/**
 * The `ws` socket a frame may be written to right now without overtaking anything or hiding
 * back-pressure: the connection is open on WebSocket, engine.io holds nothing unsent and has no
 * write in flight, and neither `ws` nor the TCP handle under it holds bytes unsent. Otherwise
 * null: send through engine.io, where the packets then waiting show a reader that cannot keep up
 * (room-transport's slow-reader check).
 */
export function idleWebSocket(conn: EngineConn, paths: DirectPaths, watchers = watchersOf(conn)): ServerWebSocket | null {
  const transport = conn.transport;
  if (!paths.snapshots || conn.readyState !== 'open' || !transport.writable) return null;
  const ws = webSocketOf(transport);
  if (!ws || !writesFrames(ws) || ws.readyState !== WS_OPEN || ws.bufferedAmount !== 0) return null;
  if (paths.pendingPackets(conn) !== 0 || watchers.wrapped) return null;
  // A direct write the kernel could not take whole waits on the handle, out of `bufferedAmount`'s sight.
  if (paths.handles !== null && paths.handles.busy(tcpSocketOf(ws))) return null;
  return ws;
}

/**
 * One unmasked, final, binary WebSocket frame (RFC 6455 5.2) holding `prefix` then `payload`, in
 * one buffer (one copy, one write per socket): servers never mask, and engine.io sends a binary
 * message as its bare bytes (protocol v4), so this is exactly what engine.io would put on the
 * wire for the wire parser's frame `prefix + payload`.
 */
export function binaryFrame(prefix: Uint8Array, payload: Uint8Array): Buffer {
  return webSocketFrame(0x82, prefix, payload);
}

/**
 * One unmasked, final WebSocket text frame holding engine.io's message packet of `text` (`4` +
 * the socket.io packet): what engine.io puts on the wire for a text socket.io packet.
 */
export function textMessageFrame(text: string): Buffer {
  return webSocketFrame(0x81, new Uint8Array(0), Buffer.from(`4${text}`, 'utf8'));
}

function webSocketFrame(opcode: number, prefix: Uint8Array, payload: Uint8Array): Buffer {
  const length = prefix.length + payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = opcode;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  frame.set(prefix, header);
  frame.set(payload, header + prefix.length);
  return frame;
}
