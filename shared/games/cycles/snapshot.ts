/**
 * What a Cycles snapshot says, independent of how it is encoded. The server builds one from the
 * state (snapshot-builder.ts); clients and bots get the same structure back from the decoder.
 */
import type { SnapshotHeader } from '../../game/game-definition.ts';
import type { Dir } from './direction.ts';
import type { RoundState } from './state.ts';
import { GRID_HEIGHT, GRID_WIDTH, MAX_PLAYERS } from './rules.ts';

export interface CyclePlayer {
  /** The slot. */
  id: number;
  /** False: the player left during this round; the entry stays for its trail. */
  present: boolean;
  alive: boolean;
  /** The head: the trail's last point (0, 0 when the trail is empty). */
  x: number;
  y: number;
  /** Heading of the next move. */
  dir: Dir;
  boosting: boolean;
  /** Boost energy, 0..energyLevels (setup). */
  energy: number;
  /** Rounds won. */
  score: number;
  lastInputSeq: number;
  /**
   * This round's trail, flattened [x0, y0, x1, y1, ...]: spawn cell, corners, head last. Empty
   * for a player waiting for the next round.
   */
  trail: number[];
}

export type CyclesSnapshotEvent =
  | { type: 'crash'; victim: number; killer: number | null }
  /** `winner` null: a draw, nobody scored. */
  | { type: 'roundWon'; winner: number | null };

export interface CyclesSnapshot extends SnapshotHeader {
  /** 0 before the first round. */
  round: number;
  roundState: RoundState;
  /** When the pause ends (the next round starts); 0 unless paused. */
  roundEndTick: number;
  /** Sorted by id. */
  players: CyclePlayer[];
  /** What happened since the previous snapshot (transient: not part of a delta's base). */
  events: CyclesSnapshotEvent[];
}

export { MAX_PLAYERS };
export const MAX_EVENTS = 64;
/** A trail cannot have more points than the grid has cells. */
export const MAX_TRAIL_POINTS = GRID_WIDTH * GRID_HEIGHT;
