/**
 * Player input, client to server, 14 bytes:
 *   u8 version | u32 seq | u8 buttons | f32 aim (radians) | u32 clientTick
 * `clientTick` is the server tick the client was rendering its targets at when it made the
 * input: the server uses it, capped by what it measured, to resolve the shot where the shooter
 * saw its targets. The aim is a float so the shooter's own shots go exactly where it pointed.
 */
import { ALL_BUTTONS } from './sim/types.ts';
import { err, ok, type Result } from '../../result.ts';

export const INPUT_VERSION = 1;
export const INPUT_BYTES = 14;

export interface InputMessage {
  seq: number; // uint32, strictly increasing per player
  buttons: number;
  aim: number; // radians, finite
  clientTick: number; // uint32
}

export type InputErrorCode = 'BAD_LENGTH' | 'BAD_VERSION' | 'BAD_BUTTONS' | 'BAD_AIM';

export function encodeInput(input: InputMessage): Uint8Array {
  const bytes = new Uint8Array(INPUT_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, INPUT_VERSION);
  view.setUint32(1, input.seq);
  view.setUint8(5, input.buttons);
  view.setFloat32(6, input.aim);
  view.setUint32(10, input.clientTick);
  return bytes;
}

export function decodeInput(bytes: Uint8Array): Result<InputMessage, InputErrorCode> {
  if (bytes.length !== INPUT_BYTES) return err('BAD_LENGTH', `input must be ${INPUT_BYTES} bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== INPUT_VERSION) return err('BAD_VERSION', `input version ${version}, expected ${INPUT_VERSION}`);
  const buttons = view.getUint8(5);
  if ((buttons & ~ALL_BUTTONS) !== 0) return err('BAD_BUTTONS', `unknown button bits 0x${buttons.toString(16)}`);
  const aim = view.getFloat32(6);
  // Any finite angle is fine (it is normalized later); NaN or Infinity would poison the world.
  if (!Number.isFinite(aim) || Math.abs(aim) > 64) return err('BAD_AIM', `aim must be a finite angle in radians, got ${aim}`);
  return ok({ seq: view.getUint32(1), buttons, aim, clientTick: view.getUint32(10) });
}
