/**
 * `npm run cluster` as an operator uses it: the script starts, prints where everything is, the
 * front reaches the nodes, a node killed with -9 is reported and routed around, and stopping the
 * script (SIGTERM, or even SIGKILL) leaves no process behind. The counterfactual of the last
 * test: without the nodes' parent watch and setpriv around redis-server, all three processes
 * outlive a script killed with -9.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPlayer } from '../support/lobby.ts';
import { eventually, waitFor } from '../support/wait.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Started {
  child: ChildProcess;
  output: () => string;
  front: string;
  nodes: { name: string; url: string; pid: number }[];
  redisPids: number[];
  redisPort: number;
  logDir: string;
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function startCluster(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(() => out.includes('Ctrl-C (or SIGTERM) stops everything') || child.exitCode !== null, 'the cluster to be ready', 40_000);
  expect(child.exitCode, out).toBeNull();
  const nodes = [...out.matchAll(/cluster: {3}(node\d+) +(http:\/\/[\d.:]+) +pid (\d+)/g)].map((m) => ({ name: m[1]!, url: m[2]!, pid: Number(m[3]) }));
  const redis = /cluster: {3}redis .* pid ([\d ]+)/.exec(out);
  return {
    child,
    output: () => out,
    front: /cluster: {3}front +(http:\/\/[\d.:]+)/.exec(out)![1]!,
    nodes,
    redisPids: redis ? redis[1]!.trim().split(/\s+/).map(Number) : [],
    redisPort: Number(/cluster: {3}redis +redis:\/\/[\d.]+:(\d+)/.exec(out)?.[1] ?? 0),
    logDir: /\((?:and )?in (\/\S+), removed on stop\)/.exec(out)?.[1] ?? '',
    exited,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function frontStatus(front: string): Promise<{ nodes: { url: string; state: string }[] }> {
  return (await (await fetch(`${front}/front/status`)).json()) as { nodes: { url: string; state: string }[] };
}

describe('npm run cluster', () => {
  it('starts Redis, two nodes and the front; reports a dead node; SIGTERM stops every process', async () => {
    const c = await startCluster(['--nodes', '2']);
    expect(c.nodes.map((n) => n.name)).toEqual(['node1', 'node2']);
    expect(c.redisPids).toHaveLength(1);
    expect(existsSync(c.logDir)).toBe(true);
    expect((await frontStatus(c.front)).nodes.map((n) => n.state)).toEqual(['ready', 'ready']);

    // Through the front: HTTP to a node, and a player's WebSocket to a lobby session.
    const health = (await (await fetch(`${c.front}/healthz`)).json()) as { nodeId: string };
    expect(['node1', 'node2']).toContain(health.nodeId);
    const player = await connectPlayer(c.front, 'Ada');
    expect((await player.lobby.ready()).ok).toBe(true);
    player.close();

    const victim = c.nodes[0]!;
    process.kill(victim.pid, 'SIGKILL');
    await waitFor(() => c.output().includes(`node1 (pid ${victim.pid}) exited on its own (SIGKILL)`), 'the script to report the dead node');
    await eventually(async () => (await frontStatus(c.front)).nodes[0]!.state === 'down', 'the front to see node1 down', 5_000);
    expect(((await (await fetch(`${c.front}/healthz`)).json()) as { nodeId: string }).nodeId).toBe('node2');

    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.output()).toContain('stopped: every process it started has exited');
    for (const pid of [...c.nodes.map((n) => n.pid), ...c.redisPids]) expect(alive(pid), `pid ${pid}`).toBe(false);
    expect(existsSync(c.logDir)).toBe(false);
  });

  it('leaves no process behind even when the script itself is killed with -9', async () => {
    const c = await startCluster(['--nodes', '2']);
    const pids = [...c.nodes.map((n) => n.pid), ...c.redisPids];
    expect(pids).toHaveLength(3);
    c.child.kill('SIGKILL');
    await eventually(async () => pids.every((pid) => !alive(pid)), `PIDs ${pids.join(' ')} to exit`, 15_000);
    // What nobody can clean up after a SIGKILL: the log directory and Redis's working directory.
    rmSync(c.logDir, { recursive: true, force: true });
    for (const dir of readdirSync(tmpdir()).filter((d) => d.startsWith(`redis-${c.redisPort}-`))) rmSync(join(tmpdir(), dir), { recursive: true, force: true });
  });
});
