/**
 * Runs one match on this node: ticks it from the scheduler, sends its snapshots through the
 * fan-out, and keeps its seats: which connection plays which slot, the reconnect grace of a
 * player who dropped, spectators, and server-side bots. Lifecycle changes go to the match room
 * and, through the hooks, to the lobby's stores.
 */
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { MatchInfo, MatchState, PhaseChange, PresenceChange, Visibility } from '../../shared/protocol/events.ts';
import type { MatchListing } from '../../shared/protocol/lobby-events.ts';
import { MatchPhase } from '../../shared/games/arena/snapshot.ts';
import type { World } from '../../shared/games/arena/sim/types.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { MatchNamespace, MatchSocket } from '../net/types.ts';
import { roomTransport } from '../net/room-transport.ts';
import { Match, type MatchOptions } from './match.ts';
import { SnapshotFanout } from './snapshot-fanout.ts';
import type { TickScheduler } from './scheduler.ts';

/** Decides a bot's buttons and aim for the next tick from what any client could see. */
export interface BotBrain {
  decide(world: Readonly<World>, slot: number): { buttons: number; aim: number };
}
export type BotFactory = (seed: number, index: number) => { brain: BotBrain; nickname: string };

/** What the lobby needs to hear from a match. Called synchronously; the lobby queues its own I/O. */
export interface MatchHooks {
  /** Something the match list shows changed (seats, spectators, phase). */
  changed(host: MatchHost): void;
  /** A seat was given up or not reclaimed in time. */
  seatFreed(host: MatchHost, playerId: string, reason: 'left' | 'timed_out'): void;
  /** The match is over: every seat is free for the next match. */
  ended(host: MatchHost): void;
  disposed(host: MatchHost): void;
}

export interface MatchSpec {
  mode: string;
  visibility: Visibility;
  /** The player who created a private match (may start it early); null for quick play. */
  ownerId: string | null;
}

export interface MatchHostDeps {
  nsp: MatchNamespace;
  scheduler: TickScheduler;
  metrics: Metrics;
  log: Logger;
  keyframeIntervalS: number;
  snapshotEvery: number;
  /** How long an ended match stays so its players can read the results. */
  endedLingerMs: number;
  /** How long a seat waits for its player to arrive or come back. */
  graceMs: number;
  hooks: MatchHooks;
  createBot: BotFactory;
  /** Epoch ms, for the listing's createdAt. */
  now: () => number;
}

interface Seat {
  slot: number;
  nickname: string;
  socketId: string | null;
  /** Connected at least once: a later connection is a return, not an arrival. */
  arrived: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

interface Bot {
  brain: BotBrain;
  seq: number;
}

const STATES: Record<MatchPhase, MatchState> = {
  [MatchPhase.Waiting]: 'waiting',
  [MatchPhase.Countdown]: 'countdown',
  [MatchPhase.Playing]: 'playing',
  [MatchPhase.Ended]: 'ended',
};

export class MatchHost {
  readonly match: Match;
  readonly spec: MatchSpec;
  readonly createdAt: number;
  /** The private match's code, once reserved. */
  code: string | null = null;
  readonly room: string;
  private readonly fanout: SnapshotFanout;
  private readonly unschedule: () => void;
  /** guest id -> seat */
  private readonly seats = new Map<string, Seat>();
  /** socket id -> guest id of the players connected here */
  private readonly players = new Map<string, string>();
  private readonly spectators = new Set<string>();
  private readonly bots = new Map<number, Bot>();
  private botsCreated = 0;
  private disposeTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly opts: MatchOptions,
    spec: MatchSpec,
    private readonly deps: MatchHostDeps,
  ) {
    this.match = new Match(opts);
    this.spec = spec;
    this.createdAt = deps.now();
    this.room = `match:${opts.id}`;
    const keyframeEvery = Math.max(1, Math.round(deps.keyframeIntervalS * opts.rules.tickRate));
    this.fanout = new SnapshotFanout(roomTransport(deps.nsp, `snap:${opts.id}`), keyframeEvery, deps.metrics);
    this.unschedule = deps.scheduler.add({ tick: (at) => this.tick(at) });
  }

  get id(): string {
    return this.match.id;
  }

