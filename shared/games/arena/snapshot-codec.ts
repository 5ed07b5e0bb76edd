/**
 * Binary snapshots: a keyframe carries the whole state, a delta only what changed against the
 * previous snapshot. Deltas are safe to chain because WebSocket is ordered and reliable: every
 * client of a match shares one delta stream, so the server encodes each snapshot once per room.
 *
 * Layout (bit-packed, MSB first; see BENCHMARKS.md for the sizes this gives): the envelope every
 * game shares (shared/protocol/snapshot-envelope.ts: version, kind, tick, time, phase), then
 *   key:   players | projectiles | events
 *   delta: removed players | changed players | added players | removed/added projectiles | events
 * A player present in both costs three bits when all that changed is one more applied input.
 * Its position is predicted as base position + base velocity, so a player walking steadily
 * costs nothing more for position; aim travels as a small step difference.
 *
 * Version 2 (sizes in BENCHMARKS.md, "Load test"): a projectile fired this tick is sent as its
 * angle's difference from its owner's aim and, when it left the owner's muzzle, one bit: the
 * spawn point is the owner's position plus the muzzle distance along that angle, a distance
 * both ends learn from the previous snapshot's fresh projectiles. Keyframes send projectile ids
 * as gaps and input sequences as varuints.
 *
 * Version 3: the counts a delta carries every tick (players removed and added, projectiles
 * removed and added, removal gaps, events) are `count`s: one bit when zero, five up to eight;
 * one tick after the base is one bit.
 *
 * Version 4: events carry hits and blocked shots beside kills (3-bit type, then the two slots):
 *   0 kill    | killer u6 | victim u6
 *   1 hit     | attacker u6 | victim u6 | damage ('0': the default rules' damage, '1' u8) | rewind ticks as a count
 *   2 blocked | attacker u6 | victim u6
 * Every client of the match gets them (one stream); a hit costs about 4 bytes (BENCHMARKS.md,
 * "Hit feedback" has the per-player bytes this adds).
 */
import type { SnapshotHeader as EnvelopeHeader } from '../../game/game-definition.ts';
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
import {
  MAX_EVENTS,
  MAX_PLAYERS,
  MAX_PROJECTILES,
  type MatchPhase,
  type PlayerSnapshot,
  type ProjectileSnapshot,
  type Snapshot,
  type SnapshotEvent,
} from './snapshot.ts';
import { ANGLE_STEPS, POSITION_SCALE, projectileAngleToSteps, stepsToProjectileAngle } from './sim/quantize.ts';
import { defaultRules } from './sim/rules.ts';

export const SNAPSHOT_VERSION = 4;
const AIM_STEPS = 256;
/** Projectile angle steps per player aim step (4096 / 256). */
const ANGLE_PER_AIM = 16;
const EVENT_KILL = 0;
const EVENT_HIT = 1;
const EVENT_BLOCKED = 2;
/** Damage of a hit under the default rules: one bit instead of eight. */
const USUAL_DAMAGE = defaultRules().projectileDamage;
/** A hit's rewind is at most a few seconds of ticks; a larger count is garbage, not a shot. */
export const MAX_REWIND_TICKS = 1023;
/** Beyond this residual (in 1/8 px) a position is sent whole: a respawn, not a step. */
const TELEPORT_UNITS = 255;

export type { SnapshotErrorCode };

// ---------- quantization shared by encode and decode ----------

const toUnits = (px: number): number => Math.round(px * POSITION_SCALE);
const fromUnits = (u: number): number => u / POSITION_SCALE;

export function quantizeAim(rad: number): number {
  const turn = (rad + Math.PI) / (2 * Math.PI);
  return ((Math.round(turn * AIM_STEPS) % AIM_STEPS) + AIM_STEPS) % AIM_STEPS;
}
export const aimFromSteps = (k: number): number => (k * 2 * Math.PI) / AIM_STEPS - Math.PI;

// ---------- encode ----------

