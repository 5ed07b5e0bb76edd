import type { InputHeader } from '../../shared/game/game-definition.ts';

/**
 * Hears every call the runner makes that changes the game's state, in order: what a replay
 * needs to make the same calls again (server/replay/match-recorder.ts).
 */
export interface MatchJournal {
  seat(slot: number, kind: 'enter' | 'away' | 'gone'): void;
  beginPlay(): void;
  /** An input applied for `tick` (the tick about to be stepped); slots come in ascending order. */
  input(slot: number, input: InputHeader, tick: number): void;
  /**
   * `tick` was stepped; `snapshot`: the game was asked for a snapshot after it, which is a
   * state change too (Arena hands its pending events to the snapshot and forgets them).
   */
  stepped(tick: number, snapshot: boolean): void;
}
