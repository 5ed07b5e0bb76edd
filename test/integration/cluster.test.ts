/**
 * Two game nodes joined by a real redis-server: one lobby, one match with players on both nodes.
 * The match runs on the node where it was created (node1); the player connected to node2 is
 * seated through node2, gets the match's snapshots relayed by node2, and steers it through its
 * inputs relayed to node1. Without the relay node2's player would get MATCH_NOT_FOUND (the match
 * is not in node2's memory), and without the input relay its cycle would never turn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlayerClient } from '../../shared/client/player-client.ts';
import { MatchPhase } from '../../shared/game/phase.ts';
import { Dir, type CyclesInput, type CyclesSetup, type CyclesSnapshot } from '../../shared/games/cycles/index.ts';
import { GAMES } from '../../shared/games/index.ts';
import type { WireError } from '../../shared/protocol/errors.ts';
import type { ChatMessage, MatchListing } from '../../shared/protocol/events.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { sleep, waitFor } from '../support/wait.ts';

const TICK_RATE = 20;

interface Rider {
  client: PlayerClient<CyclesSnapshot, CyclesInput, CyclesSetup>;
  snapshots: { at: number; s: CyclesSnapshot }[];
  errors: WireError[];
  chat: ChatMessage[];
  lists: MatchListing[][];
}

async function rider(url: string, nickname: string): Promise<Rider> {
  const r: Omit<Rider, 'client'> = { snapshots: [], errors: [], chat: [], lists: [] };
  const res = await PlayerClient.connect<CyclesSnapshot, CyclesInput, CyclesSetup>({
    url,
    nickname,
    games: GAMES,
    connection: { reconnection: false },
    autoRejoin: false,
    match: {
      snapshot: (s) => r.snapshots.push({ at: performance.now(), s }),
      protocolError: (e) => r.errors.push(e),
      chat: (m) => r.chat.push(m),
    },
    lobby: { list: (all) => r.lists.push(all) },
  });
  if (!res.ok) throw new Error(`${nickname}: ${res.code} ${res.message}`);
  return { ...r, client: res.value };
}

const latest = (r: Rider) => r.snapshots.at(-1)!.s;
const cycle = (s: CyclesSnapshot, slot: number) => s.players.find((p) => p.id === slot)!;

describe('two nodes, one lobby, one match across them', () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  const riders: Rider[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ REDIS_URL: redis.url }, 2, { TICK_RATE: String(TICK_RATE), COUNTDOWN_MS: '300', QUEUE_WAIT_MS: '300' });
  });
  afterAll(async () => {
    for (const r of riders) r.client.close();
    await cluster?.stop();
    await redis?.stop();
  });

  it('seats players from both nodes in one match: each sees the other, inputs from the far node apply', async () => {
    const [n1, n2] = cluster.nodes;
    const ada = await rider(n1!.url, 'ada');
    const bo = await rider(n2!.url, 'bo');
    riders.push(ada, bo);
    await bo.client.lobby.subscribeList();

    const created = await ada.client.lobby.createPrivate({ mode: 'cycles', maxPlayers: 2, options: { roundsToWin: 20 } });
    if (!created.ok) throw new Error(`create: ${created.code}`);
    // The lobby is one: node2's list hears nothing of private matches, but its code store knows the code.
    const joinedB = await bo.client.enter({ kind: 'code', code: created.code! });
    expect(joinedB).toMatchObject({ ok: true, matchId: created.matchId, slot: 1, game: 'cycles' });
    const joinedA = await ada.client.enter({ kind: 'rejoin' });
    expect(joinedA).toMatchObject({ ok: true, slot: 0 });

    await waitFor(() => ada.snapshots.at(-1)?.s.roundState === 'live' && bo.snapshots.at(-1)?.s.roundState === 'live', 'a live round on both nodes', 15_000);
    expect(latest(bo).phase).toBe(MatchPhase.Playing);

    // Bo (node2) sees Ada's cycle (run on node1) move.
    const before = cycle(latest(bo), 0);
    await sleep(500);
    const after = cycle(latest(bo), 0);
    expect(Math.abs(after.x - before.x) + Math.abs(after.y - before.y)).toBeGreaterThanOrEqual(3);

    // Bo turns: his input goes node2 → node1, and both screens show the turn.
    const heading = cycle(latest(bo), 1).dir;
    const turn = heading === Dir.Up || heading === Dir.Down ? Dir.Left : Dir.Up;
    bo.client.match.sendInput({ dir: turn, boost: false, clientTick: latest(bo).tick });
    await waitFor(() => cycle(latest(ada), 1).dir === turn && cycle(latest(bo), 1).dir === turn, "Bo's turn on both nodes", 3000);

    // Input to acknowledgement, in ticks, for the local player and the relayed one.
    const ackTicks = async (r: Rider, slot: number): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < 20; i++) {
        const sentAt = latest(r).tick;
        const seq = r.client.match.sendInput({ dir: 0, boost: false, clientTick: sentAt })!;
        await waitFor(() => cycle(latest(r), slot).lastInputSeq >= seq, 'acknowledged', 3000);
        out.push(latest(r).tick - sentAt);
        await sleep(1000 / TICK_RATE);
      }
      return out.sort((a, b) => a - b);
    };
    const local = await ackTicks(ada, 0);
    const relayed = await ackTicks(bo, 1);
    const median = (xs: number[]) => xs[Math.floor(xs.length / 2)]!;
    expect(median(relayed)).toBeLessThanOrEqual(median(local) + 1);

    // Match chat from node2 reaches node1's player (the room spans the nodes).
    await bo.client.match.chat('gg from node2');
    await waitFor(() => ada.chat.some((m) => m.text === 'gg from node2'), 'chat across nodes');
    expect(ada.errors).toEqual([]);
    expect(bo.errors).toEqual([]);
  });

  it('keeps one public list across nodes and shows /healthz cluster figures', async () => {
    const [n1, n2] = cluster.nodes;
    const watcher = await rider(n2!.url, 'watcher');
    const host = await rider(n1!.url, 'host');
    riders.push(watcher, host);
    await watcher.client.lobby.subscribeList();
    const q = await host.client.lobby.quickPlay('ffa');
    expect(q.ok).toBe(true);
    // A public match made on node1 appears in node2's live list.
    await waitFor(() => [...watcher.client.lobby.matches.values()].some((m) => m.mode === 'ffa'), "node1's match in node2's list", 15_000);
    const health = (await (await fetch(`${n1!.url}/healthz`)).json()) as { cluster: { redis: string; matchesOwned: number } | null };
    expect(health.cluster).toMatchObject({ redis: 'ready' });
    expect(health.cluster!.matchesOwned).toBeGreaterThanOrEqual(1);
    const ready = await fetch(`${n2!.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});
