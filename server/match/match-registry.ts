/** The matches this node runs, and the minimal "put me in an open match" placement. */
import { randomBytes } from 'node:crypto';
import { arenaMap, defaultRules } from '../../shared/sim/index.ts';
import type { Config } from '../config.ts';
import { MatchHost, type MatchHostDeps } from './match-host.ts';

export class MatchRegistry {
  private readonly hosts = new Map<string, MatchHost>();
  private created = 0;

  constructor(
    private readonly config: Config,
    private readonly deps: Omit<MatchHostDeps, 'onDisposed' | 'keyframeIntervalS' | 'endedLingerMs'>,
  ) {}

  get(id: string): MatchHost | undefined {
    return this.hosts.get(id);
  }

  get size(): number {
    return this.hosts.size;
  }

  /** The fullest match that still has a seat, so players meet instead of spreading thin. */
  findOpen(): MatchHost | undefined {
    let best: MatchHost | undefined;
    for (const host of this.hosts.values()) {
      const m = host.match;
      if (m.isFull || m.ended) continue;
      if (!best || m.playerCount > best.match.playerCount) best = host;
    }
    return best;
  }

  create(): MatchHost {
    const id = randomBytes(6).toString('base64url');
    const seed = this.config.matchSeed === null ? randomBytes(4).readUInt32LE(0) : (this.config.matchSeed + this.created) >>> 0;
    this.created += 1;
    const host = new MatchHost(
      {
        id,
        seed,
        rules: defaultRules(this.config.tickRate),
        map: arenaMap(),
        maxPlayers: this.config.maxPlayersPerMatch,
        inputQueueSize: this.config.inputQueueSize,
        snapshotEvery: this.config.snapshotEvery,
      },
      {
        ...this.deps,
        keyframeIntervalS: this.config.keyframeIntervalS,
        endedLingerMs: 5_000,
        onDisposed: (h) => {
          this.hosts.delete(h.id);
          this.deps.metrics.matchesActive.set(this.hosts.size);
        },
      },
    );
    this.hosts.set(id, host);
    this.deps.metrics.matchesActive.set(this.hosts.size);
    this.deps.log.info({ matchId: id }, 'match created');
    return host;
  }

  disposeAll(): void {
    for (const host of [...this.hosts.values()]) host.dispose();
  }
}
