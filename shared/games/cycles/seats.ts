/**
 * Who is in the match: seating, leaving and the ranking. A player who leaves mid-round loses
 * their cycle but the trail stays where it is (rivals may still crash into it) until the round
 * ends; their score waits in `away` if they may come back.
 */
import type { Standing } from '../../game/game-definition.ts';
import { Dir } from './direction.ts';
import { MAX_PLAYERS } from './rules.ts';
import { findSeat, type AwayRecord, type CyclesState, type Seat } from './state.ts';

export function isSlot(slot: number): boolean {
  return Number.isInteger(slot) && slot >= 0 && slot < MAX_PLAYERS;
}

/**
 * Seats a player, with the score they had if they were away. They wait for the next round: a
 * cycle joining a running round would spawn where others already are. Throws on a bad or taken
 * slot (a framework bug, not a player's).
 */
export function addPlayer(state: CyclesState, slot: number): void {
  if (!isSlot(slot)) throw new RangeError(`slot must be an integer in 0..${MAX_PLAYERS - 1}, got ${slot}`);
  const existing = findSeat(state, slot);
  if (existing?.present) throw new Error(`slot ${slot} is already seated`);
  const record = state.away.find((a) => a.slot === slot);
  state.away = state.away.filter((a) => a.slot !== slot);
  // A trail left in this slot earlier this round (by this player or the previous occupant) stays.
  const seat = existing ?? insertSeat(state, slot);
  seat.present = true;
  seat.alive = false;
  seat.boostHeld = false;
  seat.score = record?.score ?? 0;
  seat.kills = record?.kills ?? 0;
  seat.crashes = record?.crashes ?? 0;
}

/** 'away' keeps the score for the player's return; 'gone' forgets the player. */
export function removePlayer(state: CyclesState, slot: number, why: 'away' | 'gone'): void {
  if (why === 'gone') state.away = state.away.filter((a) => a.slot !== slot);
  const seat = findSeat(state, slot);
  if (!seat?.present) return;
  if (why === 'away') {
    const record: AwayRecord = { slot, score: seat.score, kills: seat.kills, crashes: seat.crashes };
    state.away = [...state.away, record].sort((a, b) => a.slot - b.slot);
  }
  seat.present = false;
  seat.alive = false;
  seat.boostHeld = false;
  seat.boosting = false;
  seat.score = 0;
  seat.kills = 0;
  seat.crashes = 0;
  state.pending[slot] = null;
  if (seat.trail.length === 0) state.seats = state.seats.filter((s) => s !== seat);
}

/** Rounds won, then rivals downed, then fewest crashes, then lowest slot. */
export function results(state: CyclesState, slots: readonly number[]): Standing[] {
  const rows = slots.map((slot) => {
    const seat = findSeat(state, slot);
    const from = seat?.present ? seat : state.away.find((a) => a.slot === slot);
    const score = from?.score ?? 0;
    const kills = from?.kills ?? 0;
    const crashes = from?.crashes ?? 0;
    return { slot, score, stats: { rounds: score, kills, crashes } };
  });
  return rows.sort(
    (a, b) => b.score - a.score || b.stats.kills - a.stats.kills || a.stats.crashes - b.stats.crashes || a.slot - b.slot,
  );
}

function insertSeat(state: CyclesState, slot: number): Seat {
  const seat: Seat = {
    slot,
    present: true,
    score: 0,
    kills: 0,
    crashes: 0,
    alive: false,
    dir: Dir.Up,
    movedDir: Dir.Up,
    progress: 0,
    energy: 0,
    boostHeld: false,
    boosting: false,
    trail: [],
  };
  state.seats = [...state.seats, seat].sort((a, b) => a.slot - b.slot);
  return seat;
}
