/**
 * Determinism, by property: whatever a player sends (any buttons, any aim a wire input can hold,
 * any clientTick, silence, leaving), with any seed and any number of bots, with or without a
 * failover in the middle, the recorded replay re-simulates to the same state at every
 * checkpoint and to the same results. And the tick log, the format under it, gives back exactly
 * what was written, whatever the inputs' bytes. Few runs each (whole matches): seconds in all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arena, type ArenaInput } from '../../shared/games/arena/index.ts';
import { ALL_BUTTONS } from '../../shared/games/arena/sim/types.ts';
import { cycles } from '../../shared/games/cycles/index.ts';
import type { CyclesInput } from '../../shared/games/cycles/input-codec.ts';
import { GAMES } from '../../shared/games/index.ts';
import { canonicalInput, readTickLog, TickLogWriter, type EncodeInto, type SeatEventKind } from '../../shared/replay/tick-log.ts';
import type { InputHeader } from '../../shared/game/game-definition.ts';
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

describe('inputs encoded straight into the tick log\'s buffers', () => {
  // The log keeps each slot `stride` bytes in two buffers (its last input in one, the new one
  // written into the other) and grows them for a longer input. The trap: an input longer than the
  // stride written before they grow lands on the next slots' regions, among them their last inputs
  // (the bases their next inputs are run-coded against), and those read back as other bytes than
  // were sent. So these runs aim at it: inputs just within and beyond the first stride, slots that
  // skip ticks (a neighbour's base may sit in either buffer), later inputs of the same length that
  // change a few bytes (run-coded against the base), many runs.
  const SLOTS = 12;
  type Codec = { encode: (i: InputHeader) => Uint8Array; encodeInto: EncodeInto };
  type Sent = { codec: Codec; input: InputHeader } | null;

  /** Writes every input through `inputFrom` on a log whose slots start `stride` bytes wide. */
  function roundTrip(stride: number, ticks: Sent[][], checkpoints: boolean[]): void {
    const w = new TickLogWriter(SLOTS, 1, stride);
    const expected: { slot: number; bytes: Uint8Array }[][] = [];
    for (const [t, perSlot] of ticks.entries()) {
      const tick = t + 1;
      if (checkpoints[t]) w.checkpoint({ replay: 'r', tick: t, playing: true, state: null });
      const written: { slot: number; bytes: Uint8Array }[] = [];
      for (const [slot, sent] of perSlot.entries()) {
        if (sent === null) continue;
        const before = { ...sent.input };
        w.inputFrom(slot, sent.codec.encodeInto, sent.input, tick);
        expect(sent.input).toEqual(before); // the header is put back
        written.push({ slot, bytes: canonicalInput(sent.codec.encode, sent.input, tick) });
      }
      w.endTick(tick, true);
      expected.push(written);
    }
    const read = readTickLog(w.take(), 1, SLOTS, 1, ticks.length);
    expect(read.ok && read.ticks.map((t) => t.inputs)).toEqual(expected);
  }

  const checkpoints = fc.array(fc.integer({ min: 0, max: 9 }).map((n) => n === 0), { minLength: 40, maxLength: 40 });

  it('gives back inputs of any length, shorter and longer than the first stride', () => {
    type Synthetic = InputHeader & { body: number[]; len: number };
    // Header first as the games' are: seq, then the clientTick (a lag once canonical).
    const encode = (i: Synthetic): Uint8Array => Uint8Array.from([i.seq & 0xff, i.clientTick & 0xff, i.clientTick >>> 24, ...i.body.slice(0, i.len - 3)]);
    const encodeInto: EncodeInto = (i, out, offset, end) => {
      const bytes = encode(i as Synthetic);
      if (offset >= 0 && offset + bytes.length <= end && end <= out.length) out.set(bytes, offset);
      return bytes.length;
    };
    const codec: Codec = { encode: (i) => encode(i as Synthetic), encodeInto };
    const scenario = fc.integer({ min: 4, max: 20 }).chain((stride) => {
      // Mostly inputs that fit (so bases build up), now and then one that does not.
      const len = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(stride - 1, stride) }, { weight: 1, arbitrary: fc.integer({ min: stride + 1, max: 5 * stride }) });
      const input = fc.record({ seq: fc.nat(), clientTick: fc.nat({ max: 3 }), len, body: fc.array(fc.constantFrom(0, 7), { minLength: 100, maxLength: 100 }) });
      const tick = fc.array(fc.option(input, { freq: 2 }), { minLength: SLOTS, maxLength: SLOTS });
      return fc.record({ stride: fc.constant(stride), ticks: fc.array(tick, { minLength: 4, maxLength: 40 }) });
    });
    fc.assert(
      fc.property(scenario, checkpoints, ({ stride, ticks }, cps) => {
        const sent = ticks.map((perSlot, t) => perSlot.map((i) => (i === null ? null : { codec, input: { ...i, clientTick: t + 1 - i.clientTick } })));
        roundTrip(stride, sent, cps);
      }),
      { numRuns: 150 },
    );
  });

  it('gives back both games\' own inputs when one outgrows the stride the other fits', () => {
    // A first stride of 10 to 13 bytes: Cycles inputs (10) fit and become bases, an Arena input
    // (14) among them does not. Any stride from 1 to 16 now and then (all fit, or all outgrow it).
    const games: Record<'arena' | 'cycles', Codec> = {
      arena: { encode: (i) => arena.inputCodec.encode(i as ArenaInput), encodeInto: (i, out, offset, end) => arena.inputCodec.encodeInto!(i as ArenaInput, out, offset, end) },
      cycles: { encode: (i) => cycles.inputCodec.encode(i as CyclesInput), encodeInto: (i, out, offset, end) => cycles.inputCodec.encodeInto!(i as CyclesInput, out, offset, end) },
    };
    const lag = fc.nat({ max: 3 });
    const arenaInput = fc.record({ game: fc.constant('arena' as const), seq: fc.nat(), lag, buttons: fc.integer({ min: 0, max: ALL_BUTTONS }), aim: fc.constantFrom(0, 0.5, -1.25, 3) });
    const cyclesInput = fc.record({ game: fc.constant('cycles' as const), seq: fc.nat(), lag, dir: fc.constantFrom<CyclesInput['dir']>(0, 1, 2, 3, 4), boost: fc.boolean() });
    const input = fc.oneof({ weight: 6, arbitrary: cyclesInput }, { weight: 1, arbitrary: arenaInput });
    const tick = fc.array(fc.option(input, { freq: 2 }), { minLength: SLOTS, maxLength: SLOTS });
    const stride = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 10, max: 13 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 16 }) });
    fc.assert(
      fc.property(stride, fc.array(tick, { minLength: 4, maxLength: 40 }), checkpoints, (first, ticks, cps) => {
        const sent = ticks.map((perSlot, t) =>
          perSlot.map((i) => {
            if (i === null) return null;
            const { game, lag: behind, ...fields } = i;
            return { codec: games[game], input: { ...fields, clientTick: t + 1 - behind } };
          }),
        );
        roundTrip(first, sent, cps);
      }),
      { numRuns: 150 },
    );
  });
});
