import { describe, expect, it } from 'vitest';
import type { MatchListing } from '../../../shared/protocol/events.ts';
import { connectionActions } from './connection-slice.ts';
import { lobbyActions } from './lobby-slice.ts';
import { matchActions, type JoinedMatch } from './match-slice.ts';
import { createStore, selectPublicMatches, selectScreen } from './store.ts';

const listing = (matchId: string, over: Partial<MatchListing> = {}): MatchListing => ({
  matchId,
  game: 'tag',
  mode: 'ffa',
  state: 'waiting',
  players: 1,
  humans: 1,
  bots: 0,
  spectators: 0,
  maxPlayers: 16,
  options: {},
  createdAt: 1000,
  ...over,
});

const joined: JoinedMatch = { matchId: 'm1', game: 'tag', mode: 'ffa', role: 'player', slot: 0, visibility: 'public', code: null, host: false, maxPlayers: 16 };

describe('the live public list in the store', () => {
  it('applies created / updated / removed events newer than the list it holds, and ignores the rest', () => {
    const store = createStore();
    store.dispatch(lobbyActions.listReceived({ version: 5, matches: [listing('a')] }));
    // Raced the initial list: already part of it.
    store.dispatch(lobbyActions.listChanged({ type: 'created', version: 5, match: listing('stale') }));
    store.dispatch(lobbyActions.listChanged({ type: 'created', version: 6, match: listing('b', { createdAt: 2000 }) }));
    store.dispatch(lobbyActions.listChanged({ type: 'updated', version: 7, match: listing('a', { state: 'playing', players: 3 }) }));
    store.dispatch(lobbyActions.listChanged({ type: 'removed', version: 8, matchId: 'b' }));
    store.dispatch(lobbyActions.listChanged({ type: 'created', version: 7, match: listing('replayed') }));
    const list = selectPublicMatches(store.getState());
    expect(list.map((m) => [m.matchId, m.state, m.players])).toEqual([['a', 'playing', 3]]);
  });

  it('ignores events while not subscribed (after a drop, until the new list arrives)', () => {
    const store = createStore();
    store.dispatch(lobbyActions.listReceived({ version: 1, matches: [] }));
    store.dispatch(lobbyActions.listLost());
    store.dispatch(lobbyActions.listChanged({ type: 'created', version: 2, match: listing('x') }));
    expect(selectPublicMatches(store.getState())).toEqual([]);
    store.dispatch(lobbyActions.listReceived({ version: 2, matches: [listing('x')] }));
    expect(selectPublicMatches(store.getState()).map((m) => m.matchId)).toEqual(['x']);
  });
});

describe('which screen shows', () => {
  it('follows the player from the lobby through the queue, the match and the results', () => {
    const store = createStore();
    const screen = () => selectScreen(store.getState());
    expect(screen()).toBe('lobby');
    store.dispatch(lobbyActions.queued({ mode: 'ffa', since: 0, waiting: 1 }));
    expect(screen()).toBe('queue');
    store.dispatch(lobbyActions.unqueued());
    store.dispatch(matchActions.joined({ match: joined, phase: 'countdown', roster: [] }));
    expect(screen()).toBe('queue');
    store.dispatch(matchActions.phaseChanged('playing'));
    expect(screen()).toBe('match');
    store.dispatch(connectionActions.reconnecting(2));
    expect(screen()).toBe('reconnecting');
    store.dispatch(connectionActions.reconnected());
    expect(screen()).toBe('match');
    store.dispatch(matchActions.ended({ matchId: 'm1', game: 'tag', reason: 'time', winnerSlot: null, standings: [] }));
    expect(screen()).toBe('results');
    store.dispatch(matchActions.left());
    expect(screen()).toBe('lobby');
  });

  it('keeps the overlay up when the lobby is back before the match seat', () => {
    const store = createStore();
    store.dispatch(matchActions.joined({ match: joined, phase: 'playing', roster: [] }));
    store.dispatch(connectionActions.reconnecting(1));
    store.dispatch(connectionActions.sessionStarted({ guestId: 'g', nickname: 'ada', matchId: 'm1', modes: [], games: [], chatMaxLength: 200 }));
    expect(selectScreen(store.getState())).toBe('reconnecting');
  });

  it('keeps match chat and the feed across a rejoin of the same match, not into the next', () => {
    const store = createStore();
    store.dispatch(matchActions.joined({ match: joined, phase: 'playing', roster: [] }));
    store.dispatch(matchActions.chatReceived({ id: 1, from: 'bob', text: 'hi', at: 0, mine: false }));
    store.dispatch(matchActions.joined({ match: joined, phase: 'playing', roster: [] }));
    expect(store.getState().match.chat).toHaveLength(1);
    store.dispatch(matchActions.joined({ match: { ...joined, matchId: 'm2' }, phase: 'waiting', roster: [] }));
    expect(store.getState().match.chat).toHaveLength(0);
  });
});
