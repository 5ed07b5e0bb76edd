/**
 * A drain while the SDK follows its match. The owner node gets SIGTERM: it hands the match over
 * (MATCH_MOVED to its players) and closes; the player's connection comes back through the front
 * on the other node. Two things then want the seat back: the SDK's MATCH_MOVED retry, waiting
 * out its pause, and its reconnect-rejoin. The test holds the retry's pause until the reconnect
 * happened, so both triggers meet on every run, not only when the timing happens to line up.
 *
 * What fails without one attempt for both: two joins go out on the new connection, and the
 * second is refused ALREADY_IN_MATCH (or the reconnect's join, sent before the new owner adopted
 * the match, is refused CLUSTER_UNAVAILABLE and never retried): `rejoined` reports a failure, and
 * a page goes back to the lobby while the server keeps its seat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManager, LobbyClient } from '../../shared/client/lobby-client.ts';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import type { AckResult } from '../../shared/protocol/errors.ts';
import type { MatchInfo, PlayerInfo } from '../../shared/protocol/events.ts';
import { startFront, type Front } from '../../scripts/front/proxy.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { GAMES, guest } from '../support/lobby.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { sleep, waitFor } from '../support/wait.ts';

describe('a drain while the SDK follows its moved match', () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  let front: Front;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ REDIS_URL: redis.url }, 2, { TICK_RATE: '20', COUNTDOWN_MS: '0' });
    front = await startFront({ nodes: cluster.nodes.map((n) => n.url), port: 0, healthIntervalMs: 100 });
    await waitFor(() => front.status().nodes.every((n) => n.ready), 'both nodes ready behind the front', 20_000);
  });
  afterAll(async () => {
    for (const close of closers.splice(0)) close();
    await front?.close();
    await cluster?.stop();
    await redis?.stop();
  });

  it('gets the seat back with one join: one rejoined answer, ok, on the same slot', async () => {
    const session = await guest(front.url, 'mover');
    const manager = createManager(front.url, { transports: ['websocket'], reconnectionDelay: 200, reconnectionDelayMax: 400 });
    const lobby = new LobbyClient(front.url, {}, { token: session.token, manager });
    expect((await lobby.ready()).ok).toBe(true);
    const created = await lobby.createPrivate({ maxPlayers: 2 });
    if (!created.ok) throw new Error(created.code);

    // The MATCH_MOVED retry's pauses wait for the test until the connection is back.
    let holding = true;
    const held: (() => void)[] = [];
    const moveWait = (ms: number): Promise<void> => (holding ? new Promise((resume) => held.push(resume)) : sleep(ms));
    const rejoins: AckResult<MatchInfo>[] = [];
    const errors: string[] = [];
    let roster: PlayerInfo[] = [];
    let snapshots = 0;
    const conn = new MatchConnection(
      front.url,
      {
        rejoined: (r) => rejoins.push(r),
        protocolError: (e) => errors.push(e.code),
        roster: (r) => (roster = r),
        snapshot: () => void snapshots++,
      },
      // Stays on its connection when told NODE_LEAVING (sdk-relocate.test.ts moves it): the
      // way back here is MATCH_MOVED and the reconnect.
      { token: session.token, manager, autoRejoin: true, games: GAMES, moveWait, moveConnection: false },
    );
    closers.push(() => {
      conn.close();
      lobby.close();
      manager.engine?.close();
    });
    const first = await conn.join(created.matchId);
    expect(first).toMatchObject({ ok: true, slot: 0 });
    expect(await conn.start()).toEqual({ ok: true });
    await waitFor(() => snapshots > 5, 'snapshots');

    // The match runs where the player is connected: draining that node moves both.
    const owned = await Promise.all(cluster.nodes.map(async (n) => ((await (await fetch(`${n.url}/healthz`)).json()) as { cluster: { matchesOwned: number } }).cluster.matchesOwned));
    const owner = owned.indexOf(1);
    expect(front.status().nodes.map((n) => n.websocketsOpen > 0)).toEqual(cluster.nodes.map((_, i) => i === owner));

    // Released after the SDK's own connect handler (registered first) has run.
    let waitingAtReconnect = -1;
    conn.socket.on('connect', () => {
      if (!holding) return;
      waitingAtReconnect = held.length;
      holding = false;
      for (const resume of held.splice(0)) resume();
    });
    const exited = new Promise<number | null>((resolve) => cluster.nodes[owner]!.child.once('exit', (code) => resolve(code)));
    cluster.nodes[owner]!.child.kill('SIGTERM');

    await waitFor(() => rejoins.length > 0, 'the rejoin', 20_000);
    expect(await exited).toBe(0);
    // The retry was waiting when the connection came back: both triggers met. (NODE_LEAVING
    // first: this client does not move its connection, it follows its match the other way.)
    expect(errors.filter((e) => e !== 'NODE_LEAVING')[0]).toBe('MATCH_MOVED');
    expect(waitingAtReconnect).toBe(1);
    const before = snapshots;
    await waitFor(() => snapshots > before + 20, 'snapshots from the new owner');
    await sleep(500);
    expect(rejoins.map((r) => (r.ok ? { ok: true, matchId: r.matchId, slot: r.slot } : { ok: false, code: r.code }))).toEqual([{ ok: true, matchId: created.matchId, slot: 0 }]);
    expect(errors).toEqual(['NODE_LEAVING', 'MATCH_MOVED']);
    expect(roster.find((p) => p.slot === 0)).toMatchObject({ nickname: 'mover', connected: true });
    const health = (await (await fetch(`${cluster.nodes[1 - owner]!.url}/healthz`)).json()) as { cluster: { matchesOwned: number } };
    expect(health.cluster.matchesOwned).toBe(1);
  });
});
