/**
 * The transports of rungs 1-5, each the plainest correct use of its library: what a server built
 * directly on that layer would do. The rooms and the game work are the same for all of them.
 *
 *   1 raw `ws`: one binary WebSocket message each way; broadcast = `ws.send` per member.
 *   2 engine.io alone: binary packets; broadcast = `socket.send` per member.
 *   3 socket.io, default parser: `input` and `snapshot` events carrying a Buffer (two frames
 *     each: a placeholder text frame, then the binary); broadcast = `nsp.to(room).emit`.
 *   4-5 socket.io with the repo's wire parser (one frame per binary event), rooms broadcast.
 */
import type { Server as HttpServer } from 'node:http';
import { attach as attachEngine, type Socket as EngineSocket } from 'engine.io';
import { Server as SocketIoServer, type Socket as SioSocket } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { Namespaces } from '../../../shared/protocol/events.ts';
import { wireParser } from '../../../shared/protocol/wire.ts';
import { RoomSet, type RoomSetOptions } from './room-set.ts';

export type TransportKind = 'ws' | 'eio' | 'sio-default' | 'sio-wire';

/** Paths the bots connect to. */
export const WS_PATH = '/ws';
export const EIO_PATH = '/engine.io/';

type RoomOpts = Omit<RoomSetOptions<never>, 'broadcast'>;

export function attachTransport(kind: TransportKind, http: HttpServer, rooms: RoomOpts): { clients: () => number } {
  switch (kind) {
    case 'ws':
      return attachWs(http, rooms);
    case 'eio':
      return attachEio(http, rooms);
    case 'sio-default':
    case 'sio-wire':
      return attachSocketIo(http, rooms, kind === 'sio-wire');
  }
}

function attachWs(http: HttpServer, opts: RoomOpts): { clients: () => number } {
  // perMessageDeflate is off by default in ws, as it is in engine.io.
  const wss = new WebSocketServer({ server: http, path: WS_PATH });
  const rooms = new RoomSet<WebSocket>({
    ...opts,
    broadcast(room, bytes) {
      for (const ws of room.members) ws.send(bytes);
    },
  });
  wss.on('connection', (ws) => {
    const seat = rooms.admit(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) seat.room.game.input(seat.slot, data as Buffer);
    });
    ws.on('close', () => rooms.remove(seat, ws));
  });
  return { clients: () => wss.clients.size };
}

function attachEio(http: HttpServer, opts: RoomOpts): { clients: () => number } {
  const engine = attachEngine(http, { path: EIO_PATH, transports: ['websocket'] });
  const rooms = new RoomSet<EngineSocket>({
    ...opts,
    broadcast(room, bytes) {
      for (const socket of room.members) socket.send(bytes as Buffer);
    },
  });
  engine.on('connection', (socket: EngineSocket) => {
    const seat = rooms.admit(socket);
    socket.on('message', (data: unknown) => {
      if (data instanceof Uint8Array) seat.room.game.input(seat.slot, data);
    });
    socket.on('close', () => rooms.remove(seat, socket));
  });
  return { clients: () => engine.clientsCount };
}

function attachSocketIo(http: HttpServer, opts: RoomOpts, wire: boolean): { clients: () => number } {
  const io = new SocketIoServer(http, { serveClient: false, ...(wire ? { parser: wireParser } : {}) });
  const nsp = io.of(Namespaces.match);
  const rooms = new RoomSet<SioSocket>({
    ...opts,
    broadcast(room, bytes) {
      nsp.to(room.name).emit('snapshot', bytes);
    },
  });
  nsp.on('connection', (socket) => {
    const seat = rooms.admit(socket);
    void socket.join(seat.room.name);
    socket.on('input', (bytes: unknown) => {
      if (bytes instanceof Uint8Array) seat.room.game.input(seat.slot, bytes);
    });
    socket.on('disconnect', () => rooms.remove(seat, socket));
  });
  return { clients: () => io.engine.clientsCount };
}
