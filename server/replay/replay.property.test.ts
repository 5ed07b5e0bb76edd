/**
 * Determinism, by property: whatever a player sends (any buttons, any aim a wire input can hold,
 * any clientTick, silence, leaving), with any seed and any number of bots, with or without a
 * failover in the middle, the recorded replay re-simulates to the same state at every
 * checkpoint and to the same results. And the tick log, the format under it, gives back exactly
 * what was written, whatever the inputs' bytes. Few runs each (whole matches): seconds in all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arena } from '../../shared/games/arena/index.ts';
import { ALL_BUTTONS } from '../../shared/games/arena/sim/types.ts';
import { cycles } from '../../shared/games/cycles/index.ts';
import { GAMES } from '../../shared/games/index.ts';
import { readTickLog, TickLogWriter, type SeatEventKind } from '../../shared/replay/tick-log.ts';
import { verifyFile } from '../../scripts/replay/verify.ts';
import { packReplay } from './replay-file.ts';
import { playRecordedMatch } from '../../test/support/recorded-match.ts';

const clientTick = fc.oneof(fc.constant(undefined), fc.nat({ max: 400 }), fc.constant(0xffffffff));
const arenaCommand = fc.option(
  fc.record({
    buttons: fc.integer({ min: 0, max: ALL_BUTTONS }),
    aim: fc.float({ min: Math.fround(-60), max: Math.fround(60), noNaN: true }),
    clientTick,
  }),
  { freq: 5 },
);
const cyclesCommand = fc.option(fc.record({ dir: fc.integer({ min: 0, max: 4 }), boost: fc.boolean(), clientTick }), { freq: 4 });

const scenario = <C>(command: fc.Arbitrary<C | null>) =>
  fc.record({
    seed: fc.nat(),
    bots: fc.integer({ min: 0, max: 3 }),
    commands: fc.array(command, { minLength: 1, maxLength: 60 }),
    failoverAt: fc.option(fc.integer({ min: 5, max: 110 }), { nil: undefined }),
    leaveAt: fc.option(fc.integer({ min: 5, max: 130 }), { nil: undefined }),
  });

const withoutUndefined = (o: object | null) => (o === null ? null : Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));

describe('a recorded match re-simulates exactly, whatever the player sends', () => {
  it('Arena', async () => {
    await fc.assert(
      fc.asyncProperty(scenario(arenaCommand), async (s) => {
        const { replay } = await playRecordedMatch({
          game: arena,
          seed: s.seed,
          bots: s.bots,
          options: { killTarget: 3, timeLimitS: 12 },
          command: (tick) => withoutUndefined(s.commands[tick % s.commands.length]!),
          failoverAt: s.failoverAt,
          staleTicks: 12,
          leaveAt: s.leaveAt,
        });
        const verdict = verifyFile(packReplay(replay), GAMES);
        expect(verdict).toMatchObject({ ok: true });
      }),
      { numRuns: 12 },
    );
  });

  it('Cycles', async () => {
    await fc.assert(
      fc.asyncProperty(scenario(cyclesCommand), async (s) => {
        const { replay } = await playRecordedMatch({
          game: cycles,
          seed: s.seed,
          bots: s.bots,
          options: { roundsToWin: 2, timeLimitS: 12 },
          command: (tick) => withoutUndefined(s.commands[tick % s.commands.length]!),
          failoverAt: s.failoverAt,
          staleTicks: 12,
          leaveAt: s.leaveAt,
        });
        expect(verifyFile(packReplay(replay), GAMES)).toMatchObject({ ok: true });
      }),
      { numRuns: 12 },
    );
  });
});

describe('the tick log', () => {
  const SLOTS = 12;
  const tickArb = fc.record({
    checkpoint: fc.option(fc.record({ n: fc.integer(), s: fc.string() }), { freq: 8 }),
    events: fc.array(fc.record({ slot: fc.integer({ min: 0, max: SLOTS - 1 }), kind: fc.constantFrom<SeatEventKind>('enter', 'away', 'gone') }), { maxLength: 3 }),
    beginPlay: fc.boolean(),
    inputs: fc.oneof(
      fc.uniqueArray(fc.record({ slot: fc.integer({ min: 0, max: SLOTS - 1 }), bytes: fc.uint8Array({ minLength: 0, maxLength: 40 }) }), { selector: (i) => i.slot, maxLength: SLOTS }),
      // The steady case the log is built for: the same slots every tick, the same bytes changing.
      fc.array(fc.array(fc.constantFrom(0, 1, 200), { minLength: 6, maxLength: 6 }), { minLength: 3, maxLength: 3 }).map((bs) => bs.map((b, i) => ({ slot: [0, 3, 11][i]!, bytes: Uint8Array.from([1, 0, ...b.slice(2)]) }))),
    ),
    snapshot: fc.boolean(),
    /** Empty ticks after this one. */
    idle: fc.oneof(fc.nat({ max: 3 }), fc.integer({ min: 120, max: 140 })),
  });

  it('gives back every tick as written, split into chunks anywhere', () => {
    fc.assert(
      fc.property(fc.array(tickArb, { maxLength: 40 }), fc.integer({ min: 1, max: 4 }), fc.nat({ max: 50 }), (ticks, snapshotEvery, splitAt) => {
        const w = new TickLogWriter(SLOTS, snapshotEvery);
        const expected: object[] = [];
        const chunks: Uint8Array[] = [];
        let tick = 1;
        let cp: { replay: string; tick: number; playing: boolean; state: unknown } | null = null;
        for (const [i, t] of ticks.entries()) {
          if (i === splitAt) chunks.push(w.take());
          const inputs = [...t.inputs].sort((a, b) => a.slot - b.slot);
          if (cp) w.checkpoint(cp);
          for (const e of t.events) w.seat(e.slot, e.kind);
          if (t.beginPlay) w.beginPlay();
          for (const { slot, bytes } of inputs) w.input(slot, bytes);
          w.endTick(tick, t.snapshot || tick % snapshotEvery === 0);
          expected.push({ tick, checkpoint: cp, events: t.events, beginPlay: t.beginPlay, inputs, snapshot: t.snapshot || tick % snapshotEvery === 0 });
          tick++;
          for (let k = 0; k < t.idle; k++, tick++) {
            w.endTick(tick, tick % snapshotEvery === 0);
            expected.push({ tick, checkpoint: null, events: [], beginPlay: false, inputs: [], snapshot: tick % snapshotEvery === 0 });
          }
          cp = t.checkpoint ? { replay: 'r', tick: tick - 1, playing: t.beginPlay, state: t.checkpoint } : null;
        }
        chunks.push(w.take());
        const joined = new Uint8Array(Buffer.concat(chunks));
        const read = readTickLog(joined, 1, SLOTS, snapshotEvery, expected.length);
        expect(read).toEqual({ ok: true, ticks: expected });
      }),
      { numRuns: 120 },
    );
  });

  it('answers an error for any bytes, never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 70 }), (bytes, slots) => {
        const read = readTickLog(bytes, 1, slots, 1, 10_000);
        if (read.ok) expect(read.ticks.length).toBeLessThanOrEqual(128 * bytes.length);
      }),
      { numRuns: 500 },
    );
  });
});
