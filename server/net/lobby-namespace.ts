/**
 * The /lobby namespace: each request's payload is checked here and handed to the lobby service;
 * list subscriptions, chat and placement notices go out from here. The handshake (auth) ran
 * before any of this, so every socket has a verified guest.
 */
import { LOBBY_REQUESTS, type PrivateMatchOptions, type QuickPlayRequest, type SeatGrant } from '../../shared/protocol/lobby-events.ts';
import { ok } from '../../shared/result.ts';
import { CODE_LENGTH } from '../../shared/protocol/lobby-rules.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { installPacketGuard } from './packet-guard.ts';
import type { LobbyNamespace, LobbySocket } from './types.ts';
import type { ChatGate } from '../lobby/chat.ts';
import type { LobbyService } from '../lobby/lobby-service.ts';
import type { MatchDirectory } from '../lobby/stores/index.ts';
import type { GameRegistry } from '../match/game-registry.ts';
import { LIST_ROOM, publicList } from './list-feed.ts';
import { chatMissedRequest, objectPayload, optionalInt, optionalIntRecord, optionalString, stringField, type PayloadResult } from './payload.ts';
import { requestRouter, type RequestRouter } from './requests.ts';
import type { LobbyClientEvents } from '../../shared/protocol/lobby-events.ts';
import type { GuestIdentity } from '../auth/identity.ts';

export interface LobbyNamespaceDeps {
  /** Sends a new socket the players-online figure. */
  greet?: (socket: LobbySocket) => void;
  service: LobbyService;
  directory: MatchDirectory;
  chat: ChatGate;
  games: GameRegistry;
  maxPlayersPerMatch: number;
  packetsPerSecond: number;
  metrics: Metrics;
  log: Logger;
  /** More requests on each socket (parties, profile, leaderboard: server/net/player-requests.ts). */
  moreRequests?: (on: RequestRouter<LobbyClientEvents>, guest: GuestIdentity) => void;
}

const EVENTS: ReadonlySet<string> = new Set(LOBBY_REQUESTS);
/** The lobby's chat in the chat log (server/lobby/chat-log.ts). */
const LOBBY_CHAT_ROOM = 'lobby';
const MATCH_ID_MAX = 64;

function quickPlayRequest(raw: unknown): PayloadResult<QuickPlayRequest> {
  const req = objectPayload(raw, 'quickplay');
  if (!req.ok) return req;
  const mode = stringField(req.value, 'mode', 32);
  return mode.ok ? ok({ mode: mode.value }) : mode;
}

function privateMatchOptions(raw: unknown, maxPlayersPerMatch: number): PayloadResult<PrivateMatchOptions> {
  const req = objectPayload(raw, 'create_private');
  if (!req.ok) return req;
  const mode = optionalString(req.value, 'mode', 32);
  if (!mode.ok) return mode;
  const maxPlayers = optionalInt(req.value, 'maxPlayers', 1, maxPlayersPerMatch);
  if (!maxPlayers.ok) return maxPlayers;
  const options = optionalIntRecord(req.value, 'options', 16);
  if (!options.ok) return options;
  return ok({
    ...(mode.value !== undefined && { mode: mode.value }),
    ...(maxPlayers.value !== undefined && { maxPlayers: maxPlayers.value }),
    ...(options.value !== undefined && { options: options.value }),
  });
}

function joinCodeRequest(raw: unknown): PayloadResult<{ code: string }> {
  const req = objectPayload(raw, 'join_code');
  if (!req.ok) return req;
  // Room for dashes and spaces a player may type around the code.
  const code = stringField(req.value, 'code', CODE_LENGTH * 4);
  return code.ok ? ok({ code: code.value }) : code;
}

function joinMatchRequest(raw: unknown): PayloadResult<{ matchId: string }> {
  const req = objectPayload(raw, 'join_match');
  if (!req.ok) return req;
  const matchId = stringField(req.value, 'matchId', MATCH_ID_MAX);
  return matchId.ok ? ok({ matchId: matchId.value }) : matchId;
}

