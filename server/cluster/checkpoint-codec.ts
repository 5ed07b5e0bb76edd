/**
 * A match checkpoint as Redis stores it. An Arena checkpoint is ~28 KB of JSON, most of it the
 * second of position history lag compensation needs: the same objects frame after frame, moving
 * by a few eighths of a pixel. Written once a second per match, that was ~1.4 KB/s of Redis
 * traffic per player. The replay log's packer (shared/replay/plain-pack.ts: shapes and strings
 * once, numbers on their grid, each value against the same place in the frame before) carries
 * the same plain data in a fraction of that, exactly (-0 and NaN included, which JSON loses).
 *
 *   byte 0: MAGIC (never `{`, so a JSON checkpoint left by an older node still reads)
 *   byte 1: FORMAT
 *   rest:   packPlain(checkpoint)
 */
import { packPlain, unpackPlain } from '../../shared/replay/plain-pack.ts';
import type { MatchCheckpoint } from '../match/match-host.ts';

const MAGIC = 0xc4;
const FORMAT = 1;
const JSON_OPEN_BRACE = 0x7b;

export function encodeCheckpoint(cp: MatchCheckpoint): Buffer {
  const packed = packPlain(cp);
  const out = Buffer.allocUnsafe(2 + packed.length);
  out[0] = MAGIC;
  out[1] = FORMAT;
  out.set(packed, 2);
  return out;
}

export type DecodedCheckpoint = { ok: true; checkpoint: MatchCheckpoint } | { ok: false; message: string };

/**
 * Reads what encodeCheckpoint wrote, or the JSON an older node wrote (a rolling upgrade meets
 * both). Never throws: a checkpoint that cannot be read is reported, and the match is treated as
 * having none.
 */
export function decodeCheckpoint(bytes: Uint8Array): DecodedCheckpoint {
  if (bytes.length === 0) return { ok: false, message: 'an empty checkpoint' };
  let value: unknown;
  if (bytes[0] === JSON_OPEN_BRACE) {
    try {
      value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
    } catch {
      return { ok: false, message: 'a JSON checkpoint that does not parse' };
    }
  } else {
    if (bytes[0] !== MAGIC) return { ok: false, message: `not a checkpoint (first byte ${bytes[0]})` };
    if (bytes[1] !== FORMAT) return { ok: false, message: `checkpoint format ${bytes[1] ?? 'missing'}, this node reads ${FORMAT}` };
    const unpacked = unpackPlain(bytes.subarray(2));
    if (!unpacked.ok) return { ok: false, message: `a corrupt checkpoint: ${unpacked.message}` };
    value = unpacked.value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'a checkpoint that is not an object' };
  return { ok: true, checkpoint: value as MatchCheckpoint };
}
