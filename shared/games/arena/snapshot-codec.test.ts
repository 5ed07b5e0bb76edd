import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stepsToProjectileAngle } from './sim/quantize.ts';
import { aimFromSteps, decodeSnapshot, encodeDelta, encodeKeyframe, MAX_REWIND_TICKS, peekSnapshotHeader } from './snapshot-codec.ts';
import type { PlayerSnapshot, ProjectileSnapshot, Snapshot, SnapshotEvent } from './snapshot.ts';

// Values on the documented quantization grid round-trip exactly: positions on 1/8 px,
// player aim on 1/256 turn, projectile angle on 1/4096 turn.
const grid = (maxUnits: number) => fc.integer({ min: 0, max: maxUnits }).map((u) => u / 8);
const velocity = fc.integer({ min: -2000, max: 2000 }).map((u) => u / 8);

const playerFields = fc.record({
  x: grid(0xffff),
  y: grid(0xffff),
  vx: velocity,
  vy: velocity,
  aim: fc.integer({ min: 0, max: 255 }).map(aimFromSteps),
  hp: fc.integer({ min: 0, max: 255 }),
  alive: fc.boolean(),
  kills: fc.integer({ min: 0, max: 100_000 }),
  deaths: fc.integer({ min: 0, max: 100_000 }),
  lastInputSeq: fc.integer({ min: 0, max: 0xffffffff }),
});

const players = fc
  .uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 64 })
  .chain((ids) => fc.tuple(...ids.map((id) => playerFields.map((f): PlayerSnapshot => ({ id, ...f })))))
  .map((list) => [...list].sort((a, b) => a.id - b.id));

const projectile = (tick: number) =>
  fc.record({
    ownerId: fc.integer({ min: 0, max: 63 }),
    x0: grid(0xffff),
    y0: grid(0xffff),
    angle: fc.integer({ min: 0, max: 4095 }).map(stepsToProjectileAngle),
    spawnTick: fc.integer({ min: Math.max(0, tick - 100), max: tick }),
  });

const projectiles = (tick: number, exclude: Set<number> = new Set()) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: 0xffff }).filter((id) => !exclude.has(id)), { maxLength: 40 })
    .chain((ids) => fc.tuple(...ids.map((id) => projectile(tick).map((p): ProjectileSnapshot => ({ id, ...p })))));

const slot = fc.integer({ min: 0, max: 63 });
const events: fc.Arbitrary<SnapshotEvent[]> = fc.array(
  fc.oneof(
    fc.record({ type: fc.constant('kill' as const), killerId: slot, victimId: slot }),
    fc.record({
      type: fc.constant('hit' as const),
      attackerId: slot,
      victimId: slot,
      damage: fc.oneof(fc.constant(25), fc.integer({ min: 0, max: 255 })),
      rewindTicks: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: MAX_REWIND_TICKS })),
    }),
    fc.record({ type: fc.constant('blocked' as const), attackerId: slot, victimId: slot }),
  ),
  { maxLength: 12 },
);

const snapshot: fc.Arbitrary<Snapshot> = fc.integer({ min: 0, max: 0xffffffff - 1000 }).chain((tick) =>
  fc.record({
    tick: fc.constant(tick),
    serverTime: fc.integer({ min: 0, max: 2 ** 45 }),
    phase: fc.constantFrom(0, 1, 2, 3) as fc.Arbitrary<Snapshot['phase']>,
    phaseEndTick: fc.integer({ min: 0, max: 0xffffffff }),
    players,
    projectiles: projectiles(tick),
    events,
  }),
);

