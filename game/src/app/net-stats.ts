/**
 * The net graph's figures: what arrives and leaves is counted as it happens, and once a second
 * `sample()` closes the window and appends one point per series (a minute of history is kept
 * for the sparklines). Pure: time comes in as arguments.
 */

export const SERIES = ['rtt', 'snapshotRate', 'snapshotGap', 'interpDelay', 'hitRewind', 'down', 'up', 'corrections', 'serverTick'] as const;
export type SeriesKey = (typeof SERIES)[number];

export interface SeriesInfo {
  label: string;
  unit: string;
  /** Digits after the point. */
  digits: number;
}

export const SERIES_INFO: Record<SeriesKey, SeriesInfo> = {
  rtt: { label: 'RTT', unit: 'ms', digits: 0 },
  snapshotRate: { label: 'snapshots', unit: '/s', digits: 0 },
  snapshotGap: { label: 'worst gap', unit: 'ms', digits: 0 },
  interpDelay: { label: 'interp delay', unit: 'ms', digits: 0 },
  /** How far back the server judged the player's latest hit (lag compensation). */
  hitRewind: { label: 'hit rewind', unit: 'ms', digits: 0 },
  down: { label: 'down', unit: 'B/s', digits: 0 },
  up: { label: 'up', unit: 'B/s', digits: 0 },
  corrections: { label: 'corrections', unit: 'px/s', digits: 1 },
  serverTick: { label: 'server tick', unit: 'ms', digits: 2 },
};

/** The server pushes its tick time every second; one missed push is jitter, two are silence. */
const SERVER_TICK_STALE_MS = 2500;

/** A prediction error below this is rounding, not a correction (px). */
const CORRECTION_FLOOR = 0.5;

export class NetStats {
  /** Points kept per series (one a second). */
  readonly capacity: number;
  private readonly history = new Map<SeriesKey, number[]>(SERIES.map((k) => [k, []]));
  private snapshots = 0;
  private worstGap = 0;
  private lastSnapshotAt: number | null = null;
  private bytesDown = 0;
  private bytesUp = 0;
  private correctedPx = 0;
  private rtt: number | null = null;
  private interpDelay: number | null = null;
  private hitRewind: number | null = null;
  private serverTick: number | null = null;
  private serverTickAt = 0;
  private windowStart: number | null = null;

  constructor(capacity = 60) {
    this.capacity = capacity;
  }

  snapshot(at: number): void {
    this.snapshots += 1;
    if (this.lastSnapshotAt !== null) this.worstGap = Math.max(this.worstGap, at - this.lastSnapshotAt);
    this.lastSnapshotAt = at;
  }

  down(bytes: number): void {
    this.bytesDown += bytes;
  }

  up(bytes: number): void {
    this.bytesUp += bytes;
  }

  /** A reconciliation moved the predicted player by `px`. */
  correction(px: number): void {
    if (px >= CORRECTION_FLOOR) this.correctedPx += px;
  }

  setRtt(ms: number): void {
    this.rtt = ms;
  }

  setInterpDelay(ms: number | null): void {
    this.interpDelay = ms;
  }

  /** The server judged the player's latest hit `ms` in the past (held until the next hit). */
  setHitRewind(ms: number | null): void {
    this.hitRewind = ms;
  }

  /**
   * The match's mean tick time, as the server pushed it at `at` (once a second). It is shown until
   * it is older than SERVER_TICK_STALE_MS: a server that stopped saying must not look steady.
   */
  setServerTick(ms: number | null, at: number): void {
    this.serverTick = ms;
    this.serverTickAt = at;
  }

  /** A new match or a reconnect: the gap across it is not the network's. */
  resetGap(): void {
    this.lastSnapshotAt = null;
  }

  /** Closes the window that began at the previous call and appends one point per series. */
  sample(now: number): void {
    const seconds = this.windowStart === null ? 1 : Math.max(0.001, (now - this.windowStart) / 1000);
    this.windowStart = now;
    // A silent window's gap is the silence so far (a stalled stream must show, not read 0).
    const gap = this.snapshots === 0 && this.lastSnapshotAt !== null ? now - this.lastSnapshotAt : this.worstGap;
    this.push('rtt', this.rtt);
    this.push('snapshotRate', this.snapshots / seconds);
    this.push('snapshotGap', gap);
    this.push('interpDelay', this.interpDelay);
    this.push('hitRewind', this.hitRewind);
    this.push('down', this.bytesDown / seconds);
    this.push('up', this.bytesUp / seconds);
    this.push('corrections', this.correctedPx / seconds);
    this.push('serverTick', now - this.serverTickAt <= SERVER_TICK_STALE_MS ? this.serverTick : null);
    this.snapshots = 0;
    this.worstGap = 0;
    this.bytesDown = 0;
    this.bytesUp = 0;
    this.correctedPx = 0;
  }

  /** Oldest first; NaN where the figure was unknown. */
  points(key: SeriesKey): readonly number[] {
    return this.history.get(key)!;
  }

  latest(key: SeriesKey): number | null {
    const v = this.history.get(key)!.at(-1);
    return v === undefined || Number.isNaN(v) ? null : v;
  }

  private push(key: SeriesKey, value: number | null): void {
    const h = this.history.get(key)!;
    h.push(value ?? Number.NaN);
    if (h.length > this.capacity) h.shift();
  }
}
