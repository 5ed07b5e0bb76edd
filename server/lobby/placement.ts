/**
 * Opening matches on this node and seating players in them. A seat is first claimed in the seat
 * store (the atomic arbiter of "one match per player" and "never over capacity"), then in the
 * match itself; if the match went away in between, the store's claim is undone.
 *
 * All or nothing for the player: a claim is either answered with a seat the match holds, or
 * undone in the store. A store call that fails (Redis went away) may still have been carried
 * out (the script ran, its answer was lost), so a failed claim, and a failed undo, is undone
 * again until the store answers (store-retry.ts); a newer claim of the same seat cancels that,
 * since its own outcome then decides. Without this a player whose claim the store kept but the
 * match never took is refused by every later request (ALREADY_IN_MATCH, NO_SEAT).
 */
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { SeatGrant } from '../../shared/protocol/lobby-events.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { Logger } from '../log.ts';
import type { MatchHost } from '../match/match-host.ts';
import type { MatchRegistry, OpenMatch } from '../match/match-registry.ts';
import type { DirectorySync } from './directory-sync.ts';
import { reserveCode } from './private-codes.ts';
import { StoreRetry } from './store-retry.ts';
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
  /** First retry of an undo (then doubled, up to 2 s); tests shorten it. */
  retryDelayMs?: number;
}

/**
 * A player put out of its queue by a failed placement goes back only this soon after: later it
 * may have left the lobby (its queue entry would seat nobody) or given up waiting.
 */
const REQUEUE_WITHIN_MS = 30_000;

/** What a player refused for want of the store is told: nothing is held, asking again may work. */
const storeAway = (what: string): AckResult<never> => ({ ok: false, code: ErrorCode.ClusterUnavailable, message: `the lobby store did not answer (${what}): try again in a moment` });

export class Placement {
  private readonly undo: StoreRetry;

  constructor(private readonly deps: PlacementDeps) {
    this.undo = new StoreRetry({ log: deps.log, firstDelayMs: deps.retryDelayMs ?? 100 });
  }

  /** Claims still being undone (the store has not answered since they failed). */
  get pendingUndos(): number {
    return this.undo.size;
  }

  /** Pending undos are given up (the process is ending; another node's resync or the match's end frees them). */
  close(): void {
    this.undo.close();
  }

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

  /**
   * `backInQueue`: for a player quick play took out of its queue, put it back there once its
   * claim is undone, if the store was what refused it (the player never learns it left).
   */
  async claim(host: MatchHost, guest: GuestIdentity, backInQueue?: () => Promise<unknown>): Promise<AckResult<SeatGrant>> {
    const { seats } = this.deps.stores;
    const { guestId } = guest;
    // The store's seat is released unless the match holds it (a later claim may have seated the player).
    const undo = (requeue = false): void => {
      const until = Date.now() + REQUEUE_WITHIN_MS;
      this.undoLater(
        host.id,
        guestId,
        async () => {
          await seats.release(host.id, guestId);
          if (requeue && backInQueue && Date.now() < until) await backInQueue();
        },
        () => !host.hasSeat(guestId),
      );
    };
    await this.undo.cancel(seatKey(host.id, guestId));
    let claim: Awaited<ReturnType<typeof seats.claim>>;
    try {
      claim = await seats.claim(host.id, guestId, host.spec.maxPlayers);
    } catch (error) {
      undo(true);
      return this.refused(host.id, guestId, error, 'seat claim');
    }
    if (!claim.ok) return refusal(claim.reason);
    if (host.claim(guest) === null) {
      await seats.release(host.id, guestId).catch(() => undo());
      return { ok: false, code: ErrorCode.MatchNotFound, message: 'this match is over' };
    }
    await this.leaveQueue(guestId);
    await this.deps.persist?.(host);
    const { spec } = host;
    return { ok: true, matchId: host.id, game: spec.game.id, mode: spec.mode, visibility: spec.visibility, code: spec.code };
  }

  /** The same for a match another node owns: the store's claim here, the match's at its owner. */
  async claimRemote(entry: DirectoryEntry, guest: GuestIdentity, code: string | null, remote: RemoteMatchPort): Promise<AckResult<SeatGrant>> {
    const { seats } = this.deps.stores;
    const { listing } = entry;
    const matchId = listing.matchId;
    const { guestId } = guest;
    const releaseStore = (): void => this.undoLater(matchId, guestId, () => seats.release(matchId, guestId));
    await this.undo.cancel(seatKey(matchId, guestId));
    let claim: Awaited<ReturnType<typeof seats.claim>>;
    try {
      claim = await seats.claim(matchId, guestId, listing.maxPlayers);
    } catch (error) {
      releaseStore();
      return this.refused(matchId, guestId, error, 'seat claim');
    }
    if (!claim.ok) return refusal(claim.reason);
    let slot: number | null;
    try {
      slot = await remote.claim(entry.nodeId, matchId, guest);
    } catch (error) {
      // The owner may have seated the player before its answer was lost: the owner (whichever
      // node owns the match by the time it is asked) frees the seat in the match and the store.
      this.undoLater(matchId, guestId, async () => {
        const now = await remote.locate(matchId);
        if (now) await remote.release(now.nodeId, matchId, guestId);
        else await seats.release(matchId, guestId);
      });
      return { ok: false, code: ErrorCode.ClusterUnavailable, message: `the node running this match did not answer: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (slot === null) {
      await seats.release(matchId, guestId).catch(releaseStore);
      return { ok: false, code: ErrorCode.MatchNotFound, message: 'this match is over' };
    }
    await this.leaveQueue(guestId);
    return { ok: true, matchId: listing.matchId, game: listing.game, mode: listing.mode, visibility: entry.visibility, code };
  }

  /** A seated player waits in no queue (it may have queued in the same instant it joined); the seat stands if the store is away. */
  private async leaveQueue(guestId: string): Promise<void> {
    try {
      await this.deps.stores.queue.remove(guestId);
    } catch (error) {
      // A queue entry left behind is harmless: the seat store refuses it a second seat when popped.
      this.deps.log.warn({ guestId, err: error }, 'seated player not taken out of the queue: the store did not answer');
    }
  }

  private undoLater(matchId: string, guestId: string, write: () => Promise<unknown>, wanted?: () => boolean): void {
    this.undo.run(seatKey(matchId, guestId), 'seat claim undone', write, wanted);
  }

  private refused(matchId: string, guestId: string, error: unknown, what: string): AckResult<never> {
    this.deps.log.warn({ matchId, guestId, err: error }, `${what} failed: the store did not answer; undoing it until it does`);
    return storeAway(what);
  }
}

function seatKey(matchId: string, guestId: string): string {
  return `${matchId}\n${guestId}`;
}

function refusal(reason: 'full' | 'seated'): AckResult<never> {
  return reason === 'full'
    ? { ok: false, code: ErrorCode.MatchFull, message: 'this match has no free seat' }
    : { ok: false, code: ErrorCode.AlreadyInMatch, message: 'you already hold a seat in another match: leave it first' };
}
