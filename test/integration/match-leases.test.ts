/**
 * Fencing when a node is declared dead before its leases lapse (dead-node-watch.ts): the adopter
 * seizes the lease with a larger token, and the node that was declared dead, if it was alive
 * after all, fails its next renewal and writes nothing. Without the token check in the renewal
 * script, its checkpoint would overwrite the adopter's and two copies of the match would run.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatchLeases } from '../../server/cluster/match-leases.ts';
import type { MatchCheckpoint } from '../../server/match/match-host.ts';
import { startRedis, type RedisServer } from '../support/redis.ts';

const checkpoint = (by: string): MatchCheckpoint => ({ by }) as unknown as MatchCheckpoint;

describe('match leases: seizing from a node declared dead', () => {
  let redis: RedisServer;
  let client: Redis;
  const leases = (nodeId: string): MatchLeases => new MatchLeases(client, { nodeId, leaseMs: 60_000, checkpointTtlMs: 60_000 });

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it('takes the lease only from the node named dead; that node, alive after all, can no longer write', async () => {
    const a = leases('node-a');
    const b = leases('node-b');
    expect(await a.acquire('m1')).toBe(true);
    expect(await a.renew('m1', checkpoint('a'))).toBe(true);
    // Naming another node (or one whose id merely starts the same) takes nothing from a live holder.
    expect(await b.seize('m1', 'node-c')).toBe(false);
    expect(await b.seize('m1', 'node')).toBe(false);
    expect(await a.owner('m1')).toBe('node-a');

    expect(await b.seize('m1', 'node-a')).toBe(true);
    expect(await b.owner('m1')).toBe('node-b');
    expect(await b.renew('m1', checkpoint('b'))).toBe(true);
    // node-a wakes up: its renewal fails, it cannot take the lease back, its checkpoint is not written.
    expect(await a.renew('m1', checkpoint('a-late'))).toBe(false);
    expect(a.holds('m1')).toBe(false);
    expect(await b.checkpoint('m1')).toEqual({ by: 'b' });
    expect(await b.renew('m1', null)).toBe(true);
  });

  it('takes a lapsed lease too, and a second adopter of the same dead node gets nothing', async () => {
    const b = leases('node-b');
    const c = leases('node-c');
    expect(await b.seize('m2', 'node-a')).toBe(true); // nobody held it
    expect(await c.seize('m2', 'node-a')).toBe(false); // node-b got there first
    expect(await c.owner('m2')).toBe('node-b');
  });
});
