/**
 * What the replay recorder spends per input, alone: `canonicalInput` (the game's codec bytes, seq
 * dropped, clientTick as a lag) encoded into the tick log's buffers (`TickLogWriter.inputFrom`; with
 * `--path bytes`, into a new array then `TickLogWriter.input`), for 63 Arena matches of 16 players
 * (a node at ~1,000 players), every input decoded from wire bytes as the server gets them, a new
 * aim every tick. Prints CPU ns per input (median of 7 rounds of 2,000 ticks after one of warm-up).
 *
 *   taskset -c 1 node --import tsx loadtest/bench/recorder-input.bench.ts [--path bytes]
 *
 * The server pays several times this per input (BENCHMARKS.md, "Replay recorder: inputs into kept
 * buffers"): there the recorder's data is cold between ticks, which this bench cannot show; it
 * isolates the code.
 */
import { arena, type ArenaInput } from '../../shared/games/arena/index.ts';
import type { InputHeader } from '../../shared/game/game-definition.ts';
import { canonicalInput, TickLogWriter, type EncodeInto } from '../../shared/replay/tick-log.ts';

const MATCHES = 63;
const SLOTS = 16;
const codec = arena.inputCodec;
const encode = (input: InputHeader): Uint8Array => codec.encode(input as ArenaInput);
const encodeInto: EncodeInto = (input, out, offset, end) => codec.encodeInto!(input as ArenaInput, out, offset, end);
/** `--path bytes`: a new array per input through `input` (codecs without `encodeInto`). */
const viaBytes = process.argv.includes('bytes');

function round(ticks: number, writers: TickLogWriter[]): number {
  const wire = codec.encode({ seq: 1, buttons: 0, aim: 0.5, clientTick: 1 });
  let cpuUs = 0;
  for (let t = 1; t <= ticks; t++) {
    const inputs: ArenaInput[] = [];
    for (let i = 0; i < MATCHES * SLOTS; i++) {
      wire[4] = t & 0xff;
      wire[9] = (t * 7 + i) & 0xff;
      wire[13] = (t - 2) & 0xff;
      const decoded = codec.decode(wire);
      if (!decoded.ok) throw new Error(decoded.message);
      inputs.push(decoded.value);
    }
    const start = process.cpuUsage();
    let k = 0;
    for (let m = 0; m < MATCHES; m++) {
      const writer = writers[m]!;
      if (viaBytes) for (let slot = 0; slot < SLOTS; slot++) writer.input(slot, canonicalInput(encode, inputs[k++]!, t));
      else for (let slot = 0; slot < SLOTS; slot++) writer.inputFrom(slot, encodeInto, inputs[k++]!, t);
      writer.endTick(t, true);
      if ((t + m) % 20 === 0) writer.take();
    }
    const used = process.cpuUsage(start);
    cpuUs += used.user + used.system;
  }
  return (cpuUs * 1000) / (ticks * MATCHES * SLOTS);
}

const writers = Array.from({ length: MATCHES }, () => new TickLogWriter(SLOTS, 1));
round(2000, writers);
const ns = Array.from({ length: 7 }, () => round(2000, writers)).sort((a, b) => a - b);
console.log(`recorder input (${viaBytes ? 'new array per input' : 'encodeInto'}): ${ns[3]!.toFixed(0)} ns per input (median of 7; ${ns.map((v) => v.toFixed(0)).join(' ')})`);
