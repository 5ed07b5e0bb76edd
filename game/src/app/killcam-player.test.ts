/**
 * The page's killcam when the answer is bad: a refusal from the server, bytes that are no
 * killcam, a killcam of someone else's death. Each ends in `failed` with a line the player
 * reads, the match's scene is never swapped out, and the respawn clears it. (A real killcam
 * playing and skipped: test/browser/replay-page.test.ts.)
 */
import { describe, expect, it, vi } from 'vitest';
import type { PlayerClient } from '../../../shared/client/player-client.ts';
import { KILLCAM_HEAD } from '../../../shared/replay/killcam.ts';
import type { AckResult } from '../../../shared/protocol/errors.ts';
import type { KillcamAnswer, MatchInfo } from '../../../shared/protocol/events.ts';
import type { AnyPageGame } from '../game/page-game.ts';
import { pageGames } from '../game/registry.ts';
import { createStore } from '../state/store.ts';
import { KillcamPlayer } from './killcam-player.ts';
import type { GameView } from './match-flow.ts';
import type { MatchSession } from './match-session.ts';

/** A game with kills (a killer's view); the answers below never get as far as drawing a frame. */
const tag = { definition: { id: 'tag' }, killerView: async () => (_state: unknown, snapshot: unknown) => snapshot } as unknown as AnyPageGame;

const info: MatchInfo = {
  matchId: 'm1',
  game: 'tag',
  slot: 0,
  role: 'player',
  mode: 'ffa',
  visibility: 'public',
  state: 'playing',
  tickRate: 30,
  maxPlayers: 2,
  snapshotEvery: 1,
  options: {},
  setup: {},
  roster: [
    { slot: 0, nickname: 'Ann', connected: true, bot: false },
    { slot: 1, nickname: 'Bob', connected: true, bot: false },
  ],
};

function setup(answer: AckResult<KillcamAnswer>) {
  const store = createStore();
  let respawnIn: number | null = 2000;
  const live = { info, roster: info.roster, respawnInMs: () => respawnIn } as unknown as MatchSession;
  const screen = { joined() {}, left() {}, onSnapshot() {} } as unknown as MatchSession;
  const drawn: string[] = [];
  const view: GameView = { show: (g, id) => drawn.push(`show ${g} ${id}`), showReplay: (g, key) => drawn.push(`replay ${g} ${key}`), hide: () => drawn.push('hide') };
  const frames: ((t: number) => void)[] = [];
  const asked: unknown[] = [];
  const client = { match: { killcam: async (req: unknown) => (asked.push(req), answer) } } as unknown as PlayerClient;
  const player = new KillcamPlayer({
    store,
    live,
    screen,
    setNow: () => {},
    client: () => client,
    games: pageGames([tag]),
    view: async () => view,
    frame: (fn) => {
      frames.push(fn);
      return () => frames.splice(frames.indexOf(fn), 1);
    },
  });
  // The reader loads on first use (a dynamic import): wait for the answer to be read.
  const settle = () => vi.waitFor(() => expect(store.getState().killcam.status).not.toBe('loading'));
  const frame = () => frames.splice(0).forEach((fn) => fn(0));
  return { store, player, drawn, asked, settle, frame, respawn: () => (respawnIn = null) };
}

describe('the killcam in the page, given a bad answer', () => {
  it('asks for its own death, and shows the refusal until the respawn', async () => {
    const t = setup({ ok: false, code: 'KILLCAM_NOT_FOUND', message: 'you did not die at tick 90' } as AckResult<KillcamAnswer>);
    t.player.died(1, 90);
    expect(t.store.getState().killcam.status).toBe('loading');
    await t.settle();
    expect(t.asked).toEqual([{ victim: 0, tick: 90 }]);
    expect(t.store.getState().killcam).toMatchObject({ status: 'failed', error: { code: 'KILLCAM_NOT_FOUND', message: 'you did not die at tick 90' } });
    expect(t.drawn).toEqual([]);
    t.respawn();
    t.frame();
    expect(t.store.getState().killcam).toMatchObject({ status: 'off', last: 'respawned' });
  });

  it('reads hostile bytes as a clear line, never a throw, and leaves the match on screen', async () => {
    for (const bytes of [new Uint8Array([1, 2, 3]), new Uint8Array([...KILLCAM_HEAD, 0x78, 0x9c, 1, 2, 3, 4, 5]), new Uint8Array([...KILLCAM_HEAD.subarray(0, 4), 7, 1])]) {
      const t = setup({ ok: true, killcam: bytes });
      t.player.died(1, 90);
      await t.settle();
      const state = t.store.getState().killcam;
      expect(state.status).toBe('failed');
      expect(state.error!.message).toMatch(/^the server's killcam is unreadable: ./);
      expect(t.drawn).toEqual([]);
    }
  });

  it('a new death replaces the killcam of the last one; Skip ends it', async () => {
    const t = setup({ ok: false, code: 'RATE_LIMITED', message: 'busy' } as AckResult<KillcamAnswer>);
    t.player.died(1, 90);
    await t.settle();
    t.player.died(1, 150);
    expect(t.store.getState().killcam).toMatchObject({ status: 'loading', killTick: 150 });
    await t.settle();
    expect(t.asked).toEqual([
      { victim: 0, tick: 90 },
      { victim: 0, tick: 150 },
    ]);
    t.player.skip();
    expect(t.store.getState().killcam).toMatchObject({ status: 'off', last: 'skipped' });
    expect(t.player.status().skipped).toBe(1);
  });
});
