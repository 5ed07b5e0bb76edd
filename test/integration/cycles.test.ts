/**
 * The second game through the same server code as Arena: a private Cycles match made in the
 * lobby, two clients steering and each seeing the other's cycle where it goes; a crash into the
 * wall scores the round for the survivor on both screens; a drop and a rejoin keep the seat and
 * the score; quick play alone fills the match with server bots that a spectator can watch; and
 * GET /api/games lists both games. Nothing in server/ knows Cycles by name, so if the boundary
 * leaked (an Arena codec, Arena's inputs) none of these would pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlayerClient } from '../../shared/client/player-client.ts';
import { MatchPhase } from '../../shared/game/phase.ts';
import { Dir, type CyclesInput, type CyclesSetup, type CyclesSnapshot } from '../../shared/games/cycles/index.ts';
import { GAMES } from '../../shared/games/index.ts';
import type { GameInfo } from '../../shared/protocol/lobby-events.ts';
import type { MatchResults, PresenceChange } from '../../shared/protocol/events.ts';
import type { WireError } from '../../shared/protocol/errors.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { sleep, waitFor } from '../support/wait.ts';

const TICK_RATE = 20;

interface Rider {
  client: PlayerClient<CyclesSnapshot, CyclesInput, CyclesSetup>;
  snapshots: CyclesSnapshot[];
  presence: PresenceChange[];
  errors: WireError[];
  ended: MatchResults[];
}

async function rider(url: string, nickname: string): Promise<Rider> {
  const r: Omit<Rider, 'client'> = { snapshots: [], presence: [], errors: [], ended: [] };
  const res = await PlayerClient.connect<CyclesSnapshot, CyclesInput, CyclesSetup>({
    url,
    nickname,
    games: GAMES,
    connection: { reconnection: false },
    autoRejoin: false,
    match: {
      snapshot: (s) => r.snapshots.push(s),
      presence: (p) => r.presence.push(p),
      protocolError: (e) => r.errors.push(e),
      ended: (e) => r.ended.push(e),
    },
  });
  if (!res.ok) throw new Error(`${nickname}: ${res.code} ${res.message}`);
  return { ...r, client: res.value };
}

const latest = (r: Rider) => r.snapshots.at(-1)!;
const cycleOf = (s: CyclesSnapshot, slot: number) => s.players.find((p) => p.id === slot)!;

/** The direction from (x, y) to the nearest wall of the grid. */
function towardNearestWall(x: number, y: number, setup: CyclesSetup): Dir {
  const gaps: [number, Dir][] = [
    [y, Dir.Up],
    [setup.width - 1 - x, Dir.Right],
    [setup.height - 1 - y, Dir.Down],
    [x, Dir.Left],
  ];
  gaps.sort((a, b) => a[0] - b[0]);
  return gaps[0]![1];
}