export function encodeKeyframe(s: Snapshot): Uint8Array {
  const w = new BitWriter(64 + s.players.length * 16 + s.projectiles.length * 12);
  writeKeyframeHeader(w, SNAPSHOT_VERSION, s);
  w.bits(s.players.length, 7);
  for (const p of s.players) writeFullPlayer(w, p);
  w.varuint(s.projectiles.length);
  let lastId = -1;
  for (const p of s.projectiles) {
    // Ids grow in spawn order: the gap from the previous one is usually zero (one bit).
    if (lastId < 0) w.bits(p.id, 16);
    else {
      const gap = (p.id - lastId - 1 + 0x10000) & 0xffff;
      w.bool(gap === 0);
      if (gap !== 0) w.varuint(gap - 1);
    }
    lastId = p.id;
    w.bits(p.ownerId, 6);
    w.bits(toUnits(p.x0), 16);
    w.bits(toUnits(p.y0), 16);
    w.bits(projectileAngleToSteps(p.angle), 12);
    w.varuint(s.tick - p.spawnTick);
  }
  writeEvents(w, s.events);
  return w.finish();
}

export function encodeDelta(base: Snapshot, s: Snapshot): Uint8Array {
  const w = new BitWriter(64 + s.players.length * 4);
  writeDeltaHeader(w, SNAPSHOT_VERSION, base, s);

  if (samePlayers(base.players, s.players)) {
    // The usual tick: nobody joined or left, so the lists pair up by index (no lookups built).
    w.count(0);
    for (let i = 0; i < s.players.length; i++) writePlayerChange(w, base.players[i]!, s.players[i]!);
    w.count(0);
  } else {
    const current = new Map(s.players.map((p) => [p.id, p]));
    const removed = base.players.filter((p) => !current.has(p.id));
    w.count(removed.length);
    for (const p of removed) w.bits(p.id, 6);
    const baseIds = new Set<number>();
    for (const b of base.players) {
      baseIds.add(b.id);
      const p = current.get(b.id);
      if (p) writePlayerChange(w, b, p);
    }
    const added = s.players.filter((p) => !baseIds.has(p.id));
    w.count(added.length);
    for (const p of added) writeFullPlayer(w, p);
  }

  writeProjectileDelta(w, base, s);
  writeEvents(w, s.events);
  return w.finish();
}

/** The same players in the same order (ids are unique within a snapshot). */
function samePlayers(a: readonly PlayerSnapshot[], b: readonly PlayerSnapshot[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.id !== b[i]!.id) return false;
  return true;
}

function playerById(players: readonly PlayerSnapshot[], id: number): PlayerSnapshot | undefined {
  for (let i = 0; i < players.length; i++) if (players[i]!.id === id) return players[i];
  return undefined;
}

function writeFullPlayer(w: BitWriter, p: PlayerSnapshot): void {
  w.bits(p.id, 6);
  w.bits(toUnits(p.x), 16);
  w.bits(toUnits(p.y), 16);
  w.small(toUnits(p.vx));
  w.small(toUnits(p.vy));
  w.bits(quantizeAim(p.aim), 8);
  writeStats(w, p);
  w.varuint(p.lastInputSeq);
}

function writeStats(w: BitWriter, p: PlayerSnapshot): void {
  w.bits(p.hp, 8);
  w.bool(p.alive);
  w.varuint(p.kills);
  w.varuint(p.deaths);
}

function writePlayerChange(w: BitWriter, b: PlayerSnapshot, p: PlayerSnapshot): void {
  // The usual case is one input applied per snapshot: the sequence code comes first so a player
  // whose only news is "applied one more input" costs three bits.
  writeInputSeqChange(w, b.lastInputSeq, p.lastInputSeq);
  const rx = toUnits(p.x) - toUnits(b.x) - toUnits(b.vx);
  const ry = toUnits(p.y) - toUnits(b.y) - toUnits(b.vy);
  const posChanged = rx !== 0 || ry !== 0;
  const aimSteps = quantizeAim(p.aim);
  const baseAimSteps = quantizeAim(b.aim);
  const aimChanged = aimSteps !== baseAimSteps;
  const statsChanged = p.hp !== b.hp || p.alive !== b.alive || p.kills !== b.kills || p.deaths !== b.deaths;
  if (!posChanged && !aimChanged && !statsChanged) {
    w.bits(0, 1);
    return;
  }
  w.bits(1, 1);
  w.bool(posChanged);
  if (posChanged) {
    const teleport = Math.abs(rx) > TELEPORT_UNITS || Math.abs(ry) > TELEPORT_UNITS;
    w.bool(teleport);
    if (teleport) {
      w.bits(toUnits(p.x), 16);
      w.bits(toUnits(p.y), 16);
    } else {
      w.small(rx);
      w.small(ry);
    }
  }
  w.bool(aimChanged);
  // Aim turns a little per snapshot while tracking a target: a wrapped step difference is
  // usually a few steps, 6 bits instead of 8.
  if (aimChanged) w.small(wrapAimSteps(aimSteps - baseAimSteps));
  w.bool(statsChanged);
  if (statsChanged) writeStats(w, p);
}

