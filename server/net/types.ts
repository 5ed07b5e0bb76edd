import type { Namespace, Socket } from 'socket.io';
import type { MatchClientEvents, MatchServerEvents } from '../../shared/protocol/events.ts';

/** What the server keeps on each /match socket (`socket.data`). */
export interface MatchSocketData {
  nickname: string;
  matchId?: string;
  playerId?: number;
}

export type MatchNamespace = Namespace<MatchClientEvents, MatchServerEvents, {}, MatchSocketData>;
export type MatchSocket = Socket<MatchClientEvents, MatchServerEvents, {}, MatchSocketData>;
