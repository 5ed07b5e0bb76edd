/**
 * What the lobby's requests do, independent of sockets: queue for quick play, open and join
 * private matches, take a seat in a listed match, leave. Payloads arrive here already shaped;
 * answers are AckResults. Correctness under concurrent clicks comes from the stores' atomic
 * operations (one seat per player, capacity, one queue per player), not from ordering here.
 */
import type { AnyGame } from '../../shared/game/game-definition.ts';
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { PrivateMatchOptions, SeatGrant } from '../../shared/protocol/lobby-events.ts';
import { normalizeCode } from '../../shared/protocol/lobby-rules.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { Logger } from '../log.ts';
import type { GameRegistry } from '../match/game-registry.ts';
import type { MatchRegistry } from '../match/match-registry.ts';
import type { DirectorySync } from './directory-sync.ts';
import type { Matchmaker } from './matchmaker.ts';
import type { PartyService } from './party-service.ts';
import { initialSkill, matchmakingRating } from './rating.ts';
import type { Placement, RemoteMatchPort } from './placement.ts';
import type { DirectoryEntry, LobbyStores } from './stores/index.ts';

export interface LobbyServiceDeps {
  /** This node: queue entries say where the player is, so matchmaking can place the match near. */
  nodeId: string;
  /** Null on a single node. */
  remote: RemoteMatchPort | null;
  stores: LobbyStores;
  registry: MatchRegistry;
  placement: Placement;
  matchmaker: Matchmaker;
  parties: PartyService;
  sync: DirectorySync;
  games: GameRegistry;
  maxPlayersPerMatch: number;
  now: () => number;
  log: Logger;
  accepting: () => boolean;
}

const draining = { ok: false, code: ErrorCode.ServerDraining, message: 'this node is shutting down' } as const;

export class LobbyService {
  constructor(private readonly deps: LobbyServiceDeps) {}

  async quickPlay(guest: GuestIdentity, mode: string): Promise<AckResult<{ mode: string; waiting: number }>> {
    if (!this.deps.accepting()) return draining;
    if (!this.deps.games.mode(mode)) return unknownMode(mode);
    const { seats, queue } = this.deps.stores;
    const seat = await seats.seatOf(guest.guestId);
    if (seat !== null) return { ok: false, code: ErrorCode.AlreadyInMatch, message: 'you already hold a seat in a match: leave it first' };
    const spec = this.deps.games.mode(mode)!;
    const asParty = await this.deps.parties.quickPlay(guest, mode, spec.maxPlayers, this.deps.nodeId);
    if (asParty) {
      if (asParty.ok) this.deps.matchmaker.poke(mode);
      return asParty;
    }
    const record = (await this.deps.stores.profiles.get(guest.guestId))?.modes[mode];
    const rating = matchmakingRating(record ? { mu: record.mu, sigma: record.sigma } : initialSkill());
    const res = await queue.enqueue(mode, { guestId: guest.guestId, nickname: guest.nickname, enqueuedAt: this.deps.now(), nodeId: this.deps.nodeId, rating });
    if (!res.added) return { ok: false, code: ErrorCode.AlreadyQueued, message: `you are already queued for ${res.mode}` };
    this.deps.log.info({ guestId: guest.guestId, mode, waiting: res.waiting, rating }, 'queued for quick play');
    this.deps.matchmaker.poke(mode);
    return { ok: true, mode, waiting: res.waiting };
  }

  /** A party member cancels for the whole party (its ticket goes as one). */
  async cancelQueue(guest: GuestIdentity): Promise<AckResult<{ cancelled: boolean }>> {
    const mode = await this.deps.stores.queue.remove(guest.guestId);
    const party = await this.deps.stores.parties.partyOf(guest.guestId);
    if (party !== null) await this.deps.parties.unqueued(party);
    return { ok: true, cancelled: mode !== null };
  }

  async createPrivate(guest: GuestIdentity, options: PrivateMatchOptions): Promise<AckResult<SeatGrant>> {
    if (!this.deps.accepting()) return draining;
    const mode = options.mode === undefined ? this.deps.games.defaultMode : this.deps.games.mode(options.mode);
    if (!mode) return unknownMode(options.mode!);
    const game = this.deps.games.game(mode.game)!;
    const maxPlayers = options.maxPlayers ?? mode.maxPlayers;
    const cap = Math.min(this.deps.maxPlayersPerMatch, game.maxPlayers);
    if (maxPlayers > cap) return { ok: false, code: ErrorCode.BadRequest, message: `maxPlayers: at most ${cap} for ${game.name} on this server` };
    const chosen = gameOptions(game, mode.options, options.options ?? {});
    if (!chosen.ok) return chosen;
    // Checked early to avoid opening a match for nothing; the seat claim below is the real arbiter.
    if ((await this.deps.stores.seats.seatOf(guest.guestId)) !== null) {
      return { ok: false, code: ErrorCode.AlreadyInMatch, message: 'you already hold a seat in a match: leave it first' };
    }
    const host = await this.deps.placement.open({
      mode: mode.id,
      visibility: 'private',
      ownerId: guest.guestId,
      maxPlayers,
      options: chosen.options,
      autoStart: false,
    });
    if (!host) return { ok: false, code: ErrorCode.Internal, message: 'could not allocate a match code, try again' };
    const res = await this.deps.placement.claim(host, guest);
    if (!res.ok) host.dispose();
    else this.deps.log.info({ guestId: guest.guestId, matchId: host.id, maxPlayers }, 'private match created');
    return res;
  }

