/**
 * Plays a replay's log back through its game: the same GameDefinition calls the runner made, in
 * the same order, from the start (create with the setup and seed) or from any checkpoint
 * (fromState). `verifyReplay` does both and checks every checkpoint's state hash and the final
 * results: a replay that passes is proof that the recording is whole and the game deterministic.
 * Nothing here throws on a hostile file: every problem comes back as one line naming it.
 */
import type { AnyGame, InputHeader } from '../game/game-definition.ts';
import { MatchPhase } from '../game/phase.ts';
import type { Replay } from './replay-format.ts';
import { stateHash } from './state-hash.ts';
import { inputFromCanonical, readTickLog, type SeatEventKind, type TickCheckpoint } from './tick-log.ts';

export type ReplayErrorCode = 'CORRUPT' | 'TRUNCATED' | 'UNKNOWN_GAME' | 'GAME_VERSION' | 'OTHER_MATCH' | 'DIVERGED';
export type ReplayError = { ok: false; code: ReplayErrorCode; message: string };

/** A tick ready to play: inputs decoded by the game's own codec. */
export interface PlayableTick {
  tick: number;
  checkpoint: TickCheckpoint | null;
  events: { slot: number; kind: SeatEventKind }[];
  beginPlay: boolean;
  inputs: { slot: number; input: InputHeader }[];
  snapshot: boolean;
}

export interface PreparedReplay {
  replay: Replay;
  game: AnyGame;
  ticks: PlayableTick[];
  /** Indexes into `ticks` of the records that carry a checkpoint. */
  checkpoints: number[];
}

/** A match runs at most a day: a bound on the work a file can ask for. */
const MAX_SECONDS = 24 * 3600;

export function prepareReplay(replay: Replay, games: readonly AnyGame[]): { ok: true; value: PreparedReplay } | ReplayError {
  const { header } = replay;
  const game = games.find((g) => g.id === header.game);
  if (!game) return fail('UNKNOWN_GAME', `a replay of the game "${header.game.slice(0, 40)}", which this build does not have`);
  if (game.version !== header.gameVersion) {
    return fail('GAME_VERSION', `recorded with ${game.id} version ${header.gameVersion}, this build has version ${game.version}`);
  }
  if (header.slots > game.maxPlayers) return fail('CORRUPT', `${header.slots} seats, more than ${game.id} has`);
  for (const spec of game.options) {
    const v = header.options[spec.name];
    if (v === undefined || !Number.isInteger(v) || v < spec.min || v > spec.max) return fail('CORRUPT', `option ${spec.name} is missing or out of range`);
  }
  if (game.checkOptions(header.options) !== null) return fail('CORRUPT', 'the options are not a valid match');
  const total = replay.chunks.length ? replay.chunks.at(-1)!.toTick : 0;
  // A file's log starts at tick 1; a killcam's slice at a later checkpoint.
  const first = replay.chunks[0]?.fromTick ?? 1;
  if (total > MAX_SECONDS * header.tickRate) return fail('CORRUPT', `${total} ticks, longer than a day`);
  const joined = new Uint8Array(replay.chunks.reduce((n, c) => n + c.bytes.length, 0));
  let at = 0;
  for (const c of replay.chunks) {
    joined.set(c.bytes, at);
    at += c.bytes.length;
  }
  const log = readTickLog(joined, first, header.slots, header.snapshotEvery, total - first + 1);
  if (!log.ok) return fail('CORRUPT', log.message);
  if (log.ticks.length !== total - first + 1) return fail('TRUNCATED', `the chunks say ${total - first + 1} ticks, the log holds ${log.ticks.length}`);
  const ticks: PlayableTick[] = [];
  const checkpoints: number[] = [];
  for (const rec of log.ticks) {
    const inputs: PlayableTick['inputs'] = [];
    for (const { slot, bytes } of rec.inputs) {
      const decoded = game.inputCodec.decode(bytes);
      if (!decoded.ok) return fail('CORRUPT', `the input of slot ${slot} at tick ${rec.tick}: ${decoded.message}`);
      inputs.push({ slot, input: inputFromCanonical(decoded.value as InputHeader, rec.tick) });
    }
    if (rec.checkpoint) {
      if (rec.checkpoint.replay !== header.replayId) {
        return fail('OTHER_MATCH', `the checkpoint at tick ${rec.checkpoint.tick} belongs to replay ${rec.checkpoint.replay.slice(0, 40)}, not to ${header.replayId}`);
      }
      checkpoints.push(ticks.length);
    }
    ticks.push({ tick: rec.tick, checkpoint: rec.checkpoint, events: rec.events, beginPlay: rec.beginPlay, inputs, snapshot: rec.snapshot });
  }
  if (ticks.length > 0 && checkpoints[0] !== 0) return fail('CORRUPT', 'the log does not start with a checkpoint');
  if (replay.end && replay.end.tick !== total) return fail('CORRUPT', `the results are for tick ${replay.end.tick}, the log ends at ${total}`);
  return { ok: true, value: { replay, game, ticks, checkpoints } };
}

