/**
 * `npm run cluster -- --nodes N [--redis-cluster] [--redis-url URL] [--port P] [--tick-rate R]`
 *
 * The docker-compose topology as local processes, on loopback: a redis-server on a free port (or
 * a 3-shard Redis Cluster; none with --redis-url), N game nodes (`node --import tsx
 * server/main.ts` with NODE_ID node1…N, each on a free port given as PORT and PUBLIC_URL, and one
 * AUTH_SECRET for all: random, or the environment's), and the front (scripts/front/proxy.ts) on
 * one port. It waits for every node's /readyz, prints
 * the URLs and PIDs, shows each process's log lines under its name (every process writes into
 * its own file in a temporary directory, removed on stop; --log-dir: there, kept, not shown), says
 * so when a process dies on its own, and on Ctrl-C or SIGTERM stops everything it started, by PID:
 * the front, then the nodes (SIGTERM; a second SIGTERM after 5 s; SIGKILL 3 s later), then Redis
 * (its temporary directories removed). A second Ctrl-C skips the wait.
 *
 * SIGHUP is a rolling deploy (`kill -HUP <its pid>`, printed at start): the nodes are replaced one
 * at a time by nodes running the code now on disk. For each: a new node starts on a new port
 * (NODE_ID `node1.2`, then `node1.3`…), and once its /readyz answers 200 (it waits, for as long as
 * Redis is down too) the front sends new connections to it and none to the old node, which gets
 * SIGTERM and drains: its players move their connections to the other nodes (NODE_LEAVING), its
 * matches are handed over at a tick boundary (server/cluster/cluster-node.ts, handOver), and it
 * exits. Then the next node. `roll: done` when every node has been replaced. A SIGHUP during a
 * roll asks for one more roll after it. Closing the terminal (which sends SIGHUP) therefore no
 * longer stops the cluster: use Ctrl-C.
 *
 * Nothing catches SIGKILL, so its children look after themselves: a node notices its parent is
 * gone and stops (cluster/exit-with-parent.ts), and redis-server is started through setpriv
 * --pdeathsig where there is one (Linux). Only the log directory is then left in /tmp.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, startRedis, startRedisCluster } from '../test/support/redis.ts';
import { alive, Child, type LineSink } from './cluster/children.ts';
import { parseClusterArgs, USAGE, UsageError, type ClusterOptions } from './cluster/options.ts';
import { watchParent } from './cluster/parent-watch.ts';
import { startFront, STATUS_PATH, type Front } from './front/proxy.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXIT_WITH_PARENT = pathToFileURL(fileURLToPath(new URL('./cluster/exit-with-parent.ts', import.meta.url))).href;
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const NODE_STOP = { graceMs: 5_000, killAfterMs: 3_000 };
/** A roll lets a node drain in full (moving its players and matches takes a few seconds at most). */
const ROLL_STOP = { graceMs: 40_000, killAfterMs: 3_000 };
/** A roll waits this long for a new node to be ready (Redis may be down meanwhile) before it gives up. */
const ROLL_READY_TIMEOUT_MS = 120_000;

interface RedisHandle {
  /** For the nodes: REDIS_URL or REDIS_CLUSTER_NODES. */
  env: Record<string, string>;
  describe: string;
  pids: number[];
  stop(): Promise<void>;
}

interface GameNode {
  name: string;
  url: string;
  child: Child;
  /** Being replaced by a roll: its exit is expected. */
  retiring?: boolean;
}

/** Thrown by the start sequence once a signal arrived: shutdown() is already cleaning up. */
class Stopping extends Error {}

const say = (line: string): void => void process.stdout.write(line ? `cluster: ${line}\n` : '\n');

/** GET /readyz's status code, 0 when nothing answered. */
function readyz(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get(`${url}/readyz`, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(0));
  });
}

