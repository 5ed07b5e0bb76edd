/**
 * Binary Cycles snapshots. A keyframe carries everything; a delta only what changed against the
 * previous snapshot (safe to chain: WebSocket is ordered and reliable, and every client of a
 * match shares one stream). Trails dominate a keyframe, so a delta never resends one: it sends
 * the cells the head moved since the base as runs, and a cycle going straight costs a handful
 * of bits a tick.
 *
 * Layout (bit-packed with BitWriter, MSB first): the envelope every game shares
 * (shared/protocol/snapshot-envelope.ts: version, kind, tick, time, phase), then
 *   key:   body
 *   body:  varuint round | round state | u4 player count | full players | events
 *   delta: 1 bit new round: [body]   (new trails, new places: a keyframe's worth, nothing to diff)
 *          | else: 1 bit round state changed [round state] | count removed [u3 id]...
 *                  | per base player still present: change | count added [full player]... | events
 *   round state: u2 (0 wait, 1 live, 2 pause) [u32 roundEndTick when pause]
 *   full player: u3 id | present | alive | boosting | u2 dir-1 | u4 energy | varuint score
 *                | varuint lastInputSeq | trail
 *   trail: count points [u7 x | u6 y | first segment: u2 dir-1, varuint length-1
 *                        | each next segment: 1 bit clockwise turn, varuint length-1]
 *   change: u2 seq code (0 same, 1 +1, 2 +2+varuint, 3 u32) | trail change | 1 bit dir [u2]
 *           | 1 bit energy [u4] | 1 bit flags [present | alive | boosting | varuint score]
 *   trail change: '0' same | '10' runs | '11' whole trail
 *   runs (cells the head moved, in order): first run '0' straight on, '10' clockwise, '11'
 *          counter-clockwise (u2 absolute heading when the base trail is one point)
 *          | count length-1 | 1 bit more; later runs: 1 bit clockwise | count length-1 | 1 bit more
 *   events: count | per event u2 type: 0 crash [u3 victim | 1 bit killer [u3]]
 *                                      1 roundWon [1 bit winner [u3]]
 * A cycle that moved one cell straight and applied one input costs 2 + 5 + 3 = 10 bits.
 */
import type { SnapshotHeader } from '../../game/game-definition.ts';
import { BitWriter, type BitReader } from '../../protocol/bits.ts';
import { ok, type Result } from '../../result.ts';
import {
  decodeEnvelope,
  malformed,
  peekEnvelope,
  readInputSeqChange,
  writeDeltaHeader,
  writeInputSeqChange,
  writeKeyframeHeader,
  type SnapshotErrorCode,
} from '../../protocol/snapshot-envelope.ts';
import { DX, DY, clockwise, counterClockwise, dirBetween, type Dir } from './direction.ts';
import { ENERGY_LEVELS, GRID_HEIGHT, GRID_WIDTH } from './rules.ts';
import {
  MAX_EVENTS,
  MAX_PLAYERS,
  MAX_TRAIL_POINTS,
  type CyclePlayer,
  type CyclesSnapshot,
  type CyclesSnapshotEvent,
} from './snapshot.ts';
import type { RoundState } from './state.ts';
import { extendTrail, lastSegmentDir } from './trail.ts';

export const SNAPSHOT_VERSION = 1;
export type { SnapshotErrorCode };

const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(n)));
const ID_BITS = bitsFor(MAX_PLAYERS);
const X_BITS = bitsFor(GRID_WIDTH);
const Y_BITS = bitsFor(GRID_HEIGHT);
const ENERGY_BITS = bitsFor(ENERGY_LEVELS + 1);
const ROUND_STATES: readonly RoundState[] = ['wait', 'live', 'pause'];

interface Run {
  dir: Dir;
  cells: number;
}

// ---------- encode ----------

export function encodeKeyframe(s: CyclesSnapshot): Uint8Array {
  const w = new BitWriter(64 + s.players.length * 24);
  writeKeyframeHeader(w, SNAPSHOT_VERSION, s);
  writeBody(w, s);
  return w.finish();
}

export function encodeDelta(base: CyclesSnapshot, s: CyclesSnapshot): Uint8Array {
  if (s.tick < base.tick || s.serverTime < base.serverTime) throw new RangeError('a delta cannot go back in time');
  const w = new BitWriter(32 + s.players.length * 4);
  writeDeltaHeader(w, SNAPSHOT_VERSION, base, s);

  const newRound = s.round !== base.round;
  w.bool(newRound);
  if (newRound) {
    writeBody(w, s);
    return w.finish();
  }
  const roundChanged = s.roundState !== base.roundState || s.roundEndTick !== base.roundEndTick;
  w.bool(roundChanged);
  if (roundChanged) writeRoundState(w, s);

  const current = new Map(s.players.map((p) => [p.id, p]));
  const removed = base.players.filter((p) => !current.has(p.id));
  w.count(removed.length);
  for (const p of removed) w.bits(p.id, ID_BITS);
  const baseIds = new Set<number>();
  for (const b of base.players) {
    baseIds.add(b.id);
    const p = current.get(b.id);
    if (p) writePlayerChange(w, b, p);
  }
  const added = s.players.filter((p) => !baseIds.has(p.id));
  w.count(added.length);
  for (const p of added) writeFullPlayer(w, p);
  writeEvents(w, s.events);
  return w.finish();
}

