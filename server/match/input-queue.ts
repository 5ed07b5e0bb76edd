/**
 * A player's pending inputs. The tick takes at most one per tick, so sending inputs faster than
 * the tick rate cannot speed a player up; the queue is bounded so a flood cannot grow memory or
 * latency (the oldest input is dropped: the newest one says best what the player wants now).
 */
import type { InputHeader } from '../../shared/game/game-definition.ts';

export type PushOutcome = 'queued' | 'replayed' | 'overflow';

export class InputQueue<I extends InputHeader = InputHeader> {
  private readonly items: I[] = [];
  private lastReceivedSeq = -1;

  constructor(private readonly capacity: number) {}

  /** 'replayed': sequence not above the last received one (ignored). 'overflow': oldest dropped. */
  push(input: I): PushOutcome {
    if (input.seq <= this.lastReceivedSeq) return 'replayed';
    this.lastReceivedSeq = input.seq;
    this.items.push(input);
    if (this.items.length > this.capacity) {
      this.items.shift();
      return 'overflow';
    }
    return 'queued';
  }

  take(): I | undefined {
    return this.items.shift();
  }

  get length(): number {
    return this.items.length;
  }
}
