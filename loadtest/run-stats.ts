/**
 * What the bots measure, gathered in one place: latency histograms for the measured window and
 * for the current second (the timeline), and counters. Bots report into it; the runner reads a
 * second's worth every second and the window's at the end.
 */
import { FailoverStats, type DropCause } from './failover-stats.ts';
import { Histogram } from './histogram.ts';

export interface SecondStats {
  rtt: Histogram;
  gap: Histogram;
  inputAck: Histogram;
  snapshots: number;
  inputs: number;
  errors: number;
  disconnects: number;
  reconnects: number;
}

function emptySecond(): SecondStats {
  return { rtt: new Histogram(), gap: new Histogram(), inputAck: new Histogram(), snapshots: 0, inputs: 0, errors: 0, disconnects: 0, reconnects: 0 };
}

export class RunStats {
  /** True during the measured window (after ramp-up): only then do the window figures grow. */
  measuring = false;
  /** False once the run is shutting down: closing sockets is not a disconnect to report. */
  live = true;
  readonly rtt = new Histogram();
  readonly gap = new Histogram();
  readonly inputAck = new Histogram();
  /** How late the raw bots' tick scheduler ran its steps (window): a late generator delays its own inputs. */
  readonly tickLate = new Histogram();
  snapshots = 0;
  inputs = 0;
  /** Ticks a bot sent no input for: it woke too late for them, or drained a backlog (window). */
  inputsSkipped = 0;
  errors = 0;
  disconnects = 0;
  reconnects = 0;
  readonly errorsByKind = new Map<string, number>();
  /** matchId -> node URLs its bots were connected to. */
  readonly matches = new Map<string, Set<string>>();
  /** First human-readable note per kind (e.g. a wire-format mismatch), printed after the run. */
  readonly notes = new Map<string, string>();
  /** The server's tick rate, as the first join answer told it. */
  tickRate: number | null = null;
  /** Bots put out of their match by a failure, and how long until they played again (whole run). */
  readonly failover = new FailoverStats();
  private second = emptySecond();

  rttSample(ms: number): void {
    this.second.rtt.record(ms);
    if (this.measuring) this.rtt.record(ms);
  }

  gapSample(ms: number): void {
    this.second.gap.record(ms);
    if (this.measuring) this.gap.record(ms);
  }

  inputAckSample(ms: number): void {
    this.second.inputAck.record(ms);
    if (this.measuring) this.inputAck.record(ms);
  }

  snapshot(): void {
    this.second.snapshots += 1;
    if (this.measuring) this.snapshots += 1;
  }

  input(): void {
    this.second.inputs += 1;
    if (this.measuring) this.inputs += 1;
  }

  tickLateSample(ms: number): void {
    if (this.measuring) this.tickLate.record(ms);
  }

  inputSkipped(n: number): void {
    if (this.measuring) this.inputsSkipped += n;
  }

  error(kind: string, note?: string): void {
    if (!this.live) return;
    this.errors += 1;
    this.second.errors += 1;
    this.errorsByKind.set(kind, (this.errorsByKind.get(kind) ?? 0) + 1);
    if (note && !this.notes.has(kind)) this.notes.set(kind, note);
  }

  disconnect(): void {
    if (!this.live) return;
    this.disconnects += 1;
    this.second.disconnects += 1;
  }

  reconnect(): void {
    if (!this.live) return;
    this.reconnects += 1;
    this.second.reconnects += 1;
  }

  botDropped(bot: number, cause: DropCause, at: number, lastSnapshotAt: number | null): void {
    if (this.live) this.failover.dropped(bot, cause, at, lastSnapshotAt);
  }

  botSnapshotAfterDrop(bot: number, at: number): void {
    if (this.live) this.failover.snapshotAfterDrop(bot, at);
  }

  botSeatedIdle(bot: number, at: number): void {
    if (this.live) this.failover.seatedIdle(bot, at);
  }

  botBack(bot: number, at: number): void {
    if (this.live) this.failover.back(bot, at);
  }

  urlSwitched(): void {
    if (this.live) this.failover.switchedUrl();
  }

  matchSeen(matchId: string, url: string): void {
    let urls = this.matches.get(matchId);
    if (!urls) this.matches.set(matchId, (urls = new Set()));
    urls.add(url);
  }

  /** What was recorded since the previous call. */
  takeSecond(): SecondStats {
    const s = this.second;
    this.second = emptySecond();
    return s;
  }
}
