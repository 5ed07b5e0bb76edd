/**
 * A replay file, as GET /api/replays/:id serves it and `npm run replay -- verify` reads it:
 *
 *   "ARPL" | u8 format version | u8 compression (1: zlib deflate) | compressed body
 *
 * The body is shared/replay/replay-format.ts. The header stays outside the compression so a
 * reader can say "not a replay" or "a newer format" before inflating anything, and zlib's own
 * checksum makes a flipped bit in the body an error rather than a different match. Inflating is
 * capped, so a small hostile file cannot ask for gigabytes.
 */
import { promisify } from 'node:util';
import { deflate, deflateSync, inflateSync } from 'node:zlib';
import { decodeReplayBody, encodeReplayBody, REPLAY_FORMAT_VERSION, REPLAY_MAGIC, REPLAY_ZLIB as ZLIB, type Replay } from '../../shared/replay/replay-format.ts';

export { REPLAY_FORMAT_VERSION, REPLAY_MAGIC };
/** A 24-hour 64-player match's log is far below this. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

export type FileErrorCode = 'NOT_A_REPLAY' | 'FORMAT_VERSION' | 'CORRUPT' | 'TRUNCATED';

const HEAD = Buffer.from([...Buffer.from(REPLAY_MAGIC, 'latin1'), REPLAY_FORMAT_VERSION, ZLIB]);
const deflateAsync = promisify(deflate);

export function packReplay(replay: Replay): Buffer {
  return Buffer.concat([HEAD, deflateSync(encodeReplayBody(replay), { level: 6 })]);
}

/** The same file, compressed on libuv's thread pool: a server never deflates on its tick's thread. */
export async function packReplayAsync(replay: Replay): Promise<Buffer> {
  return Buffer.concat([HEAD, await deflateAsync(encodeReplayBody(replay), { level: 6 })]);
}

export function unpackReplay(file: Uint8Array): { ok: true; replay: Replay } | { ok: false; code: FileErrorCode; message: string } {
  if (file.length < 6 || Buffer.from(file.subarray(0, 4)).toString('latin1') !== REPLAY_MAGIC) {
    return { ok: false, code: 'NOT_A_REPLAY', message: 'the file does not start with ARPL' };
  }
  if (file[4] !== REPLAY_FORMAT_VERSION) return { ok: false, code: 'FORMAT_VERSION', message: `replay format version ${file[4]}, this build reads version ${REPLAY_FORMAT_VERSION}` };
  if (file[5] !== ZLIB) return { ok: false, code: 'CORRUPT', message: `unknown compression ${file[5]}` };
  let body: Buffer;
  try {
    body = inflateSync(file.subarray(6), { maxOutputLength: MAX_BODY_BYTES });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'Z_BUF_ERROR') return { ok: false, code: 'TRUNCATED', message: 'the compressed body is cut short' };
    if (code === 'ERR_BUFFER_TOO_LARGE') return { ok: false, code: 'CORRUPT', message: 'the body inflates to more than 256 MB' };
    return { ok: false, code: 'CORRUPT', message: `the compressed body is damaged (${(error as Error).message})` };
  }
  const decoded = decodeReplayBody(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  if (!decoded.ok) return decoded;
  return decoded;
}
