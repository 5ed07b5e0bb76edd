/**
 * Where a client finds a match's game (its codecs) when a join is answered: a list of the games it
 * was built with, or a lookup that may load the game's module on demand. A page keeps the games
 * out of its first script this way (the codecs and simulations are tens of KB the lobby never
 * runs), and a match whose game is still on its way is held, not lost: the frames that arrive
 * meanwhile wait in a PendingFrames, in order, and are decoded once the game is there.
 *
 * A lookup answers the game, null for an id it does not know (the join is refused UNKNOWN_GAME),
 * or a promise of either; a promise that rejects (the module failed to load) refuses the join
 * GAME_LOAD_FAILED. Either way the seat is given back: this client cannot play the match.
 */
import type { AnyGame } from '../game/game-definition.ts';

export type GameLookup = (id: string) => AnyGame | null | PromiseLike<AnyGame | null>;
export type GameSource = readonly AnyGame[] | GameLookup;

/** The game of `id` from `source`: at once when it has it (a list always does), else a promise. */
export function findGame(source: GameSource, id: string): AnyGame | null | PromiseLike<AnyGame | null> {
  if (typeof source === 'function') return source(id);
  return source.find((g) => g.id === id) ?? null;
}

export function isPending(found: AnyGame | null | PromiseLike<AnyGame | null>): found is PromiseLike<AnyGame | null> {
  return found !== null && typeof (found as PromiseLike<unknown>).then === 'function';
}

/**
 * A match's frames that arrived before its game could decode them, oldest first. Bounded: past
 * `limit` frames the oldest go (counted in `dropped`); the stream then answers NO_BASE for the
 * deltas whose base went with them and picks up at the next keyframe (the server sends one every
 * second), so a slow load costs the start of the match, never memory without end or a delta
 * applied to the wrong base.
 */
export class PendingFrames {
  private frames: Uint8Array[] = [];
  dropped = 0;

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`PendingFrames needs room for at least one frame, not ${limit}`);
  }

  push(frame: Uint8Array): void {
    if (this.frames.length >= this.limit) {
      this.frames.shift();
      this.dropped += 1;
    }
    this.frames.push(frame);
  }

  get size(): number {
    return this.frames.length;
  }

  /** Every frame held, oldest first; the buffer is empty after. */
  take(): Uint8Array[] {
    const out = this.frames;
    this.frames = [];
    return out;
  }
}
