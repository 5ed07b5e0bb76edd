/**
 * Reads a replay file (server/replay/replay-file.ts writes it) where node:zlib is not there: the
 * page. The body is inflated with the platform's DecompressionStream ('deflate' is the zlib
 * format), read chunk by chunk and abandoned past `maxBodyBytes`, so a small hostile file cannot
 * make the page allocate gigabytes. Never throws: every problem comes back as a code and a line.
 */
import { decodeReplayBody, REPLAY_FORMAT_VERSION, REPLAY_MAGIC, REPLAY_ZLIB, type Replay } from './replay-format.ts';

export type WebFileErrorCode = 'NOT_A_REPLAY' | 'FORMAT_VERSION' | 'CORRUPT' | 'TRUNCATED';
export type WebFileResult = { ok: true; replay: Replay } | { ok: false; code: WebFileErrorCode; message: string };

/** A page plays matches of hours at most; a 24-hour 64-player log is still far below. */
export const MAX_WEB_BODY_BYTES = 64 * 1024 * 1024;

export async function unpackReplayWeb(file: Uint8Array, maxBodyBytes = MAX_WEB_BODY_BYTES): Promise<WebFileResult> {
  const magic = String.fromCharCode(...file.subarray(0, 4));
  if (file.length < 6 || magic !== REPLAY_MAGIC) return { ok: false, code: 'NOT_A_REPLAY', message: 'the file does not start with ARPL' };
  if (file[4] !== REPLAY_FORMAT_VERSION) return { ok: false, code: 'FORMAT_VERSION', message: `replay format version ${file[4]}, this page reads version ${REPLAY_FORMAT_VERSION}` };
  if (file[5] !== REPLAY_ZLIB) return { ok: false, code: 'CORRUPT', message: `unknown compression ${file[5]}` };
  const body = await inflate(file.subarray(6), maxBodyBytes);
  if (!body.ok) return body;
  return decodeReplayBody(body.bytes);
}

export async function inflate(compressed: Uint8Array, max: number): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; code: WebFileErrorCode; message: string }> {
  const stream = new Blob([compressed as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        void reader.cancel().catch(() => {});
        return { ok: false, code: 'CORRUPT', message: `the body inflates to more than ${Math.round(max / 1024 / 1024)} MB` };
      }
      parts.push(value);
    }
  } catch (error) {
    // The stream says "unexpected end" for a cut file, something else for damage; both are one line.
    const text = String((error as Error).message ?? error);
    const cut = /end|truncat|incomplete/i.test(text);
    return { ok: false, code: cut ? 'TRUNCATED' : 'CORRUPT', message: cut ? 'the compressed body is cut short' : `the compressed body is damaged (${text.slice(0, 120)})` };
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { ok: true, bytes };
}
