/**
 * The ports through which a match reaches its clients, so that no match class holds socket.io
 * objects: the net layer implements them over a socket.io room (server/net/match-room.ts), tests
 * implement them with arrays.
 */
import type { MatchResults, PhaseChange, PlayerInfo, PresenceChange, ServerTick } from '../../shared/protocol/events.ts';

export interface MatchEvents {
  roster(players: PlayerInfo[]): void;
  /**
   * A player joined, came back, dropped or left. `except`: the connection the change is about,
   * which is in the room already (joined, back) and must not hear about itself.
   */
  presence(change: PresenceChange, except?: string): void;
  phase(change: PhaseChange): void;
  ended(results: MatchResults): void;
  /** Once a second while the match ticks: how long its ticks took (players' net graphs). */
  serverTick(tick: ServerTick): void;
  /**
   * The connection now plays `slot` (role player) or watches (spectator, slot -1) this match.
   * True when it is a socket of this node, which the match's fan-out then feeds; false for a
   * connection on another node, whose own node relays the match's stream to it.
   */
  admit(connectionId: string, role: 'player' | 'spectator', slot: number): boolean;
  /** The connection is no longer in this match (left, dropped, seat freed, match disposed). */
  dismiss(connectionId: string): void;
  /** The connection lost its seat to another connection with the same token: tell it and close it. */
  replaced(connectionId: string): void;
}
