/** Error codes that cross the wire. Stable: clients switch on them; messages are for humans. */
export const ErrorCode = {
  BadRequest: 'BAD_REQUEST',
  BadInput: 'BAD_INPUT',
  UnknownEvent: 'UNKNOWN_EVENT',
  RateLimited: 'RATE_LIMITED',
  NotInMatch: 'NOT_IN_MATCH',
  AlreadyInMatch: 'ALREADY_IN_MATCH',
  MatchFull: 'MATCH_FULL',
  MatchNotFound: 'MATCH_NOT_FOUND',
  ServerDraining: 'SERVER_DRAINING',
  Unauthorized: 'UNAUTHORIZED',
  Internal: 'INTERNAL',
  /** Handshake without `auth: { token }`. */
  AuthMissing: 'AUTH_MISSING',
  /** Token past its expiry: get a new one from POST /api/guest. */
  AuthExpired: 'AUTH_EXPIRED',
  /** Token malformed, forged or signed with another secret. */
  AuthInvalid: 'AUTH_INVALID',
  BadNickname: 'BAD_NICKNAME',
  UnknownMode: 'UNKNOWN_MODE',
  /** The player already waits in a quick-play queue. */
  AlreadyQueued: 'ALREADY_QUEUED',
  /** No private match has this code (mistyped, or the match is over). */
  CodeNotFound: 'CODE_NOT_FOUND',
  /** The player holds no seat in that match (never placed there, left, or the seat timed out). */
  NoSeat: 'NO_SEAT',
  /** Spectators receive snapshots but may not send inputs. */
  ReadOnly: 'READ_ONLY',
  TooLong: 'TOO_LONG',
  /** The request is valid but not allowed for this player now (e.g. only the creator starts a private match). */
  NotAllowed: 'NOT_ALLOWED',
  /** Another connection with the same token took this seat over. */
  SessionReplaced: 'SESSION_REPLACED',
  /** The node takes no more connections (MAX_CONNECTIONS): try another node or later. */
  ServerFull: 'SERVER_FULL',
  /** A page of another origin (not this node's, not in CORS_ORIGINS): the handshake or request is refused. */
  OriginRefused: 'ORIGIN_REFUSED',
  /** This client address holds MAX_CONNECTIONS_PER_ADDRESS connections already: close one first. */
  TooManyConnections: 'TOO_MANY_CONNECTIONS',
  /** Client and server speak different protocol versions (shared/protocol/version.ts): reload. */
  VersionMismatch: 'VERSION_MISMATCH',
  /** The match moved to another node (its owner died or shut down): join it again. */
  MatchMoved: 'MATCH_MOVED',
  /**
   * The node this connection is on is shutting down (a rolling deploy): open a new connection
   * (through the same address: the front sends it to another node) and join the match there; this
   * one stays open, and the match keeps coming over it, until the new one took the seat over.
   */
  NodeLeaving: 'NODE_LEAVING',
  /** A request needed another node or Redis, which did not answer: try again shortly. */
  ClusterUnavailable: 'CLUSTER_UNAVAILABLE',
  /** No party has this code (mistyped, or every member left). */
  PartyNotFound: 'PARTY_NOT_FOUND',
  /** The party has no free place, or is larger than the mode's match. */
  PartyFull: 'PARTY_FULL',
  /** The player is in a party already: leave it first. */
  AlreadyInParty: 'ALREADY_IN_PARTY',
  /** Only the party's leader queues the party. */
  NotPartyLeader: 'NOT_PARTY_LEADER',
  /** The player is in no party. */
  NotInParty: 'NOT_IN_PARTY',
  /**
   * No killcam of that death: this player has not died in the match, or not at that tick, or so
   * long ago that the match keeps no more of it.
   */
  KillcamNotFound: 'KILLCAM_NOT_FOUND',
  /** No killcam can be made: the match is not recorded, its game has none, or its node answered none usable. */
  KillcamUnavailable: 'KILLCAM_UNAVAILABLE',
  /** Client side: the match is of a game this client was not built with. */
  UnknownGame: 'UNKNOWN_GAME',
  /** Client side: the match's game is one this client loads on demand, and loading it failed. */
  GameLoadFailed: 'GAME_LOAD_FAILED',
  /** Client side: no answer within the request timeout. */
  Timeout: 'TIMEOUT',
  /** Client side: the server could not be reached. */
  Unavailable: 'UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface WireError {
  code: ErrorCode;
  message: string;
}

/** The result every acknowledged request answers with. */
export type AckResult<T extends object = {}> = ({ ok: true } & T) | ({ ok: false } & WireError);
