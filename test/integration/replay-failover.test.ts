/**
 * A replay across a kill -9: two game nodes on one redis-server, a private Cycles match owned by
 * node1 with a player on each node. node1 is killed without a word; node2 adopts the match from
 * its checkpoint and extends the same replay. The replay served afterwards (to a player of the
 * match, by its guest token) verifies from its start and from each checkpoint, the adopter's one
 * included: had the adopter started a new replay, or not cut the log back to the checkpoint's
 * tick (node1 wrote up to a second past it), or lost the log between the last stored chunk and
 * the checkpoint, verify would say where the state differs or the log has a hole.
 * Also the route's answers: 401 without a token, 403 for someone else, 404, 400.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlayerClient } from '../../shared/client/player-client.ts';
import { Dir, type CyclesInput, type CyclesSetup, type CyclesSnapshot } from '../../shared/games/cycles/index.ts';
import { GAMES } from '../../shared/games/index.ts';
import { verifyFile } from '../../scripts/replay/verify.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { guest } from '../support/lobby.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { sleep, waitFor } from '../support/wait.ts';

type Client = PlayerClient<CyclesSnapshot, CyclesInput, CyclesSetup>;

async function player(url: string, nickname: string, seen: CyclesSnapshot[]): Promise<Client> {
  const res = await PlayerClient.connect<CyclesSnapshot, CyclesInput, CyclesSetup>({
    url,
    nickname,
    games: GAMES,
    connection: { reconnection: false },
    autoRejoin: true,
    match: { snapshot: (s) => seen.push(s) },
  });
  if (!res.ok) throw new Error(`${nickname}: ${res.code} ${res.message}`);
  return res.value;
}

describe('a replay across a kill -9 of the match owner', () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  const clients: Client[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ REDIS_URL: redis.url }, 2, { TICK_RATE: '20', COUNTDOWN_MS: '300' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
    await redis?.stop();
  });

  it('continues on the adopting node, and the whole replay verifies', async () => {
    const [n1, n2] = cluster.nodes;
    const adaSeen: CyclesSnapshot[] = [];
    const boSeen: CyclesSnapshot[] = [];
    let ada = await player(n1!.url, 'ada', adaSeen);
    const bo = await player(n2!.url, 'bo', boSeen);
    clients.push(ada, bo);
    const created = await ada.lobby.createPrivate({ mode: 'cycles', maxPlayers: 2, options: { roundsToWin: 20, timeLimitS: 0 } });
    if (!created.ok) throw new Error(`create: ${created.code}`);
    expect((await bo.enter({ kind: 'code', code: created.code! })).ok).toBe(true);
    expect((await ada.enter({ kind: 'rejoin' })).ok).toBe(true);
    await waitFor(() => adaSeen.at(-1)?.roundState === 'live', 'a live round', 15_000);
    // Both keep turning, so the log holds inputs from both nodes on either side of the kill.
    const dirs = [Dir.Up, Dir.Right, Dir.Down, Dir.Left];
    let n = 0;
    const steer = setInterval(() => {
      n++;
      for (const [c, seen] of [[ada, adaSeen], [bo, boSeen]] as const) {
        const tick = seen.at(-1)?.tick ?? 0;
        c.match.sendInput({ dir: dirs[(n >> 2) % 4]!, boost: n % 9 === 0, clientTick: tick });
      }
    }, 50);
    let tickAtKill = 0;
    try {
      await sleep(2500);
      tickAtKill = adaSeen.at(-1)!.tick;
      cluster.nodes[0]!.child.kill('SIGKILL');
      ada.close();
      const back = await PlayerClient.resume<CyclesSnapshot, CyclesInput, CyclesSetup>(
        { url: n2!.url, nickname: 'ada', games: GAMES, connection: { reconnection: false }, autoRejoin: false, match: { snapshot: (s) => adaSeen.push(s) } },
        ada.guest,
      );
      if (!back.ok) throw new Error(`ada back: ${back.code}`);
      ada = back.value;
      clients.push(ada);
      for (const deadline = performance.now() + 8000; performance.now() < deadline; await sleep(250)) {
        if ((await ada.enter({ kind: 'rejoin' })).ok) break;
      }
      await waitFor(() => (boSeen.at(-1)?.tick ?? 0) > tickAtKill + 40, 'the adopted match two seconds on', 10_000);
    } finally {
      clearInterval(steer);
    }

    // The replay's id: a private match is not listed, so ask Redis which replay is this match's.
    const admin = new Redis(redis.port, redis.host);
    let replayId: string | undefined;
    try {
      for (const id of await admin.zrange('{replays:index}:all', '0', '-1')) {
        const header = JSON.parse((await admin.hget(`{replays:r:${id}}:meta`, 'header'))!) as { matchId: string };
        if (header.matchId === created.matchId) replayId = id;
      }
    } finally {
      admin.disconnect();
    }
    expect(replayId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const url = `${n2!.url}/api/replays/${replayId}`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${bo.guest.token}` } });
    expect(res.status).toBe(200);
    const file = new Uint8Array(await res.arrayBuffer());
    const verdict = verifyFile(file, GAMES);
    expect(verdict).toMatchObject({ ok: true });
    // A second past the kill at least (the store has the log up to the last second's chunk),
    // and the adopter's checkpoint beside the one at the start.
    const [, ticks, checkpoints] = /^ok: (\d+) ticks, (\d+) checkpoints$/.exec(verdict.line)!;
    expect(Number(ticks)).toBeGreaterThan(tickAtKill + 20);
    expect(Number(checkpoints)).toBeGreaterThanOrEqual(2);

    // Who may have it: the players only.
    expect((await fetch(url)).status).toBe(401);
    const stranger = await guest(n2!.url, 'stranger');
    expect((await fetch(url, { headers: { authorization: `Bearer ${stranger.token}` } })).status).toBe(403);
    expect((await fetch(`${n2!.url}/api/replays/${'A'.repeat(22)}`)).status).toBe(404);
    expect((await fetch(`${n2!.url}/api/replays/not-an-id`)).status).toBe(400);
    expect((await fetch(`${n2!.url}/api/replays?limit=0`)).status).toBe(400);
    const list = (await (await fetch(`${n2!.url}/api/replays?limit=5`)).json()) as { ok: boolean; replays: { matchId: string }[] };
    expect(list.ok).toBe(true);
    expect(list.replays.map((r) => r.matchId)).not.toContain(created.matchId);
  });
});