function writeBody(w: BitWriter, s: CyclesSnapshot): void {
  w.varuint(s.round);
  writeRoundState(w, s);
  w.bits(s.players.length, ID_BITS + 1);
  for (const p of s.players) writeFullPlayer(w, p);
  writeEvents(w, s.events);
}

function writeRoundState(w: BitWriter, s: CyclesSnapshot): void {
  w.bits(ROUND_STATES.indexOf(s.roundState), 2);
  if (s.roundState === 'pause') w.bits(s.roundEndTick, 32);
}

function writeFullPlayer(w: BitWriter, p: CyclePlayer): void {
  w.bits(p.id, ID_BITS);
  writeFlags(w, p);
  w.bits(p.dir - 1, 2);
  w.bits(p.energy, ENERGY_BITS);
  w.varuint(p.lastInputSeq);
  writeTrail(w, p.trail);
}

function writeFlags(w: BitWriter, p: CyclePlayer): void {
  w.bool(p.present);
  w.bool(p.alive);
  w.bool(p.boosting);
  w.varuint(p.score);
}

/** Assumes a well-formed trail (trail.ts): the sim never makes another kind. */
function writeTrail(w: BitWriter, trail: readonly number[]): void {
  const points = trail.length / 2;
  w.count(points);
  if (points === 0) return;
  w.bits(trail[0]!, X_BITS);
  w.bits(trail[1]!, Y_BITS);
  let prev: Dir | 0 = 0;
  for (let i = 2; i < trail.length; i += 2) {
    const x0 = trail[i - 2]!;
    const y0 = trail[i - 1]!;
    const dir = dirBetween(x0, y0, trail[i]!, trail[i + 1]!) as Dir;
    if (prev === 0) w.bits(dir - 1, 2);
    else w.bool(dir === clockwise(prev));
    w.varuint(Math.abs(trail[i]! - x0) + Math.abs(trail[i + 1]! - y0) - 1);
    prev = dir;
  }
}

function writePlayerChange(w: BitWriter, b: CyclePlayer, p: CyclePlayer): void {
  writeInputSeqChange(w, b.lastInputSeq, p.lastInputSeq);
  if (sameNumbers(b.trail, p.trail)) w.bits(0, 1);
  else {
    const runs = extensionRuns(b.trail, p.trail);
    w.bits(runs ? 0b10 : 0b11, 2);
    if (runs) writeRuns(w, b.trail, runs);
    else writeTrail(w, p.trail);
  }
  w.bool(p.dir !== b.dir);
  if (p.dir !== b.dir) w.bits(p.dir - 1, 2);
  w.bool(p.energy !== b.energy);
  if (p.energy !== b.energy) w.bits(p.energy, ENERGY_BITS);
  const flagsChanged = p.present !== b.present || p.alive !== b.alive || p.boosting !== b.boosting || p.score !== b.score;
  w.bool(flagsChanged);
  if (flagsChanged) writeFlags(w, p);
}

/**
 * The moves that turn `base` into `next`, when `next` is `base` grown at the head (the usual
 * case within a round); null otherwise. The answer is checked by replaying it exactly as the
 * decoder will, so whatever this returns decodes to `next`.
 */
function extensionRuns(base: readonly number[], next: readonly number[]): Run[] | null {
  const bn = base.length;
  if (bn < 2 || next.length < bn) return null;
  for (let i = 0; i < bn - 2; i++) if (base[i] !== next[i]) return null;
  const runs: Run[] = [];
  let x = base[bn - 2]!;
  let y = base[bn - 1]!;
  for (let i = bn - 2; i < next.length; i += 2) {
    const nx = next[i]!;
    const ny = next[i + 1]!;
    if (nx === x && ny === y) continue;
    const dir = dirBetween(x, y, nx, ny);
    if (dir === 0) return null;
    runs.push({ dir, cells: Math.abs(nx - x) + Math.abs(ny - y) });
    x = nx;
    y = ny;
  }
  if (runs.length === 0) return null;
  // Only turns are codable, except that the first run may go straight on along the base's last segment.
  let prev = lastSegmentDir(base);
  for (let i = 0; i < runs.length; i++) {
    const dir = runs[i]!.dir;
    const codable = prev === 0 || dir === clockwise(prev) || dir === counterClockwise(prev) || (i === 0 && dir === prev);
    if (!codable) return null;
    prev = dir;
  }
  const replay = base.slice();
  for (const run of runs) extendTrail(replay, run.dir, run.cells);
  return sameNumbers(replay, next) ? runs : null;
}

