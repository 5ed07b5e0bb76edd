/**
 * Arena moved behind the game boundary (shared/games/arena/index.ts) with no change in bytes.
 * The golden hash was taken at commit 2db28c5, before the move, from the same recording, and
 * taken again when snapshot version 4 added hit and blocked-shot events (a change of format
 * meant to change the bytes): any other change to the sim, the snapshot builder or the codec
 * changes it. The second test drives the
 * same match once through the sim directly and once through the GameDefinition, as the server
 * does, and the bytes must be the same: the adapter adds nothing and loses nothing.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { arena } from '../../shared/games/arena/index.ts';
import { addPlayer, arenaMap, Button, createWorld, defaultRules, step, type PlayerInput } from '../../shared/games/arena/sim/index.ts';
import { buildSnapshot } from '../../shared/games/arena/snapshot-builder.ts';
import { snapshotEventsOf } from '../../shared/games/arena/snapshot-events.ts';
import { encodeDelta, encodeKeyframe } from '../../shared/games/arena/snapshot-codec.ts';
import { MatchPhase, type Snapshot } from '../../shared/games/arena/snapshot.ts';
import { recordArena } from './arena-recording.ts';

const GOLDEN_RECORDING_SHA256 = 'b32b90ce2f153979b3e6218ecb512328a53e7b8374a70c7f4c2f1a0fdee7e9b2';

function streamHash(snapshots: Snapshot[]): string {
  const h = createHash('sha256');
  snapshots.forEach((s, i) => {
    h.update(encodeKeyframe(s));
    if (i > 0) h.update(encodeDelta(snapshots[i - 1]!, s));
  });
  return h.digest('hex');
}

describe('Arena behind the game boundary', () => {
  it('encodes the recorded 16-player match to the same bytes as before the move', () => {
    expect(streamHash(recordArena({ ticks: 300 }))).toBe(GOLDEN_RECORDING_SHA256);
  });

  it('gives the same snapshots through the GameDefinition as through the sim directly', () => {
    const tickRate = 20;
    const seed = 11;
    const players = 8;
    // Walk a square, and shoot at the nearest player of the path's own last snapshot: if the two
    // paths ever differ, so do the commands, and the hashes below.
    const command = (slot: number, t: number, last: Snapshot | undefined) => {
      const me = last?.players.find((p) => p.id === slot);
      let aim = 0;
      let best = Infinity;
      for (const o of last?.players ?? []) {
        const d = me ? (o.x - me.x) ** 2 + (o.y - me.y) ** 2 : Infinity;
        if (me && o.id !== slot && o.alive && d < best) {
          best = d;
          aim = Math.atan2(o.y - me.y, o.x - me.x);
        }
      }
      return { buttons: [Button.Up, Button.Right, Button.Down, Button.Left][(slot + (t >> 4)) % 4]! | Button.Fire, aim };
    };

    // Directly: the sim and the snapshot builder.
    const world = createWorld({ seed, rules: { ...defaultRules(tickRate), killTarget: 20, timeLimitS: 300 }, map: arenaMap() });
    for (let slot = 0; slot < players; slot++) addPlayer(world, slot);
    const direct: Snapshot[] = [];
    for (let t = 1; t <= 400; t++) {
      const inputs = new Map<number, PlayerInput>();
      const seq = new Map<number, number>();
      for (let slot = 0; slot < players; slot++) {
        inputs.set(slot, { ...command(slot, t, direct.at(-1)), viewDelayTicks: 2 });
        seq.set(slot, t);
      }
      const events = step(world, inputs);
      direct.push(buildSnapshot(world, direct.at(-1) ?? null, { serverTime: t * 50, phase: MatchPhase.Playing, phaseEndTick: 0, lastInputSeq: seq, events: snapshotEventsOf(events) }));
    }

    // Through the boundary, as the server's runner calls it.
    const state = arena.create({ options: { killTarget: 20, timeLimitS: 300 }, seed, tickRate });
    for (let slot = 0; slot < players; slot++) arena.addPlayer(state, slot);
    const viaGame: Snapshot[] = [];
    for (let t = 1; t <= 400; t++) {
      // clientTick two ticks back: the adapter turns it into viewDelayTicks 2.
      for (let slot = 0; slot < players; slot++) arena.applyInput(state, slot, { seq: t, clientTick: t - 2, ...command(slot, t, viaGame.at(-1)) });
      arena.step(state, true);
      const applied = new Map(Array.from({ length: players }, (_, slot) => [slot, t]));
      viaGame.push(arena.snapshot(state, viaGame.at(-1) ?? null, { serverTime: t * 50, phase: MatchPhase.Playing, phaseEndTick: 0, lastInputSeq: applied }));
    }

    expect(viaGame.some((s) => s.events.length > 0)).toBe(true);
    expect(streamHash(viaGame)).toBe(streamHash(direct));
  });
});
