/**
 * Spectators watch a public match SPECTATOR_DELAY_S behind its players, on a stream of their own:
 * what a spectator is shown at any moment is exactly what the players were shown `delay` earlier,
 * never anything newer (without the delay the spectator's newest tick would equal the players').
 * They join from a keyframe, see the end of the match after it ended, and cost nothing to encode
 * while nobody watches. With a delay of 0 they share the players' stream as before.
 */
import { describe, expect, it } from 'vitest';
import { SnapshotStream } from '../../shared/client/snapshot-stream.ts';
import { arena } from '../../shared/games/arena/index.ts';
import { Button } from '../../shared/games/arena/sim/index.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import type { SnapshotHeader } from '../../shared/game/game-definition.ts';
import { createLogger } from '../log.ts';
import { MatchHost, type MatchTiming } from '../match/match-host.ts';
import type { MatchEvents } from '../match/match-events.ts';
import type { TickScheduler, TickTask } from '../match/scheduler.ts';
import type { FanoutTransport } from '../match/snapshot-fanout.ts';
import { createMetrics } from '../metrics.ts';
import { DelayedSpectators, type SpectatorStream } from './delayed-spectators.ts';

const TICK_RATE = 10;

/** Clients behind one stream: each decodes what it gets; the stream counts what it broadcast. */
function clients() {
  const subscribed = new Set<string>();
  const streams = new Map<string, SnapshotStream<Snapshot>>();
  const shown = new Map<string, Snapshot[]>();
  let broadcasts = 0;
  const deliver = (id: string, bytes: Uint8Array) => {
    if (!streams.has(id)) streams.set(id, new SnapshotStream(arena.snapshotCodec));
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
  return { transport, shown: (id: string) => shown.get(id) ?? [], broadcasts: () => broadcasts };
}

function match(delayS: number, timeLimitS = 60) {
  let now = 1_700_000_000_000;
  const tasks = new Set<TickTask>();
  const scheduler = { add: (t: TickTask) => (tasks.add(t), () => void tasks.delete(t)) } as unknown as TickScheduler;
  const players = clients();
  const watchers = clients();
  const nothing = () => {};
  const events: MatchEvents = { roster: nothing, presence: nothing, phase: nothing, ended: nothing, serverTick: nothing, admit: () => true, dismiss: nothing, replaced: nothing };
  const timing: MatchTiming = { tickRate: TICK_RATE, snapshotEvery: 1, keyframeIntervalS: 1, countdownMs: 0, graceMs: 2000, endedLingerMs: 2000, inputQueueSize: 4, maxSpectators: 4, spectatorDelayS: delayS };
  const host = new MatchHost(
    { id: 'm1', game: arena, mode: 'ffa', visibility: 'public', ownerId: null, code: null, maxPlayers: 2, options: { killTarget: 0, timeLimitS }, autoStart: true, seed: 3 },
    {
      scheduler,
      metrics: createMetrics(),
      log: createLogger({ logLevel: 'silent', nodeId: 'test' }),
      clock: () => now,
      timing,
      events,
      transport: players.transport,
      spectators: watchers.transport,
      hooks: { changed: nothing, seatReleased: nothing, ended: nothing, disposed: nothing },
    },
  );
  const ann = { guestId: 'g-ann', nickname: 'Ann' };
  host.claim(ann);
  host.attach('c-ann', ann);
  host.addBot();
  let seq = 0;
  return {
    host,
    players,
    watchers,
    tick(n: number) {
      for (let i = 0; i < n; i++) {
        host.pushInput('c-ann', { seq: ++seq, clientTick: host.currentTick, buttons: Button.Right | (seq % 7 === 0 ? Button.Fire : 0), aim: 0.3 } as never);
        now += 1000 / TICK_RATE;
        for (const t of [...tasks]) t.tick(now);
      }
    },
  };
}

const pose = (s: Snapshot) => ({ tick: s.tick, phase: s.phase, players: s.players.map((p) => [p.id, p.x, p.y, p.hp, p.alive]) });

describe('delayed spectating', () => {
  it('a spectator sees the match exactly as the players saw it, SPECTATOR_DELAY_S earlier', () => {
    const m = match(2);
    m.tick(5);
    expect(m.host.spectate('s1')).toMatchObject({ ok: true, role: 'spectator' });
    m.tick(60);
    const theirs = m.players.shown('c-ann');
    const mine = m.watchers.shown('s1');
    expect(theirs.at(-1)!.tick - mine.at(-1)!.tick).toBe(2 * TICK_RATE);
    // Nothing newer than the delay ever reached the spectator, and what did is the players' view.
    const byTick = new Map(theirs.map((s) => [s.tick, s]));
    for (const s of mine) expect(pose(s)).toEqual(pose(byTick.get(s.tick)!));
    // Off the players' stream: the spectator's socket is in the spectators' room only.
    expect(m.players.shown('s1')).toEqual([]);
  });

  it('the end reaches spectators after it ended, then the match goes', () => {
    const m = match(1, 3);
    m.host.spectate('s1');
    m.tick(3 * TICK_RATE + 4);
    expect(m.host.state).toBe('ended');
    const end = m.players.shown('c-ann').at(-1)!;
    m.tick(TICK_RATE + 2);
    expect(m.watchers.shown('s1').at(-1)!.tick).toBe(end.tick);
    expect(pose(m.watchers.shown('s1').at(-1)!)).toEqual(pose(end));
  });

  it('with SPECTATOR_DELAY_S=0 spectators share the players\u2019 live stream', () => {
    const m = match(0);
    m.host.spectate('s1');
    m.tick(10);
    expect(m.watchers.shown('s1')).toEqual([]);
    expect(m.players.shown('s1').at(-1)!.tick).toBe(m.players.shown('c-ann').at(-1)!.tick);
  });

  it('nobody watching: nothing is held or encoded; a spectator\u2019s stream starts the delay after they arrive', () => {
    const published: number[] = [];
    const stream: SpectatorStream = { add: () => {}, remove: () => {}, publish: (s) => void published.push(s.tick) };
    const d = new DelayedSpectators(stream, 3);
    const at = (tick: number) => ({ tick, serverTime: tick * 100, phase: 2, phaseEndTick: 0 }) as SnapshotHeader;
    for (let t = 1; t <= 10; t++) d.push(at(t));
    expect(published).toEqual([]);
    expect(d.pending).toBe(0);
    d.add('s1');
    for (let t = 11; t <= 14; t++) d.push(at(t));
    // Tick 11 was the first queued; it is 3 ticks old at tick 14.
    expect(published).toEqual([11]);
    d.drain();
    d.drain();
    d.drain();
    d.drain();
    expect(published).toEqual([11, 12, 13, 14]);
    expect(d.pending).toBe(0);
    // The last spectator gone, what was queued for them is let go.
    d.push(at(15));
    d.push(at(16));
    expect(d.pending).toBe(2);
    d.remove('s1');
    expect(d.pending).toBe(0);
  });
});
