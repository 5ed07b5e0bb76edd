/**
 * Spectators watch a public match SPECTATOR_DELAY_S behind its players, on a stream of their own
 * made from the match's recording: a copy of the game re-simulates the recorded log `delay`
 * behind, and what a spectator is shown at tick t is, after decoding, exactly what the players
 * were shown at tick t (all but the players' input acknowledgements, which a spectator has no
 * use for: the copy sends 0), never anything newer. Were the stream made from anything but the
 * log (the live snapshots, say), a damaged chunk or a copy stepped by a different rule would
 * change nothing; here the first stalls the stream until the next checkpoint and the second is
 * caught at the next checkpoint's state hash, and both are survived. They join from a keyframe,
 * see the end after it happened, and cost nothing while nobody watches. Unrecorded matches hold
 * the live snapshots back instead; with a delay of 0 spectators share the players' stream.
 */
import { describe, expect, it } from 'vitest';
import { SnapshotStream } from '../../shared/client/snapshot-stream.ts';
import type { AnyGame, SnapshotHeader } from '../../shared/game/game-definition.ts';
import { MatchPhase } from '../../shared/game/phase.ts';
import { arena } from '../../shared/games/arena/index.ts';
import { ALL_BUTTONS, Button } from '../../shared/games/arena/sim/index.ts';
import { cycles } from '../../shared/games/cycles/index.ts';
import { GAMES } from '../../shared/games/index.ts';
import { createLogger } from '../log.ts';
import { MatchHost, type MatchHostDeps, type MatchTiming } from '../match/match-host.ts';
import type { MatchEvents } from '../match/match-events.ts';
import type { TickScheduler, TickTask } from '../match/scheduler.ts';
import { OTHER_NODES, type FanoutTransport } from '../match/snapshot-fanout.ts';
import { createMetrics, type Metrics } from '../metrics.ts';
import { DelayedSpectators, type SpectatorStream } from './delayed-spectators.ts';
import type { ReplayChunk } from '../../shared/replay/replay-format.ts';
import { MemoryReplayStore, type ReplayStore } from './replay-store.ts';
import { LocalSpectators, WorkerSpectators, type SpectatorEngine } from './spectator-engine.ts';
import { SpectatorFeed, type FeedFault, type FeedSetup, type SpectatorFrame } from './spectator-feed.ts';

const TICK_RATE = 10;

/** Clients behind one stream: each decodes what it gets; the stream counts what it broadcast. */
function clients(game: AnyGame = arena) {
  const subscribed = new Set<string>();
  const streams = new Map<string, SnapshotStream<SnapshotHeader>>();
  const shown = new Map<string, SnapshotHeader[]>();
  const firstKind = new Map<string, 'key' | 'delta'>();
  const kinds = new Map<string, ('key' | 'delta')[]>();
  let broadcasts = 0;
  const deliver = (id: string, bytes: Uint8Array) => {
    if (!streams.has(id)) streams.set(id, new SnapshotStream(game.snapshotCodec as never));
    const peek = game.snapshotCodec.peek(bytes);
    if (!firstKind.has(id) && peek.ok) firstKind.set(id, peek.value.kind);
    if (peek.ok) kinds.set(id, [...(kinds.get(id) ?? []), peek.value.kind]);
    const decoded = streams.get(id)!.apply(bytes);
    if (!decoded.ok) throw new Error(`${id} could not decode: ${decoded.code}`);
    shown.set(id, [...(shown.get(id) ?? []), decoded.value]);
  };
  const transport: FanoutTransport = {
    broadcast(bytes) {
      broadcasts++;
      for (const id of subscribed) deliver(id, bytes);
      return subscribed.size;
    },
    send: deliver,
    subscribe: (id) => void subscribed.add(id),
    unsubscribe: (id) => void subscribed.delete(id),
    isBackedUp: () => false,
    isDrained: () => true,
  };
  return { transport, shown: (id: string) => shown.get(id) ?? [], firstKind: (id: string) => firstKind.get(id), kinds: (id: string) => kinds.get(id) ?? [], broadcasts: () => broadcasts };
}

