/**
 * Checkpoints: a match saved through JSON and restored must go on exactly like the original,
 * down to every snapshot byte, and garbage must be refused, not adopted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cycles } from './index.ts';
import type { CyclesSnapshot } from './snapshot.ts';
import type { CyclesState } from './state.ts';
import { Dir } from './direction.ts';
import { applyScript, Crowd, parkedMatch, place, snapshotOf } from './test-support.ts';

interface Played {
  state: CyclesState;
  view: CyclesSnapshot | null;
  seqs: Map<number, number>;
}

/** Steps one tick the way the framework does: inputs, step, snapshot (keyframe and delta bytes). */
function tickOnce(p: Played, script: ReturnType<Crowd['next']>, playing: boolean): Uint8Array[] {
  if (playing) {
    applyScript(p.state, script);
    for (const i of script.inputs) p.seqs.set(i.slot, i.input.seq);
  } else {
    for (const slot of script.joins) cycles.addPlayer(p.state, slot);
  }
  cycles.step(p.state, playing);
  const previous = p.view;
  p.view = snapshotOf(p.state, previous, p.seqs);
  const codec = cycles.snapshotCodec;
  return [codec.encodeKeyframe(p.view), ...(previous ? [codec.encodeDelta(previous, p.view)] : [])];
}

function newMatch(seed: number, tickRate: number, options: Record<string, number>, countdown: number): { p: Played; crowd: Crowd } {
  const state = cycles.create({ options, seed, tickRate });
  const crowd = new Crowd({ rngState: seed ^ 0x5eed }, 0.02);
  const p: Played = { state, view: null, seqs: new Map() };
  cycles.addPlayer(state, 0);
  cycles.addPlayer(state, 1);
  for (let i = 0; i < countdown; i++) tickOnce(p, crowd.next(state, p.view), false);
  cycles.beginPlay(state);
  return { p, crowd };
}

describe('toState / fromState', () => {
  it('a restored checkpoint plays on exactly like the original', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.constantFrom(12, 20, 30, 60),
        fc.record({ roundsToWin: fc.integer({ min: 1, max: 4 }), timeLimitS: fc.constantFrom(0, 5, 20) }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 200 }),
        (seed, tickRate, options, countdown, before, after) => {
          const { p, crowd } = newMatch(seed, tickRate, options, countdown);
          for (let t = 0; t < before; t++) tickOnce(p, crowd.next(p.state, p.view), true);

          const saved = JSON.parse(JSON.stringify(cycles.toState(p.state)));
          const restored = cycles.fromState(saved);
          if (!restored.ok) throw new Error(restored.message);
          const q: Played = { state: restored.value, view: p.view, seqs: new Map(p.seqs) };
          expect(cycles.toState(q.state)).toEqual(cycles.toState(p.state));

          for (let t = 0; t < after; t++) {
            const script = crowd.next(p.state, p.view);
            const a = tickOnce(p, script, true);
            const b = tickOnce(q, script, true);
            expect(b).toEqual(a);
          }
          expect(JSON.stringify(cycles.toState(q.state))).toBe(JSON.stringify(cycles.toState(p.state)));
          expect(Array.from(q.state.grid.cells)).toEqual(Array.from(p.state.grid.cells));
        },
      ),
      { numRuns: 60 },
    );
  }, 30_000);

  it('keeps recent events: a crash on a tick without a snapshot reaches the next snapshot of the restored match', () => {
    const s = parkedMatch([0, 1, 2]);
    const before = snapshotOf(s, null);
    place(s, 0, 95, 10, Dir.Right);
    cycles.step(s, true); // the crash; the framework sends no snapshot this tick
    const restored = cycles.fromState(JSON.parse(JSON.stringify(cycles.toState(s))));
    if (!restored.ok) throw new Error(restored.message);
    cycles.step(restored.value, true);
    expect(snapshotOf(restored.value, before).events).toEqual([{ type: 'crash', victim: 0, killer: null }]);
  });

  it('the same seed and inputs give the same match, bit for bit; a different seed another', () => {
    const play = (seed: number): string => {
      const { p, crowd } = newMatch(seed, 20, { roundsToWin: 20, timeLimitS: 0 }, 3);
      for (let t = 0; t < 800; t++) tickOnce(p, crowd.next(p.state, p.view), true);
      expect(p.state.round).toBeGreaterThan(1); // not vacuous: rounds were played
      return JSON.stringify(cycles.toState(p.state));
    };
    expect(play(7)).toBe(play(7));
    const spawns = (seed: number) => {
      const s = cycles.create({ options: {}, seed, tickRate: 20 });
      for (let slot = 0; slot < 4; slot++) cycles.addPlayer(s, slot);
      cycles.beginPlay(s);
      return s.seats.map((x) => x.trail);
    };
    expect(spawns(1)).toEqual(spawns(1));
    expect(spawns(1)).not.toEqual(spawns(2));
  });

  it('refuses garbage with an error, never a broken state', () => {
    const { p, crowd } = newMatch(3, 20, {}, 0);
    for (let t = 0; t < 100; t++) tickOnce(p, crowd.next(p.state, p.view), true);
    const good = JSON.parse(JSON.stringify(cycles.toState(p.state)));
    const broken: unknown[] = [
      null,
      42,
      'state',
      [],
      {},
      { ...good, format: 'cycles/0' },
      { ...good, tickRate: 0 },
      { ...good, roundsToWin: 0, timeLimitS: 0 },
      { ...good, roundState: 'over' },
      { ...good, tick: -1 },
      { ...good, pending: [] },
      { ...good, seats: 'none' },
      { ...good, seats: [...good.seats].reverse() },
      { ...good, seats: [{ ...good.seats[0], trail: [1, 1, 2, 2] }] },
      { ...good, seats: [{ ...good.seats[0], trail: [200, 1] }] },
      { ...good, seats: [{ ...good.seats[0], dir: 0 }] },
      { ...good, seats: [{ ...good.seats[0], progress: 1e9 }] },
      { ...good, seats: [{ ...good.seats[0], alive: true, trail: [] }] },
      { ...good, seats: good.seats.map((s: { trail: number[] }) => ({ ...s, trail: [5, 5] })) },
      { ...good, events: [{ tick: 1, type: 'boom' }] },
    ];
    for (const data of broken) {
      const r = cycles.fromState(data);
      expect(r.ok, JSON.stringify(data)?.slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.code).toBe('BAD_STATE');
    }
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(cycles.fromState(v).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
