/**
 * What a match checkpoint costs Redis: bytes per player-second and CPU per checkpoint, as JSON
 * (what the nodes wrote before) and as the binary checkpoint (server/cluster/checkpoint-codec.ts),
 * with deflate on top for comparison.
 *
 *   node --import tsx loadtest/bench/checkpoint.bench.ts [--seconds 60] [--tick-rate 20] [--players 16]
 *   (pin it: taskset -c 0 node --import tsx loadtest/bench/checkpoint.bench.ts)
 *
 * One match per game, `players` seats: one player sending a new input every tick (aim included)
 * and server bots in the other seats, the server's own MatchHost with its runner on a scheduler
 * the bench ticks itself. A checkpoint is taken every second of the match, as a node does; the
 * first 10 s are skipped (the match fills and starts). Redis traffic per player: a checkpoint is
 * written once a second and read only on adoption, so it is the written bytes over the players.
 */
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { arena } from '../../shared/games/arena/index.ts';
import { cycles } from '../../shared/games/cycles/index.ts';
import type { AnyGame } from '../../shared/game/game-definition.ts';
import { nextRandom } from '../../shared/game/rng.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../../server/cluster/checkpoint-codec.ts';
import { ANN, testNode } from '../../test/support/recorded-match.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, 'tick-rate': { type: 'string', default: '20' }, players: { type: 'string', default: '16' } } });
const seconds = Number(values.seconds);
const tickRate = Number(values['tick-rate']);
const players = Number(values.players);
const WARMUP_S = 10;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const usOf = (f: () => void): number => {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / 1000;
};

function measure(game: AnyGame) {
  const clock = { now: 1_800_000_000_000 };
  const node = testNode(null, clock, tickRate);
  const seats = Math.min(players, game.modes[0]!.maxPlayers);
  const host = node.open({ game, seed: 11, bots: seats - 1, seats, options: { killTarget: 0, timeLimitS: 3600 }, command: () => null });
  host.claim(ANN);
  host.attach('c-ann', ANN);
  for (let b = 1; b < seats; b++) host.addBot();
  const rng = { rngState: 5 };
  const json: number[] = [];
  const binary: number[] = [];
  const deflated: number[] = [];
  const take: number[] = [];
  const encode: number[] = [];
  const decode: number[] = [];
  const stringify: number[] = [];
  for (let t = 1; t <= (WARMUP_S + seconds) * tickRate; t++) {
    // The game's own fields beside the envelope (seq, clientTick), as the wire decoder hands them over.
    const input = { seq: t, clientTick: Math.max(0, host.currentTick - 2), buttons: Math.floor(nextRandom(rng) * 32), aim: Math.fround(nextRandom(rng) * 6 - 3) };
    host.pushInput('c-ann', input);
    clock.now += 1000 / tickRate;
    node.tick();
    if (t % tickRate !== 0 || t <= WARMUP_S * tickRate) continue;
    let cp = host.checkpoint();
    take.push(usOf(() => (cp = host.checkpoint())));
    let bytes = encodeCheckpoint(cp);
    encode.push(usOf(() => (bytes = encodeCheckpoint(cp))));
    decode.push(usOf(() => void decodeCheckpoint(bytes)));
    stringify.push(usOf(() => void Buffer.from(JSON.stringify(cp))));
    json.push(Buffer.byteLength(JSON.stringify(cp)));
    binary.push(bytes.length);
    deflated.push(deflateRawSync(bytes).length);
  }
  const perPlayer = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length / seats).toFixed(0);
  return {
    game: game.id,
    seats,
    state: host.state,
    jsonBytes: median(json),
    binaryBytes: median(binary),
    deflatedBytes: median(deflated),
    jsonPerPlayerS: perPlayer(json),
    binaryPerPlayerS: perPlayer(binary),
    deflatedPerPlayerS: perPlayer(deflated),
    takeUs: median(take).toFixed(0),
    encodeUs: median(encode).toFixed(0),
    decodeUs: median(decode).toFixed(0),
    stringifyUs: median(stringify).toFixed(0),
  };
}

console.log(`checkpoints once a second, ${seconds} s after ${WARMUP_S} s, ${tickRate} Hz, up to ${players} players (1 sending inputs, the rest server bots)`);
console.log('| game | players | JSON B (B/s per player) | binary B (B/s per player) | binary + deflate B (B/s per player) | toState µs | JSON encode µs | binary encode µs | binary decode µs |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const game of [arena, cycles] as AnyGame[]) {
  const r = measure(game);
  if (r.state !== 'playing') console.log(`(${r.game} was ${r.state} at the end: figures cover less than a playing match)`);
  console.log(`| ${r.game} | ${r.seats} | ${r.jsonBytes} (${r.jsonPerPlayerS}) | ${r.binaryBytes} (${r.binaryPerPlayerS}) | ${r.deflatedBytes} (${r.deflatedPerPlayerS}) | ${r.takeUs} | ${r.stringifyUs} | ${r.encodeUs} | ${r.decodeUs} |`);
}
