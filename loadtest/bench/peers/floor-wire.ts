/**
 * The raw `ws` floor's messages, as the scenario fixes their sizes:
 *
 *   input, 14 bytes: u8 version | u32 seq | u8 move ((dx+1)*3 + (dy+1), bit 4 fire) | f32 angle | u32 clientTick
 *   state, 48 bytes: u32 tick | u8 players | u8 first slot | 6 × (u8 slot | u16 x | u16 y | u8 angle | u8 score)
 *
 * 48 bytes is the size of a typical quantised 16-player delta; the floor sends six players per
 * tick in turn, so every player is refreshed about three times a second. It is what any Node
 * WebSocket game server with these message rates has to do at least.
 */
import { FIELD_SIZE, type ScenarioCommand, type ScenarioPlayer } from './scenario.ts';

export const FLOOR_INPUT_BYTES = 14;
export const FLOOR_STATE_BYTES = 48;
const VERSION = 1;
const PER_STATE = 6;
const ENTRY_BYTES = 7;
const FIRE_BIT = 0x10;

export function encodeFloorInput(seq: number, c: ScenarioCommand, clientTick: number, out = new Uint8Array(FLOOR_INPUT_BYTES)): Uint8Array {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint8(0, VERSION);
  view.setUint32(1, seq);
  view.setUint8(5, (c.dx + 1) * 3 + (c.dy + 1) + (c.fire ? FIRE_BIT : 0));
  view.setFloat32(6, c.angle);
  view.setUint32(10, clientTick);
  return out;
}

/** The command of an input, or null for bytes that are not one. */
export function decodeFloorInput(bytes: Uint8Array): (ScenarioCommand & { seq: number }) | null {
  if (bytes.length !== FLOOR_INPUT_BYTES || bytes[0] !== VERSION) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const move = view.getUint8(5);
  const dir = move & 0x0f;
  if (dir > 8 || (move & ~(0x0f | FIRE_BIT)) !== 0) return null;
  return { seq: view.getUint32(1), dx: Math.floor(dir / 3) - 1, dy: (dir % 3) - 1, angle: view.getFloat32(6), fire: (move & FIRE_BIT) !== 0 };
}

/** Writes one tick's state for `players` (slot-indexed, holes allowed) into `out`. */
export function encodeFloorState(tick: number, players: readonly (ScenarioPlayer | undefined)[], out: Uint8Array): Uint8Array {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const n = players.length;
  const first = n === 0 ? 0 : (tick * PER_STATE) % n;
  view.setUint32(0, tick);
  view.setUint8(4, n);
  view.setUint8(5, first);
  for (let i = 0; i < PER_STATE; i++) {
    const at = 6 + i * ENTRY_BYTES;
    const slot = n === 0 ? 0 : (first + i) % n;
    const p = players[slot];
    view.setUint8(at, p ? slot : 0xff);
    view.setUint16(at + 1, p ? Math.round((p.x / FIELD_SIZE) * 0xffff) : 0);
    view.setUint16(at + 3, p ? Math.round((p.y / FIELD_SIZE) * 0xffff) : 0);
    view.setUint8(at + 5, p ? Math.round(((p.angle + Math.PI) / (2 * Math.PI)) * 255) & 0xff : 0);
    view.setUint8(at + 6, p ? p.score & 0xff : 0);
  }
  return out;
}

/** The tick a state names (bots read only this). */
export const floorStateTick = (bytes: Uint8Array): number | null =>
  bytes.length === FLOOR_STATE_BYTES ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : null;
