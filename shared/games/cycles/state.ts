/**
 * The data a Cycles match runs on. Everything but the occupancy grid is plain data and goes into
 * a checkpoint as is (state-io.ts); the grid is rebuilt from the trails.
 */
import type { Dir } from './direction.ts';
import type { Occupancy } from './occupancy.ts';

/**
 * 'wait': fewer than two players to start a round. 'live': cycles are running. 'pause': the
 * round is over (or about to start), the next one begins at `roundEndTick`.
 */
export type RoundState = 'wait' | 'live' | 'pause';

/** A slot in the match: a seated player, or the trail of one who left during this round. */
export interface Seat {
  slot: number;
  /** Seated now. False: the player left this round; only the trail remains, until the round ends. */
  present: boolean;
  /** Rounds won. */
  score: number;
  /** Rivals that crashed into this player's trail. */
  kills: number;
  crashes: number;
  alive: boolean;
  /** Heading of the next move. */
  dir: Dir;
  /** Heading of the last move made: turning back onto it is refused. */
  movedDir: Dir;
  /** Movement accumulator: one cell per `tickRate` units, `speed` units a tick. */
  progress: number;
  energy: number;
  /** The boost button, as the last input left it (inputs are held between ticks). */
  boostHeld: boolean;
  /** Boosted on the last tick. */
  boosting: boolean;
  /** This round's trail (see trail.ts); empty for a player waiting for the next round. */
  trail: number[];
}

/** A player who is away: the score waiting for their return. */
export interface AwayRecord {
  slot: number;
  score: number;
  kills: number;
  crashes: number;
}

export interface PendingInput {
  dir: 0 | Dir;
  boost: boolean;
}

export type CyclesEvent =
  | { tick: number; type: 'crash'; victim: number; killer: number | null }
  | { tick: number; type: 'roundWon'; winner: number | null };

export interface CyclesState {
  tickRate: number;
  roundsToWin: number;
  timeLimitS: number;
  rngState: number;
  /** The last tick stepped. */
  tick: number;
  /** True once play has begun (beginPlay or the first playing step). */
  begun: boolean;
  /** Tick at which play ends by time; 0 for none. */
  endTick: number;
  ended: boolean;
  /** 0 before the first round. */
  round: number;
  roundState: RoundState;
  /** When 'pause' ends; 0 in the other states. */
  roundEndTick: number;
  /** Sorted by slot. */
  seats: Seat[];
  /** Sorted by slot; never a slot that also has a present seat. */
  away: AwayRecord[];
  /** Index = slot: the input queued for the next step. */
  pending: (PendingInput | null)[];
  /** Recent events (a couple of seconds), so a snapshot taken every few ticks still sees them. */
  events: CyclesEvent[];
  /** Derived from `seats[].trail`; not part of a checkpoint. */
  grid: Occupancy;
}

export function findSeat(state: CyclesState, slot: number): Seat | undefined {
  return state.seats.find((s) => s.slot === slot);
}
