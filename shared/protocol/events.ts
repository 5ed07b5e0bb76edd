/**
 * Namespaces and typed event maps shared by server, game and bots. Server and clients pass these
 * maps to socket.io's generics, so a wrong payload is a compile error on both ends.
 */
import type { ArenaMap, Rules } from '../sim/types.ts';
import type { AckResult, WireError } from './errors.ts';

export const Namespaces = {
  match: '/match',
} as const;

export interface PlayerInfo {
  id: number;
  nickname: string;
}

export interface MatchInfo {
  matchId: string;
  /** This player's id inside the match (its slot), the key of its record in snapshots. */
  playerId: number;
  rules: Rules;
  map: ArenaMap;
  /** Snapshots are sent every `snapshotEvery` ticks. */
  snapshotEvery: number;
  roster: PlayerInfo[];
}

export interface JoinRequest {
  nickname?: string;
}

export interface MatchResults {
  matchId: string;
  reason: 'kills' | 'time' | 'abandoned';
  winnerId: number | null;
  scoreboard: { id: number; nickname: string; kills: number; deaths: number }[];
}

/** Events a client sends on /match. Binary payloads are Uint8Array. */
export interface MatchClientEvents {
  join: (req: JoinRequest, ack: (res: AckResult<MatchInfo>) => void) => void;
  leave: (ack: (res: AckResult) => void) => void;
  input: (bytes: Uint8Array) => void;
  /** Clock sync: the server answers with its clock in ms. */
  clock: (ack: (serverTime: number) => void) => void;
}

/** Events the server sends on /match. */
export interface MatchServerEvents {
  snapshot: (bytes: Uint8Array) => void;
  roster: (players: PlayerInfo[]) => void;
  ended: (results: MatchResults) => void;
  /** A request or packet of this client was refused; sent before a disconnect when fatal. */
  protocol_error: (error: WireError) => void;
}

/**
 * Names that travel as one-byte indices in binary frames (see wire-parser.ts). Append only:
 * reordering changes the wire format.
 */
export const WIRE_NAMESPACES = ['/', '/match', '/lobby'] as const;
export const WIRE_EVENTS = ['snapshot', 'input'] as const;
