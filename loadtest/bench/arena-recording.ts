/**
 * A recorded 16-player Arena match for benchmarks: the real simulation and the server's snapshot
 * builder, players moving in a direction for a while, aiming at the nearest enemy and firing.
 */
import { addPlayer, arenaMap, Button, createWorld, defaultRules, nextRandom, step, type PlayerInput } from '../../shared/games/arena/sim/index.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { MatchPhase } from '../../shared/games/arena/snapshot.ts';
import { buildSnapshot } from '../../shared/games/arena/snapshot-builder.ts';
import { snapshotEventsOf } from '../../shared/games/arena/snapshot-events.ts';

const DIRECTIONS = [Button.Up, Button.Down, Button.Left, Button.Right, Button.Up | Button.Left, Button.Up | Button.Right, Button.Down | Button.Left, Button.Down | Button.Right, 0];

export function recordArena(opts: { players?: number; tickRate?: number; ticks?: number; seed?: number } = {}): Snapshot[] {
  const players = opts.players ?? 16;
  const tickRate = opts.tickRate ?? 20;
  const world = createWorld({ seed: opts.seed ?? 7, rules: defaultRules(tickRate), map: arenaMap() });
  const behaviour = { rngState: 12345 };
  for (let id = 0; id < players; id++) addPlayer(world, id);
  const heading = new Map<number, number>();
  const seq = new Map<number, number>();
  const snapshots: Snapshot[] = [];
  let previous: Snapshot | null = null;
  for (let t = 0; t < (opts.ticks ?? 400); t++) {
    const inputs = new Map<number, PlayerInput>();
    for (const p of world.players) {
      // Change direction about once a second, like a person dodging.
      if (!heading.has(p.id) || nextRandom(behaviour) < 1 / tickRate) {
        heading.set(p.id, DIRECTIONS[Math.floor(nextRandom(behaviour) * DIRECTIONS.length)]!);
      }
      let target = world.players[0]!;
      let best = Infinity;
      for (const q of world.players) {
        const d = (q.x - p.x) ** 2 + (q.y - p.y) ** 2;
        if (q.id !== p.id && q.alive && d < best) {
          best = d;
          target = q;
        }
      }
      inputs.set(p.id, { buttons: heading.get(p.id)! | Button.Fire, aim: Math.atan2(target.y - p.y, target.x - p.x), viewDelayTicks: 2 });
      seq.set(p.id, (seq.get(p.id) ?? 0) + 1);
    }
    const events = step(world, inputs);
    previous = buildSnapshot(world, previous, {
      serverTime: 1_700_000_000_000 + Math.round((t * 1000) / tickRate),
      phase: MatchPhase.Playing,
      phaseEndTick: 0,
      lastInputSeq: seq,
      events: snapshotEventsOf(events),
    });
    snapshots.push(previous);
  }
  return snapshots;
}
