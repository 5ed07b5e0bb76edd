/**
 * Namespaces and typed event maps shared by server, game and bots. Server and clients pass these
 * maps to socket.io's generics, so a wrong payload is a compile error on both ends.
 */
import type { AckResult, WireError } from './errors.ts';
import type { ChatMessage, ChatMissed, MatchState, Visibility } from './lobby-events.ts';

export * from './lobby-events.ts';

export const Namespaces = {
  match: '/match',
  lobby: '/lobby',
} as const;

export interface PlayerInfo {
  /** The player's number in the match (0..maxPlayers-1): the key of its record in snapshots. */
  slot: number;
  nickname: string;
  /** False while the player is away (within its reconnect grace) or has not arrived yet. */
  connected: boolean;
  bot: boolean;
}

export interface MatchInfo<Setup = unknown> {
  matchId: string;
  /** The game this match plays (GET /api/games lists them); its codecs decode the snapshots. */
  game: string;
  /** This player's slot, the key of its record in snapshots; -1 for a spectator. */
  slot: number;
  role: 'player' | 'spectator';
  mode: string;
  visibility: Visibility;
  state: MatchState;
  /** Simulation ticks per second. */
  tickRate: number;
  /** Seats in the match. */
  maxPlayers: number;
  /** Snapshots are sent every `snapshotEvery` ticks. */
  snapshotEvery: number;
  /** The game's options for this match (Arena: killTarget, timeLimitS). */
  options: Record<string, number>;
  /** What the game tells clients to draw and predict the match (Arena: rules and map). */
  setup: Setup;
  roster: PlayerInfo[];
  /**
   * In a cluster: the node that runs the match (its NODE_ID). A client behind a front puts it in
   * its connection URL's query (`node=…`) when it connects again, and the front sends that
   * connection to this node when it is still there (scripts/front, deploy/nginx.conf), so the
   * player's inputs and snapshots need not be relayed between nodes. Absent on a single node.
   */
  node?: string;
}

/** Takes the seat the lobby reserved. Without matchId: the match where this player holds a seat. */
export interface JoinRequest {
  matchId?: string;
}

export interface SpectateRequest {
  matchId: string;
}

/**
 * The killcam of the asker's own death. `tick`: the tick of the snapshot that told it it died
 * (left out: its latest death); `victim`: its own slot (another's is refused NOT_ALLOWED).
 */
export interface KillcamRequest {
  victim?: number;
  tick?: number;
}

/**
 * A killcam (shared/replay/killcam.ts): the death, and the recording from a checkpoint up to
 * now, compressed; the page re-simulates it from the killer's seat. On the wire the answer is the
 * bytes alone (binary travels as an acknowledgement's sole argument, one frame on the compact
 * wire), or the failure; the SDK hands it over as this.
 */
export interface KillcamAnswer {
  killcam: Uint8Array;
}

/** One row of the final ranking, best first. */
export interface ResultRow {
  slot: number;
  nickname: string;
  bot: boolean;
  /** What the ranking is by (Arena: kills; Cycles: rounds won). */
  score: number;
  /** The game's own figures (Arena: kills, deaths). */
  stats: Record<string, number>;
}

export interface MatchResults {
  matchId: string;
  game: string;
  /** Why it ended: the game's reason (Arena: 'kills' | 'time'), or 'abandoned'. */
  reason: string;
  /** The slot ranked first, or null (a draw, nobody scored). */
  winnerSlot: number | null;
  standings: ResultRow[];
  /** The match's replay (GET /api/replays/<replayId>); absent when the match was not recorded. */
  replayId?: string;
}

/** Lifecycle step of the match, sent to its room: waiting → countdown → playing → ended → disposed. */
export interface PhaseChange {
  matchId: string;
  state: MatchState;
  /** Tick at which the change happened. */
  tick: number;
  /** Tick at which this phase ends (countdown, time limit); 0 when open-ended. */
  phaseEndTick: number;
  /** Set with state 'ended'. */
  results?: MatchResults;
}

/** A seat's connection changed. `timed_out`: not back within the grace, the seat is freed. */
export interface PresenceChange {
  slot: number;
  nickname: string;
  status: 'joined' | 'away' | 'back' | 'left' | 'timed_out';
}

/**
 * How long this match's ticks took on the node that runs it, over the last second (about
 * `tickRate` ticks): what a player's net graph shows as the server's share of the delay. Sent once
 * a second while the match ticks, to the connections that asked for it (`net_graph`): a player
 * without the graph open (and every bot) pays no bytes for it.
 */
