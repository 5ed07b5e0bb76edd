/**
 * The parity game's wire (parity-game.ts): the arena-16 scenario's inputs and snapshots, in the
 * shared snapshot envelope (shared/protocol/snapshot-envelope.ts) like Arena's and Cycles'.
 *
 * Input, 12 bytes: u8 version | u32 seq | u8 move ((dx+1)*3 + (dy+1), bit 4 fire) | u16 angle | u32 clientTick
 *
 * Snapshot body, after the envelope's header, bit-packed:
 *   keyframe: u5 players | per player: u4 slot | u11 x | u11 y | u8 angle | u8 hp | varuint score | u32 lastInputSeq
 *   delta:    1 bit same players as the base (else a keyframe body follows) |
 *             per player of the base: small dx | small dy | small dangle (mod 256) |
 *             1 bit hp changed [u8 hp] | 1 bit score changed [varuint score - base - 1] | input seq change
 * Positions are whole pixels and the angle is 1/256 of a turn: a moving player's delta is about
 * 23 bits, so a 16-player delta is about 50 bytes, the size the scenario names for its floor.
 */
import type { InputHeader, SnapshotHeader } from '../../../shared/game/game-definition.ts';
import { BitWriter, type BitReader } from '../../../shared/protocol/bits.ts';
import { err, ok, type Result } from '../../../shared/result.ts';
import {
  decodeEnvelope,
  malformed,
  peekEnvelope,
  readInputSeqChange,
  writeDeltaHeader,
  writeInputSeqChange,
  writeKeyframeHeader,
  type SnapshotErrorCode,
} from '../../../shared/protocol/snapshot-envelope.ts';
import { FIELD_SIZE, ROOM_SIZE } from './scenario.ts';

export const PARITY_INPUT_VERSION = 1;
export const PARITY_INPUT_BYTES = 12;
export const PARITY_SNAPSHOT_VERSION = 1;
const FIRE_BIT = 0x10;
const TURN = 2 * Math.PI;

export interface ParityInput extends InputHeader {
  dx: number;
  dy: number;
  /** Radians. */
  angle: number;
  fire: boolean;
}

/** A player as snapshots carry it: whole pixels, the angle in 1/256 of a turn. */
export interface ParityView {
  slot: number;
  x: number;
  y: number;
  angle: number;
  hp: number;
  score: number;
  lastInputSeq: number;
}

export interface ParitySnapshot extends SnapshotHeader {
  /** By slot, ascending. */
  players: ParityView[];
}

export function encodeParityInput(input: ParityInput): Uint8Array {
  const bytes = new Uint8Array(PARITY_INPUT_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, PARITY_INPUT_VERSION);
  view.setUint32(1, input.seq);
  view.setUint8(5, (input.dx + 1) * 3 + (input.dy + 1) + (input.fire ? FIRE_BIT : 0));
  view.setUint16(6, Math.round(((((input.angle + Math.PI) % TURN) + TURN) % TURN / TURN) * 0x10000) & 0xffff);
  view.setUint32(8, input.clientTick);
  return bytes;
}

