/**
 * The lobby's player requests (parties, profile, leaderboard) on a /lobby socket, and the party
 * port that reaches members wherever they are connected. Party news goes to each member's guest
 * room (which every lobby socket joins as it connects), not to a room of the party: with the
 * sharded adapter's dynamic subscriptions a node subscribes to a room only once a socket of its
 * joins it, and a message published in that instant is lost (seen on a Redis Cluster: the first
 * join of a party never reached the leader on the other node). A message to several rooms goes
 * over the adapter's main channel, which every node always hears.
 */
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { Leaderboard, LobbyClientEvents, PlayerProfile } from '../../shared/protocol/lobby-events.ts';
import { CODE_LENGTH } from '../../shared/protocol/lobby-rules.ts';
import { ok } from '../../shared/result.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { GameRegistry } from '../match/game-registry.ts';
import { guestRoom } from './lobby-namespace.ts';
import { objectPayload, stringField, type PayloadResult } from './payload.ts';
import type { RequestRouter } from './requests.ts';
import type { LobbyNamespace } from './types.ts';
import type { ChatGate } from '../lobby/chat.ts';
import { partyInfo, type PartyPort, type PartyService } from '../lobby/party-service.ts';
import { INITIAL_RATING } from '../lobby/rating.ts';
import type { LobbyStores, Party } from '../lobby/stores/index.ts';

/** How many the leaderboard shows. */
export const LEADERBOARD_SIZE = 100;

const membersOf = (party: Party): string[] => party.members.map((m) => guestRoom(m.guestId));

export function partyPort(nsp: LobbyNamespace): PartyPort {
  return {
    broadcast: (party) => void nsp.to(membersOf(party)).emit('party', partyInfo(party)),
    enter: async (guestId, party) => void nsp.to(guestRoom(guestId)).emit('party', partyInfo(party)),
    exit: async (guestId) => void nsp.to(guestRoom(guestId)).emit('party', null),
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
    const party = code === null ? null : await stores.parties.get(code);
    if (!party) return { ok: false, code: ErrorCode.NotInParty, message: 'you are in no party' };
    const message = chat.accept(guest, 'party', req.value.text);
    if (!message.ok) return { ok: false, code: message.code, message: message.message };
    nsp.to(membersOf(party)).emit('party_chat', chat.log.append(`party:${party.code}`, message.value));
    return { ok: true, text: message.value.text };
  });
  on('profile', noFields('profile'), async () => ({ ok: true, ...(await playerProfile(stores, guest)) }));
  on('leaderboard', modeRequest, (req) => leaderboard(stores, games, req.mode, guest.guestId));
}
