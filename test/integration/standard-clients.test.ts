/**
 * Clients that speak socket.io's standard encoding (no `wire=compact` at the handshake) play a
 * whole match against the real server: python-socketio (Debian's python3-socketio, decoding
 * snapshots with docs/protocol.md's layout, test/support/python/arena_client.py) and
 * socket.io-client with its default parser. Before the wire was negotiated, neither decoded a
 * single snapshot: the server sent every binary event in its one-frame format.
 *
 * A standard player shares its match with a compact SDK player: each gets every snapshot in its
 * own format. A standard client that sends a malformed attachment or a binary frame nobody
 * announced is refused the way a compact one is, and the other player does not notice.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeInput } from '../../shared/games/arena/input-codec.ts';
import { projectileAngleToSteps } from '../../shared/games/arena/sim/quantize.ts';
import { Button } from '../../shared/games/arena/sim/types.ts';
import { quantizeAim } from '../../shared/games/arena/snapshot-codec.ts';
import { MatchPhase, type Snapshot } from '../../shared/games/arena/snapshot.ts';
import { ErrorCode } from '../../shared/protocol/errors.ts';
import { connectPlayer, type MatchView, type TestPlayer } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { standardPlayer, type StandardPlayer } from '../support/standard-client.ts';
import { waitFor } from '../support/wait.ts';

const TICK_RATE = 30;
const PYTHON = '/usr/bin/python3';
const PY_CLIENT = fileURLToPath(new URL('../support/python/arena_client.py', import.meta.url));

/** Runs the python client; fails the test with its stderr when it exits non-zero. */
async function run(args: string[]): Promise<{ stdout: string }> {
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  expect(out.code, out.stderr).toBe(0);
  return out;
}

/** Ticks of a run where each snapshot follows the previous one by exactly one tick. */
function gaps(snapshots: readonly Snapshot[]): number {
  let n = 0;
  for (let i = 1; i < snapshots.length; i++) if (snapshots[i]!.tick !== snapshots[i - 1]!.tick + 1) n++;
  return n;
}

/** How far the player in `slot` got from where it stood in the first snapshot, in px. */
function farthest(snapshots: readonly Snapshot[], slot: number): number {
  const mine = snapshots.map((s) => s.players.find((p) => p.id === slot)).filter((p) => p !== undefined);
  const start = mine[0]!;
  return Math.max(0, ...mine.map((p) => Math.hypot(p.x - start.x, p.y - start.y)));
}

