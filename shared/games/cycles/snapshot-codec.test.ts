import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DX, DY, clockwise, counterClockwise, type Dir } from './direction.ts';
import { ENERGY_LEVELS, GRID_HEIGHT, GRID_WIDTH } from './rules.ts';
import { decodeSnapshot, encodeDelta, encodeKeyframe, peekSnapshot } from './snapshot-codec.ts';
import type { CyclePlayer, CyclesSnapshot, CyclesSnapshotEvent } from './snapshot.ts';
import { extendTrail, isWellFormedTrail } from './trail.ts';

// ---------- generators: snapshots the sim could make (well-formed trails inside the arena) ----------

const dirArb = fc.constantFrom<Dir>(1, 2, 3, 4);
const segmentArb = fc.record({ turn: fc.boolean(), cells: fc.integer({ min: 1, max: 40 }) });

/** Cells free of the wall from (x, y) along `dir`. */
function room(x: number, y: number, dir: Dir): number {
  if (dir === 1) return y;
  if (dir === 2) return GRID_WIDTH - 1 - x;
  if (dir === 3) return GRID_HEIGHT - 1 - y;
  return x;
}

/** Grows `trail` by segments, each turned from the last (a segment that would hit the wall is skipped). */
function grow(trail: number[], first: Dir, segments: readonly { turn: boolean; cells: number }[], straightFirst: boolean): number[] {
  let prev: Dir | 0 = trail.length >= 4 ? lastDir(trail) : 0;
  segments.forEach((s, i) => {
    const dir: Dir = prev === 0 ? first : i === 0 && straightFirst ? prev : s.turn ? clockwise(prev) : counterClockwise(prev);
    const n = trail.length;
    const cells = Math.min(s.cells, room(trail[n - 2]!, trail[n - 1]!, dir));
    if (cells === 0) return;
    extendTrail(trail, dir, cells);
    prev = dir;
  });
  return trail;
}

function lastDir(trail: readonly number[]): Dir {
  const n = trail.length;
  const dx = Math.sign(trail[n - 2]! - trail[n - 4]!);
  const dy = Math.sign(trail[n - 1]! - trail[n - 3]!);
  return ([1, 2, 3, 4] as Dir[]).find((d) => DX[d] === dx && DY[d] === dy)!;
}

const trailArb: fc.Arbitrary<number[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<number[]>([]) },
  {
    weight: 5,
    arbitrary: fc
      .record({
        x: fc.integer({ min: 0, max: GRID_WIDTH - 1 }),
        y: fc.integer({ min: 0, max: GRID_HEIGHT - 1 }),
        first: dirArb,
        segments: fc.array(segmentArb, { maxLength: 30 }),
      })
      .map(({ x, y, first, segments }) => grow([x, y], first, segments, false)),
  },
);

const withHead = (p: Omit<CyclePlayer, 'x' | 'y'>): CyclePlayer => {
  const n = p.trail.length;
  return { ...p, x: n ? p.trail[n - 2]! : 0, y: n ? p.trail[n - 1]! : 0 };
};

const playerFields = fc.record({
  present: fc.boolean(),
  alive: fc.boolean(),
  dir: dirArb,
  boosting: fc.boolean(),
  energy: fc.integer({ min: 0, max: ENERGY_LEVELS }),
  score: fc.integer({ min: 0, max: 100_000 }),
  lastInputSeq: fc.integer({ min: 0, max: 0xffffffff }),
  trail: trailArb,
});

const playersArb = (ids: fc.Arbitrary<number[]>): fc.Arbitrary<CyclePlayer[]> =>
  ids
    .chain((list) => fc.tuple(...list.map((id) => playerFields.map((f) => withHead({ id, ...f })))))
    .map((list) => [...list].sort((a, b) => a.id - b.id));

const slotsArb = fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 8 });

const slotOrNull = fc.option(fc.integer({ min: 0, max: 7 }), { nil: null });
const eventsArb: fc.Arbitrary<CyclesSnapshotEvent[]> = fc.array(
  fc.oneof(
    fc.record({ type: fc.constant('crash' as const), victim: fc.integer({ min: 0, max: 7 }), killer: slotOrNull }),
    fc.record({ type: fc.constant('roundWon' as const), winner: slotOrNull }),
  ),
  { maxLength: 10 },
);

const roundStateArb = fc.oneof(
  fc.constantFrom({ roundState: 'wait' as const, roundEndTick: 0 }, { roundState: 'live' as const, roundEndTick: 0 }),
  fc.integer({ min: 0, max: 0xffffffff }).map((t) => ({ roundState: 'pause' as const, roundEndTick: t })),
);

