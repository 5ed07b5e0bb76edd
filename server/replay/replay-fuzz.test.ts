/**
 * Hostile replay files: a real recording, then damaged by mutation, fed to verify. Bytes of the
 * compressed file are flipped, cut, inserted (zlib's checksum catches most); and, to get past
 * the checksum to the parsers and the simulation, the uncompressed body is mutated and packed
 * again. Every one must come back as a one-line verdict (never a throw), most of them refusals
 * (a mutation of a nickname or of a checkpoint's unread field may pass). A hang would time this
 * file out.
 */
import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { arena } from '../../shared/games/arena/index.ts';
import { cycles } from '../../shared/games/cycles/index.ts';
import { GAMES } from '../../shared/games/index.ts';
import { encodeReplayBody } from '../../shared/replay/replay-format.ts';
import { verifyFile } from '../../scripts/replay/verify.ts';
import { packReplay } from './replay-file.ts';
import { playRecordedMatch } from '../../test/support/recorded-match.ts';

const mutation = (length: number) =>
  fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('flip' as const), at: fc.nat({ max: length - 1 }), bits: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ op: fc.constant('set' as const), at: fc.nat({ max: length - 1 }), value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff) }),
      fc.record({ op: fc.constant('cut' as const), at: fc.nat({ max: length - 1 }) }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat({ max: length - 1 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    ),
    { minLength: 1, maxLength: 4 },
  );

type Mutation = { op: 'flip'; at: number; bits: number } | { op: 'set'; at: number; value: number } | { op: 'cut'; at: number } | { op: 'insert'; at: number; bytes: Uint8Array };

function mutate(bytes: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let out = Buffer.from(bytes);
  for (const m of ms) {
    const at = Math.min(m.at, Math.max(0, out.length - 1));
    if (m.op === 'flip') out[at]! ^= m.bits;
    else if (m.op === 'set') out[at] = m.value;
    else if (m.op === 'cut') out = out.subarray(0, at);
    else out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
  }
  return out;
}

const HEAD = Buffer.from([...Buffer.from('ARPL', 'latin1'), 1, 1]);

describe('verify on mutated replay files', () => {
  const files: { name: string; file: Uint8Array; body: Uint8Array }[] = [];
  beforeAll(async () => {
    const a = await playRecordedMatch({ game: arena, seed: 31, bots: 2, options: { killTarget: 0, timeLimitS: 13 }, command: (t) => ({ buttons: t % 7, aim: Math.fround(t / 10) }), failoverAt: 60 });
    const c = await playRecordedMatch({ game: cycles, seed: 32, bots: 2, options: { roundsToWin: 1, timeLimitS: 13 }, command: (t) => ({ dir: (t >> 3) % 5, boost: t % 11 === 0 }) });
    for (const [name, r] of [['arena', a.replay], ['cycles', c.replay]] as const) {
      files.push({ name, file: packReplay(r), body: encodeReplayBody(r) });
      expect(verifyFile(packReplay(r), GAMES)).toMatchObject({ ok: true });
    }
  });

  it('the compressed file: always a verdict, never a throw', () => {
    for (const { file } of files) {
      fc.assert(
        fc.property(mutation(file.length), (ms) => {
          const verdict = verifyFile(mutate(file, ms), GAMES);
          expect(verdict.line.split('\n')).toHaveLength(1);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('the body under the compression: always a one-line verdict, and most mutations refused', () => {
    for (const { name, body } of files) {
      let refused = 0;
      fc.assert(
        fc.property(mutation(body.length), (ms) => {
          const damaged = mutate(body, ms);
          const verdict = verifyFile(Buffer.concat([HEAD, deflateSync(damaged)]), GAMES);
          expect(verdict.line.split('\n')).toHaveLength(1);
          expect(verdict.line.length).toBeLessThan(400);
          if (!verdict.ok) refused++;
        }),
        { numRuns: 150 },
      );
      // Most mutations must be caught: a verify that said ok to anything would fail here.
      expect(refused, name).toBeGreaterThan(100);
    }
  });
});
