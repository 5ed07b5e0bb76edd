/**
 * The /lobby namespace: matchmaking, private matches, the live public match list and lobby chat.
 * Every request is acknowledged with an AckResult; what the server pushes on its own (placement,
 * list changes, chat) comes as events.
 */
import type { AckResult, WireError } from './errors.ts';

export type Visibility = 'public' | 'private';

/** A match's lifecycle as the lobby and the match room see it. */
export type MatchState = 'waiting' | 'countdown' | 'playing' | 'ended' | 'disposed';

export interface ModeInfo {
  id: string;
  /** The game this mode plays. */
  game: string;
  label: string;
  /** Quick play forms a match at maxPlayers at once, or at minPlayers after the queue wait. */
  minPlayers: number;
  maxPlayers: number;
  /** The game's options for matches of this mode (Arena: killTarget, timeLimitS). */
  options: Record<string, number>;
}

/** A number a private match may choose (GET /api/games). */
export interface GameOptionInfo {
  name: string;
  label: string;
  min: number;
  max: number;
}

/** A game this server runs, as GET /api/games lists it. */
export interface GameInfo {
  id: string;
  name: string;
  maxPlayers: number;
  modes: { id: string; label: string; minPlayers: number; maxPlayers: number }[];
  options: GameOptionInfo[];
}

/** One public match as the lobby lists it. */
export interface MatchListing {
  matchId: string;
  game: string;
  mode: string;
  state: MatchState;
  /** Seats taken: humans (including those within their reconnect grace) plus bots. */
  players: number;
  humans: number;
  bots: number;
  spectators: number;
  maxPlayers: number;
  /** The game's options for this match. */
  options: Record<string, number>;
  /** Epoch ms. */
  createdAt: number;
}

/** A seat the lobby reserved for this player: connect to /match and `join { matchId }`. */
export interface SeatGrant {
  matchId: string;
  game: string;
  mode: string;
  visibility: Visibility;
  /** The private match's code (to share); null for public matches. */
  code: string | null;
}

/** Sent once after the lobby connection is accepted. */
export interface SessionInfo {
  guestId: string;
  nickname: string;
  /** The match this player holds a seat in (to rejoin after a reload), or null. */
  matchId: string | null;
  modes: ModeInfo[];
  games: GameInfo[];
  chatMaxLength: number;
}

export interface ChatMessage {
  /**
   * Unique and increasing within the server that sent it (its clock in µs, or one more than the
   * last): the client keeps the last one it saw and asks for the later ones after a drop
   * (`chat_missed`).
   */
  id: number;
  channel: 'lobby' | 'match' | 'party';
  from: { guestId: string; nickname: string };
  /** Plain text, control characters removed. Render it as text, never as HTML. */
  text: string;
  /** Server clock, epoch ms. */
  at: number;
}

/** The answer to `chat_missed` (on /lobby and /match). */
export interface ChatMissed {
  messages: ChatMessage[];
  /** The id of the room's latest line; 0 when it has none. */
  latest: number;
}

export interface QuickPlayRequest {
  mode: string;
}

export interface PrivateMatchOptions {
  /** Default: the first mode of the first game. */
  mode?: string;
  maxPlayers?: number;
  /** Overrides of the mode's game options, within the bounds the game lists (GameInfo.options). */
  options?: Record<string, number>;
}

/**
 * List events carry a version that grows with every directory change: a client applies an event
 * only if its version is above the list it holds, so events that raced the initial list are
 * neither lost nor applied twice.
 */
export interface MatchList {
  version: number;
  matches: MatchListing[];
}
export interface ListChange {
  version: number;
  match: MatchListing;
}
export interface ListRemoval {
  version: number;
  matchId: string;
}

/** Most members a party holds; quick play also needs the party to fit the mode's match. */
export const PARTY_MAX_SIZE = 4;

export interface PartyMemberInfo {
  guestId: string;
  nickname: string;
  leader: boolean;
  /** False while the member's lobby connection is gone: its place is kept for the reconnect grace. */
  online: boolean;
}

/** A party as its members see it; sent whole (`party` event) whenever anything in it changes. */
export interface PartyInfo {
  /** The invite: join with `party_join { code }`, or open `/?party=CODE`. */
  code: string;
  /** In join order; the first leads (presses Quick play for everybody). */
  members: PartyMemberInfo[];
  maxSize: number;
  /** The mode the party waits in, or null. */
  queued: string | null;
  /** Grows with every change: keep the party with the highest version (news from two nodes may cross). */
  version: number;
}

/** A player's record in one mode. `rating` is the figure shown (starts at 1000). */
export interface ModeStats {
  rating: number;
  played: number;
  wins: number;
  /** The game's own figures summed (Arena: kills, deaths). */
  stats: Record<string, number>;
}

/** What a guest keeps across visits (tied to its guest id, which token renewal keeps). */
export interface PlayerProfile {
  guestId: string;
  nickname: string;
  /** Only the modes the player has played a rated match in. */
  modes: Record<string, ModeStats>;
  /** The rating a player starts from in any mode. */
  initialRating: number;
}

