/**
 * Every disconnect, counted by namespace and socket.io's reason (game_disconnects_total) and
 * logged with the player and the match it left. The rooms are read at `disconnecting`: by
 * `disconnect` socket.io has already taken the socket out of them, so that is the last moment
 * the match room (`match:<id>`) still says where the player was.
 */
import type { Namespace, Socket } from 'socket.io';
import type { Logger } from '../log.ts';
import { DISCONNECT_REASONS, type DisconnectReason, type Metrics } from '../metrics.ts';
import { matchRoom as matchRoomOf } from './match-room.ts';

const MATCH_ROOM_PREFIX = matchRoomOf('');

const KNOWN: ReadonlySet<string> = new Set(DISCONNECT_REASONS);

/** Reasons that are the normal end of a visit: logged at debug, not info. */
const ORDINARY: ReadonlySet<string> = new Set(['client namespace disconnect', 'server shutting down']);

export function reasonLabel(reason: string): DisconnectReason {
  return KNOWN.has(reason) ? (reason as DisconnectReason) : 'other';
}

export interface DisconnectStatsDeps {
  metrics: Metrics;
  log: Logger;
  /** The real client address of a socket (its handshake went through a trusted proxy or not). */
  addressOf: (socket: Socket) => string;
}

export function countDisconnects(nsp: Namespace, deps: DisconnectStatsDeps): void {
  nsp.on('connection', (socket: Socket) => {
    const connectedAt = Date.now();
    let rooms: string[] = [];
    socket.on('disconnecting', () => {
      rooms = [...socket.rooms].filter((r) => r !== socket.id);
    });
    socket.on('disconnect', (reason: string, description?: unknown) => {
      const label = reasonLabel(reason);
      deps.metrics.disconnects.inc({ namespace: nsp.name, reason: label });
      const guest = (socket.data as { guest?: { guestId: string } }).guest;
      const matchRoom = rooms.find((r) => r.startsWith(MATCH_ROOM_PREFIX));
      const fields = {
        nsp: nsp.name,
        reason,
        guestId: guest?.guestId,
        ...(matchRoom !== undefined && { matchId: matchRoom.slice(MATCH_ROOM_PREFIX.length) }),
        address: deps.addressOf(socket),
        transport: socket.conn.transport.name,
        connectedS: Math.round((Date.now() - connectedAt) / 1000),
        // 'transport error' and 'parse error' carry what went wrong.
        ...(description instanceof Error && { detail: description.message }),
      };
      if (ORDINARY.has(reason)) deps.log.debug(fields, 'disconnected');
      else deps.log.info(fields, 'disconnected');
    });
  });
}
