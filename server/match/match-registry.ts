/** The matches this node runs: creates them with their rules and forgets them when disposed. */
import { randomBytes } from 'node:crypto';
import { arenaMap, defaultRules } from '../../shared/games/arena/sim/index.ts';
import type { Rules } from '../../shared/games/arena/sim/types.ts';
import type { Config } from '../config.ts';
import { MatchHost, type MatchHostDeps, type MatchSpec } from './match-host.ts';

export interface CreateMatch extends MatchSpec {
  maxPlayers: number;
  /** Overrides of the default rules (kill target, time limit). */
  rules: Partial<Pick<Rules, 'killTarget' | 'timeLimitS'>>;
  autoStart: boolean;
}

export type RegistryDeps = Omit<MatchHostDeps, 'keyframeIntervalS' | 'endedLingerMs' | 'graceMs' | 'snapshotEvery'>;

export class MatchRegistry {
  private readonly hosts = new Map<string, MatchHost>();
  private created = 0;

  constructor(
    private readonly config: Config,
    private readonly deps: RegistryDeps,
  ) {}

  get(id: string): MatchHost | undefined {
    return this.hosts.get(id);
  }

  get size(): number {
    return this.hosts.size;
  }

  all(): IterableIterator<MatchHost> {
    return this.hosts.values();
  }

  create(spec: CreateMatch): MatchHost {
    const id = randomBytes(9).toString('base64url');
    const seed = this.config.matchSeed === null ? randomBytes(4).readUInt32LE(0) : (this.config.matchSeed + this.created) >>> 0;
    this.created += 1;
    const rules: Rules = { ...defaultRules(this.config.tickRate), ...spec.rules };
    const host = new MatchHost(
      {
        id,
        seed,
        rules,
        map: arenaMap(),
        maxPlayers: spec.maxPlayers,
        inputQueueSize: this.config.inputQueueSize,
        snapshotEvery: this.config.snapshotEvery,
        countdownTicks: Math.round((this.config.countdownMs / 1000) * this.config.tickRate),
        autoStart: spec.autoStart,
        // Quick play waits at most 10 s (or the grace, if shorter) for matched players to arrive.
        arrivalTicks: spec.autoStart ? Math.round((Math.min(this.config.reconnectGraceMs, 10_000) / 1000) * this.config.tickRate) : 0,
      },
      { mode: spec.mode, visibility: spec.visibility, ownerId: spec.ownerId },
      {
        ...this.deps,
        keyframeIntervalS: this.config.keyframeIntervalS,
        snapshotEvery: this.config.snapshotEvery,
        endedLingerMs: this.config.endedLingerMs,
        graceMs: this.config.reconnectGraceMs,
        hooks: {
          changed: (h) => this.deps.hooks.changed(h),
          seatFreed: (h, guestId, reason) => this.deps.hooks.seatFreed(h, guestId, reason),
          ended: (h) => this.deps.hooks.ended(h),
          disposed: (h) => {
            this.hosts.delete(h.id);
            this.deps.metrics.matchesActive.set(this.hosts.size);
            this.deps.hooks.disposed(h);
          },
        },
      },
    );
    this.hosts.set(id, host);
    this.deps.metrics.matchesActive.set(this.hosts.size);
    this.deps.log.info({ matchId: id, mode: spec.mode, visibility: spec.visibility, maxPlayers: spec.maxPlayers }, 'match created');
    return host;
  }

  disposeAll(): void {
    for (const host of [...this.hosts.values()]) host.dispose();
  }
}