  async joinByCode(guest: GuestIdentity, rawCode: string): Promise<AckResult<SeatGrant>> {
    if (!this.deps.accepting()) return draining;
    const code = normalizeCode(rawCode);
    const notFound = { ok: false, code: ErrorCode.CodeNotFound, message: 'no match has this code' } as const;
    if (code === null) return notFound;
    const matchId = await this.deps.stores.codes.resolve(code);
    if (matchId === null) return notFound;
    const host = this.deps.registry.get(matchId);
    if (host) return host.isOpen ? this.deps.placement.claim(host, guest) : notFound;
    const entry = await this.elsewhere(matchId);
    if (!entry) return notFound;
    return this.deps.placement.claimRemote(entry, guest, code, this.deps.remote!);
  }

  async joinPublic(guest: GuestIdentity, matchId: string): Promise<AckResult<SeatGrant>> {
    if (!this.deps.accepting()) return draining;
    const notOpen = { ok: false, code: ErrorCode.MatchNotFound, message: 'no public match with this id is open' } as const;
    const host = this.deps.registry.get(matchId);
    if (host) return host.isOpen && host.spec.visibility === 'public' ? this.deps.placement.claim(host, guest) : notOpen;
    const entry = await this.elsewhere(matchId);
    if (!entry || entry.visibility !== 'public') return notOpen;
    return this.deps.placement.claimRemote(entry, guest, null, this.deps.remote!);
  }

  /** The directory entry of an open match another node runs, or null. */
  private async elsewhere(matchId: string): Promise<DirectoryEntry | null> {
    const remote = this.deps.remote;
    if (!remote) return null;
    const entry = await remote.locate(matchId);
    if (!entry || entry.nodeId === remote.nodeId || entry.listing.state === 'ended') return null;
    return entry;
  }

  /** Gives up the player's seat; resolves once the seat store knows, so a next request sees it free. */
  async leaveMatch(guest: GuestIdentity): Promise<AckResult<{ left: boolean }>> {
    const matchId = await this.deps.stores.seats.seatOf(guest.guestId);
    if (matchId === null) return { ok: true, left: false };
    const host = this.deps.registry.get(matchId);
    const entry = host ? null : await this.elsewhere(matchId);
    if (host?.hasSeat(guest.guestId)) {
      host.release(guest.guestId, 'left');
      await this.deps.sync.settled(matchId);
    } else if (entry) {
      // The owner frees the seat in the match and then in the store.
      await this.deps.remote!.release(entry.nodeId, matchId, guest.guestId);
    } else {
      // The match is gone (or never learnt of the seat): the claim is stale.
      await this.deps.stores.seats.release(matchId, guest.guestId);
    }
    return { ok: true, left: true };
  }

  async seatOf(guest: GuestIdentity): Promise<string | null> {
    return this.deps.stores.seats.seatOf(guest.guestId);
  }

  /**
   * The player has no lobby connection left: it can no longer be told about a match, so it leaves
   * the queue. A party member keeps its place (and its party's ticket) for the reconnect grace.
   */
  async leftLobby(guestId: string): Promise<void> {
    if ((await this.deps.stores.parties.partyOf(guestId)) !== null) return this.deps.parties.disconnected(guestId);
    await this.deps.stores.queue.remove(guestId);
  }

  /** A lobby connection of the player arrived: a party member away is back. */
  async enteredLobby(guestId: string): Promise<void> {
    await this.deps.parties.connected(guestId);
  }
}

/**
 * The mode's options with the player's overrides, each checked against the game's bounds, then
 * the game's own whole-match check.
 */
function gameOptions(game: AnyGame, defaults: Readonly<Record<string, number>>, overrides: Record<string, number>): AckResult<{ options: Record<string, number> }> {
  const bad = (message: string) => ({ ok: false, code: ErrorCode.BadRequest, message }) as const;
  const options: Record<string, number> = { ...defaults };
  for (const [name, value] of Object.entries(overrides)) {
    const spec = game.options.find((o) => o.name === name);
    if (!spec) return bad(`${game.name} has no option ${JSON.stringify(name)}: it takes ${game.options.map((o) => o.name).join(', ') || 'none'}`);
    if (value < spec.min || value > spec.max) return bad(`options.${name} must be from ${spec.min} to ${spec.max}`);
    options[name] = value;
  }
  const problem = game.checkOptions(options);
  return problem === null ? { ok: true, options } : bad(problem);
}

function unknownMode(mode: string): AckResult<never> {
  return { ok: false, code: ErrorCode.UnknownMode, message: `unknown mode ${JSON.stringify(mode.slice(0, 32))}` };
}