/** A difference of aim steps folded into [-128, 127]: the short way round. */
function wrapAimSteps(d: number): number {
  return ((((d + AIM_STEPS / 2) % AIM_STEPS) + AIM_STEPS) % AIM_STEPS) - AIM_STEPS / 2;
}

function writeProjectileDelta(w: BitWriter, base: Snapshot, s: Snapshot): void {
  const { removedIdx, added } = projectileChanges(base.projectiles, s.projectiles);
  // Removals as ascending gaps between indices into the base list.
  w.count(removedIdx.length);
  let prev = -1;
  for (const i of removedIdx) {
    w.count(i - prev - 1);
    prev = i;
  }
  w.count(added.length);
  let lastId = base.projectiles.length > 0 ? base.projectiles[base.projectiles.length - 1]!.id : -1;
  let muzzle = learnMuzzle(base);
  for (const p of added) {
    const sequential = p.id === ((lastId + 1) & 0xffff);
    w.bool(sequential);
    if (!sequential) w.bits(p.id, 16);
    lastId = p.id;
    w.bits(p.ownerId, 6);
    const age = s.tick - p.spawnTick;
    w.bool(age === 0);
    if (age !== 0) w.varuint(age);
    // Spawned next to its owner: a small offset from the owner's position is cheaper than x, y.
    const owner = playerById(s.players, p.ownerId);
    const dx = owner ? toUnits(p.x0) - toUnits(owner.x) : 0;
    const dy = owner ? toUnits(p.y0) - toUnits(owner.y) : 0;
    const relative = owner !== undefined && Math.abs(dx) <= TELEPORT_UNITS && Math.abs(dy) <= TELEPORT_UNITS;
    w.bool(relative);
    const steps = projectileAngleToSteps(p.angle);
    if (!relative) {
      w.bits(toUnits(p.x0), 16);
      w.bits(toUnits(p.y0), 16);
      w.bits(steps, 12);
      continue;
    }
    // Fired this tick, the flight follows the owner's aim to within half an aim step.
    w.small(wrapAngleSteps(steps - quantizeAim(owner.aim) * ANGLE_PER_AIM));
    const polar = muzzle !== null && muzzleOffset(muzzle, steps, 'x') === dx && muzzleOffset(muzzle, steps, 'y') === dy;
    w.bool(polar);
    if (!polar) {
      w.small(dx);
      w.small(dy);
      muzzle = muzzleOf(dx, dy, steps) ?? muzzle;
    }
  }
}

/**
 * Which base projectiles are gone (their indices, ascending) and which are new (in the
 * snapshot's order). The world keeps its flights in spawn order and appends new shots, so a
 * merge finds both in one pass; when the lists are ordered otherwise (the merge's new ones turn
 * up in the base), sets answer instead. Either way the result is the same.
 */
function projectileChanges(
  base: readonly ProjectileSnapshot[],
  next: readonly ProjectileSnapshot[],
): { removedIdx: number[]; added: ProjectileSnapshot[] } {
  const removedIdx: number[] = [];
  let j = 0;
  for (let i = 0; i < base.length; i++) {
    if (j < next.length && next[j]!.id === base[i]!.id) j++;
    else removedIdx.push(i);
  }
  const added = next.slice(j);
  let merged = true;
  for (const p of added) {
    for (const b of base) {
      if (b.id === p.id) merged = false;
    }
  }
  if (merged) return { removedIdx, added };
  const live = new Set(next.map((p) => p.id));
  const baseIds = new Set(base.map((p) => p.id));
  const removed: number[] = [];
  base.forEach((p, i) => {
    if (!live.has(p.id)) removed.push(i);
  });
  return { removedIdx: removed, added: next.filter((p) => !baseIds.has(p.id)) };
}

