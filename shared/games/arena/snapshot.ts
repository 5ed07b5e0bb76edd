/**
 * What a snapshot says, independent of how it is encoded. The server builds one per snapshot
 * tick from its world; clients get the same structure back from the decoder.
 */
import { MatchPhase } from '../../game/phase.ts';
export { MatchPhase };

export interface PlayerSnapshot {
  id: number; // 0..63
  x: number; // px on the 1/8 px grid
  y: number;
  /** Movement since the previous snapshot, px on the 1/8 grid (drives the codec's prediction). */
  vx: number;
  vy: number;
  aim: number; // radians, quantized to 1/256 turn on the wire
  hp: number; // 0..255
  alive: boolean;
  kills: number;
  deaths: number;
  /** Sequence number of the last input the server applied for this player (reconciliation). */
  lastInputSeq: number;
}

export interface ProjectileSnapshot {
  id: number; // 0..65535
  ownerId: number;
  x0: number; // spawn position, px on the 1/8 grid
  y0: number;
  angle: number; // radians, exactly k * 2PI/4096 - PI
  spawnTick: number;
}

/**
 * What happened since the previous snapshot. Hits and blocked shots let the shooter see a hit
 * marker (and the rewind its shot was judged with) and the target a flash, without inferring
 * them from hp.
 */
export type SnapshotEvent =
  | { type: 'kill'; killerId: number; victimId: number }
  /** damage 0..255; rewindTicks: how far back the server judged the shot (lag compensation). */
  | { type: 'hit'; attackerId: number; victimId: number; damage: number; rewindTicks: number }
  /** A wall stopped attackerId's shot that would have hit victimId. */
  | { type: 'blocked'; attackerId: number; victimId: number };

export interface Snapshot {
  tick: number;
  /** Server clock (ms, integer) when this tick was scheduled; clients interpolate on it. */
  serverTime: number;
  phase: MatchPhase;
  /** Tick at which the current phase ends (countdown, time limit); 0 when open-ended. */
  phaseEndTick: number;
  players: PlayerSnapshot[]; // sorted by id
  projectiles: ProjectileSnapshot[]; // in spawn order
  /** What happened since the previous snapshot (transient: not part of the delta base). */
  events: SnapshotEvent[];
}

export const MAX_PLAYERS = 64;
export const MAX_PROJECTILES = 4096;
export const MAX_EVENTS = 256;
