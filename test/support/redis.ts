/**
 * Starts real `redis-server` processes on loopback for integration tests: one standalone server,
 * or a Redis Cluster of primaries without replicas. Each process gets its own temporary directory
 * (no RDB, no AOF) and is stopped by PID; every wait is bounded and says what it waited for.
 * `npm run cluster` (scripts/cluster.ts) starts its Redis through here too.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HOST = '127.0.0.1';

export interface RedisServer {
  host: string;
  port: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface RedisClusterProcesses {
  /** The primaries, one per shard: any of them is a valid startup node. */
  nodes: { host: string; port: number }[];
  pids: number[];
  stop(): Promise<void>;
}

export interface RedisProcessOptions {
  /**
   * Run each redis-server in its own process group, so a Ctrl-C in the terminal reaches only the
   * parent, which then stops Redis last (after the game nodes that use it). Default false.
   */
  detached?: boolean;
  /** Every line a redis-server writes (default: kept, and shown only if it fails to start). */
  onLine?: (port: number, line: string) => void;
  /** A redis-server process ended (stopped, or died on its own): `how` is its exit code or signal. */
  onExit?: (port: number, how: string) => void;
  /** Start redis-server through this command, e.g. `['setpriv', '--pdeathsig', 'TERM', '--']`. */
  launcher?: string[];
}

/** A standalone server on a free loopback port. */
export async function startRedis(options: RedisProcessOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const node = await startNode(port, [], options);
  return { host: HOST, port, url: `redis://${HOST}:${port}`, pid: node.pid, stop: node.stop };
}

/**
 * A standalone server that can be stopped (SIGKILL: an outage, not a shutdown) and started again
 * on the same port and data, kept in an append-only file synced on every write, as a production
 * Redis keeps it: what the nodes wrote before the outage is there after it. `remove()` stops it
 * and deletes its directory.
 */
export async function restartableRedis(port: number): Promise<{ url: string; start(): Promise<void>; stop(): Promise<void>; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `redis-${port}-`));
  let child: ChildProcess | null = null;
  const stop = async (): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  return {
    url: `redis://${HOST}:${port}`,
    async start() {
      const args = ['--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
      const c = (child = spawn('redis-server', args, { stdio: 'ignore' }));
      c.once('error', () => undefined);
      await until(async () => {
        if (c.exitCode !== null || c.signalCode !== null) throw new Error(`redis-server on port ${port} exited (${c.exitCode ?? c.signalCode})`);
        return (await command(port, 'PING').catch(() => '')).startsWith('+PONG');
      }, `redis-server to answer PING on ${HOST}:${port}`, 10_000);
    },
    stop,
    async remove() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `shards` cluster-enabled primaries joined by `redis-cli --cluster create`, each owning a third of the slots. */
export async function startRedisCluster(shards = 3, options: RedisProcessOptions = {}): Promise<RedisClusterProcesses> {
  const ports: number[] = [];
  // A cluster node also listens on port + 10000 (the cluster bus): both must be free.
  while (ports.length < shards) {
    const port = await freePort();
    if (!ports.includes(port) && (await isFree(port + 10_000))) ports.push(port);
  }
  const started: RunningNode[] = [];
  const stop = async () => {
    await Promise.all(started.map((n) => n.stop()));
  };
  try {
    for (const port of ports) {
      started.push(
        await startNode(port, ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000'], options),
      );
    }
    const addresses = ports.map((p) => `${HOST}:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 20_000 }).catch(
      (error: Error & { stdout?: string; stderr?: string }) => {
        throw new Error(`redis-cli --cluster create ${addresses.join(' ')} failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
      },
    );
    for (const port of ports) {
      await until(async () => (await command(port, 'CLUSTER INFO')).includes('cluster_state:ok'), `cluster_state:ok on ${HOST}:${port}`, 20_000);
    }
    return { nodes: ports.map((port) => ({ host: HOST, port })), pids: started.map((n) => n.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface RunningNode {
  pid: number;
  stop(): Promise<void>;
}

async function startNode(port: number, extra: string[], options: RedisProcessOptions): Promise<RunningNode> {
  const dir = await mkdtemp(join(tmpdir(), `redis-${port}-`));
  const args = ['--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...extra];
  const [program, ...prefix] = [...(options.launcher ?? []), 'redis-server'];
  const child = spawn(program!, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  let output = '';
  // Without a listener a missing redis-server binary (ENOENT) would crash the caller.
  let spawnError: Error | null = null;
  child.once('error', (error) => (spawnError = error));
  child.once('exit', (code, signal) => options.onExit?.(port, signal ?? `code ${code}`));
  let started = false;
  let partial = '';
  const collect = (d: Buffer): void => {
    if (!started) output += d.toString();
    if (!options.onLine) return;
    partial += d.toString();
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      options.onLine(port, partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const stop = async () => {
    await kill(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await until(
      async () => {
        if (spawnError) throw new Error(`redis-server could not start: ${(spawnError as Error).message}`);
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`redis-server on port ${port} exited (${child.exitCode ?? child.signalCode}):\n${output}`);
        }
        return (await command(port, 'PING').catch(() => '')).startsWith('+PONG');
      },
      `redis-server to answer PING on ${HOST}:${port}`,
      10_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  started = true;
  return { pid: child.pid!, stop };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * One inline command over a raw socket; returns the reply's raw text. Enough for PING and
 * CLUSTER INFO, and it needs no client library, so a broken client cannot hide a broken server.
 */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply to ${line} from ${HOST}:${port}`));
    }, 1_000);
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (d: Buffer) => {
      reply += d.toString();
      // A simple reply ends at its first CRLF; a bulk reply ($len) once len bytes have arrived.
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      const done = bulk ? reply.length >= bulk[0].length + Number(bulk[1]) + 2 : reply.includes('\r\n');
      if (done) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A free TCP port on loopback for a process that will bind it later (scripts and tests that start
 * their own servers): a random one below the kernel's ephemeral range, checked free. Between the
 * check and the bind the port is unguarded; below that range, nothing that binds port 0 (game
 * servers, proxies, Chromium, the outgoing side of every connection) can take it meanwhile, which
 * matters when test files run in parallel. Such a port also has room for a cluster node's bus
 * port (port + 10000) below the range.
 */
export async function freePort(): Promise<number> {
  const lowest = 10_000;
  const end = ephemeralStart() - 10_000;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = lowest + Math.floor(Math.random() * (end - lowest));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free port found in ${lowest}-${end - 1} after 100 tries`);
}

/** The first port of the kernel's ephemeral range (Linux; 32768, its default, elsewhere). */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 20_001 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** What a cluster test's nodes need to join one Redis, and how to stop it. */
export interface RedisBackend {
  env: { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string };
  stop(): Promise<void>;
}

/** The two Redis set-ups every cluster suite runs on (`describe.each(REDIS_BACKENDS)`). */
export const REDIS_BACKENDS: [string, () => Promise<RedisBackend>][] = [
  ['one redis-server', async () => {
    const r = await startRedis();
    return { env: { REDIS_URL: r.url }, stop: () => r.stop() };
  }],
  ['a 3-shard Redis Cluster', async () => {
    const c = await startRedisCluster(3);
    return { env: { REDIS_CLUSTER_NODES: c.nodes.map((n) => `${n.host}:${n.port}`).join(',') }, stop: () => c.stop() };
  }],
];