/** Seeded random commands a client could send (mulberry32). */
function randomCommands(game: AnyGame, seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (): object =>
    game.id === 'arena'
      ? { buttons: Math.floor(next() * (ALL_BUTTONS + 1)), aim: Math.fround(next() * 12 - 6) }
      : { dir: Math.floor(next() * 5), boost: next() < 0.3 };
}

interface MatchOptions {
  game?: AnyGame;
  delayS: number;
  timeLimitS?: number;
  /** Recorded and re-simulated by this engine; absent: not recorded. */
  engine?: SpectatorEngine;
  seed?: number;
  bots?: number;
  countdownMs?: number;
  metrics?: Metrics;
  store?: ReplayStore;
}

function match(o: MatchOptions) {
  const game = o.game ?? arena;
  let now = 1_700_000_000_000;
  const tasks = new Set<TickTask>();
  const scheduler = { add: (t: TickTask) => (tasks.add(t), () => void tasks.delete(t)) } as unknown as TickScheduler;
  const players = clients(game);
  const watchers = clients(game);
  const nothing = () => {};
  const events: MatchEvents = { roster: nothing, presence: nothing, phase: nothing, ended: nothing, serverTick: nothing, admit: (id) => !id.includes('#'), dismiss: nothing, replaced: nothing };
  const timing: MatchTiming = { tickRate: TICK_RATE, snapshotEvery: 1, keyframeIntervalS: 1, countdownMs: o.countdownMs ?? 0, graceMs: 2000, endedLingerMs: 4000, inputQueueSize: 4, maxSpectators: 4, spectatorDelayS: o.delayS };
  const log = createLogger({ logLevel: 'silent', nodeId: 'test' });
  const store = o.store ?? new MemoryReplayStore({ maxCount: 10, maxAgeMs: 86_400_000 });
  const mode = game.modes[0]!;
  const options = game === arena ? { ...mode.options, killTarget: 0, timeLimitS: o.timeLimitS ?? 60 } : { ...mode.options, timeLimitS: o.timeLimitS ?? 60 };
  const deps: MatchHostDeps = {
      scheduler,
      metrics: o.metrics ?? createMetrics(),
      log,
      clock: () => now,
      timing,
      events,
      transport: players.transport,
      spectators: watchers.transport,
      hooks: { changed: nothing, seatReleased: nothing, ended: nothing, disposed: nothing },
      replays: o.engine ? { store, log, now: () => now, checkpointEveryTicks: 10 * TICK_RATE, flushEveryTicks: TICK_RATE, spectators: { keepTicks: o.delayS * TICK_RATE } } : null,
      spectatorEngine: o.engine ?? null,
  };
  let host = new MatchHost({ id: 'm1', game, mode: mode.id, visibility: 'public', ownerId: null, code: null, maxPlayers: 3, options, autoStart: true, seed: o.seed ?? 3 }, deps);
  const ann = { guestId: 'g-ann', nickname: 'Ann' };
  host.claim(ann);
  host.attach('c-ann', ann);
  for (let i = 0; i < (o.bots ?? 1); i++) host.addBot();
  const command = o.seed === undefined ? (seq: number) => ({ buttons: Button.Right | (seq % 7 === 0 ? Button.Fire : 0), aim: 0.3 }) : randomCommands(game, o.seed);
  let seq = 0;
  return {
    get host() {
      return host;
    },
    players,
    watchers,
    /** Another node adopts the match from its checkpoint (the old owner stops); Ann reconnects to it. */
    async failover() {
      await host.replaySettled();
      const cp = host.checkpoint();
      host.abandon();
      host = new MatchHost({ ...cp.spec, game }, deps, cp);
      host.attach('c-ann', ann);
      seq = 0;
    },
    tick(n: number) {
      for (let i = 0; i < n; i++) {
        host.pushInput('c-ann', { seq: ++seq, clientTick: host.currentTick, ...command(seq) } as never);
        now += 1000 / TICK_RATE;
        for (const t of [...tasks]) t.tick(now);
      }
    },
  };
}

