/**
 * What to tell a player about a connection or request error, by its stable code. The page never
 * shows a bare code: every code it can meet has a sentence, and whether the page fixes it by
 * itself (a refused token: it takes a new guest token) or the player must act.
 */
import { ErrorCode } from '../../../shared/protocol/errors.ts';

export interface ErrorAdvice {
  /** What the player reads. */
  message: string;
  /** The page recovers without the player (a new token, socket.io retrying). */
  recovers: boolean;
}

const ADVICE: Record<string, ErrorAdvice> = {
  [ErrorCode.AuthMissing]: { message: 'Signing in again…', recovers: true },
  [ErrorCode.AuthExpired]: { message: 'Your session expired: signing in again…', recovers: true },
  [ErrorCode.AuthInvalid]: { message: 'The server did not accept your session: signing in again…', recovers: true },
  [ErrorCode.ServerFull]: { message: 'The server is full. Try again in a minute.', recovers: false },
  [ErrorCode.ServerDraining]: { message: 'This server is restarting and takes no new matches. Try again in a moment.', recovers: false },
  [ErrorCode.VersionMismatch]: { message: 'This page is out of date. Reload it to play.', recovers: false },
  [ErrorCode.Unavailable]: { message: 'Cannot reach the server. Retrying…', recovers: true },
  [ErrorCode.Timeout]: { message: 'The server did not answer in time. Try again.', recovers: false },
  [ErrorCode.RateLimited]: { message: 'Slow down a little: too many requests.', recovers: false },
  [ErrorCode.BadNickname]: { message: 'That nickname cannot be used: 1–16 letters, digits, spaces, _ . -', recovers: false },
  [ErrorCode.UnknownMode]: { message: 'This server does not run that mode.', recovers: false },
  [ErrorCode.AlreadyQueued]: { message: 'You are already in a queue.', recovers: false },
  [ErrorCode.AlreadyInMatch]: { message: 'You already hold a seat in a match.', recovers: false },
  [ErrorCode.CodeNotFound]: { message: 'No match has that code: mistyped, or the match is over.', recovers: false },
  [ErrorCode.MatchFull]: { message: 'That match is full.', recovers: false },
  [ErrorCode.MatchNotFound]: { message: 'That match is over.', recovers: false },
  [ErrorCode.NoSeat]: { message: 'Your seat in that match is gone.', recovers: false },
  [ErrorCode.MatchMoved]: { message: 'The match moved to another server: following it…', recovers: true },
  [ErrorCode.NodeLeaving]: { message: 'The server is restarting: moving to another one…', recovers: true },
  [ErrorCode.ClusterUnavailable]: { message: 'The servers are busy sorting themselves out. Try again in a moment.', recovers: false },
  [ErrorCode.SessionReplaced]: { message: 'You opened this game in another tab; this one stopped.', recovers: false },
  [ErrorCode.UnknownGame]: { message: 'This page cannot play that game. Reload it.', recovers: false },
  [ErrorCode.GameLoadFailed]: { message: 'The game could not be loaded: check your connection and try again.', recovers: false },
  [ErrorCode.TooLong]: { message: 'That message is too long.', recovers: false },
  [ErrorCode.NotAllowed]: { message: 'Only the match’s creator can do that.', recovers: false },
};

/** The advice for a code; unknown codes keep the server's own message. */
export function adviceFor(code: string, serverMessage = ''): ErrorAdvice {
  const known = ADVICE[code];
  if (known) return known;
  // socket.io's own transport errors ("websocket error", "timeout") carry no code.
  if (!/^[A-Z_]+$/.test(code)) return ADVICE[ErrorCode.Unavailable]!;
  return { message: serverMessage || `The server refused: ${code}`, recovers: false };
}

/** A refused token is one the page replaces by itself. */
export function isAuthCode(code: string): boolean {
  return code === ErrorCode.AuthMissing || code === ErrorCode.AuthExpired || code === ErrorCode.AuthInvalid;
}
