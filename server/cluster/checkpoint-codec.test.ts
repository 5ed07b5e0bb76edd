import { describe, expect, it } from 'vitest';
import { arena } from '../../shared/games/arena/index.ts';
import { cycles } from '../../shared/games/cycles/index.ts';
import type { AnyGame } from '../../shared/game/game-definition.ts';
import { nextRandom } from '../../shared/game/rng.ts';
import { ANN, testNode } from '../../test/support/recorded-match.ts';
import type { MatchHost } from '../match/match-host.ts';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.ts';

/** A running match of `game` with Ann and bots, `ticks` ticks in, on a node of its own. */
function runningMatch(game: AnyGame, ticks: number) {
  const clock = { now: 1_800_000_000_000 };
  const node = testNode(null, clock);
  const options = { game, seed: 42, bots: 7, command: () => null };
  const host = node.open(options);
  host.claim(ANN);
  host.attach('c-ann', ANN);
  for (let i = 0; i < 7; i++) host.addBot();
  for (let t = 0; t < ticks; t++) {
    clock.now += 100;
    node.tick();
  }
  return { host, options, clock };
}

/** Steps two copies of a match with the same inputs; their checkpoints must stay equal. */
function stepTogether(a: MatchHost, b: MatchHost, clock: { now: number }, nodes: { tick(): void }[], ticks: number): void {
  const rng = { rngState: 9 };
  const random = () => nextRandom(rng);
  a.attach('c-ann', ANN);
  b.attach('c-ann', ANN);
  for (let t = 1; t <= ticks; t++) {
    const input = { seq: t, clientTick: a.currentTick, buttons: Math.floor(random() * 32), aim: Math.fround(random() * 6 - 3) };
    a.pushInput('c-ann', input);
    b.pushInput('c-ann', input);
    clock.now += 100;
    for (const n of nodes) n.tick();
  }
}

describe('match checkpoints as Redis stores them', () => {
  for (const game of [arena, cycles] as AnyGame[]) {
    it(`${game.id}: a running match comes back exactly, in a fraction of its JSON`, () => {
      const { host } = runningMatch(game, 60);
      const cp = host.checkpoint();
      const bytes = encodeCheckpoint(cp);
      const back = decodeCheckpoint(bytes);
      expect(back.ok && back.checkpoint).toEqual(cp);
      expect(bytes.length * 2).toBeLessThan(Buffer.byteLength(JSON.stringify(cp)));
    });
  }

  it('a match adopted from the binary checkpoint plays on exactly as one adopted from JSON', () => {
    const { host, options, clock } = runningMatch(arena, 45);
    const cp = host.checkpoint();
    const tick = host.currentTick;
    const decoded = decodeCheckpoint(encodeCheckpoint(cp));
    if (!decoded.ok) throw new Error(decoded.message);
    const nodeA = testNode(null, clock);
    const nodeB = testNode(null, clock);
    const fromBinary = nodeA.adopt(options, decoded.checkpoint);
    const fromJson = nodeB.adopt(options, JSON.parse(JSON.stringify(cp)));
    host.abandon();
    stepTogether(fromBinary, fromJson, clock, [nodeA, nodeB], 40);
    expect(fromBinary.currentTick).toBe(tick + 40);
    expect(fromBinary.checkpoint()).toEqual(fromJson.checkpoint());
  });

  it('reads the JSON an older node left in Redis', () => {
    const { host } = runningMatch(arena, 20);
    const cp = host.checkpoint();
    const back = decodeCheckpoint(Buffer.from(JSON.stringify(cp)));
    expect(back.ok && back.checkpoint).toEqual(JSON.parse(JSON.stringify(cp)));
  });

  it('names what is wrong with bytes that are not a checkpoint, and never throws', () => {
    const bad = (b: Uint8Array) => {
      const r = decodeCheckpoint(b);
      return r.ok ? 'ok' : r.message;
    };
    expect(bad(new Uint8Array())).toBe('an empty checkpoint');
    expect(bad(Uint8Array.of(1, 2, 3))).toBe('not a checkpoint (first byte 1)');
    expect(bad(Buffer.from('{"tick":'))).toBe('a JSON checkpoint that does not parse');
    expect(bad(Buffer.from('[1]'))).toMatch(/not a checkpoint/);
    const good = encodeCheckpoint(runningMatch(arena, 10).host.checkpoint());
    expect(bad(Uint8Array.of(good[0]!, 99, ...good.subarray(2)))).toBe('checkpoint format 99, this node reads 1');
    expect(bad(good.subarray(0, good.length >> 1))).toMatch(/^a corrupt checkpoint: /);
    const rng = { rngState: 3 };
    const random = () => nextRandom(rng);
    for (let i = 0; i < 300; i++) {
      const mutated = Uint8Array.from(good);
      for (let k = 0; k < 1 + (i % 4); k++) mutated[1 + Math.floor(random() * (mutated.length - 1))] = Math.floor(random() * 256);
      expect(() => decodeCheckpoint(mutated)).not.toThrow();
    }
  });
});
