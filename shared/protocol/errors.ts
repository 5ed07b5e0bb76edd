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
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface WireError {
  code: ErrorCode;
  message: string;
}

/** The result every acknowledged request answers with. */
export type AckResult<T extends object = {}> = ({ ok: true } & T) | ({ ok: false } & WireError);
