/**
 * The arena-16 scenario (scenario.ts) as a game behind the project's game boundary
 * (shared/game/game-definition.ts), so the real server runs it with everything a production
 * node does: lobby, queue, guard, metrics, the direct /match paths. It is registered only by the
 * benchmark's own server entry (parity-server.ts), never in server/games.ts.
 *
 * One mode, `parity-16`, of exactly 16 players: the matchmaker forms full rooms as the
 * scenario's rooms are. Matches never end by themselves (no kill target, no time limit).
 */
import type { GameBot, GameDefinition, Standing } from '../../../shared/game/game-definition.ts';
import { err, ok, type Result } from '../../../shared/result.ts';
import {
  decodeParityInput,
  decodeParitySnapshot,
  encodeParityDelta,
  encodeParityInput,
  encodeParityKeyframe,
  peekParitySnapshot,
  quantiseAngle,
  type ParityInput,
  type ParitySnapshot,
} from './parity-codec.ts';
import { applyCommand, FIELD_SIZE, InputScript, ROOM_SIZE, spawnPlayer, SPEED_PX_PER_S, stepPlayer, type ScenarioPlayer } from './scenario.ts';

export const PARITY_MODE = 'parity-16';

export interface ParityState {
  tick: number;
  tickRate: number;
  /** By slot; null where the seat is empty. */
  players: (ScenarioPlayer | null)[];
}

export interface ParitySetup {
  tickRate: number;
  field: number;
  speed: number;
}

const round = (v: number): number => Math.min(FIELD_SIZE, Math.max(0, Math.round(v)));

export const parity: GameDefinition<ParityState, ParityInput, ParitySnapshot, ParitySetup> = {
  id: 'parity',
  name: 'Parity (arena-16 benchmark)',
  version: 1,
  maxPlayers: ROOM_SIZE,
  modes: [{ id: PARITY_MODE, label: 'arena-16 scenario', minPlayers: ROOM_SIZE, maxPlayers: ROOM_SIZE, options: {} }],
  options: [],
  checkOptions: () => null,

  create: ({ tickRate }) => ({ tick: 0, tickRate, players: [] }),
  tickOf: (state) => state.tick,
  setup: (state) => ({ tickRate: state.tickRate, field: FIELD_SIZE, speed: SPEED_PX_PER_S }),

  addPlayer(state, slot) {
    state.players[slot] ??= spawnPlayer(slot);
    for (let i = 0; i < slot; i++) state.players[i] ??= null;
  },
  removePlayer(state, slot, why) {
    // 'away' keeps the score for the player's return, as the boundary asks; 'gone' frees the seat.
    if (why === 'gone') state.players[slot] = null;
    else if (state.players[slot]) Object.assign(state.players[slot], { dx: 0, dy: 0, fire: false });
  },

  beginPlay: () => 0,
  applyInput(state, slot, input) {
    const p = state.players[slot];
    if (p) applyCommand(p, input);
  },
  step(state, playing) {
    state.tick++;
    if (playing) for (const p of state.players) if (p) stepPlayer(p, state.tickRate);
    return { ended: null };
  },
  results(state, slots): Standing[] {
    return slots
      .map((slot) => ({ slot, score: state.players[slot]?.score ?? 0, stats: { score: state.players[slot]?.score ?? 0 } }))
      .sort((a, b) => b.score - a.score || a.slot - b.slot);
  },

  snapshot(state, _previous, frame) {
    const players = [];
    for (let slot = 0; slot < state.players.length; slot++) {
      const p = state.players[slot];
      if (!p) continue;
      players.push({ slot, x: round(p.x), y: round(p.y), angle: quantiseAngle(p.angle), hp: p.hp, score: p.score, lastInputSeq: frame.lastInputSeq.get(slot) ?? 0 });
    }
    return { tick: state.tick, serverTime: frame.serverTime, phase: frame.phase, phaseEndTick: frame.phaseEndTick, players };
  },
  snapshotCodec: { encodeKeyframe: encodeParityKeyframe, encodeDelta: encodeParityDelta, decode: decodeParitySnapshot, peek: peekParitySnapshot },
  inputCodec: { encode: encodeParityInput, decode: decodeParityInput },
  lastInputSeq: (snapshot, slot) => snapshot.players.find((p) => p.slot === slot)?.lastInputSeq ?? null,

  createBot(_setup, options): GameBot<ParitySnapshot, ParityInput> {
    const script = new InputScript(options.seed);
    return { think: () => script.next() };
  },

  toState: (state) => ({ tick: state.tick, tickRate: state.tickRate, players: state.players.map((p) => (p ? { ...p } : null)) }),
  fromState(data): Result<ParityState, string> {
    const d = data as Partial<ParityState> | null;
    if (!d || !Number.isInteger(d.tick) || !(Number(d.tickRate) > 0) || !Array.isArray(d.players) || d.players.length > ROOM_SIZE) {
      return err('BAD_STATE', 'not a parity match state');
    }
    const fields = ['x', 'y', 'angle', 'hp', 'score', 'dx', 'dy', 'fireTicks'] as const;
    for (const p of d.players) {
      if (p !== null && (typeof p !== 'object' || fields.some((f) => !Number.isFinite(p[f])) || typeof p.fire !== 'boolean')) {
        return err('BAD_STATE', 'a player of the parity state is malformed');
      }
    }
    return ok({ tick: d.tick!, tickRate: d.tickRate!, players: d.players.map((p) => (p ? { ...p } : null)) });
  },
};