export function decodeParityInput(bytes: Uint8Array): Result<ParityInput, 'BAD_LENGTH' | 'BAD_VERSION' | 'BAD_COMMAND'> {
  if (bytes.length !== PARITY_INPUT_BYTES) return err('BAD_LENGTH', `input must be ${PARITY_INPUT_BYTES} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== PARITY_INPUT_VERSION) return err('BAD_VERSION', `input version ${view.getUint8(0)}, expected ${PARITY_INPUT_VERSION}`);
  const move = view.getUint8(5);
  const dir = move & 0x0f;
  if (dir > 8 || (move & ~(0x0f | FIRE_BIT)) !== 0) return err('BAD_COMMAND', `unknown move bits 0x${move.toString(16)}`);
  return ok({
    seq: view.getUint32(1),
    dx: Math.floor(dir / 3) - 1,
    dy: (dir % 3) - 1,
    angle: (view.getUint16(6) / 0x10000) * TURN - Math.PI,
    fire: (move & FIRE_BIT) !== 0,
    clientTick: view.getUint32(8),
  });
}

/** Radians to the snapshot's 1/256 of a turn (0..255). */
export const quantiseAngle = (radians: number): number => Math.round((((radians + Math.PI) % TURN) + TURN) % TURN / TURN * 256) & 0xff;

export function encodeParityKeyframe(s: ParitySnapshot): Uint8Array {
  const w = new BitWriter(8 + s.players.length * 12);
  writeKeyframeHeader(w, PARITY_SNAPSHOT_VERSION, s);
  writePlayers(w, s.players);
  return w.finish();
}

export function encodeParityDelta(base: ParitySnapshot, s: ParitySnapshot): Uint8Array {
  const w = new BitWriter(8 + s.players.length * 4);
  writeDeltaHeader(w, PARITY_SNAPSHOT_VERSION, base, s);
  // Scores only grow while players stay; a score that dropped (a seat given to someone new)
  // cannot be a delta, so the full list goes instead.
  const same = base.players.length === s.players.length && base.players.every((p, i) => p.slot === s.players[i]!.slot && p.score <= s.players[i]!.score);
  w.bool(same);
  if (!same) {
    writePlayers(w, s.players);
    return w.finish();
  }
  s.players.forEach((p, i) => {
    const b = base.players[i]!;
    w.small(p.x - b.x);
    w.small(p.y - b.y);
    w.small(((p.angle - b.angle + 384) & 0xff) - 128);
    w.bool(p.hp !== b.hp);
    if (p.hp !== b.hp) w.bits(p.hp, 8);
    const scored = p.score - b.score;
    w.bool(scored !== 0);
    if (scored !== 0) w.varuint(scored - 1);
    writeInputSeqChange(w, b.lastInputSeq, p.lastInputSeq);
  });
  return w.finish();
}

export function decodeParitySnapshot(bytes: Uint8Array, base: ParitySnapshot | null): Result<ParitySnapshot, SnapshotErrorCode> {
  return decodeEnvelope<ParitySnapshot>(bytes, PARITY_SNAPSHOT_VERSION, base, {
    keyframe: (r, header) => ok({ ...header, players: readPlayers(r) }),
    delta: (r, header, b) => {
      if (!r.bool()) return ok({ ...header, players: readPlayers(r) });
      const players = b.players.map((p) => {
        const x = p.x + r.small();
        const y = p.y + r.small();
        if (x < 0 || x > FIELD_SIZE || y < 0 || y > FIELD_SIZE) malformed('position outside the field');
        const angle = (p.angle + r.small() + 256) & 0xff;
        const hp = r.bool() ? r.bits(8) : p.hp;
        const score = r.bool() ? p.score + r.varuint() + 1 : p.score;
        if (score > 0xffffffff) malformed('score overflow');
        return { slot: p.slot, x, y, angle, hp, score, lastInputSeq: readInputSeqChange(r, p.lastInputSeq) };
      });
      return ok({ ...header, players });
    },
  });
}

export const peekParitySnapshot = (bytes: Uint8Array): Result<{ kind: 'key' | 'delta'; tick: number | null }, SnapshotErrorCode> => peekEnvelope(bytes, PARITY_SNAPSHOT_VERSION);

function writePlayers(w: BitWriter, players: readonly ParityView[]): void {
  w.bits(players.length, 5);
  for (const p of players) {
    w.bits(p.slot, 4);
    w.bits(p.x, 11);
    w.bits(p.y, 11);
    w.bits(p.angle, 8);
    w.bits(p.hp, 8);
    w.varuint(p.score);
    w.bits(p.lastInputSeq, 32);
  }
}

function readPlayers(r: BitReader): ParityView[] {
  const n = r.bits(5);
  if (n > ROOM_SIZE) malformed(`${n} players in a room of ${ROOM_SIZE}`);
  const players: ParityView[] = [];
  for (let i = 0; i < n; i++) {
    const slot = r.bits(4);
    if (i > 0 && slot <= players[i - 1]!.slot) malformed('slots out of order');
    const x = r.bits(11);
    const y = r.bits(11);
    if (x > FIELD_SIZE || y > FIELD_SIZE) malformed('position outside the field');
    players.push({ slot, x, y, angle: r.bits(8), hp: r.bits(8), score: r.varuint(), lastInputSeq: r.bits(32) });
  }
  return players;
}
