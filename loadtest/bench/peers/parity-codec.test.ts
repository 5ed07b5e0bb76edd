import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchPhase } from '../../../shared/game/phase.ts';
import {
  decodeParityInput,
  decodeParitySnapshot,
  encodeParityDelta,
  encodeParityInput,
  encodeParityKeyframe,
  PARITY_INPUT_BYTES,
  peekParitySnapshot,
  type ParitySnapshot,
  type ParityView,
} from './parity-codec.ts';
import { parity } from './parity-game.ts';
import { FIELD_SIZE, InputScript, ROOM_SIZE } from './scenario.ts';

const viewArb = (slot: number): fc.Arbitrary<ParityView> =>
  fc.record({
    slot: fc.constant(slot),
    x: fc.integer({ min: 0, max: FIELD_SIZE }),
    y: fc.integer({ min: 0, max: FIELD_SIZE }),
    angle: fc.integer({ min: 0, max: 255 }),
    hp: fc.integer({ min: 0, max: 255 }),
    score: fc.integer({ min: 0, max: 100_000 }),
    lastInputSeq: fc.integer({ min: 0, max: 0xffffffff }),
  });

const snapshotArb: fc.Arbitrary<ParitySnapshot> = fc
  .record({
    tick: fc.integer({ min: 0, max: 0xfffffff0 }),
    serverTime: fc.integer({ min: 0, max: 2 ** 40 }),
    phase: fc.constantFrom(MatchPhase.Waiting, MatchPhase.Countdown, MatchPhase.Playing, MatchPhase.Ended),
    phaseEndTick: fc.integer({ min: 0, max: 0xffffffff }),
    slots: fc.uniqueArray(fc.integer({ min: 0, max: ROOM_SIZE - 1 }), { maxLength: ROOM_SIZE }),
  })
  .chain(({ slots, ...header }) => fc.tuple(...[...slots].sort((a, b) => a - b).map(viewArb)).map((players) => ({ ...header, players })));

/** The next snapshot of a match: one tick on, every player moved by up to 10 px, turned, maybe scored. */
const nextArb = (base: ParitySnapshot): fc.Arbitrary<ParitySnapshot> =>
  fc
    .tuple(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 200 }),
      fc.tuple(...base.players.map(() => fc.record({ dx: fc.integer({ min: -10, max: 10 }), dy: fc.integer({ min: -10, max: 10 }), da: fc.integer({ min: -5, max: 5 }), scored: fc.nat(3), acked: fc.nat(2) }))),
    )
    .map(([dt, dms, moves]) => ({
      ...base,
      tick: base.tick + dt,
      serverTime: base.serverTime + dms,
      players: base.players.map((p, i) => {
        const m = moves[i]!;
        return {
          ...p,
          x: Math.min(FIELD_SIZE, Math.max(0, p.x + m.dx)),
          y: Math.min(FIELD_SIZE, Math.max(0, p.y + m.dy)),
          angle: (p.angle + m.da + 256) & 0xff,
          score: p.score + m.scored,
          lastInputSeq: Math.min(0xffffffff, p.lastInputSeq + m.acked),
        };
      }),
    }));

