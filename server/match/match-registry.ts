/** The matches this node runs: creates each with its game and parts, and forgets it when disposed. */
import { randomBytes } from 'node:crypto';
import type { Visibility } from '../../shared/protocol/events.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { GameRegistry } from './game-registry.ts';
import type { MatchEvents } from './match-events.ts';
import { MatchHost, type MatchCheckpoint, type MatchHooks, type MatchHostDeps, type MatchSpec, type MatchTiming } from './match-host.ts';
import type { FanoutTransport } from './snapshot-fanout.ts';

export interface OpenMatch {
  /** From newMatchId(): a private match's code is reserved for the id before the match exists. */
  id: string;
  mode: string;
  visibility: Visibility;
  ownerId: string | null;
  code: string | null;
  maxPlayers: number;
  /** The game's options (already checked). */
  options: Record<string, number>;
  autoStart: boolean;
}

export interface RegistryDeps extends Pick<MatchHostDeps, 'scheduler' | 'metrics' | 'log' | 'clock' | 'replays' | 'spectatorEngine'> {
  games: GameRegistry;
  timing: MatchTiming;
  /** Fixed seed for the first match (+1 per match), or null for random seeds. */
  matchSeed: number | null;
  /** How a match reaches its clients (socket.io rooms, in server/net/match-room.ts). */
  ports: (matchId: string) => { events: MatchEvents; transport: FanoutTransport; spectators?: FanoutTransport };
  hooks: MatchHooks;
  metrics: Metrics;
  log: Logger;
}

export class MatchRegistry {
  private readonly hosts = new Map<string, MatchHost>();
  private created = 0;
  /** Bumped whenever a match comes or goes here: what callers that keep a host check. */
  private hostsChanged = 0;

  constructor(private readonly deps: RegistryDeps) {}

  newMatchId(): string {
    return randomBytes(9).toString('base64url');
  }

  get(id: string): MatchHost | undefined {
    return this.hosts.get(id);
  }

  /** Changes whenever a match is added or removed: a host kept by id is good while it holds. */
  get version(): number {
    return this.hostsChanged;
  }

  get size(): number {
    return this.hosts.size;
  }

  all(): IterableIterator<MatchHost> {
    return this.hosts.values();
  }

  /** Opens a match of the mode's game. Throws for an unknown mode (callers check modes first). */
  open(spec: OpenMatch): MatchHost {
    const mode = this.deps.games.mode(spec.mode);
    const game = mode && this.deps.games.game(mode.game);
    if (!game) throw new Error(`unknown mode ${spec.mode}`);
    const seed = this.deps.matchSeed === null ? randomBytes(4).readUInt32LE(0) : (this.deps.matchSeed + this.created) >>> 0;
    this.created += 1;
    const host = this.start({ ...spec, game, seed });
    this.deps.log.info({ matchId: spec.id, game: game.id, mode: spec.mode, visibility: spec.visibility, maxPlayers: spec.maxPlayers }, 'match created');
    return host;
  }

  /** Continues a match that ran on another node from its checkpoint. Throws on a corrupt one. */
  restore(cp: MatchCheckpoint): MatchHost {
    const game = this.deps.games.game(cp.spec.game);
    if (!game) throw new Error(`checkpoint of a game this node does not run: ${cp.spec.game}`);
    const host = this.start({ ...cp.spec, game }, cp);
    this.deps.log.info({ matchId: cp.spec.id, game: game.id, tick: host.currentTick }, 'match adopted from its checkpoint');
    return host;
  }

  /** Another node owns the match now: stop it here quietly; returns the connections it had. */
  abandon(id: string): string[] {
    const host = this.hosts.get(id);
    if (!host) return [];
    this.hosts.delete(id);
    this.hostsChanged++;
    this.deps.metrics.matchesActive.set(this.hosts.size);
    return host.abandon();
  }

  private start(spec: MatchSpec, from?: MatchCheckpoint): MatchHost {
    const { events, transport, spectators } = this.deps.ports(spec.id);
    const host = new MatchHost(
      spec,
      {
        scheduler: this.deps.scheduler,
        metrics: this.deps.metrics,
        log: this.deps.log,
        clock: this.deps.clock,
        timing: this.deps.timing,
        replays: this.deps.replays ?? null,
        spectatorEngine: this.deps.spectatorEngine ?? null,
        events,
        transport,
        spectators,
        hooks: {
          changed: (h) => this.deps.hooks.changed(h),
          seatReleased: (h, guestId, reason) => this.deps.hooks.seatReleased(h, guestId, reason),
          ended: (h) => this.deps.hooks.ended(h),
          disposed: (h) => {
            this.hosts.delete(h.id);
            this.hostsChanged++;
            this.deps.metrics.matchesActive.set(this.hosts.size);
            this.deps.hooks.disposed(h);
          },
        },
      },
      from,
    );
    this.hosts.set(spec.id, host);
    this.hostsChanged++;
    this.deps.metrics.matchesActive.set(this.hosts.size);
    return host;
  }

  disposeAll(): void {
    for (const host of [...this.hosts.values()]) host.dispose();
  }
}
