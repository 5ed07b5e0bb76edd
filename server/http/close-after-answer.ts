/**
 * The token routes answer with `Connection: close`. A player asks for a token once and renews it
 * every few minutes, so keeping its connection open saves nothing, and an idle kept connection is
 * a trap: the server closes it after `keepAliveTimeout` (5 s), and a client that reuses it just
 * then (undici keeps a 1 s margin, which a client whose event loop stalls misses) sees its POST
 * fail with ECONNRESET or "other side closed". Under a 100-a-second ramp of new players that was
 * most of the guest failures (BENCHMARKS.md, "Per-player server CPU").
 */
import type { ServerResponse } from 'node:http';

export function closeAfterAnswer(res: ServerResponse): void {
  res.setHeader('connection', 'close');
}
