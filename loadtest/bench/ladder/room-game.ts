/**
 * What a rung server does per room: seat players, take their inputs, and produce the state
 * bytes to broadcast each tick. Two kinds:
 *
 * - RecordedRoom (rungs 1-4): replays the bytes the real codec produced for a recorded
 *   16-player Arena match (keyframe once a second, deltas in between), so every transport rung
 *   carries the game's real message sizes while doing no game work. Inputs are decoded and the
 *   latest kept, as cheaply as any server could.
 * - ArenaRoom (rung 5): the game's own per-tick work, imported rather than copied: the server's
 *   `MatchRunner` with the Arena game (input queues, phase, `step` with lag-compensation history,
 *   the snapshot) and the snapshot codec, exactly as `MatchHost.tick` and
 *   `SnapshotFanout.publish` call them, minus sockets, metrics and the lobby.
 */
import { arena } from '../../../shared/games/arena/index.ts';
import { decodeInput, type InputMessage } from '../../../shared/games/arena/input-codec.ts';
import { encodeDelta, encodeKeyframe } from '../../../shared/games/arena/snapshot-codec.ts';
import type { Snapshot } from '../../../shared/games/arena/snapshot.ts';
import { MatchRunner } from '../../../server/match/match-runner.ts';
import { recordArena } from '../arena-recording.ts';

export interface RoomGame {
  /** Seats a new connection; returns its slot. */
  seat(): number;
  leave(slot: number): void;
  /** One input frame's payload from `slot` (14 bytes). */
  input(slot: number, bytes: Uint8Array): void;
  /** The state bytes to broadcast for this tick, or null. */
  tick(scheduledAt: number): Uint8Array | null;
}

/** Counters shared by every room of a server, read by the ladder between two samples. */
export interface GameCounters {
  inputs: number;
  badInputs: number;
  broadcasts: number;
  stateBytes: number;
}

export function newCounters(): GameCounters {
  return { inputs: 0, badInputs: 0, broadcasts: 0, stateBytes: 0 };
}

/**
 * The recorded match, encoded once per process: 300 snapshots after the first 5 s (the codec
 * benchmark's recording), a keyframe every `keyframeEvery`. 300 is a multiple of 20, so the
 * keyframe cadence survives the wrap-around.
 */
export function recordedStateBytes(tickRate: number, keyframeEvery: number): Uint8Array[] {
  const snapshots = recordArena({ players: 16, tickRate, ticks: 400 }).slice(100);
  const out: Uint8Array[] = [];
  let base: Snapshot | null = null;
  snapshots.forEach((s: Snapshot, i: number) => {
    out.push(base === null || i % keyframeEvery === 0 ? encodeKeyframe(s) : encodeDelta(base, s));
    base = s;
  });
  return out;
}

export class RecordedRoom implements RoomGame {
  private next = 0;
  private slots = 0;
  /** The latest input of each slot: what a server would hand its simulation. */
  readonly latest: (InputMessage | undefined)[] = [];

  constructor(
    private readonly stream: readonly Uint8Array[],
    private readonly counters: GameCounters,
    startAt: number,
  ) {
    this.next = startAt % stream.length;
  }

  seat(): number {
    return this.slots++;
  }

  leave(slot: number): void {
    this.latest[slot] = undefined;
  }

  input(slot: number, bytes: Uint8Array): void {
    const decoded = decodeInput(bytes);
    if (!decoded.ok) {
      this.counters.badInputs++;
      return;
    }
    this.counters.inputs++;
    this.latest[slot] = decoded.value;
  }

  tick(): Uint8Array {
    const bytes = this.stream[this.next]!;
    this.next = (this.next + 1) % this.stream.length;
    this.counters.broadcasts++;
    this.counters.stateBytes += bytes.length;
    return bytes;
  }
}

export class ArenaRoom implements RoomGame {
  private readonly match: MatchRunner;
  private readonly taken = new Set<number>();
  private base: Snapshot | null = null;
  private lastKeyframeTick = -Infinity;
  private seated = 0;

  constructor(
    id: string,
    seed: number,
    tickRate: number,
    private readonly keyframeEvery: number,
    private readonly counters: GameCounters,
    maxPlayers = 16,
  ) {
    // No kill target and no time limit: a steady state for the whole window (the real game
    // ends a match at 20 kills and the bots queue again; rung 6 includes that).
    void id;
    this.maxPlayers = maxPlayers;
    this.match = new MatchRunner({
      game: arena,
      state: arena.create({ options: { killTarget: 0, timeLimitS: 0 }, seed, tickRate }),
      inputQueueSize: 8,
      snapshotEvery: 1,
      countdownTicks: 0,
      autoStart: true,
      arrivalTicks: 0,
      readiness: () => ({ seatedHumans: this.taken.size, presentHumans: this.taken.size, full: this.taken.size >= this.maxPlayers }),
    });
  }

  private readonly maxPlayers: number;

  seat(): number {
    let slot = 0;
    while (this.taken.has(slot)) slot++;
    if (slot >= this.maxPlayers) throw new Error('room full');
    this.taken.add(slot);
    this.seated++;
    this.match.enter(slot);
    return slot;
  }

  leave(slot: number): void {
    this.taken.delete(slot);
    this.match.exit(slot, 'gone');
  }

  input(slot: number, bytes: Uint8Array): void {
    const decoded = decodeInput(bytes);
    if (!decoded.ok) {
      this.counters.badInputs++;
      return;
    }
    this.counters.inputs++;
    this.match.pushInput(slot, decoded.value);
  }

  tick(scheduledAt: number): Uint8Array | null {
    const { snapshot: header } = this.match.tick(scheduledAt);
    if (!header) return null;
    const snapshot = header as Snapshot;
    const isKey = this.base === null || snapshot.tick - this.lastKeyframeTick >= this.keyframeEvery;
    const bytes = isKey ? encodeKeyframe(snapshot) : encodeDelta(this.base!, snapshot);
    if (isKey) this.lastKeyframeTick = snapshot.tick;
    this.base = snapshot;
    this.counters.broadcasts++;
    this.counters.stateBytes += bytes.length;
    return bytes;
  }
}
