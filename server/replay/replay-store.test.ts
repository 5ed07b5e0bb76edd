/** The memory replay store against the store contract (Redis: test/integration/replay-store.test.ts). */
import { describe, expect, it } from 'vitest';
import { MemoryReplayStore } from './replay-store.ts';
import { describeReplayStoreContract, header } from './replay-store-contract.ts';

describeReplayStoreContract('memory', async (retention) => ({ store: new MemoryReplayStore(retention), retention, cleanup: async () => {} }));

describe('memory replay store', () => {
  it('also keeps at most maxBytes of logs, dropping the oldest replays first', async () => {
    const store = new MemoryReplayStore({ maxCount: 100, maxAgeMs: 86_400_000 }, 10_000);
    const now = 1_800_000_000_000;
    for (let i = 0; i < 4; i++) {
      await store.create(header(`r${i}`, 'public', now + i), 'e', now + i);
      expect(await store.append(`r${i}`, 'e', { fromTick: 1, toTick: 30, bytes: new Uint8Array(4000) }, [])).toBe('ok');
    }
    expect((await store.list(10, now + 10)).map((r) => r.replayId)).toEqual(['r3', 'r2']);
    expect(await store.get('r0')).toBeNull();
  });
});
