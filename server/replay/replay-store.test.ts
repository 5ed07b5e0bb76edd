/** The memory replay store against the store contract (Redis: test/integration/replay-store.test.ts). */
import { MemoryReplayStore } from './replay-store.ts';
import { describeReplayStoreContract } from './replay-store-contract.ts';

describeReplayStoreContract('memory', async (retention) => ({ store: new MemoryReplayStore(retention), retention, cleanup: async () => {} }));
