/**
 * Cycles input, client to server, 10 bytes:
 *   u8 version | u32 seq | u8 command | u32 clientTick
 *   command: bits 0-2 dir (0 keep, 1 up, 2 right, 3 down, 4 left) | bit 3 boost | bits 4-7 zero
 * Fixed length so the server can refuse a wrong-sized message before reading it. Unknown bits
 * are refused rather than ignored: a newer client must bump the version, not be half-understood.
 */
import type { InputHeader } from '../../game/game-definition.ts';
import { err, ok, type Result } from '../../result.ts';

export const INPUT_VERSION = 1;
export const INPUT_BYTES = 10;
const BOOST_BIT = 0b1000;
const DIR_MASK = 0b0111;

export interface CyclesInput extends InputHeader {
  /** 0 keep, 1 up, 2 right, 3 down, 4 left. */
  dir: 0 | 1 | 2 | 3 | 4;
  boost: boolean;
}

export type InputErrorCode = 'BAD_LENGTH' | 'BAD_VERSION' | 'BAD_COMMAND';

export function encodeInput(input: CyclesInput): Uint8Array {
  const bytes = new Uint8Array(INPUT_BYTES);
  encodeInputInto(input, bytes, 0, INPUT_BYTES);
  return bytes;
}

/** `encodeInput`'s bytes at `out[offset…end)` when they fit there (nothing written otherwise); returns 10. */
export function encodeInputInto(input: CyclesInput, out: Uint8Array, offset: number, end: number): number {
  if (offset < 0 || end > out.length || offset + INPUT_BYTES > end) return INPUT_BYTES;
  const seq = input.seq >>> 0;
  const tick = input.clientTick >>> 0;
  out[offset] = INPUT_VERSION;
  out[offset + 1] = seq >>> 24;
  out[offset + 2] = seq >>> 16;
  out[offset + 3] = seq >>> 8;
  out[offset + 4] = seq;
  out[offset + 5] = (input.dir & DIR_MASK) | (input.boost ? BOOST_BIT : 0);
  out[offset + 6] = tick >>> 24;
  out[offset + 7] = tick >>> 16;
  out[offset + 8] = tick >>> 8;
  out[offset + 9] = tick;
  return INPUT_BYTES;
}

export function decodeInput(bytes: Uint8Array): Result<CyclesInput, InputErrorCode> {
  if (bytes.length !== INPUT_BYTES) return err('BAD_LENGTH', `input must be ${INPUT_BYTES} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== INPUT_VERSION) return err('BAD_VERSION', `input version ${version}, expected ${INPUT_VERSION}`);
  const command = view.getUint8(5);
  const dir = command & DIR_MASK;
  if ((command & ~(DIR_MASK | BOOST_BIT)) !== 0 || dir > 4) {
    return err('BAD_COMMAND', `unknown command bits 0x${command.toString(16)}`);
  }
  return ok({
    seq: view.getUint32(1),
    dir: dir as CyclesInput['dir'],
    boost: (command & BOOST_BIT) !== 0,
    clientTick: view.getUint32(6),
  });
}
