/**
 * Keeps a client's view of the match: applies each keyframe or delta to the last decoded
 * snapshot. After an error it holds nothing and waits for the next keyframe (the server sends
 * one every second), so a bad delta can never be applied to the wrong base.
 */
import { decodeSnapshot, type SnapshotErrorCode } from '../games/arena/snapshot-codec.ts';
import type { Result } from '../protocol/result.ts';
import type { Snapshot } from '../games/arena/snapshot.ts';

export class SnapshotStream {
  private current: Snapshot | null = null;
  errors = 0;

  get latest(): Snapshot | null {
    return this.current;
  }

  apply(bytes: Uint8Array): Result<Snapshot, SnapshotErrorCode> {
    const result = decodeSnapshot(bytes, this.current);
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
