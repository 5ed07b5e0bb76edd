/**
 * Cycles: light cycles for 2–8 players, as a GameDefinition. Each cycle leaves a wall behind it;
 * the last one running wins the round, the first to `roundsToWin` rounds wins the match.
 *
 * The pieces: rules.ts (figures, options, setup), step.ts + movement.ts + round.ts + seats.ts
 * (the pure sim), snapshot-builder.ts / snapshot-codec.ts / input-codec.ts (the wire),
 * state-io.ts (checkpoints), bot.ts (bots that read only snapshots).
 */
import type { GameDefinition } from '../../game/game-definition.ts';
import { createBot } from './bot.ts';
import { decodeInput, encodeInput, encodeInputInto, type CyclesInput } from './input-codec.ts';
import { checkOptions, makeSetup, MAX_PLAYERS, MODES, OPTIONS, type CyclesSetup } from './rules.ts';
import { addPlayer, removePlayer, results } from './seats.ts';
import { buildSnapshot } from './snapshot-builder.ts';
import { decodeSnapshot, encodeDelta, encodeKeyframe, peekSnapshot } from './snapshot-codec.ts';
import type { CyclesSnapshot } from './snapshot.ts';
import type { CyclesState } from './state.ts';
import { fromState, toState } from './state-io.ts';
import { applyInput, beginPlay, createState, step } from './step.ts';

export type { CyclesInput } from './input-codec.ts';
export type { CyclesSetup } from './rules.ts';
export type { CyclePlayer, CyclesSnapshot, CyclesSnapshotEvent } from './snapshot.ts';
export type { CyclesState } from './state.ts';
export { Dir } from './direction.ts';

export const cycles: GameDefinition<CyclesState, CyclesInput, CyclesSnapshot, CyclesSetup> = {
  id: 'cycles',
  version: 1,
  name: 'Cycles',
  maxPlayers: MAX_PLAYERS,
  modes: MODES,
  options: OPTIONS,
  checkOptions,

  create: createState,
  tickOf: (state) => state.tick,
  setup: (state) => makeSetup(state.tickRate, { roundsToWin: state.roundsToWin, timeLimitS: state.timeLimitS }),

  addPlayer,
  removePlayer,

  beginPlay,
  applyInput,
  step,
  results,

  snapshot: buildSnapshot,
  snapshotCodec: { encodeKeyframe, encodeDelta, decode: decodeSnapshot, peek: peekSnapshot },
  inputCodec: { encode: encodeInput, encodeInto: encodeInputInto, decode: decodeInput },
  lastInputSeq: (snapshot, slot) => snapshot.players.find((p) => p.id === slot)?.lastInputSeq ?? null,

  createBot,

  toState,
  fromState,
};
