/**
 * Placement is all or nothing for the player when the seat store goes away halfway: a claim the
 * store carried out but whose answer was lost (Redis went down after the script ran) is undone
 * once the store answers again, and a quick-play player it was for goes back in its queue.
 *
 * The counterfactual: without the undo the store keeps that seat for a match that never took the
 * player, so every later request is refused (ALREADY_IN_MATCH when queueing, NO_SEAT when
 * joining) until the match goes away; and before it, the failed claim made the whole group's
 * formation throw, leaving the players who were seated unannounced.
 *
 * The match and its registry are stand-ins with the few members placement reads; the stores are
 * the memory ones behind a switch that makes them fail as Redis does during an outage.
 */
import { describe, expect, it } from 'vitest';
import type { GuestIdentity } from '../auth/identity.ts';
import { createLogger } from '../log.ts';
import type { GameRegistry } from '../match/game-registry.ts';
import type { MatchHost } from '../match/match-host.ts';
import type { MatchRegistry, OpenMatch } from '../match/match-registry.ts';
import { waitFor } from '../../test/support/wait.ts';
import { createDirectorySync } from './directory-sync.ts';
import { Matchmaker } from './matchmaker.ts';
import { Placement, type RemoteMatchPort } from './placement.ts';
import { createMemoryStores, type DirectoryEntry, type LobbyStores, type QueueEntry } from './stores/index.ts';
import type { SeatGrant } from '../../shared/protocol/lobby-events.ts';

const log = createLogger({ logLevel: 'silent', nodeId: 't' });

/** The memory stores, with Redis' failures: `down` refuses every call; `loseAnswerOf` runs a claim and then fails it. */
function flakyStores() {
  const inner = createMemoryStores();
  const state = { down: false, loseAnswerOf: new Set<string>(), refuseClaimOf: new Set<string>() };
  const gone = () => Promise.reject(new Error('Connection is closed.'));
  const seats: LobbyStores['seats'] = {
    claim: async (matchId, guestId, capacity) => {
      if (state.down || state.refuseClaimOf.has(guestId)) return gone();
      const res = await inner.seats.claim(matchId, guestId, capacity);
      if (state.loseAnswerOf.has(guestId)) {
        state.down = true;
        return gone();
      }
      return res;
    },
    release: (matchId, guestId) => (state.down ? gone() : inner.seats.release(matchId, guestId)),
    releaseAll: (matchId) => (state.down ? gone() : inner.seats.releaseAll(matchId)),
    seatOf: (guestId) => inner.seats.seatOf(guestId),
    count: (matchId) => inner.seats.count(matchId),
  };
  const queue: LobbyStores['queue'] = {
    ...inner.queue,
    enqueue: (mode, entry) => (state.down ? gone() : inner.queue.enqueue(mode, entry)),
    remove: (guestId) => (state.down ? gone() : inner.queue.remove(guestId)),
    popGroup: (mode, rule) => inner.queue.popGroup(mode, rule),
    modeOf: (guestId) => inner.queue.modeOf(guestId),
  };
  return { stores: { ...inner, seats, queue } satisfies LobbyStores, inner, state };
}

/** A match that seats guests up to its capacity, as MatchHost.claim does. */
function fakeHost(spec: OpenMatch, onDispose: (host: MatchHost) => void) {
  const guests = new Set<string>();
  const host = {
    id: spec.id,
    spec: { ...spec, game: { id: 'arena' } },
    isDisposed: false,
    isOpen: true,
    botCount: 0,
    get humanCount() {
      return guests.size;
    },
    get playerCount() {
      return guests.size + host.botCount;
    },
    claim: (guest: GuestIdentity) => (host.isOpen && guests.size < spec.maxPlayers ? (guests.add(guest.guestId), guests.size - 1) : null),
    hasSeat: (guestId: string) => guests.has(guestId),
    release: (guestId: string) => void guests.delete(guestId),
    addBot: () => false,
    listing: () => ({ matchId: spec.id }),
    dispose: () => {
      host.isDisposed = true;
      host.isOpen = false;
      onDispose(host as unknown as MatchHost);
    },
  };
  return host;
}

function setup() {
  const { stores, inner, state } = flakyStores();
  const sync = createDirectorySync({ stores, nodeId: 'n1', log, retryDelayMs: 5 });
  const hosts = new Map<string, ReturnType<typeof fakeHost>>();
  let next = 0;
  const registry = {
    newMatchId: () => `m${++next}`,
    open: (spec: OpenMatch) => {
      const host = fakeHost(spec, (h) => sync.disposed(h));
      hosts.set(spec.id, host);
      return host as unknown as MatchHost;
    },
  } as unknown as MatchRegistry;
  const placement = new Placement({ stores, registry, sync, log, retryDelayMs: 5 });
  const mode = { id: 'ffa', game: 'arena', minPlayers: 2, maxPlayers: 4, options: {} };
  const games = { mode: (id: string) => (id === 'ffa' ? mode : undefined), modeIds: () => ['ffa'] } as unknown as GameRegistry;
  const told = new Map<string, SeatGrant>();
  const matchmaker = new Matchmaker({
    queue: stores.queue,
    games,
    placement,
    botFill: false,
    queueWaitMs: 1000,
    nodeWaitMs: 0,
    ratingWindow: null,
    now: () => Date.now(),
    log,
    notify: (guestId, seat) => told.set(guestId, seat),
    accepting: () => true,
    placeElsewhere: null,
  });
  return { stores: inner, state, placement, matchmaker, hosts, told, sync };
}

