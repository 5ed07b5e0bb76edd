/**
 * User-space cost of the raw light bot's hot path (loadtest/raw/), without sockets: what one
 * snapshot frame and one input cost the load generator besides the read(2) and write(2) they
 * take. Prints the median µs per operation, and what they make per bot-second at 20 Hz (20 snapshots, one
 * decoded keyframe, 20 inputs).
 *
 *   node --import tsx loadtest/bench/raw-bot.bench.ts
 */
import { Bench } from 'tinybench';
import { arena } from '../../shared/games/arena/index.ts';
import { decodeSnapshot, encodeDelta, encodeKeyframe } from '../../shared/games/arena/snapshot-codec.ts';
import { wireParser } from '../../shared/protocol/wire.ts';
import { clientHeaderSize, OPCODE_BINARY, writeClientHeader } from '../raw/client-frames.ts';
import { ServerFrameScanner } from '../raw/server-frames.ts';
import { recordArena } from './arena-recording.ts';

const snapshots = recordArena({ players: 16, tickRate: 20, ticks: 200 }).slice(100);
const prefix = wireParser.eventPrefix('/match', 'snapshot')!;
/** A server frame carrying `bytes` after the snapshot prefix, as the server writes it. */
function frameOf(bytes: Uint8Array): Uint8Array {
  const len = prefix.length + bytes.length;
  const hdr = len < 126 ? 2 : 4;
  const out = new Uint8Array(hdr + len);
  out[0] = 0x82;
  if (hdr === 2) out[1] = len;
  else {
    out[1] = 126;
    out[2] = len >>> 8;
    out[3] = len & 0xff;
  }
  out.set(prefix, hdr);
  out.set(bytes, hdr + prefix.length);
  return out;
}
const deltaFrames = snapshots.slice(1).map((s, i) => frameOf(encodeDelta(snapshots[i]!, s)));
const keyBytes = snapshots.map((s) => encodeKeyframe(s));

let frames = 0;
const scanner = new ServerFrameScanner({
  frame: (_op, buf, start) => {
    // What the bot does with a delta: check the prefix and the kind bit.
    if (buf[start] === prefix[0] && (buf[start + 4]! & 0x80) !== 0) frames += 1;
  },
});
const setup = arena.setup(arena.create({ options: {}, seed: 1, tickRate: 20 } as never));
const brain = arena.createBot(setup, { seed: 7, behaviour: 'play', sight: 'eager' });
const view = decodeSnapshot(keyBytes[0]!, null);
if (!view.ok) throw new Error(view.message);
const inputPrefix = wireParser.eventPrefix('/match', 'input')!;
const frame = Buffer.allocUnsafe(clientHeaderSize(17) + 17);
const at = writeClientHeader(frame, OPCODE_BINARY, 17);
frame.set(inputPrefix, at);

let i = 0;
let seq = 0;
const bench = new Bench({ time: 700, warmupTime: 200 });
bench
  .add('delta frame: scan + count', () => {
    const f = deltaFrames[i++ % deltaFrames.length]!;
    scanner.push(f, 0, f.length);
  })
  .add('keyframe decode (16 players)', () => void decodeSnapshot(keyBytes[i++ % keyBytes.length]!, null))
  .add('input: think + encode + patch frame', () => {
    const c = brain.think(view.value, 0, 1000 + i++) as { seq?: number; clientTick?: number };
    c.seq = ++seq;
    c.clientTick = 990 + i;
    frame.set(arena.inputCodec.encode(c as never), at + inputPrefix.length);
  });
await bench.run();

const us = (name: string): number => {
  // The median: on a shared machine the mean carries every preemption. tinybench 2 reports
  // `p50`, tinybench 3+ `latency.p50` (ms).
  const r = bench.tasks.find((t) => t.name === name)!.result as unknown as { latency?: { p50: number }; p50?: number };
  return (r.latency?.p50 ?? r.p50 ?? NaN) * 1000;
};
const delta = us('delta frame: scan + count');
const key = us('keyframe decode (16 players)');
const input = us('input: think + encode + patch frame');
console.log('| operation | µs |\n|---|---|');
for (const [n, v] of [['delta frame: scan + count', delta], ['keyframe decode (16 players)', key], ['input: think + encode + patch frame', input]] as const) console.log(`| ${n} | ${v.toFixed(2)} |`);
console.log(`\nper bot-second at 20 Hz (20 frames, 1 keyframe decoded, 20 inputs): ${(20 * delta + key + 20 * input).toFixed(1)} µs of user space before syscalls, stream and timer overhead (${frames} frames counted)`);