describe('parity snapshot codec', () => {
  it('round-trips keyframes', () => {
    fc.assert(
      fc.property(snapshotArb, (s) => {
        const decoded = decodeParitySnapshot(encodeParityKeyframe(s), null);
        expect(decoded).toEqual({ ok: true, value: s });
        expect(peekParitySnapshot(encodeParityKeyframe(s))).toEqual({ ok: true, value: { kind: 'key', tick: s.tick } });
      }),
    );
  });

  it('round-trips deltas against their base, and a roster change as a full list', () => {
    fc.assert(
      fc.property(
        snapshotArb.chain((base) => fc.tuple(fc.constant(base), fc.oneof(nextArb(base), snapshotArb.map((s) => ({ ...s, tick: base.tick + 1, serverTime: base.serverTime + 50 }))))),
        ([base, next]) => {
          expect(decodeParitySnapshot(encodeParityDelta(base, next), base)).toEqual({ ok: true, value: next });
        },
      ),
    );
  });

  it('a 16-player delta of moving players is about the size the scenario names (48 bytes)', () => {
    const base: ParitySnapshot = {
      tick: 100,
      serverTime: 5000,
      phase: MatchPhase.Playing,
      phaseEndTick: 0,
      players: Array.from({ length: 16 }, (_, slot) => ({ slot, x: 500 + slot * 50, y: 700, angle: slot * 10, hp: 100, score: 3, lastInputSeq: 90 })),
    };
    const next = { ...base, tick: 101, serverTime: 5050, players: base.players.map((p) => ({ ...p, x: p.x + 7, y: p.y - 7, angle: p.angle + 2, lastInputSeq: 91 })) };
    const bytes = encodeParityDelta(base, next);
    expect(bytes.length).toBeGreaterThan(40);
    expect(bytes.length).toBeLessThan(60);
  });

  it('answers an error for any bytes, never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), snapshotArb, (bytes, base) => {
        const r = decodeParitySnapshot(bytes, base);
        if (!r.ok) expect(typeof r.code).toBe('string');
        expect(() => peekParitySnapshot(bytes)).not.toThrow();
      }),
    );
  });
});

describe('parity input codec', () => {
  it('round-trips the scenario commands (angle to 1/65536 of a turn)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(0xffffffff), fc.nat(0xffffffff), (seed, seq, clientTick) => {
        const c = new InputScript(seed).next();
        const r = decodeParityInput(encodeParityInput({ ...c, seq, clientTick }));
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value).toMatchObject({ seq, clientTick, dx: c.dx, dy: c.dy, fire: c.fire });
        expect(Math.abs(r.value.angle - c.angle)).toBeLessThan(1e-4);
      }),
    );
  });

  it('refuses wrong sizes, versions and move bits', () => {
    expect(decodeParityInput(new Uint8Array(PARITY_INPUT_BYTES + 1))).toMatchObject({ ok: false, code: 'BAD_LENGTH' });
    const bytes = encodeParityInput({ seq: 1, clientTick: 1, dx: 1, dy: 0, angle: 0, fire: false });
    expect(decodeParityInput(Uint8Array.from(bytes, (b, i) => (i === 0 ? 9 : b)))).toMatchObject({ ok: false, code: 'BAD_VERSION' });
    expect(decodeParityInput(Uint8Array.from(bytes, (b, i) => (i === 5 ? 0x0f : b)))).toMatchObject({ ok: false, code: 'BAD_COMMAND' });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        expect(() => decodeParityInput(b)).not.toThrow();
      }),
    );
  });
});

describe('parity game', () => {
  it('plays the scenario: players move at 200 px/s, the snapshot says who acknowledged what, and a checkpoint resumes bit for bit', () => {
    const state = parity.create({ options: {}, seed: 1, tickRate: 20 });
    parity.addPlayer(state, 0);
    parity.addPlayer(state, 3);
    const before = { ...state.players[0]! };
    parity.applyInput(state, 0, { seq: 1, clientTick: 0, dx: 1, dy: 0, angle: 1, fire: true });
    for (let i = 0; i < 20; i++) parity.step(state, true);
    expect(state.players[0]!.x - before.x).toBeCloseTo(200, 6);
    expect(state.players[0]!.score).toBe(2);
    const snap = parity.snapshot(state, null, { serverTime: 1000, phase: MatchPhase.Playing, phaseEndTick: 0, lastInputSeq: new Map([[0, 1]]) });
    expect(snap.players.map((p) => p.slot)).toEqual([0, 3]);
    expect(parity.lastInputSeq(snap, 0)).toBe(1);
    const copy = parity.fromState(JSON.parse(JSON.stringify(parity.toState(state))));
    expect(copy.ok).toBe(true);
    if (!copy.ok) return;
    parity.step(state, true);
    parity.step(copy.value, true);
    expect(copy.value).toEqual(state);
    expect(parity.fromState({ tick: 1, tickRate: 20, players: [{ x: 'a' }] }).ok).toBe(false);
  });
});
