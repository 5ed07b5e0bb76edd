/**
 * The spectator worker's loop (spectator-engine.ts, WorkerSpectators): every message is a batch
 * of lines for the node's spectated matches; the frames and faults they make go back in one
 * message. A feed never throws (spectator-feed.ts); should a game throw past it anyway, that
 * feed is reported broken and dropped, and the others go on.
 */
import { parentPort } from 'node:worker_threads';
import { GAMES } from '../../shared/games/index.ts';
import { applyToFeeds, forEachLine, type FromWorker, type ToWorker, type WorkerBatch } from './spectator-engine.ts';
import type { SpectatorFeed } from './spectator-feed.ts';

const port = parentPort;
if (!port) throw new Error('spectator-worker.ts runs as a worker_thread');
const feeds = new Map<number, SpectatorFeed>();

port.on('message', (batch: WorkerBatch) => {
  const out: FromWorker[] = [];
  const apply = (m: ToWorker) => {
    try {
      applyToFeeds(feeds, GAMES, m, (r) => out.push(r));
    } catch (e) {
      feeds.delete(m.id);
      out.push({ id: m.id, fault: { kind: 'worker', message: `the spectators' copy failed: ${(e as Error).message}` } });
    }
  };
  // One line at a time, each behind its own guard: a feed that throws takes no other feed down.
  forEachLine(batch, apply);
  if (out.length > 0) port.postMessage(out);
});
