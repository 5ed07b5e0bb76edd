/**
 * A cluster for tests: game server processes joined by a real redis-server (or a Redis Cluster),
 * each node a real `server/main.ts` on its own loopback port, with one shared AUTH_SECRET.
 */
import { randomBytes } from 'node:crypto';
import { startServer, type ServerProcess } from './server-process.ts';
import { eventually } from './wait.ts';

export interface TestCluster {
  nodes: ServerProcess[];
  /** Starts one more node (or a replacement) with the cluster's settings. */
  addNode(nodeId: string, env?: Record<string, string>): Promise<ServerProcess>;
  stop(): Promise<void>;
}

export async function startCluster(
  redis: { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string },
  count: number,
  env: Record<string, string> = {},
): Promise<TestCluster> {
  const secret = randomBytes(24).toString('hex');
  const nodes: ServerProcess[] = [];
  const addNode = async (nodeId: string, extra: Record<string, string> = {}): Promise<ServerProcess> => {
    const node = await startServer({ ...redis, AUTH_SECRET: secret, NODE_ID: nodeId, ...env, ...extra });
    nodes.push(node);
    return node;
  };
  const started = await Promise.all(Array.from({ length: count }, (_, i) => startServer({ ...redis, AUTH_SECRET: secret, NODE_ID: `node${i + 1}`, ...env })));
  nodes.push(...started);
  // Listening is not ready: a node is ready once it hears its bus and is in the node registry,
  // which the others place matches by. Tests begin with every node ready, as a front would.
  await Promise.all(started.map((n) => eventually(async () => (await fetch(`${n.url}/readyz`).catch(() => null))?.status === 200, `${n.url} ready`, 15_000)));
  return {
    nodes,
    addNode,
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