describe('Cycles, the second game, on the same server', () => {
  let server: ServerProcess;
  const riders: Rider[] = [];

  beforeAll(async () => {
    server = await startServer({ TICK_RATE: String(TICK_RATE), COUNTDOWN_MS: '300', QUEUE_WAIT_MS: '300', RECONNECT_GRACE_MS: '10000', SPECTATOR_DELAY_S: '0' });
  });
  afterAll(async () => {
    for (const r of riders) r.client.close();
    await server?.stop();
  });

  it('lists both games and their modes at GET /api/games', async () => {
    const games = (await (await fetch(`${server.url}/api/games`)).json()) as GameInfo[];
    expect(games.map((g) => g.id)).toEqual(['arena', 'cycles']);
    const cyclesInfo = games.find((g) => g.id === 'cycles')!;
    expect(cyclesInfo.modes).toEqual([
      { id: 'cycles', label: expect.any(String), minPlayers: 2, maxPlayers: 6 },
      { id: 'cycles-duel', label: expect.any(String), minPlayers: 2, maxPlayers: 2 },
    ]);
    expect(cyclesInfo.options.map((o) => o.name).sort()).toEqual(['roundsToWin', 'timeLimitS']);
  });

  it('two clients play a private match: each sees the other steer, a crash scores the round for the survivor', async () => {
    const ada = await rider(server.url, 'ada');
    const bo = await rider(server.url, 'bo');
    riders.push(ada, bo);
    const created = await ada.client.lobby.createPrivate({ mode: 'cycles', maxPlayers: 2, options: { roundsToWin: 5 } });
    if (!created.ok) throw new Error(`create: ${created.code} ${created.message}`);
    expect(created).toMatchObject({ game: 'cycles', mode: 'cycles' });
    // The creator holds its seat already: it only joins the match.
    const joinedA = await ada.client.enter({ kind: 'rejoin' });
    const joinedB = await bo.client.enter({ kind: 'code', code: created.code! });
    if (!joinedA.ok || !joinedB.ok) throw new Error('join failed');
    expect(joinedA).toMatchObject({ game: 'cycles', slot: 0, options: { roundsToWin: 5, timeLimitS: 300 } });
    expect(joinedB.slot).toBe(1);
    const setup = joinedA.setup;
    expect(setup).toMatchObject({ width: expect.any(Number), height: expect.any(Number), tickRate: TICK_RATE });

    await waitFor(() => ada.snapshots.at(-1)?.roundState === 'live' && bo.snapshots.at(-1)?.roundState === 'live', 'a live round on both screens', 10_000);
    expect(latest(ada).phase).toBe(MatchPhase.Playing);

    // Bo sees Ada's cycle move at the game's speed (12 cells/s) without any input from her.
    const before = cycleOf(latest(bo), 0);
    await sleep(1000);
    const after = cycleOf(latest(bo), 0);
    const cells = Math.abs(after.x - before.x) + Math.abs(after.y - before.y);
    expect(cells).toBeGreaterThanOrEqual(9);
    expect(cells).toBeLessThanOrEqual(15);

    // Ada turns; Bo's screen shows her heading change. Bo keeps himself alive with the game's bot.
    const boBot = GAMES.find((g) => g.id === 'cycles')!.createBot(setup, { seed: 3 });
    const driveBo = setInterval(() => {
      const view = bo.snapshots.at(-1) ?? null;
      if (view) bo.client.match.sendInput({ ...(boBot.think(view, 1, view.tick + 1) as { dir: Dir; boost: boolean }), clientTick: view.tick });
    }, 1000 / TICK_RATE);
    try {
      const heading = cycleOf(latest(ada), 0).dir;
      const turn = heading === Dir.Up || heading === Dir.Down ? Dir.Left : Dir.Up;
      ada.client.match.sendInput({ dir: turn, boost: false, clientTick: latest(ada).tick });
      await waitFor(() => cycleOf(latest(bo), 0).dir === turn, "Ada's turn on Bo's screen", 3000);

      // Ada rides into the nearest wall: the round goes to Bo, on both screens.
      const roundBefore = latest(ada).round;
      const steer = setInterval(() => {
        const s = ada.snapshots.at(-1)!;
        const me = cycleOf(s, 0);
        if (me.alive) ada.client.match.sendInput({ dir: towardNearestWall(me.x, me.y, setup), boost: false, clientTick: s.tick });
      }, 1000 / TICK_RATE);
      try {
        await waitFor(() => ada.snapshots.some((s) => s.events.some((e) => e.type === 'crash' && e.victim === 0)), "Ada's crash", 15_000);
      } finally {
        clearInterval(steer);
      }
      await waitFor(() => cycleOf(latest(ada), 1).score === 1 && cycleOf(latest(bo), 1).score === 1, "Bo's point on both screens", 10_000);
      expect(cycleOf(latest(bo), 0).score).toBe(0);
      expect(bo.snapshots.some((s) => s.events.some((e) => e.type === 'roundWon' && e.winner === 1))).toBe(true);
      await waitFor(() => latest(ada).round > roundBefore && latest(ada).roundState === 'live', 'the next round', 10_000);
    } finally {
      clearInterval(driveBo);
    }
    expect(ada.errors).toEqual([]);
    expect(bo.errors).toEqual([]);

    // Ada's connection drops; she comes back to the same seat, and the match kept its scores (Bo
    // may have won another round alone meanwhile: never fewer points than before).
    ada.client.manager.engine?.close();
    await waitFor(() => bo.presence.some((p) => p.slot === 0 && p.status === 'away'), 'Bo told Ada is away');
    ada.client.reconnect();
    await ada.client.match.connected();
    const back = await ada.client.enter({ kind: 'rejoin' });
    expect(back).toMatchObject({ ok: true, game: 'cycles', slot: 0, matchId: created.matchId });
    await waitFor(() => bo.presence.some((p) => p.slot === 0 && p.status === 'back'), 'Bo told Ada is back');
    // Ada is told about Bo, never about herself (her own "joined" and "back" leave her out).
    expect(ada.presence.filter((p) => p.slot === 0)).toEqual([]);
    expect(bo.presence.filter((p) => p.slot === 1)).toEqual([]);
    const fresh = ada.snapshots.length;
    await waitFor(() => ada.snapshots.length > fresh + 2, 'snapshots after the rejoin (a keyframe first)');
    expect(latest(ada).phase).toBe(MatchPhase.Playing);
    expect(cycleOf(latest(ada), 1).score).toBeGreaterThanOrEqual(1);
    expect(cycleOf(latest(ada), 0).score).toBe(0);
  });

  it('fills a lone quick-play match with server bots that ride, and lets a spectator watch read-only', async () => {
    const solo = await rider(server.url, 'solo');
    const fan = await rider(server.url, 'fan');
    riders.push(solo, fan);
    const joined = await solo.client.enter({ kind: 'quickplay', mode: 'cycles', queueTimeoutMs: 10_000 });
    if (!joined.ok) throw new Error(`quick play: ${joined.code} ${joined.message}`);
    expect(joined.game).toBe('cycles');
    const bots = joined.roster.filter((p) => p.bot);
    expect(bots.length).toBeGreaterThanOrEqual(1);

    const watching = await fan.client.enter({ kind: 'spectate', matchId: joined.matchId });
    expect(watching).toMatchObject({ ok: true, role: 'spectator', slot: -1, game: 'cycles' });
    await waitFor(() => fan.snapshots.at(-1)?.roundState === 'live', 'a live round for the spectator', 10_000);
    const bot = bots[0]!.slot;
    const start = cycleOf(latest(fan), bot);
    await sleep(600);
    const now = cycleOf(latest(fan), bot);
    // The bot's cycle moved (or crashed trying): the server drives it through the same input queue.
    expect(now.trail.length > start.trail.length || now.x !== start.x || now.y !== start.y || !now.alive).toBe(true);

    fan.client.match.sendInput({ dir: Dir.Up, boost: false, clientTick: 0 });
    await waitFor(() => fan.errors.length > 0, 'spectator input refused');
    expect(fan.errors[0]!.code).toBe('READ_ONLY');
    expect(solo.errors).toEqual([]);
  });
});
