/** Turns a Cycles state into the snapshot model. */
import type { SnapshotFrame } from '../../game/game-definition.ts';
import { energyLevel } from './rules.ts';
import { MAX_EVENTS, type CyclesSnapshot, type CyclesSnapshotEvent } from './snapshot.ts';
import type { CyclesState } from './state.ts';

/**
 * `previous` is the last snapshot sent: its tick says which events are news. Without one (the
 * first snapshot) only this tick's events count, so a late joiner is not shown old crashes.
 */
export function buildSnapshot(state: CyclesState, previous: CyclesSnapshot | null, frame: SnapshotFrame): CyclesSnapshot {
  const since = previous && previous.tick < state.tick ? previous.tick : state.tick - 1;
  const events: CyclesSnapshotEvent[] = [];
  for (const e of state.events) {
    if (e.tick <= since || e.tick > state.tick) continue;
    events.push(e.type === 'crash' ? { type: 'crash', victim: e.victim, killer: e.killer } : { type: 'roundWon', winner: e.winner });
  }
  return {
    tick: state.tick,
    serverTime: Math.round(frame.serverTime),
    phase: frame.phase,
    phaseEndTick: frame.phaseEndTick,
    round: state.round,
    roundState: state.roundState,
    roundEndTick: state.roundEndTick,
    players: state.seats.map((s) => {
      const n = s.trail.length;
      return {
        id: s.slot,
        present: s.present,
        alive: s.alive,
        x: n > 0 ? s.trail[n - 2]! : 0,
        y: n > 0 ? s.trail[n - 1]! : 0,
        dir: s.dir,
        boosting: s.boosting,
        energy: energyLevel(s.energy, state.tickRate),
        score: s.score,
        lastInputSeq: frame.lastInputSeq.get(s.slot) ?? 0,
        trail: s.trail.slice(),
      };
    }),
    events: events.slice(-MAX_EVENTS),
  };
}
