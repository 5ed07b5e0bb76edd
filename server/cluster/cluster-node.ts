/**
 * This node's part in a cluster, besides the adapter and the Redis stores: it answers other
 * nodes about the matches it owns (attach a player's connection, claim or release a seat, start,
 * open a quick-play match here), keeps its heartbeat in the node registry, holds the lease of
 * every match it runs and checkpoints them every second, adopts the matches of nodes that died,
 * and hands its own over when it shuts down.
 *
 * Nothing here is on a match's tick: leases, checkpoints and adoption run on their own timers,
 * and a Redis outage only makes them fail and try again (matches keep ticking meanwhile).
 */
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { MatchInfo } from '../../shared/protocol/events.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { Logger } from '../log.ts';
import type { DirectoryEntry, LobbyStores } from '../lobby/stores/index.ts';
import type { MatchHooks, MatchHost } from '../match/match-host.ts';
import type { MatchRegistry } from '../match/match-registry.ts';
import type { Metrics } from '../metrics.ts';
import { matchRoom, movedNotice, parseRemoteConnection, remoteConnectionId } from '../net/match-room.ts';
import type { MatchNamespace, MatchSocket } from '../net/types.ts';
import { connectionNames, DeadNodeWatch } from './dead-node-watch.ts';
import { killcamReply } from './killcam-relay.ts';
import { MatchLeases } from './match-leases.ts';
import type { NodeBus, NoticeHandlers, RequestHandlers } from './node-bus.ts';
import type { NodeRegistry } from './node-registry.ts';
import type { RedisConnections } from './redis-connect.ts';
import type { RemoteMatches } from './remote-matches.ts';


/** Logged when a quick-play group's match forms on the node that popped it instead of the one chosen for it. */
export const PLACED_HERE = 'placement on another node failed: forming the match here';

export interface ClusterNodeDeps {
  nodeId: string;
  publicUrl: string | null;
  redis: RedisConnections;
  bus: NodeBus;
  stores: LobbyStores;
  nodes: NodeRegistry;
  registry: MatchRegistry;
  remote: RemoteMatches;
  nsp: MatchNamespace;
  metrics: Metrics;
  log: Logger;
  /** Players connected to this node (for the node registry's load figures). */
  players: () => number;
  /** Resolves when the lobby stores know of every change this node made to the match. */
  settled: (matchId: string) => Promise<void>;
  /** Opens a quick-play match here for a group another node popped (matchmaking placement). */
  openGroup: (mode: string, group: { guestId: string; nickname: string; enqueuedAt: number }[]) => Promise<string | null>;
  /**
   * How often the node beats: heartbeat, lease renewals, adoption. Checkpoints are written every
   * other beat. With the defaults (500 ms, leases of 2.5 s) a dead owner's matches are adopted
   * within 3 s, rewound by at most 1 s.
   */
  intervalMs?: number;
  /** A lease (of a match, or of this node in the registry) not renewed this long lapses. */
  leaseMs?: number;
  /**
   * How often to ask Redis which nodes are connected, to adopt a crashed node's matches without
   * waiting for its leases to lapse (dead-node-watch.ts); 0 turns it off. Not on a Redis Cluster.
   */
  deadNodePollMs?: number;
}

/** A node without a Redis connection this long (over two polls at least) has crashed. */
const DEAD_AFTER_MS = 300;

/** How long a draining node waits for its players to open their new connections (handOver). */
const RELOCATE_WAIT_MS = 2_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An orphaned match without a checkpoint is given up after this long. */
const LOST_AFTER_MS = 30_000;

export interface ClusterStatus {
  redis: 'ready' | 'unavailable';
  nodeId: string;
  matchesOwned: number;
  remotePlayers: number;
}

