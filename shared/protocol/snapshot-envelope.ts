/**
 * The part of a binary snapshot every game's codec shares: the framework's header fields
 * (shared/game/game-definition.ts SnapshotHeader) and the frame around the game's own body, so
 * each game writes only what is its own. Layout, bit-packed, MSB first:
 *
 *   u8 version | 1 bit kind (0 key, 1 delta)
 *   key:   u32 tick | f64 serverTime | u2 phase | u32 phaseEndTick | body
 *   delta: u8 base tick low byte (catches a client applying a delta to the wrong base)
 *          | tick - baseTick (1 bit when 1, else 1 + varuint) | varuint serverTime - base.serverTime
 *          | 1 bit phase changed [u2 phase | u32 phaseEndTick] | body
 *
 * The version byte is the game codec's own: a game changes its body, bumps its version.
 */
import type { SnapshotHeader } from '../game/game-definition.ts';
import type { MatchPhase } from '../game/phase.ts';
import { BitReader, BitsError, type BitWriter } from './bits.ts';
import { err, ok, type Result } from '../result.ts';

export type SnapshotErrorCode = 'TRUNCATED' | 'MALFORMED' | 'BAD_VERSION' | 'NO_BASE' | 'BASE_MISMATCH';

export function writeKeyframeHeader(w: BitWriter, version: number, s: SnapshotHeader): void {
  w.bits(version, 8);
  w.bits(0, 1);
  w.bits(s.tick, 32);
  w.f64(s.serverTime);
  writePhase(w, s.phase, s.phaseEndTick);
}

export function writeDeltaHeader(w: BitWriter, version: number, base: SnapshotHeader, s: SnapshotHeader): void {
  w.bits(version, 8);
  w.bits(1, 1);
  w.bits(base.tick & 0xff, 8);
  const tickStep = s.tick - base.tick;
  w.bool(tickStep === 1);
  if (tickStep !== 1) w.varuint(tickStep);
  w.varuint(s.serverTime - base.serverTime);
  const phaseChanged = s.phase !== base.phase || s.phaseEndTick !== base.phaseEndTick;
  w.bool(phaseChanged);
  if (phaseChanged) writePhase(w, s.phase, s.phaseEndTick);
}

/** Reads only the kind (and a keyframe's tick): for clients that count snapshots without decoding. */
export function peekEnvelope(bytes: Uint8Array, version: number): Result<{ kind: 'key' | 'delta'; tick: number | null }, SnapshotErrorCode> {
  if (bytes.length < 2) return err('TRUNCATED', 'snapshot shorter than its header');
  if (bytes[0] !== version) return err('BAD_VERSION', `snapshot version ${bytes[0]}, expected ${version}`);
  const r = new BitReader(bytes);
  r.bits(8);
  if (r.bits(1) === 1) return ok({ kind: 'delta', tick: null });
  if (bytes.length < 6) return err('TRUNCATED', 'keyframe shorter than its header');
  return ok({ kind: 'key', tick: r.bits(32) });
}

export interface BodyReaders<S extends SnapshotHeader> {
  /** The rest of a keyframe, after its header. */
  keyframe(r: BitReader, header: SnapshotHeader): Result<S, SnapshotErrorCode>;
  /** The rest of a delta, after its header, against the base the header was checked against. */
  delta(r: BitReader, header: SnapshotHeader, base: S): Result<S, SnapshotErrorCode>;
}

/**
 * Decodes a keyframe, or a delta against `base` (the previous decoded snapshot). Never throws:
 * bad bytes come back as an error code (the body readers throw BitsError, or call malformed()).
 */
export function decodeEnvelope<S extends SnapshotHeader>(bytes: Uint8Array, version: number, base: S | null, body: BodyReaders<S>): Result<S, SnapshotErrorCode> {
  try {
    const r = new BitReader(bytes);
    const v = r.bits(8);
    if (v !== version) return err('BAD_VERSION', `snapshot version ${v}, expected ${version}`);
    let snapshot: Result<S, SnapshotErrorCode>;
    if (r.bits(1) === 0) {
      const tick = r.bits(32);
      const serverTime = r.f64();
      if (!Number.isFinite(serverTime)) malformed('serverTime is not finite');
      const [phase, phaseEndTick] = readPhase(r);
      snapshot = body.keyframe(r, { tick, serverTime, phase, phaseEndTick });
    } else {
      const baseLow = r.bits(8);
      if (!base) return err('NO_BASE', 'delta received before any keyframe');
      if (baseLow !== (base.tick & 0xff)) return err('BASE_MISMATCH', `delta is against tick …${baseLow}, client holds ${base.tick}`);
      const tick = base.tick + (r.bool() ? 1 : r.varuint());
      if (tick > 0xffffffff) malformed('tick overflow');
      const serverTime = base.serverTime + r.varuint();
      let phase = base.phase;
      let phaseEndTick = base.phaseEndTick;
      if (r.bool()) [phase, phaseEndTick] = readPhase(r);
      snapshot = body.delta(r, { tick, serverTime, phase, phaseEndTick }, base);
    }
    if (!snapshot.ok) return snapshot;
    r.expectEnd();
    return snapshot;
  } catch (e) {
    if (e instanceof BitsError) return err(e.code, e.message);
    return err('MALFORMED', e instanceof Error ? e.message : String(e));
  }
}

/** For body readers: refuses the bytes (decodeEnvelope turns it into a MALFORMED result). */
export function malformed(message: string): never {
  throw new BitsError('MALFORMED', message);
}

function writePhase(w: BitWriter, phase: MatchPhase, endTick: number): void {
  w.bits(phase, 2);
  w.bits(endTick, 32);
}

function readPhase(r: BitReader): [MatchPhase, number] {
  return [r.bits(2) as MatchPhase, r.bits(32)];
}

/**
 * The sequence number of the last input applied for a player, against the base snapshot's (every
 * game's snapshots carry one per player, for reconciliation). The usual case is one more input
 * applied per snapshot, so it comes first and costs two bits:
 *   u2 code: 0 same | 1 +1 | 2 +2 + varuint | 3 u32 (a reset: the player reconnected)
 */
export function writeInputSeqChange(w: BitWriter, before: number, now: number): void {
  const diff = now - before;
  if (diff === 0) w.bits(0, 2);
  else if (diff === 1) w.bits(1, 2);
  else if (diff > 1) {
    w.bits(2, 2);
    w.varuint(diff - 2);
  } else {
    w.bits(3, 2);
    w.bits(now, 32);
  }
}

export function readInputSeqChange(r: BitReader, before: number): number {
  const code = r.bits(2);
  const now = code === 0 ? before : code === 1 ? before + 1 : code === 2 ? before + r.varuint() + 2 : r.bits(32);
  if (now > 0xffffffff) malformed('input sequence overflow');
  return now;
}