describe('standard socket.io clients', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer({
      TICK_RATE: String(TICK_RATE),
      QUEUE_MAX_PLAYERS: '2',
      QUEUE_MIN_PLAYERS: '2',
      QUEUE_WAIT_MS: '200',
      BOT_FILL: 'on',
      COUNTDOWN_MS: '100',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Quick play, then join the match the lobby placed this player in. */
  async function quickPlayAndJoin(p: StandardPlayer): Promise<{ matchId: string; slot: number }> {
    const matched = new Promise<{ matchId: string }>((resolve) => p.lobby.once('matched', resolve));
    const queued = await p.lobby.timeout(5000).emitWithAck('quickplay', { mode: 'ffa' });
    expect(queued).toMatchObject({ ok: true, mode: 'ffa' });
    const { matchId } = await matched;
    const info = await p.match.timeout(5000).emitWithAck('join', { matchId });
    expect(info).toMatchObject({ ok: true, matchId, game: 'arena', role: 'player' });
    return { matchId, slot: info.slot as number };
  }

  it("the python client's decoder, written from docs/protocol.md, reads the document's Arena examples as the codec does", async () => {
    const doc = fileURLToPath(new URL('../../docs/protocol.md', import.meta.url));
    const { stdout } = await run([PY_CLIENT, '--examples', doc]);
    const decoded = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const examples = [...readFileSync(doc, 'utf8').matchAll(/```wire-example arena\.(keyframe|delta)\n(.*)\n/g)].map((m) => JSON.parse(m[2]!) as Snapshot);
    expect(decoded).toHaveLength(2);
    // The python client keeps positions in 1/8 px and angles in steps, as the layout carries them.
    expect(decoded).toEqual(
      examples.map((s, i) => ({
        kind: i === 0 ? 'key' : 'delta',
        tick: s.tick,
        serverTime: s.serverTime,
        phase: s.phase,
        phaseEndTick: s.phaseEndTick,
        players: s.players.map((p) => ({ id: p.id, x: p.x * 8, y: p.y * 8, vx: p.vx * 8, vy: p.vy * 8, aim: quantizeAim(p.aim), hp: p.hp, alive: p.alive, kills: p.kills, deaths: p.deaths, seq: p.lastInputSeq })),
        projectiles: s.projectiles.map((p) => ({ id: p.id, owner: p.ownerId, x0: p.x0 * 8, y0: p.y0 * 8, steps: projectileAngleToSteps(p.angle), spawnTick: p.spawnTick })),
        events: s.events.map((e) =>
          e.type === 'kill'
            ? { type: 'kill', killer: e.killerId, victim: e.victimId }
            : e.type === 'hit'
              ? { type: 'hit', attacker: e.attackerId, victim: e.victimId, damage: e.damage, rewindTicks: e.rewindTicks }
              : { type: 'blocked', attacker: e.attackerId, victim: e.victimId },
        ),
      })),
    );
  });

  it('python-socketio takes a guest, quick-plays, decodes every snapshot, moves its player and leaves', async () => {
    const out = await run([PY_CLIENT, server.url, '--seconds', '2']);
    const report = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as {
      tickRate: number;
      snapshots: number;
      decodeErrors: string[];
      gaps: number;
      keyframes: number;
      playingSeconds: number;
      moved: number;
      inputsSent: number;
      lastInputSeq: number;
      left: boolean;
    };
    expect(report.decodeErrors).toEqual([]);
    expect(report.tickRate).toBe(TICK_RATE);
    // Every tick of the run, in order: one delta stream after the personal keyframe.
    expect(report.gaps).toBe(0);
    expect(report.snapshots).toBeGreaterThan(report.playingSeconds * TICK_RATE * 0.8);
    expect(report.keyframes).toBeGreaterThanOrEqual(1);
    // The server applied its inputs (its snapshots say so) and the player moved on their account.
    expect(report.lastInputSeq).toBeGreaterThan(report.inputsSent * 0.8);
    expect(report.moved).toBeGreaterThan(40);
    expect(report.left).toBe(true);
  });

  describe('socket.io-client with its default parser, in a match with a compact SDK player', () => {
    let standard: StandardPlayer;
    let compact: TestPlayer;
    let compactView: MatchView;
    let slot: number;

    beforeAll(async () => {
      standard = await standardPlayer(server.url, 'std-js');
      compact = await connectPlayer(server.url, 'compact-sdk');
      // A private match for the two of them: quick play with a 200 ms queue wait could give each its
      // own match and a bot on a busy machine.
      const created = (await standard.lobby.timeout(5000).emitWithAck('create_private', { mode: 'ffa', maxPlayers: 2 })) as { ok: boolean; matchId: string; code: string };
      expect(created).toMatchObject({ ok: true });
      const seat = await compact.lobby.joinByCode(created.code);
      if (!seat.ok) throw new Error(seat.code);
      expect(seat.matchId).toBe(created.matchId);
      const info = await standard.match.timeout(5000).emitWithAck('join', { matchId: created.matchId });
      expect(info).toMatchObject({ ok: true, matchId: created.matchId, role: 'player' });
      slot = info.slot as number;
      compactView = compact.openMatch();
      const joined = await compactView.conn.join(seat.matchId);
      if (!joined.ok) throw new Error(joined.code);
    });
    afterAll(() => {
      standard?.close();
      compact?.close();
    });

    it('decodes every snapshot and moves its player, beside a compact player who sees the same', async () => {
      await waitFor(() => standard.snapshots.at(-1)?.phase === MatchPhase.Playing, 'playing', 5000);
      const from = standard.snapshots.length;
      let seq = 0;
      // Around the compass, so a wall on one side cannot hide the movement.
      for (const buttons of [Button.Right, Button.Down, Button.Left, Button.Up]) {
        for (let i = 0; i < 12; i++) {
          const tick = standard.snapshots.at(-1)!.tick;
          standard.match.emit('input', encodeInput({ seq: ++seq, buttons, aim: 0, clientTick: tick }));
          await new Promise((r) => setTimeout(r, 1000 / TICK_RATE));
        }
      }
      await waitFor(() => standard.snapshots.at(-1)!.players.find((p) => p.id === slot)!.lastInputSeq === seq, 'the last input applied');
      const run = standard.snapshots.slice(from);
      expect(standard.decodeErrors).toEqual([]);
      expect(gaps(run)).toBe(0);
      expect(farthest(run, slot)).toBeGreaterThan(40);

      // The compact player's stream shows the same positions for the standard player, tick by tick.
      const seen = compactView.snapshots;
      const compactAt = new Map(seen.map((s) => [s.tick, s.players.find((p) => p.id === slot)]));
      const shared = run.filter((s) => compactAt.has(s.tick));
      expect(shared.length).toBeGreaterThan(run.length * 0.8);
      for (const s of shared) expect(compactAt.get(s.tick)).toEqual(s.players.find((p) => p.id === slot));

      const left = await standard.match.timeout(5000).emitWithAck('leave');
      expect(left).toEqual({ ok: true });
    });
  });

  describe('bad input from a standard client', () => {
    let victim: TestPlayer;
    let victimView: MatchView;
    let watching: Snapshot[];

    beforeAll(async () => {
      victim = await connectPlayer(server.url, 'bystander');
      const seat = await victim.lobby.findMatch('ffa', 10_000);
      if (!seat.ok) throw new Error(seat.code);
      victimView = victim.openMatch();
      watching = victimView.snapshots;
      const joined = await victimView.conn.join(seat.matchId);
      if (!joined.ok) throw new Error(joined.code);
      await waitFor(() => watching.length > 0, 'the bystander’s first snapshot');
    });
    afterAll(() => victim?.close());

    /** A standard player seated in a match, for one offence. */
    async function offender(name: string): Promise<StandardPlayer> {
      const p = await standardPlayer(server.url, name);
      await quickPlayAndJoin(p);
      await waitFor(() => p.snapshots.length > 0, `${name}'s first snapshot`);
      return p;
    }

    const closed = (p: StandardPlayer): Promise<string> =>
      p.match.disconnected ? Promise.resolve(p.disconnects[0] ?? 'closed') : new Promise((resolve) => p.match.once('disconnect', resolve));

    it('an input attachment of the wrong length: BAD_INPUT to the sender, as on the compact wire', async () => {
      const p = await offender('bad-length');
      p.match.emit('input', new Uint8Array(3));
      await closed(p);
      expect(p.errors).toEqual([expect.objectContaining({ code: ErrorCode.BadInput })]);
      p.close();
    });

    it('an input flood: RATE_LIMITED and a disconnect, the packet budget of the compact wire', async () => {
      const p = await offender('flooder');
      for (let seq = 1; seq <= 300; seq++) p.match.emit('input', encodeInput({ seq, buttons: 0, aim: 0, clientTick: 0 }));
      await closed(p);
      expect(p.errors).toEqual([expect.objectContaining({ code: ErrorCode.RateLimited })]);
      p.close();
    });

    it('a binary frame nobody announced, a placeholder naming an attachment that never comes, too many attachments: the connection is closed', async () => {
      const engine = (p: StandardPlayer) => p.manager.engine as unknown as { write(data: string | Uint8Array): void };
      const unannounced = await offender('unannounced');
      engine(unannounced).write(new Uint8Array([2, 1, 1, ...new Uint8Array(14)]));
      const liar = await offender('liar');
      engine(liar).write('51-/match,["input",{"_placeholder":true,"num":7}]');
      engine(liar).write(new Uint8Array(14));
      const greedy = await offender('greedy');
      engine(greedy).write('52-/match,["input",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
      for (const p of [unannounced, liar, greedy]) {
        expect(await closed(p)).toBe('transport close');
        p.close();
      }
    });

    it('the bystander kept getting every snapshot and the server still answers', async () => {
      const before = watching.length;
      await waitFor(() => watching.length >= before + TICK_RATE / 2, 'more snapshots');
      const tail = watching.slice(-TICK_RATE * 3);
      expect(gaps(tail)).toBe(0);
      expect(victimView.errors).toEqual([]);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    });
  });
});
