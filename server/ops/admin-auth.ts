/**
 * The handshake gate of the admin namespace, in front of @socket.io/admin-ui's own middleware.
 *
 * The package can check a bcrypt password itself, but on the main thread (a 55 ms stall of every
 * match per attempt at cost 10), without a limit on attempts, and without telling anyone that
 * an attempt failed. This gate does the password check on a worker (password-check.ts), limits
 * attempts per address, logs and counts every refusal by reason, and on success hands the
 * package a fresh session id instead of the password: the package's middleware then only looks
 * the session up in the shared store (a second lock, no second bcrypt), and the UI gets the id
 * (`session` event) so a reload of the page does not ask again.
 *
 * A refusal is a `connect_error` whose message the UI shows. A wrong user or password gets
 * exactly "invalid credentials", the message the UI recognises (and translates); `data` has
 * `{ code, message }` like every other handshake refusal of this server.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { ExtendedError, Socket } from 'socket.io';
import type { Logger } from '../log.ts';
import { KeyedRateLimiter } from '../lobby/rate-limit.ts';
import type { AdminSessionStore } from './admin-sessions.ts';
import type { PasswordChecker } from './password-check.ts';

export const AdminAuthError = {
  /** Wrong user name or password. */
  Invalid: 'ADMIN_AUTH_INVALID',
  /** No password and no (live) session: the page was opened for the first time, or the session ended. */
  LoginRequired: 'ADMIN_LOGIN_REQUIRED',
  /** Too many attempts from this address. */
  RateLimited: 'ADMIN_RATE_LIMITED',
  /** Too many password checks waiting already (many addresses at once). */
  Busy: 'ADMIN_BUSY',
} as const;
export type AdminAuthErrorCode = (typeof AdminAuthError)[keyof typeof AdminAuthError];

/** The reasons a metric counts, each known in advance (the counter starts at 0 for each). */
export const ADMIN_AUTH_FAILURE_REASONS = ['bad_credentials', 'login_required', 'rate_limited', 'busy'] as const;
export type AdminAuthFailureReason = (typeof ADMIN_AUTH_FAILURE_REASONS)[number];

export interface AdminAuthDeps {
  user: string;
  passwordHash: string;
  sessions: AdminSessionStore;
  passwords: PasswordChecker;
  log: Logger;
  onFailure: (reason: AdminAuthFailureReason) => void;
  onLogin?: () => void;
  now?: () => number;
  /** Password attempts per address: `burst` at once, then one per `intervalMs`. Default 5, then 1 per 12 s. */
  attempts?: { burst: number; intervalMs: number };
}

/** bcrypt reads at most 72 bytes; anything much longer is not a password anybody typed. */
const MAX_PASSWORD_LENGTH = 1024;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function adminAuthGate(deps: AdminAuthDeps) {
  const now = deps.now ?? Date.now;
  const limiter = new KeyedRateLimiter(deps.attempts ?? { burst: 5, intervalMs: 12_000 });
  const userDigest = digest(deps.user);

  const refuse = (socket: Socket, next: (err?: ExtendedError) => void, reason: AdminAuthFailureReason, code: AdminAuthErrorCode, message: string): void => {
    deps.onFailure(reason);
    // A first visit (no session yet) is routine; a wrong password or a flood is worth a warning.
    const fields = { nsp: socket.nsp.name, address: socket.handshake.address, reason, code };
    if (reason === 'login_required') deps.log.info(fields, 'admin UI login refused');
    else deps.log.warn(fields, 'admin UI login refused');
    const error = new Error(message) as ExtendedError;
    error.data = { code, message };
    next(error);
  };

  const gate = async (socket: Socket, next: (err?: ExtendedError) => void): Promise<void> => {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    const address = socket.handshake.address;
    if (typeof auth.sessionId === 'string' && (await deps.sessions.doesSessionExist(auth.sessionId))) return next();
    const { username, password } = auth;
    if (typeof username !== 'string' || typeof password !== 'string' || username === '') {
      return refuse(socket, next, 'login_required', AdminAuthError.LoginRequired, 'login required');
    }
    if (!limiter.take(address, now())) {
      return refuse(socket, next, 'rate_limited', AdminAuthError.RateLimited, 'too many login attempts from this address: wait a minute');
    }
    // The password is always checked, even for a wrong user name: the answer takes as long
    // either way, so the time does not tell which one was wrong.
    const verdict = password.length > MAX_PASSWORD_LENGTH ? 'mismatch' : await deps.passwords.check(password, deps.passwordHash);
    if (verdict === 'busy') return refuse(socket, next, 'busy', AdminAuthError.Busy, 'too many logins at once: try again in a few seconds');
    const userMatches = timingSafeEqual(digest(username), userDigest);
    if (verdict !== 'match' || !userMatches) return refuse(socket, next, 'bad_credentials', AdminAuthError.Invalid, 'invalid credentials');

    const sessionId = randomBytes(16).toString('hex');
    await deps.sessions.saveSession(sessionId);
    // The password leaves the handshake here: the package's middleware sees a session only.
    socket.handshake.auth = { sessionId };
    deps.onLogin?.();
    deps.log.info({ address, user: username }, 'admin UI login');
    next();
  };
  // socket.io does not await a middleware: nothing may escape as an unhandled rejection.
  return (socket: Socket, next: (err?: ExtendedError) => void): void => {
    gate(socket, next).catch((error: unknown) => {
      deps.log.error({ err: error, address: socket.handshake.address }, 'admin UI login failed');
      next(new Error('internal error'));
    });
  };
}

/** Tells the UI its session id (the package's "session" event) once the socket is connected. */
export function sendSession(socket: Socket): void {
  const sessionId = (socket.handshake.auth as { sessionId?: unknown }).sessionId;
  if (typeof sessionId === 'string') socket.emit('session', sessionId);
}
