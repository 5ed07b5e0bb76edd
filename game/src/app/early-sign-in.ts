/**
 * The sign-in's first requests, sent by the page's small entry module (game/src/boot.ts) while
 * the lobby's code (React, the SDK: most of the lobby's bytes) is still downloading and
 * compiling: the server's connection settings (GET /api/config) and, for a tab that holds no
 * token, a guest token (POST /api/guest); once the settings say the connection starts on
 * WebSocket, the WebSocket itself (early-socket.ts), and on it, once the token is known, the
 * lobby's CONNECT. The controller's first sign-in takes them instead of asking again, so the
 * lobby is usable about one script-compile sooner on a cold load, and its session is there when
 * the lobby first draws.
 *
 * Nothing here may import React, Redux or socket.io: this module is in the entry chunk, whose
 * whole point is to be small.
 */
import { getGuestToken, type GuestSession } from '../../../shared/client/auth.ts';
import { getConnectionConfig, parseConnectionConfig, type ConnectionConfig } from '../../../shared/client/connection-options.ts';
import type { AckResult } from '../../../shared/protocol/errors.ts';
import { engineSocketUrl, lobbyConnectFrame, openEarlySocket, type EarlySocket } from './early-socket.ts';
import { guestName, type PageStorage } from './storage.ts';

export interface EarlySignIn {
  /** The nickname the token was asked for: the stored one, or a made-up Guest name. */
  nickname: string;
  /** This tab's token from before (a reload), presented instead of asking for a new one. */
  guest: GuestSession | null;
  config: Promise<ConnectionConfig | null>;
  /** A new guest's token, or null when the tab holds one. */
  token: Promise<AckResult<GuestSession>> | null;
  /** The WebSocket opened once `config` said the connection starts on it; null: it does not. */
  socket: Promise<EarlySocket | null>;
  /**
   * Whether the lobby's CONNECT went out on that socket, once that is known (false: no socket, no
   * token, or the socket closed first).
   */
  lobbyConnect: Promise<boolean>;
}

export function startSignIn(url: string, storage: PageStorage): EarlySignIn {
  const nickname = storage.nickname() ?? guestName();
  const guest = storage.guest();
  const held = guest && guest.nickname.length > 0 ? guest : null;
  // The server puts its settings in the page (server/http/static-files.ts): one request fewer
  // before the WebSocket opens. A page served otherwise (Vite's dev server) asks for them.
  const inPage = configInPage();
  const config = inPage ? Promise.resolve(inPage) : getConnectionConfig(url);
  const socket = config.then((c) => (c?.transports[0] === 'websocket' ? openEarlySocket(engineSocketUrl(url, c.socketPath)) : null));
  const token = held ? null : getGuestToken(url, nickname);
  // The token the first sign-in presents: this tab's, else the new guest's (none if refused: the
  // sign-in then fails, or asks again, on a socket of its own).
  const presented = held ? Promise.resolve(held.token) : token!.then((r) => (r.ok ? r.token : null), () => null);
  const lobbyConnect = Promise.all([socket, presented]).then(([s, t]) => (s && t ? s.sendOnceOpen(lobbyConnectFrame(t)) : false));
  return { nickname, guest: held, config, token, socket, lobbyConnect };
}

/** The settings the server wrote into the page (`<meta name="arena-config">`), or null. */
function configInPage(): ConnectionConfig | null {
  const content = document.querySelector('meta[name="arena-config"]')?.getAttribute('content');
  if (!content) return null;
  try {
    return parseConnectionConfig(JSON.parse(content));
  } catch {
    return null;
  }
}
