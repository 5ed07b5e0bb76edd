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

/** What a server tells clients about connecting to it (`GET /api/config`). */
export interface ConnectionConfig {
  /** socket.io's path on the server (its SOCKET_PATH), e.g. `/socket.io`. */
  socketPath: string;
  /** The transports it takes, in the order to try them (its TRANSPORTS). */
  transports: Transport[];
}

export const CONFIG_PATH = '/api/config';

/**
 * Asks the server how to connect (`GET /api/config`); null when it cannot tell (an older server,
 * a network error, an answer of the wrong shape): then socket.io's defaults are the best guess.
 * Pass the answer as PlayerClient's `path` and `transports`.
 */
export async function getConnectionConfig(url: string, opts: { timeoutMs?: number } = {}): Promise<ConnectionConfig | null> {
  try {
    const res = await fetch(new URL(CONFIG_PATH, url), { signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
    if (!res.ok) return null;
    const body = (await res.json()) as { socketPath?: unknown; transports?: unknown };
    const { socketPath, transports } = body;
    if (typeof socketPath !== 'string' || !socketPath.startsWith('/')) return null;
    if (!Array.isArray(transports) || transports.length === 0 || !transports.every((t) => t === 'polling' || t === 'websocket')) return null;
    return { socketPath, transports: transports as Transport[] };
  } catch {
    return null;
  }
}