/** Each process's lines on the terminal, after its name. */
function terminalSink(): LineSink {
  const colors = [36, 33, 35, 32, 34, 91, 96, 93];
  const assigned = new Map<string, number>();
  const tty = process.stdout.isTTY === true;
  return (name, line) => {
    if (!assigned.has(name)) assigned.set(name, colors[assigned.size % colors.length]!);
    const label = name.padEnd(7);
    process.stdout.write(`${tty ? `\x1b[${assigned.get(name)}m${label}\x1b[0m` : label} | ${line}\n`);
  };
}

/** Lines of processes that write through a pipe (redis-server): into DIR/<name>.log, and on to `echo`. */
function fileSink(dir: string, echo: LineSink | null): { sink: LineSink; close(): void } {
  const files = new Map<string, WriteStream>();
  return {
    sink: (name, line) => {
      let f = files.get(name);
      if (!f) files.set(name, (f = createWriteStream(join(dir, `${name}.log`), { flags: 'a' })));
      f.write(`${line}\n`);
      echo?.(name, line);
    },
    close: () => {
      for (const f of files.values()) f.end();
    },
  };
}

async function startLocalRedis(opts: ClusterOptions, sink: LineSink): Promise<RedisHandle> {
  const names = new Map<number, string>();
  const nameOf = (port: number): string => names.get(port) ?? (names.set(port, opts.redis.kind === 'local' ? 'redis' : `redis${names.size + 1}`), names.get(port)!);
  let stopping = false;
  const common = {
    detached: true,
    launcher: deathSignalLauncher(),
    onLine: (port: number, line: string) => sink(nameOf(port), line),
    onExit: (port: number, how: string) => {
      if (!stopping && !shuttingDown) say(`${nameOf(port)} (port ${port}) exited on its own (${how}): the nodes have lost Redis`);
    },
  };
  if (opts.redis.kind === 'local-cluster') {
    const cluster = await startRedisCluster(opts.redis.shards, common);
    const list = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
    return {
      env: { REDIS_CLUSTER_NODES: list },
      describe: `Redis Cluster, ${cluster.nodes.length} shards: ${list}`,
      pids: cluster.pids,
      stop: () => ((stopping = true), cluster.stop()),
    };
  }
  const redis = await startRedis(common);
  return { env: { REDIS_URL: redis.url }, describe: redis.url, pids: [redis.pid], stop: () => ((stopping = true), redis.stop()) };
}

/**
 * A redis-server cannot notice that the cluster script was killed (SIGKILL) the way a node does
 * (cluster/exit-with-parent.ts). On Linux, util-linux's setpriv asks the kernel to send it SIGTERM
 * when its parent dies; where setpriv is missing, Redis is started as is (its PID is printed).
 */
function deathSignalLauncher(): string[] | undefined {
  const probe = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.includes('--pdeathsig') ? ['setpriv', '--pdeathsig', 'TERM', '--'] : undefined;
}

function nodeEnv(name: string, port: number, secret: string, redis: Record<string, string>, opts: ClusterOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Whatever this shell has set for one node must not leak into a cluster of them.
  for (const key of ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'PORT', 'NODE_ID', 'HOST', 'PUBLIC_URL']) delete env[key];
  return {
    ...env,
    HOST,
    PORT: String(port),
    NODE_ID: name,
    PUBLIC_URL: `http://${HOST}:${port}`,
    AUTH_SECRET: secret,
    // The front (scripts/front/) runs on this host and adds X-Forwarded-For: believe it, so the
    // per-address limits count players, not the front.
    TRUST_PROXY: 'loopback',
    ...redis,
    ...(opts.tickRate !== null && { TICK_RATE: String(opts.tickRate) }),
  };
}

// ---- the run ----

let shuttingDown = false;
let opts: ClusterOptions;
try {
  opts = parseClusterArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`cluster: ${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

// Every process logs into a file here: --log-dir (kept), or a temporary directory (removed on stop)
// whose lines are also shown on the terminal.
const keepLogs = opts.logDir !== null;
const logDir = keepLogs ? resolve(opts.logDir!) : mkdtempSync(join(tmpdir(), 'arena-cluster-'));
mkdirSync(logDir, { recursive: true });
const echo = keepLogs ? null : terminalSink();
const logs = fileSink(logDir, echo);
const nodes: GameNode[] = [];
let frontStarting: Promise<Front> | null = null;
let redisStarting: Promise<RedisHandle> | null = null;
let redisPids: number[] = [];

async function shutdown(reason: string, code: number): Promise<void> {
  if (shuttingDown) {
    say('stopping now');
    for (const n of nodes) n.child.hurry();
    return;
  }
  shuttingDown = true;
  say(`stopping (${reason}): front, nodes, then Redis${nodes.some((n) => n.child.running) ? '; Ctrl-C again to skip the nodes’ drain' : ''}`);
  await frontStarting?.then((f) => f.close()).catch(() => {});
  await Promise.all(nodes.map((n) => n.child.stop(NODE_STOP)));
  await redisStarting?.then((r) => r.stop()).catch(() => {});
  logs.close();
  if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
  const left = [...nodes.map((n) => n.child.pid), ...redisPids].filter((pid) => pid > 0 && alive(pid));
  say(left.length === 0 ? 'stopped: every process it started has exited' : `still running, PIDs: ${left.join(' ')}`);
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal, 0));
/** What SIGHUP does once the cluster is up (a roll); until then it is only acknowledged. */
let onHangUp: (() => void) | null = null;
process.on('SIGHUP', () => (onHangUp ? onHangUp() : say('roll: the cluster is still starting; send SIGHUP again once it is ready')));
watchParent(() => void shutdown('the process that started it is gone', 1));
// Last resort (an exception on the way out): nothing it started may outlive it.
process.on('exit', () => {
  for (const n of nodes) n.child.killNow();
  for (const pid of redisPids) {
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
});

try {
  const startedAt = Date.now();
  const ports = new Set<number>();
  while (ports.size < opts.nodes) {
    const port = await freePort();
    if (port !== opts.port) ports.add(port);
  }
  const urls = [...ports].map((p) => `http://${HOST}:${p}`);

  // The front first: a port already in use fails before anything else was started.
  // Node state changes are news once the cluster is up, not while the nodes start.
  let started = false;
  frontStarting = startFront({ nodes: urls, host: HOST, port: opts.port, log: (line) => (started && !shuttingDown ? say(`front: ${line}`) : undefined) });
  const front = await frontStarting.catch((error: NodeJS.ErrnoException) => {
    throw new Error(error.code === 'EADDRINUSE' ? `port ${opts.port} is in use: pass --port to run the front elsewhere` : `the front could not start: ${error.message}`);
  });

  if (opts.redis.kind !== 'url') {
    say(opts.redis.kind === 'local' ? 'starting redis-server' : `starting a ${opts.redis.shards}-shard Redis Cluster`);
    redisStarting = startLocalRedis(opts, logs.sink);
    redisPids = (await redisStarting).pids;
  }
  const redis: RedisHandle =
    opts.redis.kind === 'url' ? { env: { REDIS_URL: opts.redis.url }, describe: `${opts.redis.url} (given)`, pids: [], stop: async () => {} } : await redisStarting!;
  if (shuttingDown) throw new Stopping();

  const secret = process.env.AUTH_SECRET && process.env.AUTH_SECRET.length >= 32 ? process.env.AUTH_SECRET : randomBytes(32).toString('base64url');
  const spawnNode = (name: string, url: string): GameNode => {
    const child = new Child(
      {
        name,
        command: process.execPath,
        args: ['--import', 'tsx', '--import', EXIT_WITH_PARENT, 'server/main.ts'],
        cwd: ROOT,
        env: nodeEnv(name, Number(new URL(url).port), secret, redis.env, opts),
        logFile: join(logDir, `${name}.log`),
      },
      echo,
    );
    const node: GameNode = { name, url, child };
    nodes.push(node);
    void child.exited.then((how) => {
      if (shuttingDown || node.retiring) return;
      say(`${name} (pid ${child.pid}) exited on its own (${how})${started ? '; the front sends its share to the others' : ''}`);
      if (nodes.every((n) => !n.child.running)) void shutdown('every game node has exited', 1);
    });
    return node;
  };
  /** Resolves once the node's /readyz answers 200; throws when it exits or `timeoutMs` passes. */
  const untilReady = async (n: GameNode, timeoutMs: number, onWait?: (status: number) => void): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    let waited = false;
    for (;;) {
      const status = await readyz(n.url);
      if (status === 200) return;
      if (shuttingDown) throw new Stopping();
      if (!n.child.running) throw new Error(`${n.name} exited (${n.child.exitedHow}) before it was ready: see its log ${keepLogs ? `in ${logDir}/${n.name}.log` : 'above'}`);
      if (Date.now() > deadline) throw new Error(`${n.name} was not ready after ${timeoutMs / 1000} s (GET ${n.url}/readyz)`);
      if (!waited && onWait && Date.now() > deadline - timeoutMs + 3_000) {
        waited = true;
        onWait(status);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  say(`starting ${opts.nodes} game node${opts.nodes > 1 ? 's' : ''}`);
  urls.forEach((url, i) => spawnNode(`node${i + 1}`, url));
  await Promise.all(nodes.map((n) => untilReady(n, READY_TIMEOUT_MS)));
  await front.pool.checkAll();

  /** Replaces one node (see the header): true when it was replaced. */
  const replace = async (old: GameNode): Promise<boolean> => {
    const began = Date.now();
    const [base, generation] = old.name.split('.');
    const name = `${base}.${Number(generation ?? 1) + 1}`;
    let port = await freePort();
    while (port === opts.port) port = await freePort();
    const fresh = spawnNode(name, `http://${HOST}:${port}`);
    try {
      await untilReady(fresh, ROLL_READY_TIMEOUT_MS, (status) => say(`roll: waiting for ${name} to be ready (GET /readyz: ${status || 'no answer'}${status === 503 ? '; is Redis down?' : ''})`));
    } catch (error) {
      if (error instanceof Stopping) throw error;
      say(`roll: failed: ${error instanceof Error ? error.message : String(error)}; ${old.name} keeps running`);
      fresh.retiring = true;
      await fresh.child.stop(NODE_STOP);
      nodes.splice(nodes.indexOf(fresh), 1);
      return false;
    }
    await front.pool.add(fresh.url);
    // No new connection goes to the old node from here; the ones it holds move by themselves.
    front.pool.drain(old.url);
    old.retiring = true;
    const drainStarted = Date.now();
    await old.child.stop(ROLL_STOP);
    front.pool.remove(old.url);
    nodes.splice(nodes.indexOf(old), 1);
    const ms = (t: number): string => `${((Date.now() - t) / 1000).toFixed(1)} s`;
    say(`roll: ${old.name} (pid ${old.child.pid}) → ${name} (pid ${fresh.child.pid}, ${fresh.url}) in ${ms(began)} (drain ${ms(drainStarted)}, ${old.child.exitedHow})`);
    return true;
  };
  const roll = async (): Promise<void> => {
    const began = Date.now();
    const olds = nodes.filter((n) => !n.retiring);
    say(`roll: replacing ${olds.length} node${olds.length > 1 ? 's' : ''} one at a time with the code on disk`);
    let replaced = 0;
    for (const old of olds) {
      if (shuttingDown) return;
      if (!(await replace(old))) {
        say(`roll: stopped after ${replaced} of ${olds.length} nodes`);
        return;
      }
      replaced++;
    }
    say(`roll: done (${replaced} nodes replaced in ${((Date.now() - began) / 1000).toFixed(1)} s)`);
  };
  let rolling = false;
  let again = false;
  onHangUp = () => {
    if (shuttingDown) return;
    if (rolling) {
      again = true;
      return say('roll: already rolling; one more roll follows this one');
    }
    rolling = true;
    void (async () => {
      do {
        again = false;
        await roll().catch((error: unknown) => {
          if (!(error instanceof Stopping)) say(`roll: failed: ${error instanceof Error ? error.message : String(error)}`);
        });
      } while (again && !shuttingDown);
      rolling = false;
    })();
  };

  const pad = (s: string): string => s.padEnd(7);
  const lines = [
    `ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    `  ${pad('front')} ${front.url}   status: ${front.url}${STATUS_PATH}`,
    ...nodes.map((n) => `  ${pad(n.name)} ${n.url}   pid ${n.child.pid}`),
    `  ${pad('redis')} ${redis.describe}${redis.pids.length > 0 ? `   pid ${redis.pids.join(' ')}` : ''}`,
    '',
    `  play:      open ${front.url} in two browser tabs`,
    `  load test: npm run loadtest -- --url ${urls.join(',')} --bots 32   (many bots: start the cluster with GUEST_PER_MINUTE=100000)`,
    `  failover:  kill -9 a node's pid: the front and the bots move to the other nodes`,
    `  deploy:    kill -HUP ${process.pid}   (replaces the nodes one at a time with the code on disk; players stay in their matches)`,
    keepLogs
      ? `  logs:      ${logDir}/<name>.log`
      : `  logs:      here, each line after its process name (and in ${logDir}, removed on stop)`,
    '  Ctrl-C (or SIGTERM) stops everything; SIGHUP rolls the nodes.',
  ];
  if (!existsSync(join(ROOT, 'dist/game/index.html'))) lines.push('  note: the game page is not built (npm run build:game); the API and the load test work without it');
  for (const line of lines) say(line);
  started = true;
} catch (error) {
  if (!(error instanceof Stopping) && !shuttingDown) {
    say(error instanceof Error ? error.message : String(error));
    await shutdown('it could not start', 1);
  }
}