export class ClusterNode {
  readonly leases: MatchLeases;
  private timer: NodeJS.Timeout | null = null;
  private beats = 0;
  private adoptNotBefore = 0;
  /** The live nodes at the last directory read for orphans, and whether it left one to try again (see adoptOrphans). */
  private orphanCheck: { live: string; pending: boolean } | null = null;
  /**
   * In the node registry since the first heartbeat: until then no other node places a match here,
   * and a group of this node's players would be placed as if their node were unknown.
   */
  listed = false;
  /** Matches this node placed since the last heartbeat, per node (see placeElsewhere). */
  private readonly placedSinceBeat = new Map<string, number>();
  /** Set after a stall longer than a lease: no match ticks until the leases are checked. */
  private fenced = false;
  /** When the last round of lease renewals finished (Date.now()). */
  private lastRenewed = Date.now();
  /** Orphans found without a checkpoint, and since when (see adopt). */
  private readonly uncheckpointed = new Map<string, number>();
  private startedAt = Date.now();
  private draining = false;
  private running = false;
  private unsubscribe: (() => void) | null = null;
  private readonly intervalMs: number;
  private readonly watch: DeadNodeWatch;
  private watchTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: ClusterNodeDeps) {
    this.intervalMs = deps.intervalMs ?? 500;
    this.watch = new DeadNodeWatch(deps.nodeId, DEAD_AFTER_MS);
    this.leases = new MatchLeases(deps.redis.commands, { nodeId: deps.nodeId, leaseMs: deps.leaseMs ?? 2500, checkpointTtlMs: 10 * 60_000 });
    deps.bus.handleRequests(this.requests());
    deps.bus.handleNotices(this.notices());
    deps.bus.handleInputs((matchId, connectionId, bytes) => this.onInput(matchId, connectionId, bytes));
  }

  /** The hooks the match registry calls besides the directory's: leases follow the matches. */
  readonly hooks: Pick<MatchHooks, 'disposed'> = {
    disposed: (host) => void this.leases.release(host.id, true).catch((e: unknown) => this.warn(e, 'lease release failed')),
  };

  start(): void {
    this.startedAt = Date.now();
    this.lastRenewed = Date.now();
    this.running = true;
    // Back from a Redis outage: put this node's matches back where the lobby looks for them (a
    // Redis that restarted without its data forgot them). Every write is idempotent.
    let wasDown = false;
    this.deps.redis.commands.on('close', () => (wasDown = true));
    this.deps.redis.commands.on('ready', () => {
      if (!wasDown || !this.running) return;
      wasDown = false;
      // Every node lost its leases with Redis: give the owners time to take their own back before
      // anything counts as an orphan, so a match does not move just because Redis blinked.
      this.adoptNotBefore = Date.now() + 2 * this.leases.leaseMs;
      // A Redis that restarted empty forgot the registry: read the directory again.
      this.orphanCheck = null;
      // If only this node lost Redis, the others may have declared it dead meanwhile
      // (dead-node-watch.ts) and taken its matches: check the leases before ticking on (a second
      // copy would broadcast) and before listing the matches here again (the directory would
      // point away from their new owner). Matches whose lease is gone stop.
      this.fenced = true;
      void this.verifyNow()
        .then(() => this.resync())
        .catch((e: unknown) => this.warn(e, 'resync after the Redis outage failed'));
    });
    this.unsubscribe = this.deps.stores.directory.subscribe((change) => {
      // A match this node relays moved (adopted, handed over, maybe by this very node): its
      // players here join again, on the new owner.
      if (change.type === 'updated') this.deps.remote.moved(change.entry.listing.matchId, change.entry.nodeId);
    });
    const loop = async (): Promise<void> => {
      if (!this.running) return;
      await this.beat().catch((e: unknown) => this.warn(e, 'cluster loop failed'));
      if (this.running) this.timer = setTimeout(() => void loop(), this.intervalMs);
    };
    void loop();
    this.startWatch();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.watchTimer) clearTimeout(this.watchTimer);
    this.watchTimer = null;
    this.unsubscribe?.();
  }

  status(): ClusterStatus {
    let owned = 0;
    for (const host of this.deps.registry.all()) if (!host.isDisposed) owned++;
    return { redis: this.deps.redis.ready() ? 'ready' : 'unavailable', nodeId: this.deps.nodeId, matchesOwned: owned, remotePlayers: this.deps.remote.players };
  }

  /**
   * Quick play in a cluster: the group's match goes to the node that holds most of its players
   * (their lobby connections), so their traffic stays local; on a tie, or when the players' nodes
   * are unknown, to the least loaded of the candidates. True when another node opened it; false
   * means "here" (also when the chosen node does not answer: the group is not lost).
   */
  async placeElsewhere(mode: string, group: { guestId: string; nickname: string; enqueuedAt: number; nodeId?: string }[]): Promise<boolean> {
    let live: Awaited<ReturnType<NodeRegistry['list']>>;
    try {
      live = await this.deps.nodes.list();
    } catch (e) {
      this.warn(e, PLACED_HERE);
      return false;
    }
    // The registry's figures are up to a heartbeat old: add the matches placed since, so a burst
    // of groups spreads over the nodes instead of all going to the one that looked idle.
    const load = new Map(live.map((n) => [n.nodeId, n.load.players + 4 * (n.load.matches + (this.placedSinceBeat.get(n.nodeId) ?? 0))]));
    const count = new Map<string, number>();
    for (const e of group) if (e.nodeId && load.has(e.nodeId)) count.set(e.nodeId, (count.get(e.nodeId) ?? 0) + 1);
    const most = Math.max(0, ...count.values());
    const candidates = most > 0 ? [...count].filter(([, n]) => n === most).map(([id]) => id) : [...load.keys()];
    if (candidates.length === 0) return false;
    candidates.sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0) || (a < b ? -1 : 1));
    const target = candidates[0]!;
    this.placedSinceBeat.set(target, (this.placedSinceBeat.get(target) ?? 0) + 1);
    if (target === this.deps.nodeId) return false;
    try {
      const members = group.map(({ guestId, nickname, enqueuedAt }) => ({ guestId, nickname, enqueuedAt }));
      const matchId = await this.deps.bus.request(target, 'open', { mode, group: members });
      if (matchId === null) {
        this.deps.log.warn({ mode, node: target, players: group.length }, PLACED_HERE);
        return false;
      }
      this.deps.log.info({ matchId, mode, node: target, players: group.length }, 'quick play match placed on another node');
      return true;
    } catch (e) {
      this.warn(e, PLACED_HERE);
      return false;
    }
  }

  /** Where a match runs, from the directory. */
  async locate(matchId: string): Promise<DirectoryEntry | null> {
    return this.deps.stores.directory.get(matchId);
  }

  /**
   * SIGTERM (a rolling deploy, a scale-down): move everything off this node without a visible
   * pause, in three steps.
   * 1. Leave the registry (nothing new is placed here) once Redis answers: without Redis nothing
   *    can be handed over, and a match given up then would be lost, so the drain waits for it.
   * 2. Players: every /match connection here is told NODE_LEAVING. The SDK opens a second
   *    connection (through the front, to another node), joins there, which takes the seat over,
   *    and closes this one: the match kept coming over the old connection until then. Matches
   *    still run here meanwhile; their players are now relayed from other nodes.
   * 3. Matches, one at a time: at a tick boundary (one synchronous step) the match's checkpoint
   *    is taken and it stops ticking here; the checkpoint goes to Redis under this node's lease,
   *    and a live node is asked (bus `adopt`) to seize the lease with a larger fencing token and
   *    resume from it at once. Its players, relayed by other nodes, are told MATCH_MOVED when the
   *    directory names the new owner, and join again without a pause. Should the asked node not
   *    answer (it died halfway), the lease is given up and the match is adopted by whichever
   *    node finds it orphaned first: fencing keeps it on exactly one node either way.
   * Returns the matches handed over.
   */
  async handOver(deadline = Date.now() + 30_000): Promise<number> {
    this.draining = true;
    const t0 = Date.now();
    while (!this.deps.redis.ready() && Date.now() < deadline) await sleep(100);
    if (Date.now() - t0 > 100) this.deps.log.warn({ waitedMs: Date.now() - t0 }, 'drain waited for Redis');
    await this.deps.nodes.remove(this.deps.nodeId).catch((e: unknown) => this.warn(e, 'could not leave the node registry'));
    const relocated = await this.relocatePlayers(Math.min(deadline, Date.now() + RELOCATE_WAIT_MS));
    const targets = await this.handoverTargets();
    let moved = 0;
    for (const host of [...this.deps.registry.all()]) {
      if (host.isDisposed || host.state === 'ended') continue;
      while (!this.deps.redis.ready() && Date.now() < deadline) await sleep(100);
      if (await this.handOne(host, targets)) moved++;
    }
    this.deps.log.info({ relocated, moved, ms: Date.now() - t0 }, 'drain: players and matches moved off this node');
    return moved;
  }

  /**
   * Tells every /match connection here to move (NODE_LEAVING), and waits until those in a match
   * are off it (their new connection took the seat over) or `until`. Returns how many moved.
   */
  private async relocatePlayers(until: number): Promise<number> {
    const told: MatchSocket[] = [];
    for (const socket of this.deps.nsp.sockets.values()) {
      socket.emit('protocol_error', { code: ErrorCode.NodeLeaving, message: 'this node is shutting down: connect again and join your match there' });
      if (socket.data.matchId !== undefined) told.push(socket);
    }
    const left = (): number => told.filter((s) => s.connected && s.data.matchId !== undefined).length;
    while (left() > 0 && Date.now() < until) await sleep(25);
    const stayed = left();
    if (stayed > 0) this.deps.log.warn({ players: stayed }, 'players did not move their connection: they follow their match after this node closes');
    return told.length - stayed;
  }

  /** The live nodes a match may be handed to, with their load (see placeElsewhere). */
  private async handoverTargets(): Promise<Map<string, number>> {
    try {
      const live = await this.deps.nodes.list();
      return new Map(live.filter((n) => n.nodeId !== this.deps.nodeId).map((n) => [n.nodeId, n.load.players + 4 * n.load.matches]));
    } catch (e) {
      this.warn(e, 'could not list the live nodes: matches are left for adoption');
      return new Map();
    }
  }

  /** One match off this node (see handOver); true when it went on to another node at once. */
  private async handOne(host: MatchHost, targets: Map<string, number>): Promise<boolean> {
    const id = host.id;
    let target: string | null = null;
    for (const [nodeId, load] of targets) if (target === null || load < targets.get(target)!) target = nodeId;
    const started = Date.now();
    // One synchronous step, so between two ticks: the state written is the last one played here.
    const checkpoint = host.checkpoint();
    const connections = this.deps.registry.abandon(id);
    let written: boolean;
    try {
      written = await this.leases.renew(id, checkpoint);
    } catch (e) {
      // Redis went away between the check and the write: the lease lapses and the last beat's
      // checkpoint (at most a second old) is what another node adopts.
      this.warn(e, 'hand-over: the last checkpoint was not written', id);
      written = false;
    }
    const checkpointed = Date.now();
    let adopted: AckResult = { ok: false, code: ErrorCode.ClusterUnavailable, message: 'no live node to hand the match to' };
    if (written && target !== null) {
      targets.set(target, (targets.get(target) ?? 0) + 4 + connections.length);
      adopted = await this.deps.bus.request(target, 'adopt', { matchId: id }).catch((e: unknown) => ({
        ok: false as const,
        code: ErrorCode.ClusterUnavailable,
        message: e instanceof Error ? e.message : String(e),
      }));
    }
    // Not taken: give the lease up (a no-op if the asked node seized it after all), so the first
    // node that finds the match orphaned adopts it from the checkpoint just written.
    if (adopted.ok) this.leases.drop(id);
    else await this.leases.release(id, false).catch((e: unknown) => this.warn(e, 'lease release failed', id));
    this.tellMoved(id, connections);
    this.deps.log.info(
      { matchId: id, tick: host.currentTick, to: adopted.ok ? target : null, checkpointMs: checkpointed - started, adoptMs: Date.now() - checkpointed, ...(adopted.ok ? {} : { why: adopted.message }) },
      adopted.ok ? 'match handed over' : 'match left for adoption',
    );
    return adopted.ok;
  }

  private async resync(): Promise<void> {
    const { directory, seats, codes } = this.deps.stores;
    let matches = 0;
    for (const host of [...this.deps.registry.all()]) {
      if (host.isDisposed) continue;
      matches++;
      if (host.spec.code) await codes.reserve(host.spec.code, host.id);
      for (const guestId of host.guestIds()) await seats.claim(host.id, guestId, host.spec.maxPlayers);
      await directory.put({ listing: host.listing(), visibility: host.spec.visibility, nodeId: this.deps.nodeId });
    }
    this.deps.log.info({ matches }, 'Redis is back: this node\'s matches are listed again');
  }

  /**
   * The scheduler's hold (see TickScheduler). When this node's leases were last renewed longer
   * ago than a lease lives (the process was paused or starved), another node may have adopted its
   * matches: ticking them before the leases are checked would broadcast a second copy, so they
   * hold until then. A Redis outage is not that case (no node can adopt anything meanwhile, and
   * owners retake their leases first when it is back): matches tick on.
   */
  hold(): boolean {
    if (this.fenced) return true;
    if (!this.running || !this.deps.redis.ready() || Date.now() - this.lastRenewed <= this.leases.leaseMs) return false;
    this.fenced = true;
    this.deps.log.warn({ sinceRenewalMs: Date.now() - this.lastRenewed }, 'stalled: holding matches until their leases are checked');
    void this.verifyNow();
    return true;
  }

  private async verifyNow(): Promise<void> {
    try {
      if (this.deps.redis.ready()) await this.renewAll();
    } catch (e) {
      this.warn(e, 'lease check after a stall failed');
    }
    this.fenced = false;
  }

  /** One round: heartbeat, leases and checkpoints, adoption. */
  private async beat(): Promise<void> {
    if (!this.deps.redis.ready()) return;
    if (!this.draining) {
      const info = {
        ...(this.deps.publicUrl ? { url: this.deps.publicUrl } : {}),
        load: { players: this.deps.players(), matches: this.deps.registry.size },
        startedAt: this.startedAt,
      };
      if (!(await this.deps.nodes.heartbeat(this.deps.nodeId, info))) await this.deps.nodes.register(this.deps.nodeId, info);
      this.listed = true;
      this.placedSinceBeat.clear();
    }
    await this.renewAll();
    if (!this.draining && Date.now() >= this.adoptNotBefore) await this.adoptOrphans();
  }

  /** Polls Redis' client list for crashed nodes, beside the beat (see dead-node-watch.ts). */
  private startWatch(): void {
    const pollMs = this.deps.deadNodePollMs ?? 150;
    if (pollMs <= 0 || this.deps.redis.sharded) return;
    const loop = async (): Promise<void> => {
      if (!this.running) return;
      try {
        await this.watchOnce();
      } catch (e) {
        // A Redis that refuses CLIENT LIST (an ACL without it) leaves failover to the leases.
        if (/NOPERM|unknown command/i.test(e instanceof Error ? e.message : '')) {
          this.deps.log.warn({ err: e }, 'CLIENT LIST refused: crashed nodes are noticed when their leases lapse');
          return;
        }
        this.warn(e, 'dead node watch failed');
      }
      if (this.running) this.watchTimer = setTimeout(() => void loop(), pollMs);
    };
    this.watchTimer = setTimeout(() => void loop(), pollMs);
  }

  private async watchOnce(): Promise<void> {
    // Right after a Redis outage every node is reconnecting: nobody is dead for that.
    if (!this.deps.redis.ready() || this.draining || Date.now() < this.adoptNotBefore) return;
    const connected = connectionNames(String(await this.deps.redis.commands.call('CLIENT', 'LIST', 'TYPE', 'normal')));
    if (!this.watch.anyMissing(connected)) return;
    const registered = (await this.deps.nodes.list()).map((n) => n.nodeId);
    const dead = this.watch.observe(connected, registered, Date.now());
    if (dead.length === 0) return;
    for (const nodeId of dead) {
      this.deps.log.warn({ node: nodeId }, 'node lost every Redis connection: declared dead, adopting its matches');
      await this.deps.nodes.remove(nodeId);
    }
    await this.adoptOrphans(new Set(dead));
  }

  /** Lease renewals run one round at a time (two at once could each see the other's retake). */
  private renewChain: Promise<void> = Promise.resolve();

  private renewAll(): Promise<void> {
    const next = this.renewChain.then(() => this.renewRound());
    this.renewChain = next.catch(() => undefined);
    return next;
  }

  private async renewRound(): Promise<void> {
    const started = Date.now();
    await this.renewEach();
    this.lastRenewed = started;
  }

  /**
   * Every match's renewal goes out at once: each is its own script on its own keys (a match's
   * fencing does not depend on another's, and on a Redis Cluster their slots differ), so the
   * round costs one round trip instead of one per match. Measured: four renewals one after the
   * other cost the node 320 µs of CPU, at once 122 µs (BENCHMARKS.md, "The split case: a node's
   * Redis round trips"). A renewal that fails fails the round (after the others' answers are
   * taken), as the first failure of the one-by-one loop did.
   */
  private async renewEach(): Promise<void> {
    const checkpointNow = this.beats++ % 2 === 0;
    const hosts = [...this.deps.registry.all()].filter((host) => !host.isDisposed);
    const answers = await Promise.allSettled(
      hosts.map((host) => {
        const checkpoint = host.state === 'ended' || !checkpointNow ? null : host.checkpoint();
        const owned = this.leases.holds(host.id) ? this.leases.renew(host.id, checkpoint) : this.acquireNew(host, checkpoint);
        return owned.then((ok) => ({ ok, checkpointed: checkpoint !== null }));
      }),
    );
    let failed: { reason: unknown } | null = null;
    answers.forEach((answer, i) => {
      const host = hosts[i]!;
      if (answer.status === 'rejected') {
        failed ??= { reason: answer.reason };
        return;
      }
      if (answer.value.ok) {
        if (answer.value.checkpointed) this.deps.metrics.checkpoints.inc();
        return;
      }
      // Another node holds the lease: it adopted this match while this node was away. Stop.
      this.abandon(host.id, 'lease lost');
    });
    if (failed !== null) throw (failed as { reason: unknown }).reason;
  }

  /** A match opened here since the last round: its first lease and checkpoint. */
  private async acquireNew(host: MatchHost, checkpoint: ReturnType<MatchHost['checkpoint']> | null): Promise<boolean> {
    if (!(await this.leases.acquire(host.id))) return false;
    return this.leases.renew(host.id, checkpoint);
  }

  /**
   * A checkpoint now, outside the beat: when a match opens here (its lease and first checkpoint,
   * before the directory lists it, so no other node takes it for an orphan) and when a seat is
   * claimed. A Redis error leaves it to the next beat.
   */
  async persist(host: MatchHost): Promise<void> {
    const write = async (): Promise<void> => {
      if (host.isDisposed) return;
      const ok = this.leases.holds(host.id) ? await this.leases.renew(host.id, host.checkpoint()) : await this.acquireNew(host, host.checkpoint());
      if (ok) this.deps.metrics.checkpoints.inc();
    };
    const next = this.renewChain.then(write);
    this.renewChain = next.catch(() => undefined);
    await next.catch((e: unknown) => this.warn(e, 'checkpoint failed', host.id));
  }

  /**
   * Matches whose owner is gone from the registry and whose lease lapsed: this node takes them.
   * Orphans appear only when a node leaves the registry (a crash, a drain, a lapse), so while the
   * same nodes are live and the last pass left nothing to try again, the directory is not read:
   * that read (every listing, parsed) was the largest part of an idle node's Redis traffic.
   */
  private async adoptOrphans(dead: ReadonlySet<string> = new Set()): Promise<void> {
    const live = new Set((await this.deps.nodes.list()).map((n) => n.nodeId));
    for (const nodeId of dead) live.delete(nodeId);
    const liveKey = [...live].sort().join('\n');
    const last = this.orphanCheck;
    if (dead.size === 0 && last !== null && !last.pending && last.live === liveKey) return;
    // Left for a later pass: an orphan whose lease is still held (it lapses), taken by another
    // node first (that node lists it), or without a checkpoint yet.
    let pending = false;
    const { entries } = await this.deps.stores.directory.list();
    for (const entry of entries) {
      const id = entry.listing.matchId;
      if (live.has(entry.nodeId) && entry.nodeId !== this.deps.nodeId) continue;
      if (this.deps.registry.get(id) || entry.listing.state === 'ended') continue;
      pending = true;
      // A node declared dead still holds its leases: take them at once, with a larger token. That
      // includes a node that died halfway through taking a match over (the directory still names
      // the node that handed it over, the lease the dead one).
      const holder = await this.leases.owner(id);
      const deadHolder = dead.has(entry.nodeId) ? entry.nodeId : holder !== null && dead.has(holder) ? holder : null;
      if (deadHolder !== null) {
        if (!(await this.leases.seize(id, deadHolder))) continue;
      } else if (holder !== null || !(await this.leases.acquire(id))) continue;
      await this.adopt(entry);
    }
    this.orphanCheck = { live: liveKey, pending };
  }

  private async adopt(entry: DirectoryEntry, how: 'orphan' | 'handed over' = 'orphan'): Promise<boolean> {
    const id = entry.listing.matchId;
    const checkpoint = await this.leases.checkpoint(id, (message) => this.deps.log.error({ matchId: id, from: entry.nodeId, reason: message }, 'orphaned match has an unreadable checkpoint'));
    if (!checkpoint) {
      await this.leases.release(id, false);
      // Nothing to continue from. Only after a while is the match given up for lost (its seats
      // and listing freed): an owner writes its first checkpoint before listing a match, so this
      // is a match whose owner died in its first second, or a Redis that lost its data.
      const since = this.uncheckpointed.get(id) ?? Date.now();
      this.uncheckpointed.set(id, since);
      if (Date.now() - since < LOST_AFTER_MS) return false;
      this.uncheckpointed.delete(id);
      this.deps.log.error({ matchId: id, from: entry.nodeId }, 'orphaned match has no checkpoint: removing it');
      await this.deps.stores.seats.releaseAll(id);
      await this.deps.stores.directory.remove(id);
      return false;
    }
    this.uncheckpointed.delete(id);
    try {
      const host = this.deps.registry.restore(checkpoint);
      // The tick it resumes at: it may tick on while the lease and the listing are written.
      const resumedAt = host.currentTick;
      // This node's players of the match that it relayed from the old owner join again now,
      // before the match's first tick here: their connections sit in the same snapshot room as
      // the match's own stream, and a delta of that stream reaching one before its keyframe is
      // against a base it never had. The directory's update would tell them too, but later.
      this.deps.remote.moved(id, this.deps.nodeId);
      await this.leases.renew(id, host.checkpoint());
      await this.deps.stores.directory.put({ listing: host.listing(), visibility: entry.visibility, nodeId: this.deps.nodeId });
      if (how === 'orphan') {
        this.deps.metrics.failovers.inc();
        this.deps.log.warn({ matchId: id, from: entry.nodeId, tick: resumedAt }, 'adopted a match from a node that is gone');
      } else this.deps.log.info({ matchId: id, from: entry.nodeId, tick: resumedAt }, 'took over a match handed over by a draining node');
      return true;
    } catch (e) {
      this.warn(e, 'adoption failed', id);
      await this.leases.release(id, false);
      return false;
    }
  }

  /** Stops a match here without telling its room; this node's players are told to join again. */
  private abandon(matchId: string, why: string): void {
    this.leases.drop(matchId);
    const connections = this.deps.registry.abandon(matchId);
    this.tellMoved(matchId, connections);
    this.deps.log.warn({ matchId, why, connections: connections.length }, 'match stopped here');
  }

  /** The match's connections on this node are told MATCH_MOVED (their nodes tell the others). */
  private tellMoved(matchId: string, connections: readonly string[]): void {
    for (const connectionId of connections) {
      const far = parseRemoteConnection(connectionId);
      if (far) continue; // their node learns the new owner from the directory
      const socket = this.deps.nsp.sockets.get(connectionId);
      if (!socket) continue;
      void socket.leave(matchRoom(matchId));
      movedNotice(socket, matchId, Date.now());
    }
  }

  /** What other nodes ask this one about the matches it owns (bodies checked by the bus). */
  private requests(): RequestHandlers {
    const gone: AckResult<never> = { ok: false, code: ErrorCode.MatchNotFound, message: 'no such match is running' };
    const moving: AckResult<never> = { ok: false, code: ErrorCode.ClusterUnavailable, message: 'the match is moving to another node: try again in a moment' };
    const host = (matchId: string) => this.deps.registry.get(matchId);
    return {
      attach: async (from, { matchId, socketId, guest, role }) => {
        const match = host(matchId);
        // Handed over or lost, and the new owner has not listed it yet: the same answer a join
        // on this node gets (match-namespace.ts), so the player's client tries again.
        if (!match) return (await this.locate(matchId))?.nodeId === this.deps.nodeId ? moving : gone;
        const connectionId = remoteConnectionId(from, socketId);
        const res: AckResult<MatchInfo> = role === 'spectator' ? match.spectate(connectionId) : match.attach(connectionId, guest);
        return res;
      },
      detach: async (from, { matchId, socketId, how }) => {
        host(matchId)?.detach(remoteConnectionId(from, socketId), how);
        await this.deps.settled(matchId);
        return true as const;
      },
      claim: async (_from, { matchId, guest }) => {
        const match = host(matchId);
        const slot = match ? match.claim(guest) : null;
        // In the checkpoint before the answer: a seat granted survives this node's death.
        if (match && slot !== null) await this.persist(match);
        return slot;
      },
      release: async (_from, { matchId, guestId }) => {
        const match = host(matchId);
        if (match?.hasSeat(guestId)) match.release(guestId, 'left');
        else await this.deps.stores.seats.release(matchId, guestId);
        await this.deps.settled(matchId);
        return true as const;
      },
      start: (_from, { matchId, guestId }) => host(matchId)?.requestStart(guestId) ?? gone,
      // The victim's connection is attached here as `<its node>#<socket>`: the seat book knows it.
      killcam: async (from, { matchId, socketId, ...req }) => {
        const match = host(matchId);
        if (!match) return (await this.locate(matchId))?.nodeId === this.deps.nodeId ? moving : gone;
        return killcamReply(await match.killcam(remoteConnectionId(from, socketId), req));
      },
      open: (_from, { mode, group }) => (this.draining ? null : this.deps.openGroup(mode, group)),
      adopt: async (from, { matchId }) => {
        if (this.draining || !this.running) return { ok: false, code: ErrorCode.ServerDraining, message: 'this node is shutting down too' };
        if (host(matchId)) return { ok: true };
        const entry = await this.locate(matchId);
        // Only the match's listed owner hands it over, and only while it holds the lease: the
        // seize below fails for anyone else, so a stray request cannot take a running match.
        if (!entry || entry.nodeId !== from) return gone;
        if (!(await this.leases.seize(matchId, from))) return { ok: false, code: ErrorCode.ClusterUnavailable, message: 'the match is not held by the node handing it over' };
        return (await this.adopt(entry, 'handed over')) ? { ok: true } : { ok: false, code: ErrorCode.Internal, message: 'the match could not be resumed from its checkpoint' };
      },
    };
  }

  private notices(): NoticeHandlers {
    return {
      dismiss: (_from, { matchId, socketId }) => this.deps.remote.dismissed(matchId, socketId),
      replaced: (_from, { matchId, socketId }) => this.deps.remote.replaced(matchId, socketId),
      detach: (from, { matchId, socketId }) => this.deps.registry.get(matchId)?.detach(remoteConnectionId(from, socketId), 'drop'),
      keyframe: (_from, { matchId, spectators }) => {
        const match = this.deps.registry.get(matchId);
        if (spectators) match?.spectatorKeyframeSoon();
        else match?.keyframeSoon();
      },
    };
  }

  private onInput(matchId: string, connectionId: string, bytes: Uint8Array): void {
    const host = this.deps.registry.get(matchId);
    if (!host) return;
    // The sender's node checked the bytes already; decode them with the match's game here.
    const decoded = host.spec.game.inputCodec.decode(bytes);
    if (!decoded.ok) return;
    const outcome = host.pushInput(connectionId, decoded.value);
    if (outcome === 'overflow') this.deps.metrics.inputsDropped.inc({ reason: 'overflow' });
    else if (outcome === 'replayed') this.deps.metrics.inputsDropped.inc({ reason: 'replayed' });
  }

  private warn(error: unknown, what: string, matchId?: string): void {
    this.deps.log.warn({ err: error, ...(matchId ? { matchId } : {}) }, what);
  }
}
