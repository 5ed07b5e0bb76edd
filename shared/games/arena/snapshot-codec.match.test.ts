/**
 * The codec on a real match rather than random data: 16 seeded bots playing the real simulation,
 * every snapshot chained through keyframes and deltas must decode to exactly what was encoded.
 * Random data rarely hits the paths real play takes all the time (shots leaving the muzzle along
 * the owner's aim), so they are checked here.
 */
import { describe, expect, it } from 'vitest';
import { BotBrain } from './bot-brain.ts';
import { addPlayer, arenaMap, createWorld, defaultRules, step, type PlayerInput } from './sim/index.ts';
import { decodeSnapshot, encodeDelta, encodeKeyframe, quantizeAim } from './snapshot-codec.ts';
import { buildSnapshot } from './snapshot-builder.ts';
import { MatchPhase, type Snapshot } from './snapshot.ts';

function playMatch(ticks: number): Snapshot[] {
  const world = createWorld({ seed: 3, rules: defaultRules(20), map: arenaMap() });
  const brains = Array.from({ length: 16 }, (_, id) => {
    addPlayer(world, id);
    return new BotBrain({ seed: 100 + id, behaviour: 'play', rules: world.rules, map: world.map });
  });
  const out: Snapshot[] = [];
  let prev: Snapshot | null = null;
  for (let t = 1; t <= ticks; t++) {
    const inputs = new Map<number, PlayerInput>();
    for (const p of world.players) {
      const me = prev?.players.find((q) => q.id === p.id) ?? null;
      const cmd = brains[p.id]!.think({ tick: world.tick + 1, observedTick: prev?.tick ?? -1, me, others: prev?.players ?? [] });
      inputs.set(p.id, { ...cmd, viewDelayTicks: 2 });
    }
    step(world, inputs);
    prev = buildSnapshot(world, prev, {
      serverTime: 1_700_000_000_000 + world.tick * 50,
      phase: MatchPhase.Playing,
      phaseEndTick: 0,
      lastInputSeq: new Map(world.players.map((p) => [p.id, t])),
      events: [],
    });
    out.push(prev);
  }
  return out;
}

describe('snapshot codec on a 16-bot match', () => {
  const match = playMatch(400);

  it('decodes every snapshot of the chain exactly, keyframe every 20 ticks', () => {
    // As in production: the server encodes against its own previous snapshot (full-precision
    // aim), the client decodes against what it decoded before. Aim is compared on its 1/256-turn grid.
    const seen = (x: Snapshot) => ({ ...x, players: x.players.map((p) => ({ ...p, aim: quantizeAim(p.aim) })) });
    let held: Snapshot | null = null;
    match.forEach((s, i) => {
      const bytes = i % 20 === 0 || !held ? encodeKeyframe(s) : encodeDelta(match[i - 1]!, s);
      const decoded = decodeSnapshot(bytes, held);
      if (!decoded.ok) throw new Error(`${decoded.code} at tick ${s.tick}: ${decoded.message}`);
      expect(seen(decoded.value)).toEqual(seen(s));
      held = decoded.value;
    });
  });

  it('sends a shot that left its owner’s muzzle in a couple of bytes', () => {
    // Spawns happen nearly every tick; with the muzzle learnt from the previous snapshot a shot
    // costs about 16 bits (id, owner, age, angle from the aim, one muzzle bit), not 43.
    const spawns = match.slice(1).map((s, i) => s.projectiles.filter((p) => !match[i]!.projectiles.some((q) => q.id === p.id)).length);
    const withShots = match.slice(1).filter((_, i) => spawns[i]! > 0).length;
    expect(withShots / spawns.length).toBeGreaterThan(0.5);
    const sizes = match.slice(100).map((s, i) => encodeDelta(match[99 + i]!, s).length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeLessThan(55);
  });
});
