/**
 * Runs one match on this node: ticks it from the scheduler, sends its snapshots through the
 * fan-out, and tells its players about roster changes and the end.
 */
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { MatchNamespace } from '../net/types.ts';
import { roomTransport } from '../net/room-transport.ts';
import { Match, type MatchOptions } from './match.ts';
import { SnapshotFanout } from './snapshot-fanout.ts';
import type { TickScheduler } from './scheduler.ts';

export interface MatchHostDeps {
  nsp: MatchNamespace;
  scheduler: TickScheduler;
  metrics: Metrics;
  log: Logger;
  keyframeIntervalS: number;
  /** How long an ended match stays so its players can read the results. */
  endedLingerMs: number;
  onDisposed: (host: MatchHost) => void;
}

export class MatchHost {
  readonly match: Match;
  private readonly fanout: SnapshotFanout;
  private readonly controlRoom: string;
  private readonly unschedule: () => void;
  /** socket id -> player id */
  private readonly sockets = new Map<string, number>();
  private disposeTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    opts: MatchOptions,
    private readonly deps: MatchHostDeps,
  ) {
    this.match = new Match(opts);
    this.controlRoom = `match:${opts.id}`;
    const keyframeEvery = Math.max(1, Math.round(deps.keyframeIntervalS * opts.rules.tickRate));
    this.fanout = new SnapshotFanout(roomTransport(deps.nsp, `snap:${opts.id}`), keyframeEvery, deps.metrics);
    this.unschedule = deps.scheduler.add({ tick: (at) => this.tick(at) });
  }

  get id(): string {
    return this.match.id;
  }

  /** Seats the socket's player; it gets a personal keyframe on the next snapshot tick. */
  addPlayer(socketId: string, nickname: string): number | null {
    const playerId = this.match.join(nickname);
    if (playerId === null) return null;
    this.sockets.set(socketId, playerId);
    void this.deps.nsp.sockets.get(socketId)?.join(this.controlRoom);
    this.fanout.add(socketId);
    this.deps.nsp.to(this.controlRoom).emit('roster', this.match.roster());
    this.deps.log.info({ matchId: this.id, playerId, nickname }, 'player joined');
    return playerId;
  }

  removePlayer(socketId: string): void {
    const playerId = this.sockets.get(socketId);
    if (playerId === undefined) return;
    this.sockets.delete(socketId);
    this.fanout.remove(socketId);
    void this.deps.nsp.sockets.get(socketId)?.leave(this.controlRoom);
    this.match.leave(playerId);
    this.deps.log.info({ matchId: this.id, playerId }, 'player left');
    if (this.sockets.size === 0) this.dispose();
    else this.deps.nsp.to(this.controlRoom).emit('roster', this.match.roster());
  }

  private tick(scheduledAt: number): void {
    const { snapshot, results } = this.match.tick(scheduledAt);
    if (snapshot) this.fanout.publish(snapshot);
    if (results) {
      this.deps.nsp.to(this.controlRoom).emit('ended', results);
      this.deps.log.info({ matchId: this.id, reason: results.reason, winnerId: results.winnerId }, 'match ended');
      this.unschedule();
      this.disposeTimer = setTimeout(() => this.dispose(), this.deps.endedLingerMs);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unschedule();
    if (this.disposeTimer) clearTimeout(this.disposeTimer);
    for (const socketId of this.sockets.keys()) {
      const socket = this.deps.nsp.sockets.get(socketId);
      if (socket) {
        socket.data.matchId = undefined;
        socket.data.playerId = undefined;
      }
      this.fanout.remove(socketId);
    }
    this.deps.nsp.in(this.controlRoom).socketsLeave(this.controlRoom);
    this.sockets.clear();
    this.deps.log.info({ matchId: this.id }, 'match disposed');
    this.deps.onDisposed(this);
  }
}
