/**
 * Opening matches on this node and seating players in them. A seat is first claimed in the seat
 * store (the atomic arbiter of "one match per player" and "never over capacity"), then in the
 * match itself; if the match went away in between, the store's claim is undone.
 */
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { SeatGrant } from '../../shared/protocol/lobby-events.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { Logger } from '../log.ts';
import type { MatchHost } from '../match/match-host.ts';
import type { MatchRegistry, OpenMatch } from '../match/match-registry.ts';
import type { DirectorySync } from './directory-sync.ts';
import { reserveCode } from './private-codes.ts';
import type { DirectoryEntry, LobbyStores } from './stores/index.ts';

/** In a cluster: matches other nodes own, reached through their owner (server/cluster). */
export interface RemoteMatchPort {
  nodeId: string;
  locate(matchId: string): Promise<DirectoryEntry | null>;
  /** Asks the owner to seat the guest; the slot, or null when the match cannot take anybody. */
  claim(nodeId: string, matchId: string, guest: GuestIdentity): Promise<number | null>;
  release(nodeId: string, matchId: string, guestId: string): Promise<void>;
}

export interface PlacementDeps {
  stores: LobbyStores;
  registry: MatchRegistry;
  sync: DirectorySync;
  log: Logger;
  /**
   * In a cluster: the new match's lease and first checkpoint, taken before it is listed, and a
   * fresh checkpoint after each seat claimed, before the claim is answered, so a player told it
   * has a seat still has it if the node dies the next instant.
   */
  persist?: (host: MatchHost) => Promise<void>;
}

export class Placement {
  constructor(private readonly deps: PlacementDeps) {}

  /** Opens a match here (a private one with its code) and lists it. Null if no code could be had. */
  async open(spec: Omit<OpenMatch, 'id' | 'code'>): Promise<MatchHost | null> {
    const id = this.deps.registry.newMatchId();
    let code: string | null = null;
    if (spec.visibility === 'private') {
      code = await reserveCode(this.deps.stores.codes, id);
      if (code === null) {
        this.deps.log.error({ matchId: id }, 'no free private match code');
        return null;
      }
    }
    const host = this.deps.registry.open({ ...spec, id, code });
    await this.deps.persist?.(host);
    this.deps.sync.changed(host);
    return host;
  }

  async claim(host: MatchHost, guest: GuestIdentity): Promise<AckResult<SeatGrant>> {
    const { seats, queue } = this.deps.stores;
    const claim = await seats.claim(host.id, guest.guestId, host.spec.maxPlayers);
    if (!claim.ok) {
      return claim.reason === 'full'
        ? { ok: false, code: ErrorCode.MatchFull, message: 'this match has no free seat' }
        : { ok: false, code: ErrorCode.AlreadyInMatch, message: 'you already hold a seat in another match: leave it first' };
    }
    if (host.claim(guest) === null) {
      await seats.release(host.id, guest.guestId);
      return { ok: false, code: ErrorCode.MatchNotFound, message: 'this match is over' };
    }
    // A seated player waits in no queue (it may have queued in the same instant it joined).
    await queue.remove(guest.guestId);
    await this.deps.persist?.(host);
    const { spec } = host;
    return { ok: true, matchId: host.id, game: spec.game.id, mode: spec.mode, visibility: spec.visibility, code: spec.code };
  }

  /** The same for a match another node owns: the store's claim here, the match's at its owner. */
  async claimRemote(entry: DirectoryEntry, guest: GuestIdentity, code: string | null, remote: RemoteMatchPort): Promise<AckResult<SeatGrant>> {
    const { seats, queue } = this.deps.stores;
    const { listing } = entry;
    const claim = await seats.claim(listing.matchId, guest.guestId, listing.maxPlayers);
    if (!claim.ok) {
      return claim.reason === 'full'
        ? { ok: false, code: ErrorCode.MatchFull, message: 'this match has no free seat' }
        : { ok: false, code: ErrorCode.AlreadyInMatch, message: 'you already hold a seat in another match: leave it first' };
    }
    let slot: number | null;
    try {
      slot = await remote.claim(entry.nodeId, listing.matchId, guest);
    } catch (error) {
      await seats.release(listing.matchId, guest.guestId);
      return { ok: false, code: ErrorCode.ClusterUnavailable, message: `the node running this match did not answer: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (slot === null) {
      await seats.release(listing.matchId, guest.guestId);
      return { ok: false, code: ErrorCode.MatchNotFound, message: 'this match is over' };
    }
    await queue.remove(guest.guestId);
    return { ok: true, matchId: listing.matchId, game: listing.game, mode: listing.mode, visibility: entry.visibility, code };
  }
}
