/**
 * Every member of engine.io the server reaches outside its typings, in one place.
 *
 * - `conn.writeBuffer`: the packets a connection holds unsent. Its length is how the snapshot
 *   fan-out sees a reader that cannot keep up, and a direct write must not overtake it.
 * - `transport.socket` of the WebSocket transport: the `ws` socket, whose 'message' listener is
 *   engine.io's (the input fast path goes in front of it) and whose sender the direct snapshot
 *   write uses (ws.ts).
 *
 * `probeEngineIo` checks both once at start-up on a connection built from engine.io's own
 * `Socket` and WebSocket transport classes, over stand-ins for the server and the `ws` socket.
 * If an upgrade moved one, the probe names it and the server takes the public paths:
 * - no `transport.socket`: inputs through engine.io and socket.io, snapshots through `socket.emit`;
 * - no `writeBuffer`: the packets waiting are counted on engine.io's documented 'packetCreate'
 *   (a packet enters the buffer) and 'flush' (the buffer goes to the transport) events.
 */
import { EventEmitter } from 'node:events';
import { Socket, transports } from 'engine.io';
import type { ServerWebSocket, ShapeProblem } from './ws.ts';

/** The public members of an engine.io transport the direct paths read. */
export interface EngineTransport {
  readonly name: string;
  readonly writable: boolean;
}

/** The public members of an engine.io connection the direct paths use. */
export interface EngineConn {
  readonly readyState: string;
  readonly transport: EngineTransport;
  listenerCount(event: string): number;
  listeners(event: string): Function[];
  emit(event: string, ...args: unknown[]): boolean;
  on(event: 'upgrade', fn: (transport: EngineTransport) => void): unknown;
  on(event: 'newListener' | 'removeListener', fn: (event: string | symbol, listener: Function) => void): unknown;
  on(event: 'packetCreate' | 'flush', fn: () => void): unknown;
  off(event: 'upgrade', fn: (transport: EngineTransport) => void): unknown;
}

/** The classes the probe builds its connection from (engine.io's own, or stand-ins in tests). */
export interface EngineClasses {
  Socket: new (id: string, server: unknown, transport: unknown, req: null, protocol: number) => unknown;
  WebSocketTransport: new (req: unknown) => unknown;
}

const ENGINE_IO: EngineClasses = {
  Socket: Socket as unknown as EngineClasses['Socket'],
  WebSocketTransport: transports.websocket as unknown as EngineClasses['WebSocketTransport'],
};

/** The `ws` socket under a WebSocket transport; undefined for any other transport. */
export function webSocketOf(transport: EngineTransport): ServerWebSocket | undefined {
  return transport.name === 'websocket' ? (transport as { socket?: ServerWebSocket }).socket : undefined;
}

/** The packets `conn` holds unsent, read from engine.io's own buffer. */
export function bufferedPackets(conn: EngineConn): number {
  return (conn as { writeBuffer?: readonly unknown[] }).writeBuffer?.length ?? 0;
}

/** Where a connection keeps its public-event count when `writeBuffer` cannot be read. */
const COUNTED = Symbol('packetsWaiting');

/** Counts `conn`'s unsent packets on public events from now on (the fallback for `bufferedPackets`). */
export function countPackets(conn: EngineConn): void {
  const holder = conn as EngineConn & { [COUNTED]?: number };
  holder[COUNTED] = 0;
  conn.on('packetCreate', () => {
    holder[COUNTED]!++;
  });
  conn.on('flush', () => {
    holder[COUNTED] = 0;
  });
}

/** The count `countPackets` keeps (0 for a connection it does not follow). */
export function countedPackets(conn: EngineConn): number {
  return (conn as EngineConn & { [COUNTED]?: number })[COUNTED] ?? 0;
}

export function probeEngineIo(classes: EngineClasses = ENGINE_IO): ShapeProblem {
  const ws = Object.assign(new EventEmitter(), {
    send(_data: unknown, _done?: (err?: Error) => void) {},
    close() {
      ws.emit('close');
    },
  });
  const server = { opts: { pingInterval: 25_000, pingTimeout: 20_000, maxHttpBufferSize: 1_000_000 }, upgrades: () => [], emit: () => true };
  let conn: { send?: (data: string) => unknown; close?: (discard?: boolean) => unknown } | undefined;
  try {
    const transport = new classes.WebSocketTransport({ _query: { EIO: '4' }, websocket: ws });
    if (webSocketOf(transport as EngineTransport) !== (ws as unknown)) return 'engine.io: the WebSocket transport no longer keeps its ws socket in `socket`';
    conn = new classes.Socket('probe', server, transport, null, 4) as typeof conn;
    // The open packet is in flight (the stand-in never confirms the write): the next one waits.
    conn!.send!('probe');
    const waiting = (conn as { writeBuffer?: unknown }).writeBuffer;
    if (!Array.isArray(waiting)) return 'engine.io: Socket#writeBuffer is gone (unsent packets are counted on public events instead)';
    if (waiting.length !== 1) return 'engine.io: Socket#writeBuffer no longer holds the unsent packets (they are counted on public events instead)';
    return null;
  } catch (err) {
    return `engine.io: the probe connection could not be built (${(err as Error).message})`;
  } finally {
    try {
      conn?.close?.(true);
    } catch {
      // The verdict stands; a probe connection that cannot close ends on its own ping timeout.
    }
  }
}
