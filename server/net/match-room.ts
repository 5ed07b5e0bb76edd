/**
 * A match's ports over socket.io (server/match/match-events.ts, snapshot-fanout.ts): its room for
 * events, a second room for the snapshot stream, and the one place that writes a /match socket's
 * `socket.data` match fields, so the handlers only read them.
 */
import { ErrorCode } from '../../shared/protocol/errors.ts';
import type { MatchEvents } from '../match/match-events.ts';
import type { FanoutTransport } from '../match/snapshot-fanout.ts';
import { roomTransport } from './room-transport.ts';
import type { MatchNamespace, MatchSocket } from './types.ts';

export const matchRoom = (matchId: string): string => `match:${matchId}`;

/** Records on the socket which match it is in and as what. */
function bind(socket: MatchSocket, matchId: string, role: 'player' | 'spectator', slot: number): void {
  socket.data.matchId = matchId;
  socket.data.role = role;
  socket.data.slot = role === 'player' ? slot : undefined;
}

/** Forgets the match on the socket, if it still names this one. */
function unbind(socket: MatchSocket, matchId: string): void {
  if (socket.data.matchId !== matchId) return;
  socket.data.matchId = undefined;
  socket.data.slot = undefined;
  socket.data.role = undefined;
}

export function matchRoomPorts(nsp: MatchNamespace, matchId: string): { events: MatchEvents; transport: FanoutTransport } {
  const room = matchRoom(matchId);
  const to = () => nsp.to(room);
  const events: MatchEvents = {
    roster: (players) => to().emit('roster', players),
    presence: (change) => to().emit('presence', change),
    phase: (change) => to().emit('phase', change),
    ended: (results) => to().emit('ended', results),
    admit(connectionId, role, slot) {
      const socket = nsp.sockets.get(connectionId);
      if (!socket) return;
      bind(socket, matchId, role, slot);
      void socket.join(room);
    },
    dismiss(connectionId) {
      const socket = nsp.sockets.get(connectionId);
      if (!socket) return;
      unbind(socket, matchId);
      void socket.leave(room);
    },
    replaced(connectionId) {
      const socket = nsp.sockets.get(connectionId);
      if (!socket) return;
      socket.emit('protocol_error', { code: ErrorCode.SessionReplaced, message: 'this seat was taken over by another connection' });
      socket.disconnect(true);
    },
  };
  return { events, transport: roomTransport(nsp, `snap:${matchId}`) };
}