const entry = (guestId: string): QueueEntry => ({ guestId, nickname: guestId.toUpperCase(), enqueuedAt: 1 });

describe('placement when the seat store goes away halfway', () => {
  it('undoes a quick-play claim whose answer was lost, once the store is back, and puts its player back in the queue', async () => {
    const t = setup();
    // Ann's claim goes through; the store runs Bob's and goes down before answering; Cy's is refused.
    t.state.loseAnswerOf.add('bob');
    t.state.refuseClaimOf.add('cy');
    const matchId = await t.matchmaker.formHere('ffa', [entry('ann'), entry('bob'), entry('cy')]);
    expect(matchId).toBe('m1');
    const host = t.hosts.get('m1')!;
    expect([...t.told.keys()]).toEqual(['ann']);
    expect(host.hasSeat('ann') && !host.hasSeat('bob') && !host.hasSeat('cy')).toBe(true);
    // While the store is away, Bob's stale seat is still in it: nothing can be done yet.
    expect(await t.stores.seats.seatOf('bob')).toBe('m1');
    expect(t.placement.pendingUndos).toBe(2);

    t.state.down = false;
    await waitFor(() => t.placement.pendingUndos === 0, 'the undos to land');
    expect(await t.stores.seats.seatOf('ann')).toBe('m1');
    expect(await t.stores.seats.seatOf('bob')).toBeNull();
    expect(await t.stores.seats.seatOf('cy')).toBeNull();
    // Both wait for the next group again, as if nothing had happened.
    expect(await t.stores.queue.modeOf('bob')).toBe('ffa');
    expect(await t.stores.queue.modeOf('cy')).toBe('ffa');
    expect(await t.stores.seats.count('m1')).toBe(1);
  });

  it('frees every seat of a group none of whose claims was answered (its match is disposed meanwhile)', async () => {
    const t = setup();
    t.state.loseAnswerOf.add('ann');
    t.state.refuseClaimOf.add('bob');
    expect(await t.matchmaker.formHere('ffa', [entry('ann'), entry('bob')])).toBeNull();
    expect(t.hosts.get('m1')!.isDisposed).toBe(true);
    expect(t.told.size).toBe(0);
    t.state.down = false;
    await waitFor(() => t.placement.pendingUndos === 0, 'the undos to land');
    expect(await t.stores.seats.seatOf('ann')).toBeNull();
    expect(await t.stores.seats.seatOf('bob')).toBeNull();
  });

  it('frees the seats of a match that ends while the store is away, once it is back', async () => {
    const t = setup();
    expect(await t.matchmaker.formHere('ffa', [entry('ann'), entry('bob')])).toBe('m1');
    t.state.down = true;
    t.hosts.get('m1')!.dispose();
    await t.sync.settled('m1');
    expect(await t.stores.seats.seatOf('ann')).toBe('m1');
    t.state.down = false;
    await waitFor(() => t.sync.pendingRetries === 0, 'the release to land');
    expect(await t.stores.seats.seatOf('ann')).toBeNull();
    expect(await t.stores.seats.seatOf('bob')).toBeNull();
  });

  it('asks the owner of a match on another node to free a seat whose claim it may have granted without an answer', async () => {
    const t = setup();
    const owner = new Set<string>();
    let busUp = false;
    const remote: RemoteMatchPort = {
      nodeId: 'n1',
      locate: async () => entryOf,
      // The owner seats the player; its answer is lost on the way back.
      claim: async (_node, _matchId, guest) => {
        owner.add(guest.guestId);
        throw new Error('bus request claim to n2 timed out');
      },
      release: async (_node, matchId, guestId) => {
        if (!busUp) throw new Error('bus request release to n2 timed out');
        owner.delete(guestId);
        await t.stores.seats.release(matchId, guestId);
      },
    };
    const entryOf: DirectoryEntry = {
      nodeId: 'n2',
      visibility: 'public',
      listing: { matchId: 'far', game: 'arena', mode: 'ffa', maxPlayers: 4 } as DirectoryEntry['listing'],
    };
    const res = await t.placement.claimRemote(entryOf, { guestId: 'dee', nickname: 'Dee' }, null, remote);
    expect(res).toMatchObject({ ok: false, code: 'CLUSTER_UNAVAILABLE' });
    expect(owner.has('dee')).toBe(true);
    busUp = true;
    await waitFor(() => t.placement.pendingUndos === 0, 'the undo to land');
    expect(owner.has('dee')).toBe(false);
    expect(await t.stores.seats.seatOf('dee')).toBeNull();
  });
});