/** A plausible next snapshot: some players leave, move, change; some join; projectiles come and go. */
const successor = (base: Snapshot): fc.Arbitrary<Snapshot> =>
  fc
    .record({
      dt: fc.integer({ min: 1, max: 5 }),
      dms: fc.integer({ min: 0, max: 500 }),
      phaseChange: fc.boolean(),
      keep: fc.array(fc.boolean(), { minLength: base.players.length, maxLength: base.players.length }),
      changes: fc.array(playerFields, { minLength: base.players.length, maxLength: base.players.length }),
      which: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: base.players.length, maxLength: base.players.length }),
      newcomers: players,
      keepProjectile: fc.array(fc.boolean(), { minLength: base.projectiles.length, maxLength: base.projectiles.length }),
      events,
    })
    .chain((r) => {
      const tick = base.tick + r.dt;
      const stayed = base.players
        .filter((_, i) => r.keep[i])
        .map((b) => {
          const i = base.players.indexOf(b);
          const c = r.changes[i]!;
          const w = r.which[i]!;
          // 0: moved exactly as predicted, 1: small step, 2: teleport, 3+: stats/aim/seq changes
          const x = w === 0 ? b.x + b.vx : w === 1 ? b.x + ((c.vx * 8) % 40) / 8 : c.x;
          const y = w === 0 ? b.y + b.vy : w === 1 ? b.y + ((c.vy * 8) % 40) / 8 : c.y;
          const inRange = x >= 0 && y >= 0 && x <= 0xffff / 8 && y <= 0xffff / 8;
          const nx = inRange ? x : c.x;
          const ny = inRange ? y : c.y;
          const p: PlayerSnapshot = {
            ...b,
            x: nx,
            y: ny,
            vx: nx - b.x,
            vy: ny - b.y,
            aim: w >= 3 ? c.aim : b.aim,
            hp: w >= 4 ? c.hp : b.hp,
            alive: w >= 4 ? c.alive : b.alive,
            kills: w >= 5 ? c.kills : b.kills,
            deaths: w >= 5 ? c.deaths : b.deaths,
            lastInputSeq: w === 6 ? Math.min(0xffffffff, b.lastInputSeq + 1) : w === 7 ? c.lastInputSeq : b.lastInputSeq,
          };
          return p;
        });
      // A slot that was in the base is the same player to the codec (the server derives velocity
      // by id too), so newcomers take only slots that were free in the base.
      const taken = new Set(base.players.map((p) => p.id));
      const joined = r.newcomers.filter((p) => !taken.has(p.id));
      const kept = base.projectiles.filter((_, i) => r.keepProjectile[i]);
      return projectiles(tick, new Set(base.projectiles.map((p) => p.id))).map(
        (fresh): Snapshot => ({
          tick,
          serverTime: base.serverTime + r.dms,
          phase: r.phaseChange ? (((base.phase + 1) % 4) as Snapshot['phase']) : base.phase,
          phaseEndTick: base.phaseEndTick,
          players: [...stayed, ...joined].sort((a, b) => a.id - b.id),
          projectiles: [...kept, ...fresh],
          events: r.events,
        }),
      );
    });

describe('snapshot codec', () => {
  it('round-trips random keyframes exactly', () => {
    fc.assert(
      fc.property(snapshot, (s) => {
        const decoded = decodeSnapshot(encodeKeyframe(s), null);
        expect(decoded).toEqual({ ok: true, value: s });
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips random deltas exactly against their base', () => {
    fc.assert(
      fc.property(
        snapshot.chain((base) => successor(base).map((next) => ({ base, next }))),
        ({ base, next }) => {
          const bytes = encodeDelta(base, next);
          expect(decodeSnapshot(bytes, base)).toEqual({ ok: true, value: next });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('chains deltas: decoding each against the previous decoded snapshot tracks the encoder', () => {
    fc.assert(
      fc.property(
        snapshot.chain((s0) =>
          successor(s0).chain((s1) => successor(s1).chain((s2) => successor(s2).map((s3) => [s0, s1, s2, s3]))),
        ),
        (chain) => {
          let held = decodeSnapshot(encodeKeyframe(chain[0]!), null);
          for (let i = 1; i < chain.length; i++) {
            if (!held.ok) throw new Error(held.message);
            held = decodeSnapshot(encodeDelta(chain[i - 1]!, chain[i]!), held.value);
            expect(held).toEqual({ ok: true, value: chain[i] });
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('returns an error, never throws, for random bytes with or without a base', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.option(snapshot, { nil: null }), (bytes, base) => {
        const result = decodeSnapshot(bytes, base);
        if (!result.ok) expect(typeof result.code).toBe('string');
        peekSnapshotHeader(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects every truncation of a valid snapshot', () => {
    fc.assert(
      fc.property(snapshot.chain((base) => successor(base).map((next) => ({ base, next }))), ({ base, next }) => {
        const key = encodeKeyframe(base);
        const delta = encodeDelta(base, next);
        for (let n = 0; n < key.length; n++) expect(decodeSnapshot(key.subarray(0, n), null).ok).toBe(false);
        for (let n = 0; n < delta.length; n++) expect(decodeSnapshot(delta.subarray(0, n), base).ok).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a delta without a base or against the wrong base', () => {
    fc.assert(
      fc.property(snapshot.chain((base) => successor(base).map((next) => ({ base, next }))), ({ base, next }) => {
        const delta = encodeDelta(base, next);
        expect(decodeSnapshot(delta, null)).toMatchObject({ ok: false, code: 'NO_BASE' });
        const wrong = { ...base, tick: base.tick + 1 };
        expect(decodeSnapshot(delta, wrong)).toMatchObject({ ok: false, code: 'BASE_MISMATCH' });
      }),
      { numRuns: 100 },
    );
  });

  it('flags a newer protocol version instead of misreading it', () => {
    const bytes = encodeKeyframe({ tick: 1, serverTime: 0, phase: 2, phaseEndTick: 0, players: [], projectiles: [], events: [] });
    bytes[0] = 99;
    expect(decodeSnapshot(bytes, null)).toMatchObject({ ok: false, code: 'BAD_VERSION' });
  });
});
