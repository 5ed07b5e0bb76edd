/**
 * What the /match namespace asks of the node's connections to matches other nodes own (the
 * cluster's RemoteMatches, server/cluster/remote-matches.ts): the namespace hands a socket over
 * and never learns how the other node is reached.
 */
import type { AnyGame } from '../../shared/game/game-definition.ts';
import type { AckResult } from '../../shared/protocol/errors.ts';
import type { MatchInfo } from '../../shared/protocol/events.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { MatchSocket } from './types.ts';

export interface RemoteSockets {
  /** The owner node of the match this socket is in through this node, or null. */
  ownerOf(socket: MatchSocket): string | null;
  /** Asks `owner` to seat the socket as a player (or spectator) of its match, and relays it here. */
  attach(socket: MatchSocket, owner: string, matchId: string, guest: GuestIdentity, role: 'player' | 'spectator'): Promise<AckResult<MatchInfo>>;
  /** The socket leaves its remote match (answered once the seat is free) or dropped. */
  detach(socket: MatchSocket, how: 'leave' | 'drop'): Promise<void>;
  /** An input of the socket, already checked here, for its match's owner. */
  input(socket: MatchSocket, bytes: Uint8Array): void;
  gameOf(socket: MatchSocket): AnyGame | null;
}
