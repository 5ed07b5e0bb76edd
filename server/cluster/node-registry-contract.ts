/**
 * The promises of a NodeRegistry, registered by each implementation: the memory one with a fake
 * clock in the unit project, the Redis one in real time in the integration project (its lease is
 * a key's PX, so only Redis' clock can make it run out). `advance` moves whichever clock counts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeInfo, NodeRegistry } from './node-registry.ts';

export interface NodeRegistryFixture {
  registry: NodeRegistry;
  leaseMs: number;
  advance(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

const info = (players: number, url?: string): NodeInfo => ({ url, load: { players, matches: 1 }, startedAt: 1_700_000_000_000 });

export function describeNodeRegistryContract(name: string, make: () => Promise<NodeRegistryFixture>): void {
  describe(`node registry contract: ${name}`, () => {
    let f: NodeRegistryFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => {
      await f.cleanup();
    });

    it('lists registered nodes by id, with their info', async () => {
      await f.registry.register('node-b', info(3));
      await f.registry.register('node-a', info(5, 'http://10.0.0.1:3000'));
      expect(await f.registry.list()).toEqual([
        { nodeId: 'node-a', url: 'http://10.0.0.1:3000', load: { players: 5, matches: 1 }, startedAt: 1_700_000_000_000 },
        { nodeId: 'node-b', load: { players: 3, matches: 1 }, startedAt: 1_700_000_000_000 },
      ]);
    });

    it('drops a node whose lease runs out, and says so to its late heartbeat', async () => {
      await f.registry.register('node-a', info(1));
      await f.registry.register('node-b', info(1));
      await f.advance(f.leaseMs * 0.6);
      expect(await f.registry.heartbeat('node-b', info(2))).toBe(true);
      await f.advance(f.leaseMs * 0.6);
      // node-a's lease (1.0) is over; node-b's renewed one runs until 1.6.
      expect((await f.registry.list()).map((n) => n.nodeId)).toEqual(['node-b']);
      expect(await f.registry.heartbeat('node-a', info(1))).toBe(false);
      expect((await f.registry.list()).map((n) => n.nodeId)).toEqual(['node-b']);
      await f.registry.register('node-a', info(1));
      expect((await f.registry.list()).map((n) => n.nodeId)).toEqual(['node-a', 'node-b']);
    });

    it('keeps a heartbeating node past many leases, with its latest info', async () => {
      await f.registry.register('node-a', info(0));
      for (let i = 1; i <= 4; i++) {
        await f.advance(f.leaseMs * 0.5);
        expect(await f.registry.heartbeat('node-a', info(i))).toBe(true);
      }
      expect(await f.registry.list()).toEqual([{ nodeId: 'node-a', load: { players: 4, matches: 1 }, startedAt: 1_700_000_000_000 }]);
    });

    it('withdraws a removed node at once; its heartbeat is refused', async () => {
      await f.registry.register('node-a', info(1));
      await f.registry.register('node-b', info(1));
      await f.registry.remove('node-a');
      expect((await f.registry.list()).map((n) => n.nodeId)).toEqual(['node-b']);
      expect(await f.registry.heartbeat('node-a', info(1))).toBe(false);
      expect(await f.registry.heartbeat('never-registered', info(1))).toBe(false);
      expect((await f.registry.list()).map((n) => n.nodeId)).toEqual(['node-b']);
      await f.registry.remove('never-registered');
    });
  });
}
