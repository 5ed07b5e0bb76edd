/**
 * The codec on real play rather than random data: 8 seeded bots over several rounds, players
 * leaving and joining, every snapshot chained through keyframes and deltas as a client gets
 * them. Random data rarely makes what play makes all the time (a head one cell further, a round
 * starting over), so those paths are checked here, with the sizes they come to.
 */
import { describe, expect, it } from 'vitest';
import { cycles } from './index.ts';
import type { CyclesSnapshot } from './snapshot.ts';
import { applyScript, Crowd, snapshotOf } from './test-support.ts';

function playMatch(ticks: number): CyclesSnapshot[] {
  const state = cycles.create({ options: { roundsToWin: 20, timeLimitS: 0 }, seed: 11, tickRate: 20 });
  for (let slot = 0; slot < 8; slot++) cycles.addPlayer(state, slot);
  cycles.beginPlay(state);
  const crowd = new Crowd({ rngState: 99 }, 0.005);
  const seqs = new Map<number, number>();
  const out: CyclesSnapshot[] = [];
  let view: CyclesSnapshot | null = null;
  for (let t = 0; t < ticks; t++) {
    const script = crowd.next(state, view);
    applyScript(state, script);
    for (const i of script.inputs) seqs.set(i.slot, i.input.seq);
    cycles.step(state, true);
    view = snapshotOf(state, view, seqs);
    out.push(view);
  }
  return out;
}

describe('cycles snapshot codec on a bot match', () => {
  const match = playMatch(2400);
  const codec = cycles.snapshotCodec;

  it('decodes every snapshot of the chain exactly, keyframe every 20 ticks', () => {
    let held: CyclesSnapshot | null = null;
    match.forEach((s, i) => {
      const bytes = i % 20 === 0 || !held ? codec.encodeKeyframe(s) : codec.encodeDelta(match[i - 1]!, s);
      const decoded = codec.decode(bytes, held);
      if (!decoded.ok) throw new Error(`${decoded.code} at tick ${s.tick}: ${decoded.message}`);
      expect(decoded.value).toEqual(s);
      held = decoded.value;
    });
    // Not vacuous: rounds turned over, cycles crashed, players came and went.
    expect(match.at(-1)!.round).toBeGreaterThan(4);
    expect(match.some((s) => s.events.some((e) => e.type === 'crash' && e.killer !== null))).toBe(true);
    expect(match.some((s) => s.players.some((p) => !p.present))).toBe(true);
  });

  it('keeps deltas small: trails travel as the cells a head moved, not as polylines', () => {
    const sizes = match.slice(1).map((s, i) => codec.encodeDelta(match[i]!, s).length);
    const inRound = match.slice(1).flatMap((s, i) => (s.round === match[i]!.round ? [sizes[i]!] : []));
    const mean = inRound.reduce((a, b) => a + b, 0) / inRound.length;
    // 8 players at ~10 bits each plus a 4-byte frame.
    expect(mean).toBeLessThan(16);
    const keyframes = match.map((s) => codec.encodeKeyframe(s).length);
    expect(Math.max(...keyframes)).toBeLessThan(1000);
  });
});
