/**
 * Checks a replay file: re-simulates it from its start and from each of its checkpoints with
 * this build's games, comparing the state hash at every checkpoint and the final results. Used by
 * `npm run replay -- verify` (scripts/replay.ts) and its tests; the verdict is one line.
 */
import { verifyReplay } from '../../shared/replay/resimulate.ts';
import type { AnyGame } from '../../shared/game/game-definition.ts';
import { unpackReplay } from '../../server/replay/replay-file.ts';

export type Verdict = { ok: true; line: string } | { ok: false; code: string; line: string };

export function verifyFile(bytes: Uint8Array, games: readonly AnyGame[]): Verdict {
  const file = unpackReplay(bytes);
  if (!file.ok) return { ok: false, code: file.code, line: `${file.code.toLowerCase().replaceAll('_', ' ')}: ${file.message}` };
  const verdict = verifyReplay(file.replay, games);
  if (!verdict.ok) return { ok: false, code: verdict.code, line: `${verdict.code.toLowerCase().replaceAll('_', ' ')}: ${verdict.message}` };
  return { ok: true, line: `ok: ${verdict.ticks} ticks, ${verdict.checkpoints} checkpoints` };
}
