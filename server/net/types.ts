import type { Namespace, Socket } from 'socket.io';
import type { LobbyClientEvents, LobbyServerEvents, MatchClientEvents, MatchServerEvents } from '../../shared/protocol/events.ts';
import type { GuestIdentity } from '../auth/identity.ts';

/**
 * What the server keeps on each /match socket (`socket.data`). Each field has one writer:
 * `guest` the handshake (auth/handshake.ts); the match fields only match-room.ts, when the
 * match admits or dismisses the socket. Handlers read them.
 */
export interface MatchSocketData {
  guest: GuestIdentity;
  matchId?: string;
  /** The player's slot in the match; unset for spectators. */
  slot?: number;
  role?: 'player' | 'spectator';
  /** The connection asked for the match's tick time (`net_graph`); written by match-room.ts. */
  netGraph?: boolean;
  /** When this socket was last told MATCH_MOVED (Date.now()): its inputs in flight are no offence. */
  movedAt?: number;
}

export type MatchNamespace = Namespace<MatchClientEvents, MatchServerEvents, {}, MatchSocketData>;
export type MatchSocket = Socket<MatchClientEvents, MatchServerEvents, {}, MatchSocketData>;

/** What the server keeps on each /lobby socket: the guest, written by the handshake. */
export interface LobbySocketData {
  guest: GuestIdentity;
}

export type LobbyNamespace = Namespace<LobbyClientEvents, LobbyServerEvents, {}, LobbySocketData>;
export type LobbySocket = Socket<LobbyClientEvents, LobbyServerEvents, {}, LobbySocketData>;
