/**
 * The core promise, end to end against the real server process: players in one match see each
 * other move at the rules' speed, snapshots arrive every tick, and a misbehaving client is told
 * off and dropped without anybody else noticing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchConnection } from '../../shared/client/match-connection.ts';
import type { ArenaInput, ArenaSetup } from '../../shared/games/arena/index.ts';
import type { WireError } from '../../shared/protocol/errors.ts';
import { MatchPhase, type Snapshot } from '../../shared/games/arena/snapshot.ts';
import { encodeInput } from '../../shared/games/arena/input-codec.ts';
import { addPlayer, arenaMap, createWorld, defaultRules, movePlayer, Button } from '../../shared/games/arena/sim/index.ts';
import { PlayerClient } from '../../shared/client/player-client.ts';
import { connectPlayer, GAMES, guest, type TestPlayer } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { sleep, waitFor } from '../support/wait.ts';

const TICK_RATE = 30;

/** A match seed whose first player spawns with 300 px of open floor to its right. */
function seedWithOpenRunway(): number {
  const rules = defaultRules(TICK_RATE);
  for (let seed = 1; ; seed++) {
    const world = createWorld({ seed, rules, map: arenaMap() });
    const p = addPlayer(world, 0);
    const startX = p.x;
    for (let i = 0; i < 45; i++) movePlayer(p, Button.Right, world.map, rules, i + 1);
    if (p.x - startX >= 45 * (rules.playerSpeed / TICK_RATE) - 1) return seed;
  }
}

interface Watcher {
  player: TestPlayer;
  conn: MatchConnection<Snapshot, ArenaInput, ArenaSetup>;
  snapshots: Snapshot[];
  errors: WireError[];
  disconnects: string[];
}

/** A guest with a lobby connection and a /match connection on the same WebSocket. */
async function watch(url: string, nickname: string): Promise<Watcher> {
  const player = await connectPlayer(url, nickname);
  const view = player.openMatch();
  return { player, conn: view.conn, snapshots: view.snapshots, errors: view.errors, disconnects: view.disconnects };
}

/** The lobby's way in: a seat in a private match by its code, then `join` on /match. */
async function seatByCode(w: Watcher, code: string): Promise<string> {
  const seat = await w.player.lobby.joinByCode(code);
  if (!seat.ok) throw new Error(`join by code: ${seat.code} ${seat.message}`);
  return seat.matchId;
}

/** True when every snapshot follows the previous one by exactly one tick. */
function consecutive(snapshots: Snapshot[]): boolean {
  return snapshots.every((s, i) => i === 0 || s.tick === snapshots[i - 1]!.tick + 1);
}