/** A match in play, as a viewer or the verifier steps it. */
export interface Playhead {
  state: unknown;
  playing: boolean;
  ended: boolean;
  /** The last snapshot the game gave (the base of the next, as on the server). */
  snapshot: unknown;
  /** What beginPlay answered (the tick play ends by time, 0 for none), once play has begun here. */
  phaseEndTick: number;
}

export function startOf(p: PreparedReplay): { ok: true; value: Playhead } | ReplayError {
  const { header } = p.replay;
  try {
    return { ok: true, value: { state: p.game.create({ options: header.options, seed: header.seed, tickRate: header.tickRate }), playing: false, ended: false, snapshot: null, phaseEndTick: 0 } };
  } catch (e) {
    return fail('CORRUPT', `the game refused the setup: ${(e as Error).message}`);
  }
}

export function fromCheckpoint(p: Pick<PreparedReplay, 'game'>, cp: TickCheckpoint): { ok: true; value: Playhead } | ReplayError {
  const state = p.game.fromState(cp.state);
  if (!state.ok) return fail('CORRUPT', `the checkpoint at tick ${cp.tick}: ${state.message}`);
  if (p.game.tickOf(state.value) !== cp.tick) return fail('CORRUPT', `the checkpoint at tick ${cp.tick} holds a state at tick ${p.game.tickOf(state.value)}`);
  return { ok: true, value: { state: state.value, playing: cp.playing, ended: false, snapshot: null, phaseEndTick: 0 } };
}

/** Steps one recorded tick, exactly as the runner did. */
export function stepTick(p: Pick<PreparedReplay, 'game'>, head: Playhead, t: PlayableTick): ReplayError | null {
  const { game } = p;
  if (head.ended) return fail('CORRUPT', `tick ${t.tick} comes after the game ended`);
  try {
    for (const e of t.events) {
      if (e.kind === 'enter') game.addPlayer(head.state, e.slot);
      else game.removePlayer(head.state, e.slot, e.kind);
    }
    if (t.beginPlay) {
      if (head.playing) return fail('CORRUPT', `play begins twice (tick ${t.tick})`);
      head.phaseEndTick = game.beginPlay(head.state);
      head.playing = true;
    }
    if (head.playing) for (const { slot, input } of t.inputs) game.applyInput(head.state, slot, input);
    const { ended } = game.step(head.state, head.playing);
    if (ended) head.ended = true;
    if (t.snapshot) {
      const phase = head.ended ? MatchPhase.Ended : head.playing ? MatchPhase.Playing : MatchPhase.Waiting;
      head.snapshot = game.snapshot(head.state, head.snapshot, { serverTime: 0, phase, phaseEndTick: head.playing ? head.phaseEndTick : 0, lastInputSeq: new Map() });
    }
  } catch (e) {
    return fail('CORRUPT', `the game failed at tick ${t.tick}: ${(e as Error).message}`);
  }
  if (game.tickOf(head.state) !== t.tick) return fail('DIVERGED', `the game is at tick ${game.tickOf(head.state)} where the log says ${t.tick}`);
  return null;
}

