/**
 * Two nodes' relays of what the match's owner makes from its recording.
 *
 * Delayed spectating across two nodes: a public Arena match runs on node1 (Ada and server bots);
 * Lou spectates through node1, Eve through node2. Both see the match SPECTATOR_DELAY_S (here 2 s,
 * 40 ticks at 20 Hz) behind Ada, and what they see at a tick is what Ada saw at that tick. Eve's
 * node relays the owner's spectators' stream, made from the match's recording: her snapshots are
 * Lou's, field for field (the re-simulation's lastInputSeq is 0 for everybody, while Ada, who
 * moves, has hers counting up in the live stream). A node that delayed the owner's live stream
 * itself would hand Eve Ada's lastInputSeq (and the live serverTimes).
 *
 * Killcams across two nodes: Kim plays through node2 in a private Arena match node1 runs; Ada
 * (node1) hunts her down. Kim's node asks node1 for her killcam over the node bus and hands her
 * the file: the last seconds before her death, Ada the killer. Without the relay node2 could only
 * answer KILLCAM_UNAVAILABLE (the match's recording is in node1's memory).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlayerClient } from '../../shared/client/player-client.ts';
import type { ArenaInput, ArenaSetup } from '../../shared/games/arena/index.ts';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import { unpackKillcam } from '../../shared/replay/killcam.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { GAMES } from '../../shared/games/index.ts';
import { Button } from '../../shared/games/arena/sim/index.ts';
import { huntInput } from '../support/arena-hunter.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { waitFor } from '../support/wait.ts';

const TICK_RATE = 20;
const DELAY_S = 2;

async function client(url: string, nickname: string) {
  const seen: Snapshot[] = [];
  const res = await PlayerClient.connect<Snapshot, ArenaInput, ArenaSetup>({
    url,
    nickname,
    games: GAMES,
    connection: { reconnection: false },
    match: { snapshot: (s) => void seen.push(s) },
  });
  if (!res.ok) throw new Error(`${nickname}: ${res.code} ${res.message}`);
  return { client: res.value, seen };
}

describe('spectators on either node watch SPECTATOR_DELAY_S behind the players', () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ REDIS_URL: redis.url }, 2, { TICK_RATE: String(TICK_RATE), COUNTDOWN_MS: '0', QUEUE_WAIT_MS: '200', SPECTATOR_DELAY_S: String(DELAY_S) });
  });
  afterAll(async () => {
    for (const c of closers) c();
    await cluster?.stop();
    await redis?.stop();
  });

  it('on the owner and on a relaying node alike', async () => {
    const [n1, n2] = cluster.nodes;
    const ada = await client(n1!.url, 'ada');
    const lou = await client(n1!.url, 'lou');
    const eve = await client(n2!.url, 'eve');
    closers.push(() => ada.client.close(), () => lou.client.close(), () => eve.client.close());
    const joined = await ada.client.enter({ kind: 'quickplay', mode: 'ffa' });
    if (!joined.ok) throw new Error(`ada: ${joined.code}`);
    expect(await lou.client.enter({ kind: 'spectate', matchId: joined.matchId })).toMatchObject({ ok: true, role: 'spectator' });
    expect(await eve.client.enter({ kind: 'spectate', matchId: joined.matchId })).toMatchObject({ ok: true, role: 'spectator' });
    // Ada moves, so the live stream carries her inputs' sequence numbers.
    const moving = setInterval(() => {
      const view = ada.seen.at(-1);
      if (view) ada.client.match.sendInput({ buttons: Button.Right, aim: 0, clientTick: view.tick });
    }, 1000 / TICK_RATE);
    closers.push(() => clearInterval(moving));
    await waitFor(() => eve.seen.length > 10 && lou.seen.length > 10, 'both spectators watching', 15_000);
    await waitFor(() => (ada.seen.at(-1)?.players.find((p) => p.id === joined.slot)?.lastInputSeq ?? 0) > 0, 'Ada\u2019s inputs applied', 5_000);
    const lastEve = eve.seen.at(-1)!.tick;
    await waitFor(() => lou.seen.at(-1)!.tick >= lastEve, 'Lou as far as Eve', 5_000);
    clearInterval(moving);

    const behind = TICK_RATE * DELAY_S;
    for (const who of [lou, eve]) {
      const lag = ada.seen.at(-1)!.tick - who.seen.at(-1)!.tick;
      // A snapshot in flight on either side: a tick or two either way.
      expect(lag).toBeGreaterThanOrEqual(behind - 3);
      expect(lag).toBeLessThanOrEqual(behind + 3);
      const adaAt = new Map(ada.seen.map((s) => [s.tick, s]));
      for (const s of who.seen.slice(-10)) {
        expect(s.players.map((p) => [p.id, p.x, p.y, p.alive])).toEqual(adaAt.get(s.tick)!.players.map((p) => [p.id, p.x, p.y, p.alive]));
      }
    }
    // The owner's spectators' stream, relayed: the same snapshots on both nodes, from the recording.
    const louAt = new Map(lou.seen.map((s) => [s.tick, s]));
    const both = eve.seen.filter((s) => louAt.has(s.tick)).slice(-10);
    expect(both.length).toBeGreaterThanOrEqual(5);
    for (const s of both) expect(s).toEqual(louAt.get(s.tick));
    expect(eve.seen.slice(-10).flatMap((s) => s.players.map((p) => p.lastInputSeq))).toEqual(Array(eve.seen.slice(-10).length * eve.seen.at(-1)!.players.length).fill(0));
  });

  it('a killcam for a victim on the node that does not run the match, relayed from the one that does', async () => {
    const [n1, n2] = cluster.nodes;
    const ada = await client(n1!.url, 'ada');
    const kim = await client(n2!.url, 'kim');
    closers.push(() => ada.client.close(), () => kim.client.close());
    const created = await ada.client.enter({ kind: 'create', options: { mode: 'duel', maxPlayers: 2, options: { damage: 100, killTarget: 5, timeLimitS: 60 } } });
    if (!created.ok) throw new Error(`ada: ${created.code} ${created.message}`);
    const joined = await kim.client.enter({ kind: 'code', code: ada.client.code! });
    expect(joined).toMatchObject({ ok: true, node: 'node1' });
    if (!joined.ok) return;
    // Before any death: the owner's own answer, relayed.
    expect(await kim.client.match.killcam({})).toMatchObject({ ok: false, code: ErrorCode.KillcamNotFound });

    // Ada hunts Kim along the map's clear lanes (arena-hunter.ts); one hit kills (damage 100).
    const { map } = created.setup;
    const hunt = setInterval(() => {
      const view = ada.seen.at(-1);
      const me = view?.players.find((p) => p.id === created.slot);
      const her = view?.players.find((p) => p.id === joined.slot && p.alive);
      if (!view || !me || !her) return;
      ada.client.match.sendInput({ ...huntInput(me, her, map.walls), clientTick: view.tick });
    }, 1000 / TICK_RATE);
    closers.push(() => clearInterval(hunt));
    try {
      await waitFor(() => kim.seen.some((s) => s.players.some((p) => p.id === joined.slot && !p.alive)), 'Kim killed', 15_000);
    } finally {
      clearInterval(hunt);
    }
    const death = kim.seen.find((s) => s.players.some((p) => p.id === joined.slot && !p.alive))!;
    const cam = await kim.client.match.killcam({ victim: joined.slot, tick: death.tick });
    if (!cam.ok) throw new Error(`killcam: ${cam.code} ${cam.message}`);
    const file = await unpackKillcam(cam.killcam);
    if (!file.ok) throw new Error(`killcam file: ${file.code} ${file.message}`);
    expect(file.info).toMatchObject({ victim: joined.slot, killer: created.slot, killTick: death.tick });
    expect(file.slice.chunks.at(-1)!.toTick).toBeGreaterThanOrEqual(death.tick);
    // Another player's death is still refused, by the owner, through the relay.
    expect(await kim.client.match.killcam({ victim: created.slot })).toMatchObject({ ok: false, code: ErrorCode.NotAllowed });
  });
});