describe('a match on one node', () => {
  let server: ServerProcess;
  const clients: Watcher[] = [];

  beforeAll(async () => {
    server = await startServer({ TICK_RATE: String(TICK_RATE), MATCH_SEED: String(seedWithOpenRunway()), COUNTDOWN_MS: '300' });
  });
  afterAll(async () => {
    for (const c of clients) c.player.close();
    await server?.stop();
  });

  it('shows one player holding Right for 1 s moving about speed x 1 s on the other screen, at the tick rate', async () => {
    const mover = await watch(server.url, 'mover');
    const viewer = await watch(server.url, 'viewer');
    clients.push(mover, viewer);
    // A private match for the two of them: the first match of this server, so it has MATCH_SEED.
    const created = await mover.player.lobby.createPrivate({ maxPlayers: 2 });
    if (!created.ok) throw new Error(`create: ${created.code}`);
    await seatByCode(viewer, created.code!);
    const a = await mover.conn.join(created.matchId);
    const b = await viewer.conn.join(created.matchId);
    if (!a.ok || !b.ok) throw new Error('join failed');
    expect(b.matchId).toBe(a.matchId);
    expect(a.slot).toBe(0);
    // Full, so it counts down and starts on its own; snapshots flow from the first tick.
    await waitFor(() => viewer.snapshots.length > 5 && viewer.snapshots.at(-1)!.phase === MatchPhase.Playing, 'first snapshots in play');

    const seen = (): { x: number; y: number } => {
      const me = viewer.snapshots.at(-1)!.players.find((p) => p.id === a.slot)!;
      return { x: me.x, y: me.y };
    };
    const start = seen();
    const windowStart = viewer.snapshots.length;
    const startedAt = performance.now();
    // One input per tick for one second, as a real client paced by its frame loop would.
    while (performance.now() - startedAt < 1000) {
      mover.conn.sendInput({ buttons: Button.Right, aim: 0, clientTick: viewer.snapshots.at(-1)!.tick });
      await sleep(1000 / TICK_RATE);
    }
    const lastRight = mover.conn.sendInput({ buttons: 0, aim: 0, clientTick: 0 })! - 1;
    await waitFor(
      () => viewer.snapshots.at(-1)!.players.find((p) => p.id === a.slot)!.lastInputSeq > lastRight,
      'the stop input to be applied',
    );
    await sleep(200);
    const end = seen();
    const windowSnapshots = viewer.snapshots.length - windowStart;
    const elapsedS = (performance.now() - startedAt) / 1000;

    // Tolerance 15%: timers pace the inputs, and a tick that finds no new input repeats the
    // previous one (so a late packet does not stop the player), which adds or loses a few ticks.
    const speed = a.setup.rules.playerSpeed;
    expect(end.x - start.x).toBeGreaterThan(speed * 0.85);
    expect(end.x - start.x).toBeLessThan(speed * 1.15);
    expect(end.y).toBe(start.y);

    // Every tick produced a snapshot and both clients got every one of them, in order.
    expect(consecutive(viewer.snapshots)).toBe(true);
    expect(consecutive(mover.snapshots)).toBe(true);
    expect(windowSnapshots / elapsedS).toBeGreaterThan(TICK_RATE * 0.8);
    expect(windowSnapshots / elapsedS).toBeLessThan(TICK_RATE * 1.2);
  });

  it('refuses malformed packets with an error to the sender while the others keep getting every snapshot', async () => {
    const bystander = await watch(server.url, 'bystander');
    clients.push(bystander);
    const room = await bystander.player.lobby.createPrivate({ maxPlayers: 16 });
    if (!room.ok) throw new Error(`create: ${room.code}`);
    const joined = await bystander.conn.join(room.matchId);
    expect(joined.ok).toBe(true);
    await waitFor(() => bystander.snapshots.length > 3, 'bystander snapshots');

    const offender = async (misbehave: (w: Watcher) => void, join = true): Promise<Watcher> => {
      const w = await watch(server.url, 'offender');
      clients.push(w);
      await w.conn.connected();
      if (join) expect((await w.conn.join(await seatByCode(w, room.code!))).ok).toBe(true);
      misbehave(w);
      return w;
    };

    const shortInput = await offender((w) => w.conn.socket.emit('input', new Uint8Array(13)));
    const nanAim = await offender((w) => w.conn.socket.emit('input', encodeInput({ seq: 1, buttons: 0, aim: Number.NaN, clientTick: 0 })));
    const textInput = await offender((w) => (w.conn.socket as unknown as { emit: (e: string, v: unknown) => void }).emit('input', { x: 1 }));
    const unknownEvent = await offender((w) => (w.conn.socket as unknown as { emit: (e: string) => void }).emit('teleport'));
    // Raw bytes: the SDK itself sends nothing before it knows the match's game.
    const notPlaying = await offender((w) => w.conn.socket.emit('input', encodeInput({ seq: 1, buttons: 0, aim: 0, clientTick: 0 })), false);
    const oversized = await offender((w) => w.conn.socket.emit('input', new Uint8Array(64 * 1024)));
    const flood = await offender((w) => {
      for (let i = 0; i < 400; i++) w.conn.sendInput({ buttons: 0, aim: 0, clientTick: 0 });
    });

    for (const w of [shortInput, nanAim, textInput]) {
      await waitFor(() => w.disconnects.length > 0, 'bad input disconnect');
      expect(w.errors[0]?.code).toBe('BAD_INPUT');
      expect(w.disconnects[0]).toBe('io server disconnect');
    }
    expect(shortInput.errors[0]!.message).toMatch(/14 bytes/);
    expect(nanAim.errors[0]!.message).toMatch(/BAD_AIM/);
    await waitFor(() => unknownEvent.errors.length > 0, 'unknown event error');
    expect(unknownEvent.errors[0]!.code).toBe('UNKNOWN_EVENT');
    expect(unknownEvent.conn.socket.connected).toBe(true);
    await waitFor(() => notPlaying.errors.length > 0, 'not-in-match error');
    expect(notPlaying.errors[0]!.code).toBe('NOT_IN_MATCH');
    // Over maxHttpBufferSize the transport itself is closed: the payload never reaches a handler.
    await waitFor(() => oversized.disconnects.length > 0, 'oversized payload disconnect');
    expect(oversized.disconnects[0]).toBe('transport close');
    await waitFor(() => flood.disconnects.length > 0, 'flood disconnect');
    expect(flood.errors.map((e) => e.code)).toContain('RATE_LIMITED');

    const before = bystander.snapshots.length;
    await sleep(500);
    expect(bystander.snapshots.length - before).toBeGreaterThan(10);
    expect(consecutive(bystander.snapshots)).toBe(true);
    expect(bystander.disconnects).toEqual([]);
  });

  it('keeps applying the inputs of a client that starts on long-polling and upgrades to WebSocket', async () => {
    // The server takes /match inputs straight off the WebSocket (input-fast-path.ts), hooked when
    // the connection upgrades; before that they go the ordinary way. Either way each is applied.
    const session = await guest(server.url, 'upgrader');
    let last: Snapshot | null = null;
    const opened = await PlayerClient.resume<Snapshot, ArenaInput, ArenaSetup>(
      { url: server.url, nickname: session.nickname, games: GAMES, autoRejoin: false, connection: { transports: ['polling', 'websocket'], reconnection: false }, match: { snapshot: (snap) => (last = snap) } },
      session,
    );
    if (!opened.ok) throw new Error(`lobby: ${opened.code}`);
    const client = opened.value;
    try {
      const room = await client.lobby.createPrivate({ maxPlayers: 2 });
      if (!room.ok) throw new Error(`create: ${room.code}`);
      const joined = await client.match.join(room.matchId);
      if (!joined.ok) throw new Error(`join: ${joined.code}`);
      expect((await client.match.start()).ok).toBe(true);
      const transport = () => (client.manager.engine as unknown as { transport: { name: string } }).transport.name;
      const applied = () => {
        const s = last as Snapshot | null;
        return s?.players.find((p) => p.id === joined.slot)?.lastInputSeq ?? 0;
      };
      let seq = 0;
      const send = async (untilMs: number) => {
        const end = performance.now() + untilMs;
        while (performance.now() < end) {
          seq = client.match.sendInput({ buttons: Button.Right, aim: 0, clientTick: 0 }) ?? seq;
          await sleep(1000 / TICK_RATE);
        }
      };
      await waitFor(() => transport() === 'websocket', 'the upgrade to WebSocket', 10_000);
      await send(500);
      await waitFor(() => applied() === seq, 'every input after the upgrade applied', 5_000);
      expect(seq).toBeGreaterThan(5);
    } finally {
      client.close();
    }
  });

  it("sends the match's tick time only to a connection that asked, until it asks no more; a bad request is refused", async () => {
    const ticks = { asker: 0, other: 0 };
    const connect = async (name: 'asker' | 'other') => {
      const player = await connectPlayer(server.url, `tick-${name}`);
      const view = player.openMatch({ serverTick: (t) => void (ticks[name] += t.meanMs >= 0 && t.maxMs >= t.meanMs ? 1 : 0) });
      clients.push({ player, conn: view.conn, snapshots: view.snapshots, errors: view.errors, disconnects: view.disconnects });
      return { player, conn: view.conn };
    };
    const asker = await connect('asker');
    const other = await connect('other');
    const created = await asker.player.lobby.createPrivate({ maxPlayers: 2 });
    if (!created.ok) throw new Error(`create: ${created.code}`);
    const seat = await other.player.lobby.joinByCode(created.code!);
    if (!seat.ok) throw new Error(`join by code: ${seat.code}`);
    expect((await asker.conn.join(created.matchId)).ok).toBe(true);
    expect((await other.conn.join(created.matchId)).ok).toBe(true);

    expect(await asker.conn.watchServerTick(true)).toEqual({ ok: true });
    await waitFor(() => ticks.asker >= 2, 'two server ticks for the connection that asked', 5000);
    expect(ticks.other).toBe(0);

    expect(await asker.conn.watchServerTick(false)).toEqual({ ok: true });
    await sleep(100);
    const after = ticks.asker;
    await sleep(1500);
    expect(ticks.asker).toBe(after);
    expect(ticks.other).toBe(0);

    const refused = await asker.conn.socket.timeout(5000).emitWithAck('net_graph', { on: 'yes' } as unknown as { on: boolean });
    expect(refused).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });

  it('reports health and Prometheus metrics', async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok' });
    expect(typeof health.nodeId).toBe('string');
    expect(health.players).toBeGreaterThan(0);
    expect(health.matches).toBeGreaterThan(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of ['game_tick_duration_seconds_bucket', 'game_players_connected', 'game_matches_active', 'game_snapshot_bytes_total']) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(/game_protocol_errors_total\{code="BAD_INPUT"\} [1-9]/);
    expect(metrics).toMatch(/game_snapshot_bytes_total\{kind="delta"\} [1-9]/);
    // Lobby state for operators: queue depth per mode, matches by lifecycle state.
    expect(metrics).toMatch(/game_queue_players\{mode="ffa"\} 0/);
    expect(metrics).toMatch(/game_matches\{state="playing"\} [1-9]/);
  });
});