function writeRuns(w: BitWriter, base: readonly number[], runs: readonly Run[]): void {
  let prev = lastSegmentDir(base);
  runs.forEach((run, i) => {
    if (prev === 0) w.bits(run.dir - 1, 2);
    else if (i === 0 && run.dir === prev) w.bits(0, 1);
    else if (i === 0) w.bits(run.dir === clockwise(prev) ? 0b10 : 0b11, 2);
    else w.bool(run.dir === clockwise(prev));
    w.count(run.cells - 1);
    w.bool(i < runs.length - 1);
    prev = run.dir;
  });
}

function writeEvents(w: BitWriter, events: readonly CyclesSnapshotEvent[]): void {
  w.count(events.length);
  for (const e of events) {
    if (e.type === 'crash') {
      w.bits(0, 2);
      w.bits(e.victim, ID_BITS);
      w.bool(e.killer !== null);
      if (e.killer !== null) w.bits(e.killer, ID_BITS);
    } else {
      w.bits(1, 2);
      w.bool(e.winner !== null);
      if (e.winner !== null) w.bits(e.winner, ID_BITS);
    }
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------- decode ----------

/** Reads only the kind (and a keyframe's tick): for clients that count snapshots without decoding. */
export function peekSnapshot(bytes: Uint8Array): Result<{ kind: 'key' | 'delta'; tick: number | null }, SnapshotErrorCode> {
  return peekEnvelope(bytes, SNAPSHOT_VERSION);
}

/**
 * A keyframe, or a delta against `base` (the previous decoded snapshot). Never throws: bad bytes
 * come back as an error code, and every count is bounded before it drives a loop.
 */
export function decodeSnapshot(bytes: Uint8Array, base: CyclesSnapshot | null): Result<CyclesSnapshot, SnapshotErrorCode> {
  return decodeEnvelope(bytes, SNAPSHOT_VERSION, base, { keyframe: readKeyframe, delta: readDelta });
}

function readKeyframe(r: BitReader, header: SnapshotHeader): Result<CyclesSnapshot, SnapshotErrorCode> {
  return ok({ ...header, ...readBody(r) });
}

type Body = Pick<CyclesSnapshot, 'round' | 'roundState' | 'roundEndTick' | 'players' | 'events'>;

function readBody(r: BitReader): Body {
  const round = r.varuint();
  const { roundState, roundEndTick } = readRoundState(r);
  const count = r.bits(ID_BITS + 1);
  if (count > MAX_PLAYERS) malformed(`${count} players`);
  const players: CyclePlayer[] = [];
  for (let i = 0; i < count; i++) players.push(readFullPlayer(r));
  return { round, roundState, roundEndTick, players: sortedUnique(players), events: readEvents(r) };
}

function readDelta(r: BitReader, header: SnapshotHeader, base: CyclesSnapshot): Result<CyclesSnapshot, SnapshotErrorCode> {
  if (r.bool()) return ok({ ...header, ...readBody(r) });

  const round = r.bool() ? readRoundState(r) : { roundState: base.roundState, roundEndTick: base.roundEndTick };
  const removedCount = r.count();
  if (removedCount > base.players.length) malformed('more players removed than present');
  const removed = new Set<number>();
  for (let i = 0; i < removedCount; i++) {
    const id = r.bits(ID_BITS);
    if (removed.has(id) || !base.players.some((p) => p.id === id)) malformed(`removed player ${id} is not in the base`);
    removed.add(id);
  }
  const players: CyclePlayer[] = [];
  for (const b of base.players) if (!removed.has(b.id)) players.push(readPlayerChange(r, b));
  const addedCount = r.count();
  if (players.length + addedCount > MAX_PLAYERS) malformed('too many players');
  for (let i = 0; i < addedCount; i++) players.push(readFullPlayer(r));
  return ok({ ...header, round: base.round, ...round, players: sortedUnique(players), events: readEvents(r) });
}

function readRoundState(r: BitReader): Pick<CyclesSnapshot, 'roundState' | 'roundEndTick'> {
  const roundState = ROUND_STATES[r.bits(2)];
  if (!roundState) malformed('unknown round state');
  return { roundState, roundEndTick: roundState === 'pause' ? r.bits(32) : 0 };
}

function readFullPlayer(r: BitReader): CyclePlayer {
  const id = r.bits(ID_BITS);
  const flags = readFlags(r);
  const dir = (r.bits(2) + 1) as Dir;
  const energy = readEnergy(r);
  const lastInputSeq = readSeq(r);
  return withHead({ id, ...flags, x: 0, y: 0, dir, energy, lastInputSeq, trail: readTrail(r) });
}

function readFlags(r: BitReader): Pick<CyclePlayer, 'present' | 'alive' | 'boosting' | 'score'> {
  return { present: r.bool(), alive: r.bool(), boosting: r.bool(), score: r.varuint() };
}

function readEnergy(r: BitReader): number {
  const energy = r.bits(ENERGY_BITS);
  if (energy > ENERGY_LEVELS) malformed(`energy ${energy}`);
  return energy;
}

function readSeq(r: BitReader): number {
  const seq = r.varuint();
  if (seq > 0xffffffff) malformed('input sequence overflow');
  return seq;
}

function readTrail(r: BitReader): number[] {
  const points = r.count();
  if (points > MAX_TRAIL_POINTS) malformed(`trail of ${points} points`);
  if (points === 0) return [];
  const trail = [r.bits(X_BITS), r.bits(Y_BITS)];
  checkInside(trail[0]!, trail[1]!);
  let prev: Dir | 0 = 0;
  for (let i = 1; i < points; i++) {
    const dir: Dir = prev === 0 ? ((r.bits(2) + 1) as Dir) : r.bool() ? clockwise(prev) : counterClockwise(prev);
    const cells = r.varuint() + 1;
    const x = trail[trail.length - 2]! + DX[dir]! * cells;
    const y = trail[trail.length - 1]! + DY[dir]! * cells;
    checkInside(x, y);
    trail.push(x, y);
    prev = dir;
  }
  return trail;
}

function checkInside(x: number, y: number): void {
  if (x < 0 || y < 0 || x >= GRID_WIDTH || y >= GRID_HEIGHT) malformed(`trail point (${x}, ${y}) outside the arena`);
}

function readPlayerChange(r: BitReader, b: CyclePlayer): CyclePlayer {
  const lastInputSeq = readInputSeqChange(r, b.lastInputSeq);
  let trail = b.trail;
  if (r.bool()) trail = r.bool() ? readTrail(r) : readRuns(r, b.trail);
  const dir = r.bool() ? ((r.bits(2) + 1) as Dir) : b.dir;
  const energy = r.bool() ? readEnergy(r) : b.energy;
  const flags = r.bool() ? readFlags(r) : { present: b.present, alive: b.alive, boosting: b.boosting, score: b.score };
  return withHead({ id: b.id, ...flags, x: 0, y: 0, dir, energy, lastInputSeq, trail });
}

function readRuns(r: BitReader, base: readonly number[]): number[] {
  if (base.length === 0) malformed('runs on an empty trail');
  const trail = base.slice();
  let prev = lastSegmentDir(trail);
  for (let i = 0; ; i++) {
    if (i >= MAX_TRAIL_POINTS) malformed('too many runs');
    let dir: Dir;
    if (prev === 0) dir = (r.bits(2) + 1) as Dir;
    else if (i === 0) dir = r.bits(1) === 0 ? prev : r.bits(1) === 0 ? clockwise(prev) : counterClockwise(prev);
    else dir = r.bool() ? clockwise(prev) : counterClockwise(prev);
    const cells = r.count() + 1;
    checkInside(trail[trail.length - 2]! + DX[dir]! * cells, trail[trail.length - 1]! + DY[dir]! * cells);
    extendTrail(trail, dir, cells);
    if (trail.length / 2 > MAX_TRAIL_POINTS) malformed('trail too long');
    prev = dir;
    if (!r.bool()) return trail;
  }
}

function readEvents(r: BitReader): CyclesSnapshotEvent[] {
  const count = r.count();
  if (count > MAX_EVENTS) malformed(`${count} events`);
  const events: CyclesSnapshotEvent[] = [];
  for (let i = 0; i < count; i++) {
    const type = r.bits(2);
    if (type === 0) {
      const victim = r.bits(ID_BITS);
      events.push({ type: 'crash', victim, killer: r.bool() ? r.bits(ID_BITS) : null });
    } else if (type === 1) {
      events.push({ type: 'roundWon', winner: r.bool() ? r.bits(ID_BITS) : null });
    } else {
      malformed(`unknown event type ${type}`);
    }
  }
  return events;
}

function withHead(p: CyclePlayer): CyclePlayer {
  const n = p.trail.length;
  p.x = n > 0 ? p.trail[n - 2]! : 0;
  p.y = n > 0 ? p.trail[n - 1]! : 0;
  return p;
}

function sortedUnique(players: CyclePlayer[]): CyclePlayer[] {
  players.sort((a, b) => a.id - b.id);
  for (let i = 1; i < players.length; i++) {
    if (players[i]!.id === players[i - 1]!.id) malformed(`duplicate player ${players[i]!.id}`);
  }
  return players;
}