function checkAt(p: PreparedReplay, head: Playhead, cp: TickCheckpoint): ReplayError | null {
  const live = stateHash(p.game.toState(head.state));
  const recorded = stateHash(cp.state);
  if (live !== recorded || head.playing !== cp.playing) {
    return fail('DIVERGED', `the state at tick ${cp.tick} differs from its checkpoint (hash ${live}, recorded ${recorded})`);
  }
  return null;
}

function checkEnd(p: PreparedReplay, head: Playhead): ReplayError | null {
  const end = p.replay.end;
  if (!end) return null;
  try {
    for (const e of end.after ?? []) {
      if (e.slot >= p.replay.header.slots) return fail('CORRUPT', `the end names slot ${e.slot}`);
      if (e.kind === 'enter') p.game.addPlayer(head.state, e.slot);
      else p.game.removePlayer(head.state, e.slot, e.kind);
    }
  } catch (e) {
    return fail('CORRUPT', `the game failed at the end: ${(e as Error).message}`);
  }
  const hash = stateHash(p.game.toState(head.state));
  if (hash !== end.stateHash) return fail('DIVERGED', `the final state at tick ${end.tick} differs (hash ${hash}, recorded ${end.stateHash})`);
  const results = JSON.stringify(p.game.results(head.state, end.slots));
  if (results !== JSON.stringify(end.results)) return fail('DIVERGED', `the final results differ from the recorded ones`);
  if (end.reason !== 'abandoned' && !head.ended) return fail('DIVERGED', `the recorded end (${end.reason.slice(0, 40)}) did not happen`);
  return null;
}

/** Runs ticks [from, to) from `head`, checking each checkpoint met on the way (not the one at `from`). */
function run(p: PreparedReplay, head: Playhead, from: number, to: number): ReplayError | null {
  for (let i = from; i < to; i++) {
    const t = p.ticks[i]!;
    if (t.checkpoint && i !== from) {
      const bad = checkAt(p, head, t.checkpoint);
      if (bad) return bad;
    }
    const bad = stepTick(p, head, t);
    if (bad) return bad;
  }
  return null;
}

export function verifyReplay(replay: Replay, games: readonly AnyGame[]): { ok: true; ticks: number; checkpoints: number } | ReplayError {
  try {
    return verifyPrepared(replay, games);
  } catch (e) {
    // A game that throws on a state its fromState let through: still one line, not a crash.
    return fail('CORRUPT', `the game failed on this file: ${(e as Error).message}`);
  }
}

function verifyPrepared(replay: Replay, games: readonly AnyGame[]): { ok: true; ticks: number; checkpoints: number } | ReplayError {
  const prepared = prepareReplay(replay, games);
  if (!prepared.ok) return prepared;
  const p = prepared.value;
  const start = startOf(p);
  if (!start.ok) return start;
  const first = p.ticks[0]?.checkpoint;
  // The first checkpoint is the state the setup and seed make: a header from another match fails here.
  if (first && stateHash(p.game.toState(start.value.state)) !== stateHash(first.state)) {
    return fail('OTHER_MATCH', 'the setup and seed in the header do not give the recorded start: the log is of another match');
  }
  const whole = run(p, start.value, 0, p.ticks.length) ?? checkEnd(p, start.value);
  if (whole) return whole;
  // From each checkpoint to the next (the last one to the end): each is a valid place to start.
  for (const [k, index] of p.checkpoints.entries()) {
    const head = fromCheckpoint(p, p.ticks[index]!.checkpoint!);
    if (!head.ok) return head;
    const next = p.checkpoints[k + 1];
    const bad =
      run(p, head.value, index, next === undefined ? p.ticks.length : next) ??
      (next === undefined ? checkEnd(p, head.value) : checkAt(p, head.value, p.ticks[next]!.checkpoint!));
    if (bad) return bad;
  }
  return { ok: true, ticks: p.ticks.length, checkpoints: p.checkpoints.length };
}

function fail(code: ReplayErrorCode, message: string): ReplayError {
  return { ok: false, code, message };
}
