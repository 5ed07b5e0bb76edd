/**
 * The lobby's player requests (parties, profile, leaderboard) on a /lobby socket, and the party
 * port that reaches members wherever they are connected: every member's lobby sockets are in its
 * guest room, and the party's room is joined and left through the adapter (`socketsJoin` on the
 * guest room), so a node changing a party reaches members on every other node.
 */
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { Leaderboard, LobbyClientEvents, PlayerProfile } from '../../shared/protocol/lobby-events.ts';
import { CODE_LENGTH } from '../../shared/protocol/lobby-rules.ts';
import { ok } from '../../shared/result.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { GameRegistry } from '../match/game-registry.ts';
import { objectPayload, stringField, type PayloadResult } from '../net/payload.ts';
import type { RequestRouter } from '../net/requests.ts';
import type { LobbyNamespace } from '../net/types.ts';
import type { ChatGate } from './chat.ts';
import { partyInfo, type PartyPort, type PartyService } from './party-service.ts';
import { INITIAL_RATING } from './rating.ts';
import type { LobbyStores } from './stores/index.ts';

/** How many the leaderboard shows. */
export const LEADERBOARD_SIZE = 100;

const guestRoom = (guestId: string): string => `guest:${guestId}`;
export const partyRoom = (code: string): string => `party:${code}`;

export function partyPort(nsp: LobbyNamespace): PartyPort {
  return {
    broadcast: (party) => void nsp.to(partyRoom(party.code)).emit('party', partyInfo(party)),
    enter: async (guestId, party) => {
      nsp.in(guestRoom(guestId)).socketsJoin(partyRoom(party.code));
      nsp.to(guestRoom(guestId)).emit('party', partyInfo(party));
    },
    exit: async (guestId, code) => {
      nsp.in(guestRoom(guestId)).socketsLeave(partyRoom(code));
      nsp.to(guestRoom(guestId)).emit('party', null);
    },
  };
}

export interface PlayerLobbyDeps {
  nsp: LobbyNamespace;
  parties: PartyService;
  stores: LobbyStores;
  games: GameRegistry;
  chat: ChatGate;
}

function codeRequest(raw: unknown): PayloadResult<{ code: string }> {
  const req = objectPayload(raw, 'party_join');
  if (!req.ok) return req;
  const code = stringField(req.value, 'code', CODE_LENGTH * 4);
  return code.ok ? ok({ code: code.value }) : code;
}

function modeRequest(raw: unknown): PayloadResult<{ mode: string }> {
  const req = objectPayload(raw, 'leaderboard');
  if (!req.ok) return req;
  const mode = stringField(req.value, 'mode', 32);
  return mode.ok ? ok({ mode: mode.value }) : mode;
}

export async function playerProfile(stores: LobbyStores, guest: GuestIdentity): Promise<PlayerProfile> {
  const profile = await stores.profiles.get(guest.guestId);
  const modes: PlayerProfile['modes'] = {};
  for (const [mode, m] of Object.entries(profile?.modes ?? {})) modes[mode] = { rating: m.rating, played: m.played, wins: m.wins, stats: m.stats };
  return { guestId: guest.guestId, nickname: guest.nickname, modes, initialRating: INITIAL_RATING };
}

/** The mode's top and the asker's own row; UNKNOWN_MODE for a mode this server does not run. */
export async function leaderboard(stores: LobbyStores, games: GameRegistry, mode: string, guestId: string | null): Promise<AckResult<Leaderboard>> {
  if (!games.mode(mode)) return { ok: false, code: ErrorCode.UnknownMode, message: `unknown mode ${JSON.stringify(mode.slice(0, 32))}` };
  const [top, mine, players] = await Promise.all([
    stores.boards.top(mode, LEADERBOARD_SIZE),
    guestId === null ? null : stores.boards.rankOf(mode, guestId),
    stores.boards.size(mode),
  ]);
  const row = (e: { rank: number; nickname: string; rating: number; guestId: string }) => ({
    rank: e.rank,
    nickname: e.nickname,
    rating: e.rating,
    ...(e.guestId === guestId && { me: true }),
  });
  return { ok: true, mode, top: top.map(row), me: mine && row(mine), players };
}

/** Registers the player requests on one socket's router. */
export function attachPlayerRequests(on: RequestRouter<LobbyClientEvents>, guest: GuestIdentity, deps: PlayerLobbyDeps): void {
  const { parties, stores, games, chat, nsp } = deps;
  const noFields = (event: string) => (raw: unknown) => objectPayload(raw, event);
  on('party_create', noFields('party_create'), () => parties.create(guest));
  on('party_join', codeRequest, (req) => parties.join(guest, req.code));
  on('party_leave', noFields('party_leave'), () => parties.leave(guest));
  on('party_chat', async (raw) => {
    const req = objectPayload(raw, 'party_chat');
    if (!req.ok) return req;
    const code = await stores.parties.partyOf(guest.guestId);
    if (code === null) return { ok: false, code: ErrorCode.NotInParty, message: 'you are in no party' };
    const message = chat.accept(guest, 'party', req.value.text);
    if (!message.ok) return { ok: false, code: message.code, message: message.message };
    // Party lines are not kept: ids only need to grow within the party's room on this node.
    nsp.to(partyRoom(code)).emit('party_chat', chat.log.append(partyRoom(code), message.value));
    return { ok: true, text: message.value.text };
  });
  on('profile', noFields('profile'), async () => ({ ok: true, ...(await playerProfile(stores, guest)) }));
  on('leaderboard', modeRequest, (req) => leaderboard(stores, games, req.mode, guest.guestId));
}