/** Sent after each rated match (public matches: quick play and the listed ones) to its players. */
export interface RatingChange {
  matchId: string;
  mode: string;
  before: number;
  after: number;
  /** after − before, rounded as shown: "+14". */
  delta: number;
  /** The player's place among the match's humans (1 = best); a player who left ranks last. */
  place: number;
  /** Humans rated together (bots are not rated). */
  humans: number;
}

export interface LeaderboardRow {
  rank: number;
  nickname: string;
  rating: number;
  /** True on the asking player's own row. */
  me?: boolean;
}

/** `GET /api/leaderboard?mode=M` and the `leaderboard` request answer with this. */
export interface Leaderboard {
  mode: string;
  /** The best (up to 100), best first. */
  top: LeaderboardRow[];
  /** The asking player's own row, wherever it ranks; null when it has no rating in the mode (or asked over HTTP without a token). */
  me: LeaderboardRow | null;
  /** Rated players in the mode. */
  players: number;
}

type Ack<T extends object = {}> = (res: AckResult<T>) => void;

/** Events a client sends on /lobby. Every one takes a payload object and an acknowledgement. */
export interface LobbyClientEvents {
  quickplay: (req: QuickPlayRequest, ack: Ack<{ mode: string; waiting: number }>) => void;
  quickplay_cancel: (req: {}, ack: Ack<{ cancelled: boolean }>) => void;
  create_private: (req: PrivateMatchOptions, ack: Ack<SeatGrant>) => void;
  join_code: (req: { code: string }, ack: Ack<SeatGrant>) => void;
  /** Takes a free seat in a listed public match. */
  join_match: (req: { matchId: string }, ack: Ack<SeatGrant>) => void;
  /** Gives up the player's seat wherever it is (also possible from /match with `leave`). */
  leave_match: (req: {}, ack: Ack<{ left: boolean }>) => void;
  list_subscribe: (req: {}, ack: Ack<MatchList>) => void;
  list_unsubscribe: (req: {}, ack: Ack) => void;
  chat: (req: { text: string }, ack: Ack<{ text: string }>) => void;
  /**
   * Lobby chat lines after the one with id `after` (the last seen before a drop), oldest first,
   * and the id of the room's latest line (0: none), which a client just connected takes as its
   * starting point (asking `after: Number.MAX_SAFE_INTEGER` for no lines).
   */
  chat_missed: (req: { after: number }, ack: Ack<ChatMissed>) => void;
  /** Creates a party led by this player; the answer carries its invite code. */
  party_create: (req: {}, ack: Ack<PartyInfo>) => void;
  party_join: (req: { code: string }, ack: Ack<PartyInfo>) => void;
  /** Leaves the party (and takes it out of the queue if it waits in one). */
  party_leave: (req: {}, ack: Ack<{ left: boolean }>) => void;
  /** A line to the party's members only (same rules and rate limit as lobby chat). */
  party_chat: (req: { text: string }, ack: Ack<{ text: string }>) => void;
  /** This player's profile: per-mode rating, matches, wins, the game's stats. */
  profile: (req: {}, ack: Ack<PlayerProfile>) => void;
  /** The mode's top 100 and this player's own rank. */
  leaderboard: (req: { mode: string }, ack: Ack<Leaderboard>) => void;
}

/** How many players are connected, across every node of the cluster. */
export interface OnlineCount {
  players: number;
  nodes: number;
}

/** Events the server sends on /lobby. */
export interface LobbyServerEvents {
  session: (session: SessionInfo) => void;
  /** Sent on connect and whenever the count changes (checked every 2 s). */
  online: (count: OnlineCount) => void;
  /** Quick play placed this player. */
  matched: (seat: SeatGrant) => void;
  match_created: (change: ListChange) => void;
  match_updated: (change: ListChange) => void;
  match_removed: (removal: ListRemoval) => void;
  chat: (message: ChatMessage) => void;
  /** The player's party as it is now (after any change: join, leave, presence, queue); null: in no party. */
  party: (party: PartyInfo | null) => void;
  party_chat: (message: ChatMessage) => void;
  /** A rated match of this player ended: its rating before and after. */
  rating: (change: RatingChange) => void;
  protocol_error: (error: WireError) => void;
}

/**
 * Every event of LobbyClientEvents, once: the server's packet guard admits exactly these on
 * /lobby. The `satisfies` makes an event of the map missing here (or one here not in the map) a
 * compile error, so a new request cannot be silently refused by the guard.
 */
const LOBBY_REQUEST_EVENTS = {
  quickplay: true,
  quickplay_cancel: true,
  create_private: true,
  join_code: true,
  join_match: true,
  leave_match: true,
  list_subscribe: true,
  list_unsubscribe: true,
  chat: true,
  chat_missed: true,
  party_create: true,
  party_join: true,
  party_leave: true,
  party_chat: true,
  profile: true,
  leaderboard: true,
} as const satisfies Record<keyof LobbyClientEvents, true>;

export const LOBBY_REQUESTS = Object.keys(LOBBY_REQUEST_EVENTS) as readonly (keyof typeof LOBBY_REQUEST_EVENTS)[];
