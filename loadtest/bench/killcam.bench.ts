/**
 * What a killcam costs the server: a 16-seat Arena match (one player, 15 server bots) at 30 Hz,
 * recorded as the node records it, played for 40 s; then the player's killcam is asked for
 * again and again, as its connection would (MatchHost.killcam). Prints, per request, the event
 * loop's share (the recorder's flush and the body's copy: what can delay a tick), the whole
 * request with the compression on libuv's pool, the bytes sent, and the slice's span; and what
 * the kept log costs the recorder (chunks and bytes held).
 *
 *   node --import tsx loadtest/bench/killcam.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { arena } from '../../shared/games/arena/index.ts';
import { encodeKillcamBody, unpackKillcam } from '../../shared/replay/killcam.ts';
import { KILLCAM_KEEP_S, KillcamBudget } from '../../server/replay/killcams.ts';
import { MemoryReplayStore } from '../../server/replay/replay-store.ts';
import { ANN, testNode } from '../../test/support/recorded-match.ts';

const TICK_RATE = 30;
const store = new MemoryReplayStore({ maxCount: 10, maxAgeMs: 86_400_000 });
const clock = { now: 1_800_000_000_000 };
const node = testNode(store, clock, TICK_RATE, { killcams: { keepTicks: KILLCAM_KEEP_S * TICK_RATE, budget: new KillcamBudget(4) } });
const host = node.open({ game: arena, seed: 5, bots: 15, seats: 16, options: { killTarget: 0, timeLimitS: 300 }, command: () => null });
host.claim(ANN);
host.attach('c-ann', ANN);
for (let i = 0; i < 15; i++) host.addBot();

let tickMs = 0;
let ticks = 0;
let deaths = 0;
let lastDeath = -1;
while (host.currentTick < 40 * TICK_RATE || deaths === 0) {
  clock.now += 1000 / TICK_RATE;
  const t0 = performance.now();
  node.tick();
  tickMs += performance.now() - t0;
  ticks++;
  const res = await host.killcam('c-ann', {});
  if (res.ok) {
    const file = await unpackKillcam(res.killcam);
    if (file.ok && file.info.killTick !== lastDeath) {
      lastDeath = file.info.killTick;
      deaths++;
    }
  }
  if (host.currentTick > 120 * TICK_RATE) throw new Error('Ann never died');
}
// The death must be recent: play on until she dies again, then measure right after.
const seenDeath = lastDeath;
while (lastDeath === seenDeath) {
  clock.now += 1000 / TICK_RATE;
  node.tick();
  const res = await host.killcam('c-ann', {});
  if (res.ok) {
    const file = await unpackKillcam(res.killcam);
    if (file.ok) lastDeath = file.info.killTick;
  }
}

const ROUNDS = 200;
const whole: number[] = [];
const bytes: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const t0 = performance.now();
  const res = await host.killcam('c-ann', {});
  whole.push(performance.now() - t0);
  if (!res.ok) throw new Error(res.message);
  bytes.push(res.killcam.length);
}
// The event loop's share alone: the recorder's flush and slice, and the body's copy.
const rec = (host as unknown as { recorder: { recentSlice(from: number, to: number): import('../../shared/replay/replay-format.ts').Replay } }).recorder;
const loop: number[] = [];
const raw: number[] = [];
const file = await unpackKillcam((await host.killcam('c-ann', {}) as { killcam: Uint8Array }).killcam);
if (!file.ok) throw new Error(file.message);
for (let i = 0; i < ROUNDS; i++) {
  const t0 = performance.now();
  const slice = rec.recentSlice(file.info.fromTick, file.info.killTick);
  const body = encodeKillcamBody(file.info, slice);
  loop.push(performance.now() - t0);
  raw.push(body.length);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)]!;
const span = file.slice.chunks.at(-1)!.toTick - file.slice.chunks[0]!.fromTick + 1;
const kept = (rec as unknown as { recent: { size: number; from(t: number): { bytes: Uint8Array }[] | null } }).recent;
const keptBytes = (kept.from(0) ?? []).reduce((n, c) => n + c.bytes.length, 0);
console.log(`killcam, 16-seat Arena at ${TICK_RATE} Hz, death at tick ${file.info.killTick} (match at ${host.currentTick}), ${ROUNDS} requests`);
console.log(`  mean tick (16 seats, recording): ${(tickMs / ticks).toFixed(3)} ms`);
console.log(`  on the event loop per request (flush + slice + body copy): median ${median(loop).toFixed(3)} ms, p99 ${p99(loop).toFixed(3)} ms`);
console.log(`  whole request (with deflate on the thread pool): median ${median(whole).toFixed(3)} ms, p99 ${p99(whole).toFixed(3)} ms`);
console.log(`  bytes sent: median ${median(bytes)} B (body before deflate ${median(raw)} B); slice spans ${span} ticks (${(span / TICK_RATE).toFixed(1)} s) from its checkpoint`);
console.log(`  kept in memory by the recorder for killcams: ${kept.size} chunks, ${keptBytes} B`);
