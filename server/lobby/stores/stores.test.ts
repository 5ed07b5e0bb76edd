/** The in-memory stores keep every promise of the store contract (the Redis ones run it in the integration project). */
import { createMemoryStores } from './index.ts';
import { describePlayerStoreContract } from './player-store-contract.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('memory', async () => ({ stores: createMemoryStores(), cleanup: async () => {} }));
describePlayerStoreContract('memory', async () => ({ stores: createMemoryStores(), cleanup: async () => {} }));
