/** Command-line options of `npm run cluster`, validated with messages that name the option. */
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm run cluster -- --nodes N [--redis-cluster | --redis-url URL] [--port P] [--tick-rate R] [--log-dir DIR]

Starts a cluster on this machine, on loopback: a redis-server (or a 3-shard Redis Cluster), N game
nodes that share it, and a front on one port that spreads players over the nodes. Ctrl-C (or
SIGTERM) stops every process it started.

  --nodes N          game nodes (default 2)
  --redis-cluster    a local 3-shard Redis Cluster instead of one redis-server (REDIS_CLUSTER_NODES)
  --redis-url URL    use this Redis instead of starting one (REDIS_URL)
  --port P           the front's port (default 3000; 0: any free port)
  --tick-rate R      TICK_RATE of every node (default: the node's, 30)
  --log-dir DIR      write each process's log to DIR/<name>.log instead of the terminal
  -h, --help         this text

Every other setting reaches the nodes through the environment, e.g.
  GUEST_PER_MINUTE=100000 QUEUE_WAIT_MS=2000 npm run cluster -- --nodes 3`;

export interface ClusterOptions {
  nodes: number;
  redis: { kind: 'local' } | { kind: 'local-cluster'; shards: number } | { kind: 'url'; url: string };
  port: number;
  tickRate: number | null;
  logDir: string | null;
  help: boolean;
}

export class UsageError extends Error {}

function integer(name: string, raw: string | undefined, def: number, min: number, max: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} ${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
  }
  return n;
}

export function parseClusterArgs(argv: string[]): ClusterOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        nodes: { type: 'string' },
        'redis-cluster': { type: 'boolean' },
        'redis-url': { type: 'string' },
        port: { type: 'string' },
        'tick-rate': { type: 'string' },
        'log-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { help: true } as ClusterOptions;
  const redisUrl = values['redis-url'];
  if (redisUrl !== undefined && values['redis-cluster']) throw new UsageError('--redis-url and --redis-cluster: choose one');
  if (redisUrl !== undefined && !/^rediss?:\/\/./.test(redisUrl)) throw new UsageError(`--redis-url ${JSON.stringify(redisUrl)}: expected redis://host:port`);
  return {
    nodes: integer('nodes', values.nodes, 2, 1, 16),
    redis: redisUrl !== undefined ? { kind: 'url', url: redisUrl } : values['redis-cluster'] ? { kind: 'local-cluster', shards: 3 } : { kind: 'local' },
    port: integer('port', values.port, 3000, 0, 65_535),
    tickRate: values['tick-rate'] === undefined ? null : integer('tick-rate', values['tick-rate'], 30, 1, 120),
    logDir: values['log-dir'] ?? null,
    help: false,
  };
}
