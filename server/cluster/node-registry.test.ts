/** The in-memory node registry keeps the registry contract on an injected clock. */
import { MemoryNodeRegistry } from './node-registry.ts';
import { describeNodeRegistryContract } from './node-registry-contract.ts';

describeNodeRegistryContract('memory', async () => {
  let now = 1_000_000;
  const leaseMs = 3_000;
  return {
    registry: new MemoryNodeRegistry({ leaseMs, now: () => now }),
    leaseMs,
    advance: async (ms) => {
      now += ms;
    },
    cleanup: async () => {},
  };
});
