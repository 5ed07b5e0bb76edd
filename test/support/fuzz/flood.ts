/**
 * Floods one raw connection at a fixed rate (packets in batches every 10 ms) until the server
 * closes it or the time runs out, and measures what the client sees: the first error packet, and
 * the time from the first packet sent to the close.
 */
import { PacketType } from 'socket.io-parser';
import { errorCodeOf } from './frame-fuzzer.ts';
import type { Frame, RawConn } from './raw-client.ts';

export interface FloodResult {
  sent: number;
  /** ms from the first packet to the connection's close, or null if it stayed open. */
  kickedAfterMs: number | null;
  /** The first error the server sent during the flood ("<nsp> <code>"), if any. */
  firstError: string | null;
  /** ms from the first packet to that error. */
  errorAfterMs: number | null;
  closeReason: string | null;
}

export async function flood(conn: RawConn, next: (i: number) => Frame, opts: { perSecond: number; maxMs: number; batchEveryMs?: number }): Promise<FloodResult> {
  const every = opts.batchEveryMs ?? 10;
  const perBatch = Math.max(1, Math.round((opts.perSecond * every) / 1000));
  const before = conn.outcome.packets.length;
  let sent = 0;
  let firstError: string | null = null;
  let errorAt: number | null = null;
  const started = performance.now();
  const watchErrors = (): void => {
    if (firstError !== null) return;
    for (let i = before; i < conn.outcome.packets.length; i++) {
      const p = conn.outcome.packets[i]!;
      const code = errorCodeOf(p);
      if (code !== null && p.type === PacketType.EVENT) {
        firstError = `${p.nsp} ${code}`;
        errorAt = conn.outcome.packetTimes[i]! - started;
        return;
      }
    }
  };
  // Paced by wall time, not by timer ticks: a late timer sends the batches it owes.
  while (conn.outcome.closed === null && performance.now() - started < opts.maxMs) {
    const owed = Math.floor(((performance.now() - started) / 1000) * opts.perSecond) + perBatch - sent;
    const frames: Frame[] = [];
    for (let i = 0; i < owed; i++) frames.push(next(sent + i));
    // Polling: one POST at a time (engine.io closes a session whose POSTs overlap).
    if (conn.transport === 'polling') await conn.send(frames);
    else void conn.send(frames);
    sent += frames.length;
    watchErrors();
    await new Promise((r) => setTimeout(r, every));
  }
  await conn.waitClosed(2000);
  watchErrors();
  const closedAt = conn.outcome.closedAt;
  return { sent, kickedAfterMs: closedAt === null ? null : closedAt - started, firstError, errorAfterMs: errorAt, closeReason: conn.outcome.closed };
}
