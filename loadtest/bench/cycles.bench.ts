/**
 * `node --import tsx server/bench/cycles.bench.ts`: what a Cycles match costs the server and
 * the wire. Bot matches (8 and 2 players) at 20 Hz through the GameDefinition alone, as the
 * framework drives it: every tick, each bot's command goes through applyInput, then step, then
 * snapshot and encode (a keyframe every second, a delta against the previous snapshot otherwise).
 * The tick time covers applyInput + step + snapshot + encode; the bots' thinking is measured
 * apart (on the server it is bot work, not match work). Wire bytes add the wire parser's 5 B of
 * framing per message (BENCHMARKS.md, "Wire frames per snapshot").
 */
import { MatchPhase } from '../../shared/game/phase.ts';
import { cycles, type CyclesSnapshot } from '../../shared/games/cycles/index.ts';
import { INPUT_BYTES } from '../../shared/games/cycles/input-codec.ts';

const TICK_RATE = 20;
const KEYFRAME_EVERY = TICK_RATE;
const FRAMING_BYTES = 5;
const WARMUP_TICKS = 10 * TICK_RATE;
const MEASURED_TICKS = 300 * TICK_RATE;

interface Figures {
  players: number;
  rounds: number;
  keyBytes: number[];
  deltaBytes: number[];
  tickMs: number[];
  thinkMs: number[];
}

function benchMatch(players: number, seed: number): Figures {
  const figures: Figures = { players, rounds: 0, keyBytes: [], deltaBytes: [], tickMs: [], thinkMs: [] };
  // No round target and no time limit would be refused; 20 rounds is more than 5 minutes of play.
  let state = cycles.create({ options: { roundsToWin: 20, timeLimitS: 0 }, seed, tickRate: TICK_RATE });
  const setup = cycles.setup(state);
  const bots = Array.from({ length: players }, (_, slot) => cycles.createBot(setup, { seed: seed * 100 + slot, behaviour: 'play' }));
  const seqs = new Map<number, number>();
  let previous: CyclesSnapshot | null = null;
  let sent = 0;

  const restart = (): void => {
    state = cycles.create({ options: { roundsToWin: 20, timeLimitS: 0 }, seed: seed + sent, tickRate: TICK_RATE });
    for (let slot = 0; slot < players; slot++) cycles.addPlayer(state, slot);
    cycles.beginPlay(state);
    previous = null;
  };
  restart();

  for (let t = 0; t < WARMUP_TICKS + MEASURED_TICKS; t++) {
    const measured = t >= WARMUP_TICKS;
    const t0 = performance.now();
    const commands = bots.map((bot, slot) => bot.think(previous, slot, state.tick + 1));
    const t1 = performance.now();
    commands.forEach((cmd, slot) => {
      const seq = (seqs.get(slot) ?? 0) + 1;
      seqs.set(slot, seq);
      cycles.applyInput(state, slot, { seq, clientTick: state.tick, ...cmd });
    });
    const roundBefore = state.round;
    const { ended } = cycles.step(state, true);
    const snapshot: CyclesSnapshot = cycles.snapshot(state, previous, {
      serverTime: Math.round((state.tick * 1000) / TICK_RATE),
      phase: MatchPhase.Playing,
      phaseEndTick: 0,
      lastInputSeq: seqs,
    });
    const key = previous === null || sent % KEYFRAME_EVERY === 0;
    const bytes = key ? cycles.snapshotCodec.encodeKeyframe(snapshot) : cycles.snapshotCodec.encodeDelta(previous!, snapshot);
    const t2 = performance.now();
    sent += 1;
    previous = snapshot;
    if (measured) {
      figures.tickMs.push(t2 - t1);
      figures.thinkMs.push(t1 - t0);
      (key ? figures.keyBytes : figures.deltaBytes).push(bytes.length);
      if (state.round !== roundBefore) figures.rounds += 1;
    }
    if (ended) restart();
  }
  return figures;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

console.log(`Cycles bot matches at ${TICK_RATE} Hz, ${MEASURED_TICKS / TICK_RATE} s measured after ${WARMUP_TICKS / TICK_RATE} s, snapshot every tick, keyframe every ${KEYFRAME_EVERY} (node ${process.version})\n`);
console.log('| players | rounds started | keyframe B (mean / max) | delta B (mean / p95) | down B/s per player (wire) | up B/s per player (wire) | tick p50 | tick p99 | bot think (mean, all bots) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const players of [8, 2]) {
  const f = benchMatch(players, 7);
  const messages = f.keyBytes.length + f.deltaBytes.length;
  const wirePerMessage = (f.keyBytes.reduce((a, b) => a + b, 0) + f.deltaBytes.reduce((a, b) => a + b, 0)) / messages + FRAMING_BYTES;
  const down = wirePerMessage * TICK_RATE;
  const up = (INPUT_BYTES + FRAMING_BYTES) * TICK_RATE;
  console.log(
    `| ${players} | ${f.rounds} | ${mean(f.keyBytes).toFixed(0)} / ${Math.max(...f.keyBytes)} | ${mean(f.deltaBytes).toFixed(1)} / ${pct(f.deltaBytes, 95)} | ${down.toFixed(0)} | ${up} | ${pct(f.tickMs, 50).toFixed(3)} ms | ${pct(f.tickMs, 99).toFixed(3)} ms | ${mean(f.thinkMs).toFixed(3)} ms |`,
  );
}