export interface ServerTick {
  /** Mean duration of one tick, ms (two decimals). */
  meanMs: number;
  /** The slowest tick of the second, ms (two decimals). */
  maxMs: number;
}

/** Events a client sends on /match. Binary payloads are Uint8Array. */
export interface MatchClientEvents {
  /**
   * Take (or come back to) the seat the lobby gave: `{ matchId }`, or `{}` for wherever this guest
   * holds one. Asking again for the match this connection already plays is answered as a rejoin;
   * ALREADY_IN_MATCH only when it is in another match (or watching one).
   */
  join: (req: JoinRequest, ack: (res: AckResult<MatchInfo>) => void) => void;
  /** Watch a public match: snapshots and events, no inputs. */
  spectate: (req: SpectateRequest, ack: (res: AckResult<MatchInfo>) => void) => void;
  /** Gives up the seat (a dropped connection keeps it for the reconnect grace instead). */
  leave: (ack: (res: AckResult) => void) => void;
  /** Private matches: the creator starts without waiting for the match to fill. */
  start: (ack: (res: AckResult) => void) => void;
  chat: (req: { text: string }, ack: (res: AckResult<{ text: string }>) => void) => void;
  /** This match's chat lines after the one with id `after` (the last seen before a drop), oldest first. */
  chat_missed: (req: { after: number }, ack: (res: AckResult<ChatMissed>) => void) => void;
  input: (bytes: Uint8Array) => void;
  /**
   * `{ on: true }`: send this connection `server_tick` once a second, in this match and in any it
   * joins later; `{ on: false }`: stop. A new connection starts without it.
   */
  net_graph: (req: { on: boolean }, ack: (res: AckResult) => void) => void;
  /** Clock sync: the server answers with its clock in ms. */
  clock: (ack: (serverTime: number) => void) => void;
  /**
   * Arena, after a death: the last seconds before it as the killer saw them: the killcam's bytes.
   * NOT_IN_MATCH for a spectator or a connection in no match, NOT_ALLOWED for another player's
   * death, KILLCAM_NOT_FOUND when there is no such death (any more), KILLCAM_UNAVAILABLE when the
   * match is not recorded (or, for a match another node runs, that node answered no usable
   * killcam), CLUSTER_UNAVAILABLE when that node did not answer in time, RATE_LIMITED while the
   * node builds others.
   */
  killcam: (req: KillcamRequest, ack: (res: Uint8Array | ({ ok: false } & WireError)) => void) => void;
}

/** Every event a client may send on /match: the packet guard's allow list; a missing one fails to compile. */
const MATCH_CLIENT_EVENT_SET = {
  join: true,
  spectate: true,
  leave: true,
  start: true,
  chat: true,
  chat_missed: true,
  net_graph: true,
  input: true,
  clock: true,
  killcam: true,
} as const satisfies Record<keyof MatchClientEvents, true>;

export const MATCH_CLIENT_EVENTS = Object.keys(MATCH_CLIENT_EVENT_SET) as readonly (keyof MatchClientEvents)[];

/** Events the server sends on /match. */
export interface MatchServerEvents {
  snapshot: (bytes: Uint8Array) => void;
  roster: (players: PlayerInfo[]) => void;
  ended: (results: MatchResults) => void;
  phase: (change: PhaseChange) => void;
  presence: (change: PresenceChange) => void;
  chat: (message: ChatMessage) => void;
  /** Once a second while the match ticks, if asked for (`net_graph`): its tick durations. */
  server_tick: (tick: ServerTick) => void;
  /** A request or packet of this client was refused; sent before a disconnect when fatal. */
  protocol_error: (error: WireError) => void;
}

/** Every event the server sends on /match; the compiler checks the list against the map. */
export const MATCH_SERVER_EVENTS = ['snapshot', 'roster', 'ended', 'phase', 'presence', 'chat', 'server_tick', 'protocol_error'] as const satisfies readonly (keyof MatchServerEvents)[];
type Missing = Exclude<keyof MatchServerEvents, (typeof MATCH_SERVER_EVENTS)[number]>;
// A new server event not in the list is a compile error here (the document test reads the list).
const _everyServerEvent: [Missing] extends [never] ? true : Missing = true;
void _everyServerEvent;

/**
 * Names that travel as one-byte indices in binary frames (see wire-parser.ts). Append only:
 * reordering changes the wire format.
 */
export const WIRE_NAMESPACES = ['/', '/match', '/lobby'] as const;
export const WIRE_EVENTS = ['snapshot', 'input'] as const;