/** Every lobby socket of a player is in this room: placement notices reach all its tabs. */
export const guestRoom = (guestId: string): string => `guest:${guestId}`;

/** Tells a player's lobby connections (on any node, through the adapter) where it was placed. */
export function notifyMatched(nsp: LobbyNamespace, guestId: string, seat: SeatGrant): void {
  nsp.to(guestRoom(guestId)).emit('matched', seat);
}

export function attachLobbyNamespace(nsp: LobbyNamespace, deps: LobbyNamespaceDeps): void {
  const { service } = deps;
  nsp.on('connection', (socket: LobbySocket) => {
    const guest = socket.data.guest;
    const { strike } = installPacketGuard(socket, {
      allowedEvents: EVENTS,
      packetsPerSecond: deps.packetsPerSecond,
      maxStrikes: 10,
      metrics: deps.metrics,
      log: deps.log,
    });
    void socket.join(guestRoom(guest.guestId));
    deps.greet?.(socket);
    // A party member back within its grace: present again, and this socket in the party's room.
    void service.enteredLobby(guest.guestId).catch((error: unknown) => deps.log.error({ guestId: guest.guestId, err: error }, 'lobby arrival failed'));
    void service.seatOf(guest).then((matchId) => {
      socket.emit('session', {
        guestId: guest.guestId,
        nickname: guest.nickname,
        matchId,
        modes: deps.games.allModes(),
        games: deps.games.catalogue(),
        chatMaxLength: deps.chat.maxLength,
      });
    });
    const on = requestRouter(socket, { metrics: deps.metrics, log: deps.log, strike });

    /** Requests without fields still take an object (or nothing), like every other. */
    const noFields = (event: string) => (raw: unknown) => objectPayload(raw, event);

    on('quickplay', quickPlayRequest, (req) => service.quickPlay(guest, req.mode));
    on('quickplay_cancel', noFields('quickplay_cancel'), () => service.cancelQueue(guest));
    on('create_private', (raw) => privateMatchOptions(raw, deps.maxPlayersPerMatch), (options) => service.createPrivate(guest, options));
    on('join_code', joinCodeRequest, (req) => service.joinByCode(guest, req.code));
    on('join_match', joinMatchRequest, (req) => service.joinPublic(guest, req.matchId));
    on('leave_match', noFields('leave_match'), () => service.leaveMatch(guest));

    deps.moreRequests?.(on, guest);

    on('list_subscribe', noFields('list_subscribe'), async () => {
      // Join first, then read: a change in between arrives as an event the client skips by
      // version, instead of falling between the list and the stream.
      await socket.join(LIST_ROOM);
      return { ok: true, ...(await publicList(deps.directory)) };
    });

    on('list_unsubscribe', noFields('list_unsubscribe'), async () => {
      await socket.leave(LIST_ROOM);
      return { ok: true };
    });

    // The text is the chat gate's to check (length, control characters, rate): it answers each
    // with its own code, the same on /lobby and /match.
    on('chat', (raw) => {
      const req = objectPayload(raw, 'chat');
      if (!req.ok) return req;
      const message = deps.chat.accept(guest, 'lobby', req.value.text);
      if (!message.ok) return { ok: false, code: message.code, message: message.message };
      nsp.emit('chat', deps.chat.log.append(LOBBY_CHAT_ROOM, message.value));
      return { ok: true, text: message.value.text };
    });

    // Back from a drop: the lobby lines after the last one this client saw.
    on('chat_missed', chatMissedRequest, ({ after }) => ({ ok: true, ...deps.chat.log.missed(LOBBY_CHAT_ROOM, after) }));

    socket.on('disconnect', () => {
      // Other tabs of the same player keep its queue place; the last one to go takes it along.
      void nsp
        .in(guestRoom(guest.guestId))
        .fetchSockets()
        .then((others) => (others.length === 0 ? service.leftLobby(guest.guestId) : undefined))
        .catch((error: unknown) => deps.log.error({ guestId: guest.guestId, err: error }, 'lobby disconnect cleanup failed'));
    });
  });
}
