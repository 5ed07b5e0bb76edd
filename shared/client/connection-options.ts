/**
 * How a client's connection is opened: which transports it may use, and the handshake's `auth`
 * (the guest token and the protocol version). Shared by the lobby and match clients.
 */
import type { SocketOptions } from 'socket.io-client';
import { handshakeAuth } from '../protocol/version.ts';

/** The transports a connection may use: `polling` (HTTP long-polling) and `websocket`. */
export type Transport = 'polling' | 'websocket';

/** socket.io's default order, without WebTransport (the server does not offer it). */
export const DEFAULT_TRANSPORTS: readonly Transport[] = ['polling', 'websocket'];

/**
 * The guest token, or where to read the current one: a function is asked at every (re)connect,
 * so a renewed token is what the next handshake presents.
 */
export type TokenSource = string | (() => string);

/** socket.io's `auth` for a token source: a callback when the token can change. */
export function authFor(token: TokenSource): SocketOptions['auth'] {
  // Anything but a function is sent as it is: a missing token must reach the server, which
  // answers AUTH_MISSING, rather than fail in the client.
  return typeof token === 'function' ? (cb) => cb(handshakeAuth(token())) : handshakeAuth(token);
}
