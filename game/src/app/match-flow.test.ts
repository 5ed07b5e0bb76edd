import { describe, expect, it } from 'vitest';
import type { PlayerClient } from '../../../shared/client/player-client.ts';
import { ErrorCode } from '../../../shared/protocol/errors.ts';
import type { MatchInfo, MatchResults, ServerTick } from '../../../shared/protocol/events.ts';
import { createStore } from '../state/store.ts';
import { adviceFor } from './connection-messages.ts';
import { MatchFlow, presenceLine, type GameView } from './match-flow.ts';
import type { AnyPageGame } from '../game/page-game.ts';
import { pageGames } from '../game/registry.ts';
import type { MatchSession } from './match-session.ts';

/** The flow only looks a game up by id: a page module with nothing in it stands for one. */
const tag = { definition: { id: 'tag' } } as unknown as AnyPageGame;

const info = (matchId: string): MatchInfo => ({
  matchId,
  game: 'tag',
  slot: 0,
  role: 'player',
  mode: 'ffa',
  visibility: 'private',
  state: 'waiting',
  tickRate: 30,
  maxPlayers: 4,
  snapshotEvery: 1,
  options: {},
  setup: {},
  roster: [{ slot: 0, nickname: 'Ann', connected: true, bot: false }],
});

const results: MatchResults = { matchId: 'm1', game: 'tag', reason: 'time', winnerSlot: null, standings: [] };

function setup(opts: { loadFails?: number } = {}) {
  const store = createStore();
  const session = { info: null as MatchInfo | null, joined(i: MatchInfo) { this.info = i; }, left() { this.info = null; }, onSnapshot() {}, onRoster() {} };
  const drawn: string[] = [];
  const view: GameView = { show: (game, id) => drawn.push(`show ${game} ${id}`), showReplay: (game, key) => drawn.push(`replay ${game} ${key}`), hide: () => drawn.push('hide') };
  let loads = 0;
  let fails = opts.loadFails ?? 0;
  const ticks: ServerTick[] = [];
  let pings = 0;
  let lines = 0;
  const flow = new MatchFlow({
    store,
    session: session as unknown as MatchSession,
    games: pageGames([tag]),
    feed: { ping: async () => void (pings += 1), serverTick: (t) => void ticks.push(t), dropped: () => {} },
    client: () => null as PlayerClient | null,
    loadView: async () => {
      loads += 1;
      if (fails-- > 0) throw new Error('chunk cut off');
      return view;
    },
    lineId: () => ++lines,
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { store, flow, handlers: flow.handlers(), drawn, ticks, loads: () => loads, pings: () => pings, settle, state: () => store.getState() };
}

describe('the match flow', () => {
  it('a joined match is in the store, drawn once the game has loaded, and its RTT measured at once', async () => {
    const t = setup();
    t.flow.joined(info('m1'), { code: 'ABCDE', host: true, maxPlayers: null });
    await t.settle();
    expect(t.state().match.joined).toMatchObject({ matchId: 'm1', code: 'ABCDE', host: true, maxPlayers: null });
    expect(t.drawn).toEqual(['show tag m1']);
    expect(t.pings()).toBe(1);
    // A rejoin of the same match loads nothing again.
    t.flow.joined(info('m1'), { code: 'ABCDE', host: true, maxPlayers: null });
    await t.settle();
    expect(t.loads()).toBe(1);
  });

  it('a match of a game this page has no module for is left at once, and the lobby says so in a sentence', async () => {
    const t = setup();
    const left: string[] = [];
    const flow = t.flow as unknown as { deps: { client: () => unknown } };
    flow.deps.client = () => ({ leave: async () => void left.push('seat given up') });
    t.flow.joined({ ...info('m2'), game: 'dots' }, { code: null, host: false, maxPlayers: null });
    await t.settle();
    expect(t.state().match.joined).toBeNull();
    expect(t.state().lobby.notice).toEqual({ code: 'UNKNOWN_GAME', message: expect.stringMatching(/^This page can't show the game “dots”: .*“tag”/) });
    expect(left).toEqual(['seat given up']);
    // Never drawn as another game.
    expect(t.drawn.filter((d) => d.startsWith('show'))).toEqual([]);
  });

  it('when the game chunk fails to load, the page says so, and trying again draws the match', async () => {
    const t = setup({ loadFails: 1 });
    t.flow.joined(info('m1'), { code: null, host: false, maxPlayers: null });
    await t.settle();
    expect(t.state().ui.gameLoad.status).toBe('failed');
    expect(t.drawn).toEqual([]);
    await t.flow.retryGameLoad();
    expect(t.state().ui.gameLoad.status).toBe('loaded');
    expect(t.drawn).toEqual(['show tag m1']);
  });

  it('a match gone before it ended returns to the lobby; one that ended keeps its results on screen', async () => {
    const t = setup();
    t.flow.joined(info('m1'), { code: null, host: false, maxPlayers: null });
    await t.settle();
    t.handlers.phase!({ matchId: 'm1', state: 'disposed', tick: 5, phaseEndTick: 0 });
    await t.settle();
    expect(t.state().match.joined).toBeNull();
    expect(t.drawn.at(-1)).toBe('hide');

    t.flow.joined(info('m2'), { code: null, host: false, maxPlayers: null });
    t.handlers.ended!(results);
    t.handlers.phase!({ matchId: 'm2', state: 'disposed', tick: 9, phaseEndTick: 0 });
    expect(t.state().match.joined?.matchId).toBe('m2');
    expect(t.state().match.results).toEqual(results);
  });

  it('a seat not taken back after a drop: back to the lobby, with the reason in words', () => {
    const t = setup();
    t.flow.joined(info('m1'), { code: null, host: false, maxPlayers: null });
    t.handlers.rejoined!({ ok: false, code: ErrorCode.NoSeat, message: 'no seat' });
    expect(t.state().match.joined).toBeNull();
    expect(t.state().lobby.notice).toEqual({ code: ErrorCode.NoSeat, message: adviceFor(ErrorCode.NoSeat, 'no seat').message });
    expect(t.state().connection.status).not.toBe('reconnecting');
  });

  it('presence changes become feed lines (not arrivals), and the server tick goes to the net graph', () => {
    const t = setup();
    t.flow.joined(info('m1'), { code: null, host: false, maxPlayers: null });
    t.handlers.presence!({ slot: 1, nickname: 'Bob', status: 'joined' });
    t.handlers.presence!({ slot: 1, nickname: 'Bob', status: 'away' });
    t.handlers.presence!({ slot: 1, nickname: 'Bob', status: 'back' });
    expect(t.state().match.feed.map((f) => `${f.subject} ${f.text}`)).toEqual(['Bob lost connection', 'Bob is back']);
    t.handlers.serverTick!({ meanMs: 0.5, maxMs: 2 });
    expect(t.ticks).toEqual([{ meanMs: 0.5, maxMs: 2 }]);
    expect(presenceLine({ slot: 2, nickname: 'Cy', status: 'timed_out' }, -3, 10)).toMatchObject({ id: -3, at: 10, subject: 'Cy', text: 'did not come back' });
  });
});
