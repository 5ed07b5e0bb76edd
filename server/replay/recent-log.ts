/**
 * The last seconds of a match's recording, kept in the owner's memory for killcams: the chunks
 * the recorder handed to the store, newest last, as long as they may be asked for. A killcam
 * re-simulates from a checkpoint, and the tick log can be read only from a checkpoint on
 * (tick-log.ts: a checkpoint forgets every earlier input), so the recorder starts a new chunk at
 * every checkpoint and says so here; a slice is then whole chunks, cut from memory with no
 * parsing, whatever the match's length.
 *
 * Verbs: `add` a chunk (and whether its first record carries a checkpoint); `from(tick)`: the
 * chunks from the newest checkpoint at or before `tick` to the end (the oldest kept checkpoint
 * when `tick` is older). Kept: everything since the newest checkpoint at or before `lastTick -
 * keepTicks`, so at most one checkpoint interval plus `keepTicks` of log (about 25 s, a few tens
 * of KB for 16 players).
 */
import type { ReplayChunk } from '../../shared/replay/replay-format.ts';

export interface Kept {
  chunk: ReplayChunk;
  /** The chunk's first record carries a checkpoint of the state at `chunk.fromTick - 1`. */
  checkpoint: boolean;
}

export class RecentLog {
  private kept: Kept[] = [];

  constructor(private readonly keepTicks: number) {}

  /** Chunks kept (tests, metrics). */
  get size(): number {
    return this.kept.length;
  }

  add(chunk: ReplayChunk, checkpoint: boolean): void {
    const last = this.kept.at(-1);
    // A gap (a refused append, an adoption) leaves an older stretch that cannot be continued.
    if (last && last.chunk.toTick + 1 !== chunk.fromTick) this.kept = [];
    if (this.kept.length === 0 && !checkpoint) return;
    this.kept.push({ chunk, checkpoint });
    const horizon = chunk.toTick - this.keepTicks;
    let start = 0;
    for (let i = 1; i < this.kept.length; i++) if (this.kept[i]!.checkpoint && this.kept[i]!.chunk.fromTick - 1 <= horizon) start = i;
    if (start > 0) this.kept.splice(0, start);
  }

  /** The chunks to re-simulate from the newest checkpoint at or before `tick` up to now; null when none is kept. */
  from(tick: number): ReplayChunk[] | null {
    return this.keptFrom(tick)?.map((k) => k.chunk) ?? null;
  }

  /** As `from`, with each chunk's checkpoint mark. */
  keptFrom(tick: number): Kept[] | null {
    let start = -1;
    for (let i = 0; i < this.kept.length; i++) {
      const k = this.kept[i]!;
      if (!k.checkpoint) continue;
      if (start < 0 || k.chunk.fromTick - 1 <= tick) start = i;
      if (k.chunk.fromTick - 1 > tick) break;
    }
    return start < 0 ? null : this.kept.slice(start);
  }
}