const pose = (s: SnapshotHeader) => ({ tick: s.tick, phase: s.phase, players: (s as unknown as { players: { id: number; x: number; y: number }[] }).players.map((p) => [p.id, p.x, p.y]) });
/** A snapshot as decoded, but for the players' input acknowledgements (a spectator's copy sends 0). */
const unacked = (s: SnapshotHeader) => {
  const players = (s as unknown as { players: { lastInputSeq: number }[] }).players;
  return { ...s, players: players.map((p) => ({ ...p, lastInputSeq: 0 })) };
};

/** Every snapshot a spectator was shown is the players' snapshot of the same tick, and the newest is `delay` old. */
function expectTheRecordingDelayed(m: ReturnType<typeof match>, id: string, delayTicks: number) {
  const theirs = m.players.shown('c-ann');
  const mine = m.watchers.shown(id);
  expect(mine.length).toBeGreaterThan(0);
  expect(theirs.at(-1)!.tick - mine.at(-1)!.tick).toBe(delayTicks);
  const byTick = new Map(theirs.map((s) => [s.tick, s]));
  for (const s of mine) expect(unacked(s)).toEqual(unacked(byTick.get(s.tick)!));
}

describe('delayed spectating, from the recording', () => {
  for (const game of [arena, cycles]) {
    it(`${game.name}: a spectator is shown the recording re-simulated SPECTATOR_DELAY_S behind, equal to what the players saw then; one who joins mid-match starts on a keyframe at once`, () => {
      const m = match({ game, delayS: 2, seed: 11, bots: 2, countdownMs: 500, engine: new LocalSpectators(GAMES) });
      m.tick(3);
      expect(m.host.spectate('s1')).toMatchObject({ ok: true, role: 'spectator' });
      m.tick(140);
      expectTheRecordingDelayed(m, 's1', 2 * TICK_RATE);
      // The countdown is not in the recording: its phase and end tick come from the live match.
      expect(m.watchers.shown('s1').some((s) => s.phase === MatchPhase.Countdown)).toBe(true);
      // Past a checkpoint: the newcomer's copy starts from it, and the stream from a keyframe at once.
      expect(m.host.spectate('s2')).toMatchObject({ ok: true });
      m.tick(1);
      expect(m.watchers.firstKind('s2')).toBe('key');
      expect(m.watchers.shown('s2')[0]!.tick).toBe(m.host.currentTick - 2 * TICK_RATE);
      m.tick(30);
      expectTheRecordingDelayed(m, 's2', 2 * TICK_RATE);
      expectTheRecordingDelayed(m, 's1', 2 * TICK_RATE);
      // Off the players' stream: the spectators' sockets are in the spectators' room only.
      expect(m.players.shown('s1')).toEqual([]);
    });
  }

  it('across a failover the adopted match’s recording goes on, and so does the spectators’ stream', async () => {
    const m = match({ delayS: 1, seed: 13, engine: new LocalSpectators(GAMES) });
    m.host.spectate('s1');
    m.tick(40);
    await m.failover();
    const adoptedAt = m.host.currentTick;
    // The spectator's connection is told the match moved and joins it again on the new owner.
    expect(m.host.spectate('s1')).toMatchObject({ ok: true, role: 'spectator' });
    m.tick(30);
    const after = m.watchers.shown('s1').filter((s) => s.tick > adoptedAt);
    expect(after.length).toBeGreaterThan(10);
    expectTheRecordingDelayed(m, 's1', TICK_RATE);
  });

  it('the end reaches spectators after it ended, then the match goes', () => {
    const m = match({ delayS: 1, timeLimitS: 3, seed: 5, engine: new LocalSpectators(GAMES) });
    m.host.spectate('s1');
    m.tick(3 * TICK_RATE + 4);
    expect(m.host.state).toBe('ended');
    const end = m.players.shown('c-ann').at(-1)!;
    expect(end.phase).toBe(MatchPhase.Ended);
    m.tick(TICK_RATE + 2);
    const last = m.watchers.shown('s1').at(-1)!;
    expect(last.tick).toBe(end.tick);
    expect(unacked(last)).toEqual(unacked(end));
  });

  it('nobody watching: no copy is stepped; the last spectator gone, the copy goes', () => {
    const opened: string[] = [];
    const local = new LocalSpectators(GAMES);
    let clocks = 0;
    const engine: SpectatorEngine = {
      open(setup, phases, sink) {
        opened.push('open');
        const ch = local.open(setup, phases, sink);
        return { ...ch, clock: (...a) => (clocks++, ch.clock(...a)), close: () => (opened.push('close'), ch.close()) };
      },
      close: () => local.close(),
    };
    const m = match({ delayS: 1, seed: 2, engine });
    m.tick(30);
    expect(opened).toEqual([]);
    expect(clocks).toBe(0);
    m.host.spectate('s1');
    m.tick(15);
    expect(opened).toEqual(['open']);
    expect(clocks).toBe(15);
    m.host.detach('s1', 'leave');
    m.tick(15);
    expect(opened).toEqual(['open', 'close']);
    expect(clocks).toBe(15);
  });

  it('spectators on other nodes: the same stream goes once to the bus (OTHER_NODES), from a keyframe for each newcomer node, and stops with the last of them', () => {
    const opened: string[] = [];
    const local = new LocalSpectators(GAMES);
    const engine: SpectatorEngine = {
      open(setup, phases, sink) {
        opened.push('open');
        const ch = local.open(setup, phases, sink);
        return { ...ch, close: () => (opened.push('close'), ch.close()) };
      },
      close: () => local.close(),
    };
    const m = match({ delayS: 1, seed: 7, engine });
    m.tick(5);
    // A relayed connection (`node#socket`): the match's room does not admit it here.
    expect(m.host.spectate('node2#a')).toMatchObject({ ok: true, role: 'spectator' });
    m.host.spectate('s1');
    m.tick(30);
    expect(opened).toEqual(['open']);
    expect(m.watchers.firstKind(OTHER_NODES)).toBe('key');
    expectTheRecordingDelayed(m, OTHER_NODES, TICK_RATE);
    // What the bus carries is what the owner's own spectators are shown.
    const s1At = new Map(m.watchers.shown('s1').map((s) => [s.tick, s]));
    for (const s of m.watchers.shown(OTHER_NODES).filter((f) => s1At.has(f.tick))) expect(s).toEqual(s1At.get(s.tick));
    // Another node's first spectator: the next frame on the bus is a keyframe; the copy goes on.
    const before = m.watchers.kinds(OTHER_NODES).length;
    m.host.spectate('node3#b');
    m.tick(1);
    expect(m.watchers.kinds(OTHER_NODES).slice(before)).toEqual(['key']);
    m.tick(2);
    expect(m.watchers.kinds(OTHER_NODES).slice(before + 1)).toEqual(['delta', 'delta']);
    // A relay that lost its base asks for one.
    m.host.spectatorKeyframeSoon();
    m.tick(1);
    expect(m.watchers.kinds(OTHER_NODES).at(-1)).toBe('key');
    expect(opened).toEqual(['open']);
    m.host.detach('node2#a', 'leave');
    m.tick(2);
    const still = m.watchers.shown(OTHER_NODES).length;
    expect(m.watchers.shown(OTHER_NODES).at(-1)!.tick).toBe(m.host.currentTick - TICK_RATE);
    // The last of them gone: nothing more to the bus; the owner's own spectator goes on watching.
    m.host.detach('node3#b', 'leave');
    m.tick(5);
    expect(m.watchers.shown(OTHER_NODES).length).toBe(still);
    expect(m.watchers.shown('s1').at(-1)!.tick).toBe(m.host.currentTick - TICK_RATE);
    // Nobody at all: the copy goes.
    m.host.detach('s1', 'leave');
    m.tick(1);
    expect(opened).toEqual(['open', 'close']);
  });

  it('on the spectator worker thread: the same stream, off the owner\u2019s thread', async () => {
    const engine = new WorkerSpectators();
    try {
      const m = match({ delayS: 1, seed: 7, bots: 2, engine });
      m.tick(2);
      m.host.spectate('s1');
      // The worker answers a turn later: the live match waits for it here so the test can compare tick by tick.
      for (let i = 0; i < 40; i++) {
        m.tick(1);
        const want = m.host.currentTick - TICK_RATE;
        const until = Date.now() + 10_000;
        while (want > 0 && (m.watchers.shown('s1').at(-1)?.tick ?? -1) < want && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
      }
      expectTheRecordingDelayed(m, 's1', TICK_RATE);
    } finally {
      await engine.close();
    }
  }, 15_000);
});

/** Records a match's chunks and live snapshots (a spectator keeps the recorder's tap open). */
function recorded(game: AnyGame, ticks: number) {
  const chunks: { chunk: ReplayChunk; checkpoint: boolean }[] = [];
  let setup: FeedSetup | null = null;
  const engine: SpectatorEngine = {
    open(s, _phases, _sink) {
      setup = s;
      return { chunk: (c) => void chunks.push({ chunk: { fromTick: c.fromTick, toTick: c.toTick, bytes: c.bytes }, checkpoint: c.checkpoint }), phase: () => {}, clock: () => {}, close: () => {} };
    },
    close: async () => {},
  };
  const m = match({ game, delayS: 1, seed: 21, bots: 2, engine });
  m.host.spectate('s1');
  m.tick(ticks);
  return { chunks, setup: setup!, live: new Map(m.players.shown('c-ann').map((s) => [s.tick, s])) };
}

/** Feeds the chunks to a feed one tick at a time, as the live clock would; the decoded frames. */
function replayInto(feed: SpectatorFeed, game: AnyGame, chunks: { chunk: ReplayChunk; checkpoint: boolean }[], live: Map<number, SnapshotHeader>, lastTick: number) {
  const stream = new SnapshotStream(game.snapshotCodec as never);
  const shown: SnapshotHeader[] = [];
  let next = 0;
  let phase: string | null = null;
  for (let tick = 1; tick <= lastTick; tick++) {
    // The live match's phase changes, as the host tells its feed.
    const s = live.get(tick)!;
    if (`${s.phase}/${s.phaseEndTick}` !== phase) feed.phase({ tick, phase: s.phase, phaseEndTick: s.phaseEndTick });
    phase = `${s.phase}/${s.phaseEndTick}`;
    step(tick);
  }
  return shown;
  function step(live: number) {
    while (next < chunks.length && chunks[next]!.chunk.toTick <= live) feed.chunk({ ...chunks[next]!.chunk, checkpoint: chunks[next++]!.checkpoint });
    const frame: SpectatorFrame | null = feed.clock(live, 1_700_000_000_000 + live * 100);
    if (!frame) return;
    const decoded = stream.apply(frame.bytes);
    if (!decoded.ok) throw new Error(decoded.code);
    shown.push(decoded.value as SnapshotHeader);
  }
}

describe('a broken recording is survived', () => {
  const DELAY = 10;

  it('a damaged chunk: reported once, the stream waits for the next checkpoint and goes on from there, still exact', () => {
    const { chunks, setup, live } = recorded(arena, 260);
    const cps = chunks.filter((c) => c.checkpoint).map((c) => c.chunk.fromTick - 1);
    expect(cps.length).toBeGreaterThanOrEqual(2);
    // Damage the second chunk after the first checkpoint past the start: its bytes no longer read.
    const victim = chunks.findIndex((c, i) => i > 0 && !c.checkpoint && c.chunk.fromTick > cps[0]! + 1 && chunks[i - 1]!.checkpoint);
    expect(victim).toBeGreaterThan(0);
    const damaged = chunks.map((c, i) => (i === victim ? { ...c, chunk: { ...c.chunk, bytes: c.chunk.bytes.map((b, k) => (k < 6 ? 0x7f : b)) } } : c));
    const faults: FeedFault[] = [];
    const feed = new SpectatorFeed(arena, { ...setup, delayTicks: DELAY }, (f) => faults.push(f));
    const shown = replayInto(feed, arena, damaged, live, 260);
    expect(faults).toHaveLength(1);
    expect(faults[0]!.kind).toBe('corrupt');
    const broken = damaged[victim]!.chunk;
    const resumed = cps.find((t) => t >= broken.toTick)!;
    // Nothing between the damage and the next checkpoint; everything shown is what the players saw.
    expect(shown.some((s) => s.tick > broken.fromTick && s.tick <= resumed)).toBe(false);
    expect(shown.at(-1)!.tick).toBe(260 - DELAY);
    // The first frame after the stall moved since the last one shown, seconds before: its velocities say so.
    const still = (s: SnapshotHeader) => ({ ...unacked(s), players: unacked(s).players.map((p) => ({ ...p, vx: 0, vy: 0 })) });
    for (const s of shown) expect(s.tick === resumed + 1 ? still(s) : unacked(s)).toEqual(s.tick === resumed + 1 ? still(live.get(s.tick)!) : unacked(live.get(s.tick)!));
  });

  it('a copy that steps differently from the match: caught at the next checkpoint, restarted there, exact again', () => {
    const { chunks, setup, live } = recorded(cycles, 260);
    const cps = chunks.filter((c) => c.checkpoint).map((c) => c.chunk.fromTick - 1);
    const wrongAt = cps[0]! + 3;
    // A copy whose game loses a player's input once: not the match that was recorded.
    const skewed: AnyGame = { ...cycles, applyInput: (state: unknown, slot: number, input: never) => ((cycles.tickOf(state as never) + 1 === wrongAt ? undefined : cycles.applyInput(state as never, slot, input))) } as AnyGame;
    const faults: FeedFault[] = [];
    const feed = new SpectatorFeed(skewed, { ...setup, delayTicks: DELAY }, (f) => faults.push(f));
    const shown = replayInto(feed, cycles, chunks, live, 260);
    const next = cps.find((t) => t > wrongAt)!;
    expect(faults.map((f) => f.kind)).toEqual(['diverged']);
    expect(faults[0]!.message).toContain(`tick ${next}`);
    // From the checkpoint on, the copy is the match again; the stream never stopped.
    expect(shown.at(-1)!.tick).toBe(260 - DELAY);
    for (const s of shown.filter((x) => x.tick > next)) expect(unacked(s)).toEqual(unacked(live.get(s.tick)!));
    expect(shown.filter((x) => x.tick > wrongAt && x.tick <= next).some((s) => JSON.stringify(unacked(s)) !== JSON.stringify(unacked(live.get(s.tick)!)))).toBe(true);
  });

  it('a match whose feed faults keeps its players\u2019 stream and counts the fault', () => {
    const metrics = createMetrics();
    const m = match({ delayS: 1, seed: 4, metrics, engine: {
      open(_s, _p, sink) {
        queueMicrotask(() => sink.fault({ kind: 'corrupt', message: 'test' }));
        return { chunk: () => {}, phase: () => {}, clock: () => {}, close: () => {} };
      },
      close: async () => {},
    } });
    m.host.spectate('s1');
    m.tick(20);
    return Promise.resolve().then(async () => {
      const text = await metrics.registry.getSingleMetricAsString('game_spectator_feed_faults_total');
      expect(text).toContain('kind="corrupt"} 1');
      expect(m.players.shown('c-ann').at(-1)!.tick).toBe(m.host.currentTick);
    });
  });
});

describe('delayed spectating without a recording, and without a delay', () => {
  it('a recording its store stops: its spectators move to the live snapshots held back, and keep watching', async () => {
    const store = new MemoryReplayStore({ maxCount: 10, maxAgeMs: 86_400_000 });
    let refuse = false;
    const refusing = Object.assign(Object.create(store) as ReplayStore, { append: (...a: Parameters<ReplayStore['append']>) => (refuse ? Promise.resolve('refused' as const) : store.append(...a)) });
    const m = match({ delayS: 1, seed: 9, engine: new LocalSpectators(GAMES), store: refusing });
    m.host.spectate('s1');
    m.tick(25);
    expect(m.watchers.shown('s1').at(-1)!.tick).toBe(15);
    refuse = true;
    for (let i = 0; i < 30; i++) {
      m.tick(1);
      await new Promise((r) => setImmediate(r));
    }
    for (let i = 0; i < 20; i++) m.tick(1);
    // The live snapshots held back from the moment the recording stopped: the stream goes on, `delay` behind.
    const theirs = m.players.shown('c-ann');
    const mine = m.watchers.shown('s1');
    expect(theirs.at(-1)!.tick - mine.at(-1)!.tick).toBe(TICK_RATE);
    const byTick = new Map(theirs.map((s) => [s.tick, s]));
    for (const s of mine.slice(-10)) expect(s).toEqual(byTick.get(s.tick));
  });

  it('an unrecorded match: its live snapshots are held back SPECTATOR_DELAY_S', () => {
    const m = match({ delayS: 2 });
    m.tick(5);
    expect(m.host.spectate('s1')).toMatchObject({ ok: true, role: 'spectator' });
    m.tick(60);
    const theirs = m.players.shown('c-ann');
    const mine = m.watchers.shown('s1');
    expect(theirs.at(-1)!.tick - mine.at(-1)!.tick).toBe(2 * TICK_RATE);
    const byTick = new Map(theirs.map((s) => [s.tick, s]));
    for (const s of mine) expect(pose(s)).toEqual(pose(byTick.get(s.tick)!));
  });

  it('with SPECTATOR_DELAY_S=0 spectators share the players\u2019 live stream', () => {
    const m = match({ delayS: 0, engine: new LocalSpectators(GAMES) });
    m.host.spectate('s1');
    m.tick(10);
    expect(m.watchers.shown('s1')).toEqual([]);
    expect(m.players.shown('s1').at(-1)!.tick).toBe(m.players.shown('c-ann').at(-1)!.tick);
  });

  it('an unrecorded match with spectators on another node only: its held-back stream goes to the bus, a keyframe again when asked', () => {
    const m = match({ delayS: 1 });
    m.host.spectate('node2#a');
    m.tick(30);
    const mine = m.watchers.shown(OTHER_NODES);
    expect(m.watchers.firstKind(OTHER_NODES)).toBe('key');
    expect(m.players.shown('c-ann').at(-1)!.tick - mine.at(-1)!.tick).toBe(TICK_RATE);
    const byTick = new Map(m.players.shown('c-ann').map((s) => [s.tick, s]));
    for (const s of mine) expect(s).toEqual(byTick.get(s.tick));
    m.host.spectatorKeyframeSoon();
    m.tick(1);
    expect(m.watchers.kinds(OTHER_NODES).at(-1)).toBe('key');
    m.tick(1);
    expect(m.watchers.kinds(OTHER_NODES).at(-1)).toBe('delta');
  });

  it('the held-back queue: nothing is held or encoded while nobody watches', () => {
    const published: number[] = [];
    const stream: SpectatorStream = { add: () => {}, remove: () => {}, publish: (s) => void published.push(s.tick) };
    const d = new DelayedSpectators(stream, 3);
    const at = (tick: number) => ({ tick, serverTime: tick * 100, phase: 2, phaseEndTick: 0 }) as SnapshotHeader;
    for (let t = 1; t <= 10; t++) d.push(at(t));
    expect(published).toEqual([]);
    expect(d.pending).toBe(0);
    d.add('s1');
    for (let t = 11; t <= 14; t++) d.push(at(t));
    expect(published).toEqual([11]);
    for (let i = 0; i < 4; i++) d.drain();
    expect(published).toEqual([11, 12, 13, 14]);
    d.push(at(15));
    d.push(at(16));
    expect(d.pending).toBe(2);
    d.remove('s1');
    expect(d.pending).toBe(0);
  });
});