  get state(): MatchState {
    return this.disposed ? 'disposed' : STATES[this.match.phase];
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Human seats, including those within their grace. */
  get seatCount(): number {
    return this.seats.size;
  }

  hasSeat(playerId: string): boolean {
    return this.seats.has(playerId);
  }

  listing(): MatchListing {
    const rules = this.match.rules;
    return {
      matchId: this.id,
      mode: this.spec.mode,
      state: this.state,
      players: this.match.playerCount,
      humans: this.match.humanCount,
      bots: this.match.botCount,
      spectators: this.spectators.size,
      maxPlayers: this.match.maxPlayers,
      killTarget: rules.killTarget,
      timeLimitS: rules.timeLimitS,
      createdAt: this.createdAt,
    };
  }

  /**
   * Holds a seat for a player the lobby placed here (its claim in the seat store already
   * succeeded). A bot gives up its seat if that is the only one left. The player has the grace
   * period to arrive. Returns the slot, or null when the match cannot take anybody.
   */
  reserve(guest: GuestIdentity): number | null {
    if (this.disposed || this.match.ended) return null;
    const existing = this.seats.get(guest.guestId);
    if (existing) return existing.slot;
    if (this.match.isFull) {
      const bot = this.match.botSlots()[0];
      if (bot !== undefined) this.removeBot(bot);
    }
    const slot = this.match.seat(guest.guestId, guest.nickname);
    if (slot === null) return null;
    const seat: Seat = { slot, nickname: guest.nickname, socketId: null, arrived: false, timer: null };
    this.seats.set(guest.guestId, seat);
    this.startGrace(guest.guestId, seat);
    this.deps.log.info({ matchId: this.id, guestId: guest.guestId, slot }, 'seat reserved');
    this.emitRoster();
    this.deps.hooks.changed(this);
    return slot;
  }

  addBot(): boolean {
    if (this.disposed || this.match.isFull || this.match.ended) return false;
    const index = this.botsCreated++;
    const { brain, nickname } = this.deps.createBot((this.opts.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0, index);
    const slot = this.match.seat(`bot:${index}`, nickname, true);
    if (slot === null) return false;
    this.match.enter(slot);
    this.bots.set(slot, { brain, seq: 0 });
    this.emitRoster();
    this.deps.hooks.changed(this);
    return true;
  }

  /** Connects a socket to its player's seat: first arrival, return within the grace, or takeover. */
  attach(socket: MatchSocket): AckResult<MatchInfo> {
    const guest = socket.data.guest;
    if (this.disposed || this.match.ended) return { ok: false, code: ErrorCode.MatchNotFound, message: 'this match is over' };
    const seat = this.seats.get(guest.guestId);
    if (!seat) return { ok: false, code: ErrorCode.NoSeat, message: 'you hold no seat in this match: get one from the lobby' };
    if (seat.socketId !== null && seat.socketId !== socket.id) this.replaceConnection(seat.socketId);
    if (seat.timer) clearTimeout(seat.timer);
    seat.timer = null;
    const returning = seat.arrived;
    const wasPresent = this.match.isPresent(seat.slot);
    seat.socketId = socket.id;
    seat.arrived = true;
    this.players.set(socket.id, guest.guestId);
    if (wasPresent) this.match.resetInputs(seat.slot);
    else this.match.enter(seat.slot);
    void socket.join(this.room);
    // A personal keyframe on the next snapshot tick, then the shared delta stream.
    this.fanout.add(socket.id);
    this.deps.log.info({ matchId: this.id, guestId: guest.guestId, slot: seat.slot, returning }, 'player connected');
    if (!wasPresent) this.emitPresence(seat, returning ? 'back' : 'joined');
    this.emitRoster();
    this.deps.hooks.changed(this);
    return { ok: true, ...this.info('player', seat.slot) };
  }

  /** Public matches only: snapshots and room events, no seat and no inputs. */
  spectate(socket: MatchSocket): AckResult<MatchInfo> {
    if (this.disposed || this.match.ended || this.spec.visibility !== 'public') {
      return { ok: false, code: ErrorCode.MatchNotFound, message: 'no public match with this id is running' };
    }
    this.spectators.add(socket.id);
    void socket.join(this.room);
    this.fanout.add(socket.id);
    this.deps.hooks.changed(this);
    return { ok: true, ...this.info('spectator', -1) };
  }

  /**
   * A socket goes. A player who asked to leave frees its seat; one that dropped keeps it for the
   * grace period, out of the world.
   */
  detach(socketId: string, how: 'leave' | 'drop'): void {
    if (this.spectators.delete(socketId)) {
      this.unlink(socketId);
      this.deps.hooks.changed(this);
      return;
    }
    const playerId = this.players.get(socketId);
    if (playerId === undefined) return;
    this.players.delete(socketId);
    this.unlink(socketId);
    const seat = this.seats.get(playerId);
    if (!seat) return;
    seat.socketId = null;
    if (how === 'leave' || this.match.ended) return this.free(playerId, 'left');
    this.match.exit(seat.slot);
    this.startGrace(playerId, seat);
    this.deps.log.info({ matchId: this.id, playerId, slot: seat.slot, graceMs: this.deps.graceMs }, 'player dropped, seat held');
    this.emitPresence(seat, 'away');
    this.emitRoster();
    this.deps.hooks.changed(this);
  }

  /** Frees a player's seat whether or not it is connected (leave from the lobby, grace over). */
  free(playerId: string, reason: 'left' | 'timed_out'): void {
    const seat = this.seats.get(playerId);
    if (!seat) return;
    if (seat.timer) clearTimeout(seat.timer);
    this.seats.delete(playerId);
    if (seat.socketId !== null) {
      this.players.delete(seat.socketId);
      this.unlink(seat.socketId);
    }
    this.match.unseat(seat.slot);
    this.deps.log.info({ matchId: this.id, playerId, slot: seat.slot, reason }, 'seat freed');
    if (!this.match.ended) this.deps.hooks.seatFreed(this, playerId, reason);
    this.emitPresence(seat, reason);
    if (this.seats.size === 0) return this.dispose();
    this.emitRoster();
    this.deps.hooks.changed(this);
  }

  requestStart(playerId: string): AckResult {
    if (this.spec.ownerId !== playerId) return { ok: false, code: ErrorCode.NotAllowed, message: 'only the creator of a private match starts it' };
    if (!this.match.requestStart()) return { ok: false, code: ErrorCode.NotAllowed, message: 'the match has already started' };
    return { ok: true };
  }

  private tick(scheduledAt: number): void {
    if (this.match.phase === MatchPhase.Playing) this.driveBots();
    const { snapshot, results, phaseChanged } = this.match.tick(scheduledAt);
    if (snapshot) this.fanout.publish(snapshot);
    if (phaseChanged) this.emitPhase(results ?? undefined);
    if (results) {
      this.deps.nsp.to(this.room).emit('ended', results);
      this.deps.log.info({ matchId: this.id, reason: results.reason, winnerId: results.winnerId }, 'match ended');
      this.unschedule();
      for (const seat of this.seats.values()) {
        if (seat.timer) clearTimeout(seat.timer);
        seat.timer = null;
      }
      this.deps.hooks.ended(this);
      this.disposeTimer = setTimeout(() => this.dispose(), this.deps.endedLingerMs);
    }
    if (phaseChanged) this.deps.hooks.changed(this);
  }

  /** Bots press buttons through the same queue and rules as a player's inputs. */
  private driveBots(): void {
    const clientTick = this.match.world.tick;
    for (const [slot, bot] of this.bots) {
      const { buttons, aim } = bot.brain.decide(this.match.world, slot);
      bot.seq += 1;
      this.match.pushInput(slot, { seq: bot.seq, buttons, aim, clientTick });
    }
  }

  private removeBot(slot: number): void {
    this.bots.delete(slot);
    this.match.unseat(slot);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unschedule();
    if (this.disposeTimer) clearTimeout(this.disposeTimer);
    for (const seat of this.seats.values()) if (seat.timer) clearTimeout(seat.timer);
    this.emitPhase();
    for (const socketId of [...this.players.keys(), ...this.spectators]) this.unlink(socketId);
    this.deps.nsp.in(this.room).socketsLeave(this.room);
    this.players.clear();
    this.spectators.clear();
    this.seats.clear();
    this.bots.clear();
    this.deps.log.info({ matchId: this.id }, 'match disposed');
    this.deps.hooks.disposed(this);
  }

  private startGrace(playerId: string, seat: Seat): void {
    if (seat.timer) clearTimeout(seat.timer);
    seat.timer = setTimeout(() => {
      seat.timer = null;
      this.free(playerId, 'timed_out');
    }, this.deps.graceMs);
  }

  /** Another connection with the same token took the seat: the old one is told and closed. */
  private replaceConnection(oldSocketId: string): void {
    const old = this.deps.nsp.sockets.get(oldSocketId);
    this.players.delete(oldSocketId);
    this.unlink(oldSocketId);
    if (old) {
      old.emit('protocol_error', { code: ErrorCode.SessionReplaced, message: 'this seat was taken over by another connection' });
      old.disconnect(true);
    }
  }

  /** Takes a socket off this match's streams and forgets the match on it. */
  private unlink(socketId: string): void {
    this.fanout.remove(socketId);
    const socket = this.deps.nsp.sockets.get(socketId);
    if (!socket) return;
    void socket.leave(this.room);
    if (socket.data.matchId === this.id) {
      socket.data.matchId = undefined;
      socket.data.slot = undefined;
      socket.data.role = undefined;
    }
  }

  private info(role: MatchInfo['role'], slot: number): MatchInfo {
    const m = this.match;
    return {
      matchId: this.id,
      playerId: slot,
      role,
      mode: this.spec.mode,
      visibility: this.spec.visibility,
      state: this.state,
      rules: m.rules,
      map: m.world.map,
      snapshotEvery: this.deps.snapshotEvery,
      roster: m.roster(),
    };
  }

  private emitRoster(): void {
    this.deps.nsp.to(this.room).emit('roster', this.match.roster());
  }

  private emitPresence(seat: Seat, status: PresenceChange['status']): void {
    this.deps.nsp.to(this.room).emit('presence', { playerId: seat.slot, nickname: seat.nickname, status });
  }

  private emitPhase(results?: PhaseChange['results']): void {
    const change: PhaseChange = {
      matchId: this.id,
      state: this.state,
      tick: this.match.world.tick,
      phaseEndTick: this.disposed ? 0 : this.match.phaseEndTick,
    };
    if (results) change.results = results;
    this.deps.nsp.to(this.room).emit('phase', change);
    this.deps.log.info({ matchId: this.id, state: change.state, tick: change.tick }, 'match phase');
  }
}