/** A difference of projectile angle steps folded into [-2048, 2047]. */
function wrapAngleSteps(d: number): number {
  const half = ANGLE_STEPS / 2;
  return ((((d + half) % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS) - half;
}

/** Offset (1/8 px units) of a spawn `muzzle` units from its owner along angle step `steps`. */
function muzzleOffset(muzzle: number, steps: number, axis: 'x' | 'y'): number {
  const a = stepsToProjectileAngle(steps);
  return Math.round(muzzle * (axis === 'x' ? Math.cos(a) : Math.sin(a)));
}

/** The muzzle distance that puts a spawn exactly at (dx, dy) along `steps`, or null if none does. */
function muzzleOf(dx: number, dy: number, steps: number): number | null {
  const m = Math.round(Math.hypot(dx, dy));
  if (m <= 0 || m > TELEPORT_UNITS) return null;
  return muzzleOffset(m, steps, 'x') === dx && muzzleOffset(m, steps, 'y') === dy ? m : null;
}

/**
 * The muzzle distance of the newest projectile fired in the base's own tick, next to an owner
 * that is in the base: encoder and decoder both hold the base, so both learn the same value and
 * it never travels. Null when the base shows no such shot.
 */
function learnMuzzle(base: Snapshot): number | null {
  for (let i = base.projectiles.length - 1; i >= 0; i--) {
    const p = base.projectiles[i]!;
    if (p.spawnTick !== base.tick) continue;
    const owner = base.players.find((o) => o.id === p.ownerId);
    if (!owner) continue;
    const m = muzzleOf(toUnits(p.x0) - toUnits(owner.x), toUnits(p.y0) - toUnits(owner.y), projectileAngleToSteps(p.angle));
    if (m !== null) return m;
  }
  return null;
}

function writeEvents(w: BitWriter, events: readonly SnapshotEvent[]): void {
  w.count(events.length);
  for (const e of events) {
    if (e.type === 'kill') {
      w.bits(EVENT_KILL, 3);
      w.bits(e.killerId, 6);
      w.bits(e.victimId, 6);
    } else if (e.type === 'hit') {
      w.bits(EVENT_HIT, 3);
      w.bits(e.attackerId, 6);
      w.bits(e.victimId, 6);
      w.bool(e.damage !== USUAL_DAMAGE);
      if (e.damage !== USUAL_DAMAGE) w.bits(e.damage, 8);
      w.count(e.rewindTicks);
    } else {
      w.bits(EVENT_BLOCKED, 3);
      w.bits(e.attackerId, 6);
      w.bits(e.victimId, 6);
    }
  }
}

// ---------- decode ----------

/** Reads only the header: enough for clients that count snapshots without decoding them. */
export function peekSnapshotHeader(bytes: Uint8Array): Result<{ kind: 'key' | 'delta'; tick: number | null }, SnapshotErrorCode> {
  return peekEnvelope(bytes, SNAPSHOT_VERSION);
}

/**
 * Decodes a keyframe, or a delta against `base` (the previous decoded snapshot). Never throws:
 * bad bytes come back as an error code, and every count is bounded so hostile input cannot loop.
 */
export function decodeSnapshot(bytes: Uint8Array, base: Snapshot | null): Result<Snapshot, SnapshotErrorCode> {
  return decodeEnvelope(bytes, SNAPSHOT_VERSION, base, { keyframe: readKeyframe, delta: readDelta });
}

function readKeyframe(r: BitReader, header: EnvelopeHeader): Result<Snapshot, SnapshotErrorCode> {
  const { tick } = header;
  const playerCount = r.bits(7);
  if (playerCount > MAX_PLAYERS) malformed(`${playerCount} players`);
  const players: PlayerSnapshot[] = [];
  for (let i = 0; i < playerCount; i++) players.push(readFullPlayer(r));
  const projectileCount = r.varuint();
  if (projectileCount > MAX_PROJECTILES) malformed(`${projectileCount} projectiles`);
  const projectiles: ProjectileSnapshot[] = [];
  let lastId = -1;
  for (let i = 0; i < projectileCount; i++) {
    const id = lastId < 0 ? r.bits(16) : (lastId + 1 + (r.bool() ? 0 : r.varuint() + 1)) & 0xffff;
    lastId = id;
    const ownerId = r.bits(6);
    const x0 = fromUnits(r.bits(16));
    const y0 = fromUnits(r.bits(16));
    const angle = stepsToProjectileAngle(r.bits(12));
    const age = r.varuint();
    if (age > tick) malformed('projectile spawned before tick 0');
    projectiles.push({ id, ownerId, x0, y0, angle, spawnTick: tick - age });
  }
  const events = readEvents(r);
  return ok(checked(snapshotOf(header, sortById(players), projectiles, events)));
}

function readDelta(r: BitReader, header: EnvelopeHeader, base: Snapshot): Result<Snapshot, SnapshotErrorCode> {
  const { tick } = header;
  const players = new Map(base.players.map((p) => [p.id, p]));
  const removedCount = r.count();
  if (removedCount > base.players.length) malformed('more players removed than present');
  const removed = new Set<number>();
  for (let i = 0; i < removedCount; i++) {
    const id = r.bits(6);
    if (!players.has(id) || removed.has(id)) malformed(`removed player ${id} is not in the base`);
    removed.add(id);
  }
  const next: PlayerSnapshot[] = [];
  for (const b of base.players) {
    if (removed.has(b.id)) continue;
    next.push(readPlayerChange(r, b));
  }
  const addedCount = r.count();
  if (next.length + addedCount > MAX_PLAYERS) malformed('too many players');
  for (let i = 0; i < addedCount; i++) next.push(readFullPlayer(r));
  const byId = new Map(next.map((p) => [p.id, p]));

  const projectiles = readProjectileDelta(r, base, tick, byId);
  const events = readEvents(r);
  return ok(checked(snapshotOf(header, sortById(next), projectiles, events)));
}

/**
 * Decoded objects are written out field by field, never spread from a base or a header: a spread
 * copy takes a shape of its own from whatever it copies, and a client decoding for minutes met
 * thousands of player and snapshot shapes, which left every reader of them (a bot's brain, the
 * interpolation) on megamorphic property loads (BENCHMARKS.md, "Load generator … evening").
 */
function snapshotOf(header: EnvelopeHeader, players: PlayerSnapshot[], projectiles: ProjectileSnapshot[], events: SnapshotEvent[]): Snapshot {
  return { tick: header.tick, serverTime: header.serverTime, phase: header.phase, phaseEndTick: header.phaseEndTick, players, projectiles, events };
}

function readFullPlayer(r: BitReader): PlayerSnapshot {
  const id = r.bits(6);
  const x = fromUnits(r.bits(16));
  const y = fromUnits(r.bits(16));
  const vx = fromUnits(r.small());
  const vy = fromUnits(r.small());
  const aim = aimFromSteps(r.bits(8));
  const { hp, alive, kills, deaths } = readStats(r);
  const lastInputSeq = r.varuint();
  if (lastInputSeq > 0xffffffff) malformed('input sequence overflow');
  return { id, x, y, vx, vy, aim, hp, alive, kills, deaths, lastInputSeq };
}

function readStats(r: BitReader): Pick<PlayerSnapshot, 'hp' | 'alive' | 'kills' | 'deaths'> {
  return { hp: r.bits(8), alive: r.bool(), kills: r.varuint(), deaths: r.varuint() };
}

function readPlayerChange(r: BitReader, b: PlayerSnapshot): PlayerSnapshot {
  const lastInputSeq = readInputSeqChange(r, b.lastInputSeq);
  const bx = toUnits(b.x);
  const by = toUnits(b.y);
  if (!r.bool()) {
    // Nothing else changed: it moved exactly as predicted (velocity is unchanged too).
    return {
      id: b.id,
      x: fromUnits(bx + toUnits(b.vx)),
      y: fromUnits(by + toUnits(b.vy)),
      vx: b.vx,
      vy: b.vy,
      aim: b.aim,
      hp: b.hp,
      alive: b.alive,
      kills: b.kills,
      deaths: b.deaths,
      lastInputSeq,
    };
  }
  let ux = bx + toUnits(b.vx);
  let uy = by + toUnits(b.vy);
  if (r.bool()) {
    if (r.bool()) {
      ux = r.bits(16);
      uy = r.bits(16);
    } else {
      ux += r.small();
      uy += r.small();
    }
  }
  if (ux < 0 || uy < 0 || ux > 0xffff || uy > 0xffff) malformed('position out of range');
  let aim = b.aim;
  if (r.bool()) {
    const d = r.small();
    if (d < -AIM_STEPS / 2 || d >= AIM_STEPS / 2) malformed('aim step out of range');
    aim = aimFromSteps((((quantizeAim(b.aim) + d) % AIM_STEPS) + AIM_STEPS) % AIM_STEPS);
  }
  const stats = r.bool() ? readStats(r) : b;
  return {
    id: b.id,
    x: fromUnits(ux),
    y: fromUnits(uy),
    vx: fromUnits(ux - bx),
    vy: fromUnits(uy - by),
    aim,
    hp: stats.hp,
    alive: stats.alive,
    kills: stats.kills,
    deaths: stats.deaths,
    lastInputSeq,
  };
}

function readProjectileDelta(
  r: BitReader,
  base: Snapshot,
  tick: number,
  players: Map<number, PlayerSnapshot>,
): ProjectileSnapshot[] {
  const removedCount = r.count();
  if (removedCount > base.projectiles.length) malformed('more projectiles removed than present');
  const removed = new Set<number>();
  let index = -1;
  for (let i = 0; i < removedCount; i++) {
    index += r.count() + 1;
    if (index >= base.projectiles.length) malformed('removed projectile index out of range');
    removed.add(index);
  }
  const out = base.projectiles.filter((_, i) => !removed.has(i));
  const addedCount = r.count();
  if (out.length + addedCount > MAX_PROJECTILES) malformed('too many projectiles');
  let lastId = base.projectiles.length > 0 ? base.projectiles[base.projectiles.length - 1]!.id : -1;
  let muzzle = learnMuzzle(base);
  for (let i = 0; i < addedCount; i++) {
    const id = r.bool() ? (lastId + 1) & 0xffff : r.bits(16);
    lastId = id;
    const ownerId = r.bits(6);
    const age = r.bool() ? 0 : r.varuint();
    if (age > tick) malformed('projectile spawned before tick 0');
    if (!r.bool()) {
      const x0 = fromUnits(r.bits(16));
      const y0 = fromUnits(r.bits(16));
      out.push({ id, ownerId, x0, y0, angle: stepsToProjectileAngle(r.bits(12)), spawnTick: tick - age });
      continue;
    }
    const owner = players.get(ownerId);
    if (!owner) malformed(`projectile relative to missing player ${ownerId}`);
    const turn = r.small();
    if (turn < -ANGLE_STEPS / 2 || turn >= ANGLE_STEPS / 2) malformed('projectile angle step out of range');
    const steps = (((quantizeAim(owner.aim) * ANGLE_PER_AIM + turn) % ANGLE_STEPS) + ANGLE_STEPS) % ANGLE_STEPS;
    let dx: number;
    let dy: number;
    if (r.bool()) {
      if (muzzle === null) malformed('muzzle spawn without a learnt muzzle distance');
      dx = muzzleOffset(muzzle, steps, 'x');
      dy = muzzleOffset(muzzle, steps, 'y');
    } else {
      dx = r.small();
      dy = r.small();
      muzzle = muzzleOf(dx, dy, steps) ?? muzzle;
    }
    out.push({
      id,
      ownerId,
      x0: fromUnits(toUnits(owner.x) + dx),
      y0: fromUnits(toUnits(owner.y) + dy),
      angle: stepsToProjectileAngle(steps),
      spawnTick: tick - age,
    });
  }
  return out;
}

function readEvents(r: BitReader): SnapshotEvent[] {
  const count = r.count();
  if (count > MAX_EVENTS) malformed(`${count} events`);
  const events: SnapshotEvent[] = [];
  for (let i = 0; i < count; i++) {
    const type = r.bits(3);
    if (type === EVENT_KILL) events.push({ type: 'kill', killerId: r.bits(6), victimId: r.bits(6) });
    else if (type === EVENT_HIT) {
      const attackerId = r.bits(6);
      const victimId = r.bits(6);
      const damage = r.bool() ? r.bits(8) : USUAL_DAMAGE;
      const rewindTicks = r.count();
      if (rewindTicks > MAX_REWIND_TICKS) malformed(`rewind of ${rewindTicks} ticks`);
      events.push({ type: 'hit', attackerId, victimId, damage, rewindTicks });
    } else if (type === EVENT_BLOCKED) events.push({ type: 'blocked', attackerId: r.bits(6), victimId: r.bits(6) });
    else malformed(`unknown event type ${type}`);
  }
  return events;
}

function sortById<T extends { id: number }>(list: T[]): T[] {
  return list.sort((a, b) => a.id - b.id);
}

/** Invariants a well-formed snapshot keeps: unique player and projectile ids. */
function checked(s: Snapshot): Snapshot {
  for (let i = 1; i < s.players.length; i++) {
    if (s.players[i]!.id === s.players[i - 1]!.id) malformed(`duplicate player ${s.players[i]!.id}`);
  }
  const ids = new Set<number>();
  for (const p of s.projectiles) {
    if (ids.has(p.id)) malformed(`duplicate projectile ${p.id}`);
    ids.add(p.id);
  }
  return s;
}

