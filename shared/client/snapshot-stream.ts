/**
 * Keeps a client's view of the match: applies each keyframe or delta to the last decoded
 * snapshot with the match's game codec. After an error it holds nothing and waits for the next
 * keyframe (the server sends one every second), so a bad delta is never applied to the wrong base.
 */
import type { SnapshotCodec, SnapshotHeader } from '../game/game-definition.ts';
import type { Result } from '../result.ts';

export class SnapshotStream<S extends SnapshotHeader = SnapshotHeader> {
  private current: S | null = null;
  errors = 0;

  constructor(private readonly codec: SnapshotCodec<S>) {}

  get latest(): S | null {
    return this.current;
  }

  apply(bytes: Uint8Array): Result<S, string> {
    const result = this.codec.decode(bytes, this.current);
    if (result.ok) this.current = result.value;
    else if (result.code !== 'NO_BASE') {
      this.errors += 1;
      this.current = null;
    }
    return result;
  }

  reset(): void {
    this.current = null;
  }
}
