/** A match's phases, as snapshots carry them (2 bits on the wire in every game's codec). */
export const MatchPhase = {
  Waiting: 0,
  Countdown: 1,
  Playing: 2,
  Ended: 3,
} as const;
export type MatchPhase = (typeof MatchPhase)[keyof typeof MatchPhase];
