/**
 * A match on a MatchHost driven tick by tick, recorded into a memory replay store: one human
 * playing seeded random commands (or the game's bot brain) and server bots, the way the node runs
 * it but without sockets. For the replay tests: record, fail over, then verify the file.
 */
import type { AnyGame } from '../../shared/game/game-definition.ts';
import type { Replay } from '../../shared/replay/replay-format.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../server/cluster/checkpoint-codec.ts';
import { createLogger } from '../../server/log.ts';
import type { MatchEvents } from '../../server/match/match-events.ts';
import { MatchHost, type MatchCheckpoint, type MatchTiming } from '../../server/match/match-host.ts';
import type { TickScheduler, TickTask } from '../../server/match/scheduler.ts';
import type { FanoutTransport } from '../../server/match/snapshot-fanout.ts';
import { createMetrics } from '../../server/metrics.ts';
import type { ReplayRecording } from '../../server/replay/match-recorder.ts';
import { MemoryReplayStore, type ReplayStore } from '../../server/replay/replay-store.ts';

export const TICK_RATE = 10;

const timing: MatchTiming = {
  tickRate: TICK_RATE,
  snapshotEvery: 1,
  keyframeIntervalS: 1,
  countdownMs: 300,
  graceMs: 5000,
  endedLingerMs: 200,
  inputQueueSize: 4,
  maxSpectators: 1,
};

const events: MatchEvents = {
  roster: () => {},
  presence: () => {},
  phase: () => {},
  ended: () => {},
  serverTick: () => {},
  admit: () => false,
  dismiss: () => {},
  replaced: () => {},
};

const transport: FanoutTransport = {
  broadcast: () => 0,
  send: () => {},
  subscribe: () => {},
  unsubscribe: () => {},
  isBackedUp: () => false,
  isDrained: () => true,
};

export interface RecordedMatchOptions {
  game: AnyGame;
  /** Seats of the match; default bots + 1. */
  seats?: number;
  seed: number;
  bots: number;
  options?: Record<string, number>;
  visibility?: 'public' | 'private';
  /** The human's command for a tick (null: sends nothing that tick). */
  command: (tick: number) => object | null;
}

/**
 * One node: its scheduler, its clock, its hosts. Two of them on one store make a failover.
 * `store` null: matches are not recorded (the benchmark's baseline).
 */
export function testNode(store: ReplayStore | null, clock: { now: number }, tickRate = TICK_RATE, extra: Pick<ReplayRecording, 'killcams'> = {}) {
  const tasks = new Set<TickTask>();
  const scheduler = {
    add(task: TickTask) {
      tasks.add(task);
      return () => void tasks.delete(task);
    },
  } as unknown as TickScheduler;
  const replays: ReplayRecording | null = store && {
    store,
    log: createLogger({ logLevel: 'silent', nodeId: 'test' }),
    now: () => clock.now,
    checkpointEveryTicks: 10 * tickRate,
    flushEveryTicks: tickRate,
    ...extra,
  };
  const deps = {
    scheduler,
    metrics: createMetrics(),
    log: createLogger({ logLevel: 'silent', nodeId: 'test' }),
    clock: () => clock.now,
    timing: { ...timing, tickRate },
    events,
    transport,
    hooks: { changed: () => {}, seatReleased: () => {}, ended: () => {}, disposed: () => {} },
    replays,
  };
  let opened = 0;
  return {
    open(o: RecordedMatchOptions): MatchHost {
      const mode = o.game.modes[0]!;
      return new MatchHost(
        {
          id: `m-${o.seed}-${opened++}`,
          game: o.game,
          mode: mode.id,
          visibility: o.visibility ?? 'public',
          ownerId: null,
          code: null,
          maxPlayers: o.seats ?? Math.min(mode.maxPlayers, o.bots + 1),
          options: { ...mode.options, ...o.options },
          autoStart: true,
          seed: o.seed,
        },
        deps,
      );
    },
    adopt(o: RecordedMatchOptions, cp: MatchCheckpoint): MatchHost {
      return new MatchHost({ ...cp.spec, game: o.game }, deps, cp);
    },
    /** One tick of every match this node runs. */
    tick(): void {
      for (const task of [...tasks]) task.tick(clock.now);
    },
  };
}

export const ANN = { guestId: 'g-ann', nickname: 'Ann' };

/**
 * Plays a whole match: Ann joins, bots fill, Ann sends `command` each tick until the match ends
 * (its time limit). `failoverAt`: at that tick, the match's checkpoint goes (through the
 * checkpoint codec, as through Redis) to a second node, which adopts it; the first node carries on for `staleTicks`
 * more ticks, as an owner that has not yet noticed, and stops. Returns the stored replay.
 */
export async function playRecordedMatch(o: RecordedMatchOptions & { failoverAt?: number; staleTicks?: number; maxTicks?: number; leaveAt?: number }): Promise<{ replay: Replay; guestIds: string[]; store: ReplayStore; ticks: number }> {
  const store = new MemoryReplayStore({ maxCount: 10, maxAgeMs: 86_400_000 });
  const clock = { now: 1_800_000_000_000 };
  const nodeA = testNode(store, clock);
  const nodeB = testNode(store, clock);
  let host = nodeA.open(o);
  const replayId = host.replayId;
  host.claim(ANN);
  host.attach('c-ann', ANN);
  for (let i = 0; i < o.bots; i++) host.addBot();
  let seq = 0;
  let stale: MatchHost | null = null;
  let staleLeft = o.staleTicks ?? 0;
  const maxTicks = o.maxTicks ?? 100_000;
  while (host.state !== 'ended' && host.state !== 'disposed' && host.currentTick < maxTicks) {
    const tick = host.currentTick;
    const command = o.command(tick + 1);
    if (command) host.pushInput('c-ann', { clientTick: Math.max(0, tick - 1), ...command, seq: ++seq });
    if (tick === o.leaveAt) host.detach('c-ann', 'leave');
    clock.now += 1000 / TICK_RATE;
    nodeA.tick();
    nodeB.tick();
    if (o.failoverAt !== undefined && tick + 1 === o.failoverAt && !stale) {
      await host.replaySettled();
      const decoded = decodeCheckpoint(encodeCheckpoint(host.checkpoint()));
      if (!decoded.ok) throw new Error(decoded.message);
      const cp = decoded.checkpoint;
      stale = host;
      host = nodeB.adopt(o, cp);
      // Ann's client reconnects to the adopting node; its inputs are numbered from 1 again.
      host.attach('c-ann', ANN);
      seq = 0;
    }
    if (stale && staleLeft-- <= 0) {
      stale.abandon();
      await stale.replaySettled();
    }
    await Promise.resolve();
  }
  await host.replaySettled();
  const stored = await store.get(replayId!);
  if (!stored) throw new Error('the replay was not stored');
  return { ...stored, store, ticks: host.currentTick };
}
