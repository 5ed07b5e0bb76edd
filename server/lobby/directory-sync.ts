/**
 * Keeps the lobby's stores in step with the matches this node runs: the directory entry (what
 * the match list shows), the seats a match frees, its code once it is gone. Writes for one match
 * are applied in the order they happened, and a burst of changes (fifty players arriving) is
 * coalesced into one directory write that reads the match as it is when the write runs.
 *
 * The writes that free seats (a seat given up, a match ended or gone) must land even when the
 * store is away as they happen: a seat left in the store is a player refused everywhere
 * (ALREADY_IN_MATCH) long after its match is over. One that fails is tried again until the store
 * answers (store-retry.ts), outside the match's chain, so waiting for it holds up nobody. A
 * listing left behind needs no such care: the node lists its live matches again when Redis is
 * back (cluster-node.ts), and the removal is retried with the seats.
 */
import type { Logger } from '../log.ts';
import type { MatchHooks, MatchHost } from '../match/match-host.ts';
import type { LobbyStores } from './stores/index.ts';
import { StoreRetry } from './store-retry.ts';

export interface DirectorySync extends MatchHooks {
  /** Resolves when every store write queued so far for this match is done. */
  settled(matchId: string): Promise<void>;
  /** Seat writes still waiting for the store to answer. */
  readonly pendingRetries: number;
  /** Gives the waiting writes up (the process is ending). */
  close(): void;
}

export function createDirectorySync(deps: { stores: LobbyStores; nodeId: string; log: Logger; retryDelayMs?: number }): DirectorySync {
  const { directory, seats, codes } = deps.stores;
  const chains = new Map<string, Promise<void>>();
  const putPending = new Set<string>();
  const retry = new StoreRetry({ log: deps.log, firstDelayMs: deps.retryDelayMs ?? 250 });

  /** `again`: on failure, the write is handed to `retry` under this key, while `wanted()`. */
  const enqueue = (matchId: string, job: () => Promise<unknown>, again?: { key: string; what: string; wanted?: () => boolean }): void => {
    const next = (chains.get(matchId) ?? Promise.resolve())
      .then(job)
      .then(
        () => undefined,
        (error: unknown) => {
          deps.log.error({ matchId, err: error }, 'lobby store write failed');
          if (again) retry.run(again.key, again.what, job, again.wanted);
        },
      );
    chains.set(matchId, next);
    void next.then(() => {
      if (chains.get(matchId) === next) chains.delete(matchId);
    });
  };

  const publish = (host: MatchHost): void => {
    if (putPending.has(host.id)) return;
    putPending.add(host.id);
    enqueue(host.id, async () => {
      putPending.delete(host.id);
      if (host.isDisposed) return;
      await directory.put({ listing: host.listing(), visibility: host.spec.visibility, nodeId: deps.nodeId });
    });
  };

  return {
    changed: publish,
    // Not if the player took the seat again meanwhile.
    seatReleased: (host, guestId) =>
      enqueue(host.id, () => seats.release(host.id, guestId), { key: `seat\n${host.id}\n${guestId}`, what: 'seat release', wanted: () => !host.hasSeat(guestId) }),
    ended: (host) => enqueue(host.id, () => seats.releaseAll(host.id), { key: `all\n${host.id}`, what: 'ended match seats release' }),
    // Under the same key as `ended`: it does all of that write and more.
    disposed: (host) =>
      enqueue(
        host.id,
        async () => {
          await seats.releaseAll(host.id);
          await directory.remove(host.id);
          if (host.spec.code) await codes.release(host.spec.code, host.id);
        },
        { key: `all\n${host.id}`, what: 'disposed match release' },
      ),
    settled: (matchId) => chains.get(matchId) ?? Promise.resolve(),
    get pendingRetries() {
      return retry.size;
    },
    close: () => retry.close(),
  };
}