const snapshotArb: fc.Arbitrary<CyclesSnapshot> = fc
  .record({
    tick: fc.integer({ min: 0, max: 0xffffffff - 1000 }),
    serverTime: fc.integer({ min: 0, max: 2 ** 45 }),
    phase: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<CyclesSnapshot['phase']>,
    phaseEndTick: fc.integer({ min: 0, max: 0xffffffff }),
    round: fc.integer({ min: 0, max: 100_000 }),
    rs: roundStateArb,
    players: playersArb(slotsArb),
    events: eventsArb,
  })
  .map(({ rs, ...s }) => ({ ...s, ...rs }));

/** The next snapshot as play makes it: heads grow, flags flip, players come and go, rounds turn. */
const successorArb = (base: CyclesSnapshot): fc.Arbitrary<CyclesSnapshot> => {
  const n = base.players.length;
  const perPlayer = fc.record({
    keep: fc.boolean(),
    trail: fc.constantFrom('same', 'grow', 'grow', 'grow', 'replace'),
    first: dirArb,
    straightFirst: fc.boolean(),
    runs: fc.array(fc.record({ turn: fc.boolean(), cells: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3 }),
    other: playerFields,
    change: fc.integer({ min: 0, max: 15 }), // bit mask: dir, energy, flags, seq
    seqStep: fc.constantFrom(0, 1, 1, 1, 2, 7, -1),
  });
  return fc
    .record({
      dt: fc.integer({ min: 1, max: 5 }),
      dms: fc.integer({ min: 0, max: 500 }),
      phaseChange: fc.boolean(),
      newRound: fc.integer({ min: 0, max: 9 }).map((k) => k === 0),
      rs: fc.option(roundStateArb, { nil: null }),
      changes: fc.array(perPlayer, { minLength: n, maxLength: n }),
      newcomers: playersArb(slotsArb),
      events: eventsArb,
    })
    .map((r) => {
      const header = {
        tick: base.tick + r.dt,
        serverTime: base.serverTime + r.dms,
        phase: r.phaseChange ? (((base.phase + 1) % 4) as CyclesSnapshot['phase']) : base.phase,
        phaseEndTick: base.phaseEndTick,
        events: r.events,
      };
      const taken = new Set(base.players.map((p) => p.id));
      if (r.newRound) return { ...header, round: base.round + 1, roundState: 'live', roundEndTick: 0, players: r.newcomers };
      const stayed = base.players.flatMap((b, i) => {
        const c = r.changes[i]!;
        if (!c.keep) return [];
        let trail = b.trail;
        if (c.trail === 'grow' && b.trail.length > 0) trail = grow(b.trail.slice(), c.first, c.runs, c.straightFirst);
        if (c.trail === 'replace') trail = c.other.trail;
        const seq = Math.min(0xffffffff, Math.max(0, b.lastInputSeq + c.seqStep));
        return [
          withHead({
            id: b.id,
            trail,
            dir: c.change & 1 ? c.other.dir : b.dir,
            energy: c.change & 2 ? c.other.energy : b.energy,
            present: c.change & 4 ? c.other.present : b.present,
            alive: c.change & 4 ? c.other.alive : b.alive,
            boosting: c.change & 4 ? c.other.boosting : b.boosting,
            score: c.change & 4 ? c.other.score : b.score,
            lastInputSeq: c.change & 8 ? c.other.lastInputSeq : seq,
          }),
        ];
      });
      const joined = r.newcomers.filter((p) => !taken.has(p.id));
      const rs = r.rs ?? { roundState: base.roundState, roundEndTick: base.roundEndTick };
      return { ...header, round: base.round, ...rs, players: [...stayed, ...joined].sort((a, b) => a.id - b.id) };
    });
};

const pairArb = snapshotArb.chain((base) => successorArb(base).map((next) => ({ base, next })));

// ---------- properties ----------

describe('cycles snapshot codec', () => {
  it('generates what the sim makes (guards the generators)', () => {
    fc.assert(
      fc.property(pairArb, ({ base, next }) => {
        for (const p of [...base.players, ...next.players]) expect(isWellFormedTrail(p.trail, GRID_WIDTH, GRID_HEIGHT)).toBe(true);
      }),
    );
  });

  it('round-trips random keyframes exactly', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        expect(decodeSnapshot(encodeKeyframe(s), null)).toEqual({ ok: true, value: s });
        expect(peekSnapshot(encodeKeyframe(s))).toEqual({ ok: true, value: { kind: 'key', tick: s.tick } });
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips random deltas exactly against their base', () => {
    fc.assert(
      fc.property(pairArb, ({ base, next }) => {
        const bytes = encodeDelta(base, next);
        expect(decodeSnapshot(bytes, base)).toEqual({ ok: true, value: next });
        expect(peekSnapshot(bytes)).toEqual({ ok: true, value: { kind: 'delta', tick: null } });
      }),
      { numRuns: 500 },
    );
  });

  it('chains deltas: each decoded against the previous decoded snapshot tracks the encoder', () => {
    const chainArb = snapshotArb.chain((s0) =>
      successorArb(s0).chain((s1) => successorArb(s1).chain((s2) => successorArb(s2).map((s3) => [s0, s1, s2, s3]))),
    );
    fc.assert(
      fc.property(chainArb, (chain) => {
        let held = decodeSnapshot(encodeKeyframe(chain[0]!), null);
        for (let i = 1; i < chain.length; i++) {
          if (!held.ok) throw new Error(held.message);
          held = decodeSnapshot(encodeDelta(chain[i - 1]!, chain[i]!), held.value);
          expect(held).toEqual({ ok: true, value: chain[i] });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('sends one more cell of a straight trail in a few bits', () => {
    const player = (trail: number[], seq: number): CyclePlayer =>
      withHead({ id: 3, present: true, alive: true, dir: 2, boosting: false, energy: 15, score: 0, lastInputSeq: seq, trail });
    const base: CyclesSnapshot = {
      tick: 100, serverTime: 5000, phase: 2, phaseEndTick: 0, round: 1, roundState: 'live', roundEndTick: 0,
      players: [player([10, 10, 10, 20, 30, 20], 9)], events: [],
    };
    const next = { ...base, tick: 101, serverTime: 5050, players: [player([10, 10, 10, 20, 31, 20], 10)] };
    // 32 bits of frame (version, kind, base tick, tick step, 8 for 50 ms, phase, round, round
    // state, no removals, no additions, no events) + 10 for the player: 42 bits, 6 bytes.
    expect(encodeDelta(base, next).length).toBe(6);
    expect(decodeSnapshot(encodeDelta(base, next), base)).toEqual({ ok: true, value: next });
  });

  it('returns an error, never throws, for random bytes with or without a base', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.option(snapshotArb, { nil: null }), (bytes, base) => {
        const result = decodeSnapshot(bytes, base);
        if (!result.ok) expect(['TRUNCATED', 'MALFORMED', 'BAD_VERSION', 'NO_BASE', 'BASE_MISMATCH']).toContain(result.code);
        peekSnapshot(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes random bytes behind a valid header to an error or to a snapshot the sim could make', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), pairArb, (tail, { base }) => {
        const key = encodeKeyframe(base);
        const delta = encodeDelta(base, { ...base, tick: base.tick + 1 });
        for (const head of [key.subarray(0, 1), delta.subarray(0, 2)]) {
          const bytes = new Uint8Array([...head, ...tail]);
          const result = decodeSnapshot(bytes, base);
          if (!result.ok) continue;
          for (const p of result.value.players) expect(isWellFormedTrail(p.trail, GRID_WIDTH, GRID_HEIGHT)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects every truncation of a valid snapshot', () => {
    fc.assert(
      fc.property(pairArb, ({ base, next }) => {
        const key = encodeKeyframe(base);
        const delta = encodeDelta(base, next);
        for (let n = 0; n < key.length; n++) expect(decodeSnapshot(key.subarray(0, n), null).ok).toBe(false);
        for (let n = 0; n < delta.length; n++) expect(decodeSnapshot(delta.subarray(0, n), base).ok).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a delta without a base or against the wrong base', () => {
    fc.assert(
      fc.property(pairArb, ({ base, next }) => {
        const delta = encodeDelta(base, next);
        expect(decodeSnapshot(delta, null)).toMatchObject({ ok: false, code: 'NO_BASE' });
        expect(decodeSnapshot(delta, { ...base, tick: base.tick + 1 })).toMatchObject({ ok: false, code: 'BASE_MISMATCH' });
      }),
      { numRuns: 100 },
    );
  });

  it('flags another version instead of misreading it', () => {
    const bytes = encodeKeyframe({ tick: 1, serverTime: 0, phase: 2, phaseEndTick: 0, round: 0, roundState: 'wait', roundEndTick: 0, players: [], events: [] });
    bytes[0] = 99;
    expect(decodeSnapshot(bytes, null)).toMatchObject({ ok: false, code: 'BAD_VERSION' });
    expect(peekSnapshot(bytes)).toMatchObject({ ok: false, code: 'BAD_VERSION' });
  });
});
