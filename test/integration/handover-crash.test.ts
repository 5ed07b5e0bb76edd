/**
 * A node that dies halfway through taking a match over. A draining node (node1) hands its match
 * to the least loaded live node, which here is a "ghost": a node made in this test from the
 * cluster's own parts (its Redis connections named as a node's, the node registry, the node bus,
 * the match leases). The ghost seizes the match's lease, as a real node does, and dies before it
 * resumes the match or answers. The match must end up on exactly one node, node2, continued
 * from the checkpoint node1 wrote at the tick it stopped, and node1 must still exit cleanly.
 *
 * What this catches: a drainer that stopped the match without writing its checkpoint first (the
 * adopter would resume from the last beat's, up to a second of ticks back: the tick check), one
 * that waited on the dead node without a bound (node1 would never exit), or one that gave up a
 * lease it no longer held (a second owner). node2 seizes the dead ghost's lease at once; without
 * that it would adopt the match only once the lease lapsed, 2.5 s later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatchLeases } from '../../server/cluster/match-leases.ts';
import { NodeBus, type RequestHandlers } from '../../server/cluster/node-bus.ts';
import { RedisNodeRegistry } from '../../server/cluster/node-registry.ts';
import { connectRedis, type RedisConnections } from '../../server/cluster/redis-connect.ts';
import { startCluster, type TestCluster } from '../support/cluster.ts';
import { connectPlayer, type TestPlayer } from '../support/lobby.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';
import { eventually, waitFor } from '../support/wait.ts';

describe('a node that dies halfway through a hand-over', () => {
  let redis: RedisServer;
  let cluster: TestCluster;
  let ghost: RedisConnections | null = null;
  const players: TestPlayer[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    cluster = await startCluster({ REDIS_URL: redis.url }, 2, { COUNTDOWN_MS: '0' });
  });
  afterAll(async () => {
    for (const p of players) p.close();
    await ghost?.close();
    await cluster?.stop();
    await redis?.stop();
  });

  it('the match ends up on exactly one node, resumed at the tick the draining node stopped at', async () => {
    const [node1, node2] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    // A match on node1 (the one that drains), and one on node2, which makes node2 busier than
    // the ghost: the ghost is the one node1 picks.
    const ada = await connectPlayer(node1.url, 'Ada');
    const bo = await connectPlayer(node2.url, 'Bo');
    players.push(ada, bo);
    const created = await ada.client.lobby.createPrivate({ mode: 'cycles', maxPlayers: 2, options: { roundsToWin: 20 } });
    if (!created.ok) throw new Error(created.message);
    expect(await ada.client.match.join(created.matchId)).toMatchObject({ ok: true });
    const other = await bo.client.lobby.createPrivate({ mode: 'cycles', maxPlayers: 2, options: { roundsToWin: 20 } });
    expect(other.ok).toBe(true);
    const matchId = created.matchId;

    const conns = (ghost = connectRedis({ url: redis.url }, 'ghost'));
    const registry = new RedisNodeRegistry(conns.commands, { leaseMs: 2500 });
    await eventually(async () => (await registry.list()).some((n) => n.nodeId === 'node2' && n.load.matches >= 1), 'node2 to report its match');
    // Its registry entry lives 2.5 s unless renewed, as a real node's heartbeat does: node1's
    // drain can take longer than that on a busy machine, and it must still find the ghost.
    const beat = () => registry.register('ghost', { load: { players: 0, matches: 0 }, startedAt: Date.now() });
    await beat();
    const heartbeat = setInterval(() => void beat().catch(() => undefined), 500);
    heartbeat.unref();
    const leases = new MatchLeases(conns.commands, { nodeId: 'ghost', leaseMs: 2500, checkpointTtlMs: 60_000 });
    const bus = new NodeBus({ nodeId: 'ghost', publisher: conns.publisher, subscriber: conns.subscriber(), clock: Date.now });
    let seized: string | null = null;
    bus.handleRequests({
      adopt: async (from: string, body: { matchId: string }) => {
        if (await leases.seize(body.matchId, from)) seized = body.matchId;
        // Dies here: its connections close (Redis' client list no longer shows it), no answer.
        clearInterval(heartbeat);
        await conns.close();
        return new Promise(() => undefined);
      },
    } as unknown as RequestHandlers);
    // node1 asks it within milliseconds of the SIGTERM: it must be listening by then.
    await bus.listening;

    const exited = new Promise<number | null>((resolve) => node1.child.once('exit', resolve));
    node1.child.kill('SIGTERM');
    const seizedId = await waitFor(() => seized ?? undefined, 'the ghost to seize the lease', 10_000).catch((e: Error) => {
      // What node1's drain did instead, to read in the failure.
      throw new Error(`${e.message}\nnode1: ${JSON.stringify(node1.logs.filter((l) => /drain|hand|adopt|leav/i.test(String(l.msg))).map((l) => ({ msg: l.msg, ...l })))}`);
    });
    expect(seizedId).toBe(matchId);
    expect(await exited).toBe(0);
    const left = node1.logs.find((l) => l.msg === 'match left for adoption' && l.matchId === matchId);
    expect(left, 'node1 gave the match up for adoption').toBeDefined();

    // node2 finds the ghost dead, seizes the lease from it and adopts the match from node1's checkpoint.
    const adopted = await waitFor(() => node2.logs.find((l) => l.msg === 'adopted a match from a node that is gone' && l.matchId === matchId), 'node2 to adopt the match', 10_000);
    expect(adopted.tick).toBe(left!.tick);
    const health = (await (await fetch(`${node2.url}/healthz`)).json()) as { cluster: { matchesOwned: number } };
    expect(health.cluster.matchesOwned).toBe(2);
    const check = connectRedis({ url: redis.url }, 'test-check');
    try {
      expect(await new MatchLeases(check.commands, { nodeId: 'test-check', leaseMs: 2500, checkpointTtlMs: 60_000 }).owner(matchId)).toBe('node2');
    } finally {
      await check.close();
    }
  });
});
