/**
 * How a client's connection is opened: which transports it may use, and the handshake's `auth`
 * (the guest token and the protocol version). Shared by the lobby and match clients.
 */
import type { ManagerOptions, SocketOptions } from 'socket.io-client';
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

/**
 * How a client tries again after its connection drops: socket.io's reconnection settings, as the
 * server advertises them (its CLIENT_RECONNECT_* settings), so an operator can spread a crowd's
 * returns after a restart without shipping a new client. The n-th attempt waits
 * `min(delayMs · 2^(n-1), delayMaxMs)`, moved by up to ± `randomization` of itself; after
 * `attempts` failed tries (null: never) the client gives up and says so (`reconnect_failed`).
 */
export interface ReconnectionPolicy {
  delayMs: number;
  delayMaxMs: number;
  /** 0 to 1. */
  randomization: number;
  /** Attempts before giving up; null: keep trying. */
  attempts: number | null;
}

/** What a server tells clients about connecting to it (`GET /api/config`). */
export interface ConnectionConfig {
  /** socket.io's path on the server (its SOCKET_PATH), e.g. `/socket.io`. */
  socketPath: string;
  /** The transports it takes, in the order to try them (its TRANSPORTS). */
  transports: Transport[];
  /** How to reconnect; null from a server that does not say (socket.io's defaults then). */
  reconnection: ReconnectionPolicy | null;
  /** The server runs with DEV_TOOLS (its /api/dev routes answer); false from one that does not say. */
  devTools: boolean;
}

/** The policy as socket.io-client's Manager options (pass as PlayerClient's `connection`). */
export function reconnectionOptions(policy: ReconnectionPolicy): Pick<ManagerOptions, 'reconnection' | 'reconnectionDelay' | 'reconnectionDelayMax' | 'randomizationFactor' | 'reconnectionAttempts'> {
  return {
    reconnection: true,
    reconnectionDelay: policy.delayMs,
    reconnectionDelayMax: policy.delayMaxMs,
    randomizationFactor: policy.randomization,
    reconnectionAttempts: policy.attempts ?? Infinity,
  };
}

/** A reconnection policy read from untrusted JSON, or null when it is not a sane one. */
export function parseReconnectionPolicy(raw: unknown): ReconnectionPolicy | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const { delayMs, delayMaxMs, randomization, attempts } = raw as Record<string, unknown>;
  const ms = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 3_600_000;
  if (!ms(delayMs) || !ms(delayMaxMs) || delayMaxMs < delayMs) return null;
  if (typeof randomization !== 'number' || !(randomization >= 0 && randomization <= 1)) return null;
  if (attempts !== null && !(typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 1 && attempts <= 1_000_000)) return null;
  return { delayMs, delayMaxMs, randomization, attempts };
}

export const CONFIG_PATH = '/api/config';

/**
 * Asks the server how to connect (`GET /api/config`); null when it cannot tell (an older server,
 * a network error, an answer of the wrong shape): then socket.io's defaults are the best guess.
 * Pass the answer as PlayerClient's `path` and `transports`, and its reconnection policy through
 * `reconnectionOptions` as PlayerClient's `connection`.
 */
export async function getConnectionConfig(url: string, opts: { timeoutMs?: number } = {}): Promise<ConnectionConfig | null> {
  try {
    const res = await fetch(new URL(CONFIG_PATH, url), { signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
    if (!res.ok) return null;
    return parseConnectionConfig(await res.json());
  } catch {
    return null;
  }
}

/** GET /api/config's answer (or the same object given another way, e.g. in the page), checked; null when it does not parse. */
export function parseConnectionConfig(value: unknown): ConnectionConfig | null {
  if (typeof value !== 'object' || value === null) return null;
  const body = value as { socketPath?: unknown; transports?: unknown; reconnection?: unknown; devTools?: unknown };
  const { socketPath, transports } = body;
  if (typeof socketPath !== 'string' || !socketPath.startsWith('/')) return null;
  if (!Array.isArray(transports) || transports.length === 0 || !transports.every((t) => t === 'polling' || t === 'websocket')) return null;
  // A policy that does not parse is ignored (socket.io's defaults), not a reason to refuse the rest.
  return { socketPath, transports: transports as Transport[], reconnection: parseReconnectionPolicy(body.reconnection), devTools: body.devTools === true };
}
