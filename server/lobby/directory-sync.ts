/**
 * Keeps the lobby's stores in step with the matches this node runs: the directory entry (what
 * the match list shows), the seats a match frees, its code once it is gone. Writes for one match
 * are applied in the order they happened, and a burst of changes (fifty players arriving) is
 * coalesced into one directory write that reads the match as it is when the write runs.
 */
import type { Logger } from '../log.ts';
import type { MatchHooks, MatchHost } from '../match/match-host.ts';
import type { LobbyStores } from './stores/index.ts';

export interface DirectorySync extends MatchHooks {
  /** Resolves when every store write queued so far for this match is done. */
  settled(matchId: string): Promise<void>;
}

export function createDirectorySync(deps: { stores: LobbyStores; nodeId: string; log: Logger }): DirectorySync {
  const { directory, seats, codes } = deps.stores;
  const chains = new Map<string, Promise<void>>();
  const putPending = new Set<string>();

  const enqueue = (matchId: string, job: () => Promise<unknown>): void => {
    const next = (chains.get(matchId) ?? Promise.resolve())
      .then(job)
      .then(
        () => undefined,
        (error: unknown) => deps.log.error({ matchId, err: error }, 'lobby store write failed'),
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
    seatReleased: (host, guestId) => enqueue(host.id, () => seats.release(host.id, guestId)),
    ended: (host) => enqueue(host.id, () => seats.releaseAll(host.id)),
    disposed: (host) =>
      enqueue(host.id, async () => {
        await seats.releaseAll(host.id);
        await directory.remove(host.id);
        if (host.spec.code) await codes.release(host.spec.code, host.id);
      }),
    settled: (matchId) => chains.get(matchId) ?? Promise.resolve(),
  };
}
