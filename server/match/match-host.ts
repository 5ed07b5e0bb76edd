/**
 * Hosts one match on this node by putting its parts together: the runner (game, phases,
 * inputs), the seat book (who sits where, grace deadlines, spectators), the bot driver, the
 * snapshot fan-out, and the events port to the match's clients. Every tick from the scheduler
 * drives bots, runs the game, publishes the snapshot and frees seats whose grace ran out.
 * Lifecycle changes go to the room (events port) and, through the hooks, to the lobby's stores.
 */
import type { AnyGame } from '../../shared/game/game-definition.ts';
import { MatchPhase } from '../../shared/game/phase.ts';
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { KillcamAnswer, KillcamRequest, MatchInfo, MatchResults, MatchState, PhaseChange, PlayerInfo, PresenceChange, Visibility } from '../../shared/protocol/events.ts';
import type { MatchListing } from '../../shared/protocol/lobby-events.ts';
import type { GuestIdentity } from '../auth/identity.ts';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { DelayedSpectators } from '../replay/delayed-spectators.ts';
import { Killcams } from '../replay/killcams.ts';
import { MatchRecorder, type RecordingCheckpoint, type ReplayRecording } from '../replay/match-recorder.ts';
import { RecordedSpectators } from '../replay/recorded-spectators.ts';
import type { SpectatorEngine } from '../replay/spectator-engine.ts';
import type { SnapshotHeader } from '../../shared/game/game-definition.ts';
import { BotDriver, botNickname } from './bot-driver.ts';
import type { MatchEvents } from './match-events.ts';
import { TickWindow } from './tick-window.ts';
import { MatchRunner, type RunnerCheckpoint, type RunnerOptions, type RunnerPushOutcome } from './match-runner.ts';
import type { TickScheduler } from './scheduler.ts';
import { SeatBook, type Seat } from './seat-book.ts';
import { OTHER_NODES, SnapshotFanout, type FanoutTransport } from './snapshot-fanout.ts';

/** What the lobby needs to hear from a match. Called synchronously; the lobby queues its own I/O. */
export interface MatchHooks {
  /** Something the match list shows changed (seats, spectators, phase). */
  changed(host: MatchHost): void;
  /** A guest's seat was given up or not reclaimed in time. */
  seatReleased(host: MatchHost, guestId: string, reason: 'left' | 'timed_out'): void;
  /** The match is over: every seat is free for the next match. */
  ended(host: MatchHost): void;
  disposed(host: MatchHost): void;
}

export interface MatchSpec {
  id: string;
  game: AnyGame;
  mode: string;
  visibility: Visibility;
  /** The guest who created a private match (may start it early); null for quick play. */
  ownerId: string | null;
  /** The private match's code; null for public matches. */
  code: string | null;
  maxPlayers: number;
  /** The game's options (already checked against the game's bounds). */
  options: Record<string, number>;
  autoStart: boolean;
  seed: number;
}

/**
 * A whole match as plain data: what it is, the game's state and phase, and who sits where. Written
 * every second by the owner (server/cluster/match-leases.ts); another node continues from it.
 */
export interface MatchCheckpoint {
  version: 1;
  spec: Omit<MatchSpec, 'game'> & { game: string };
  createdAt: number;
  runner: RunnerCheckpoint;
  seats: { slot: number; nickname: string; guestId: string | null }[];
  /** The replay being recorded and its log since the store last acknowledged it; absent: none. */
  replay?: RecordingCheckpoint | null;
}

export interface MatchTiming {
  tickRate: number;
  snapshotEvery: number;
  keyframeIntervalS: number;
  countdownMs: number;
  /** How long a seat waits for its player to arrive or come back. */
  graceMs: number;
  /** How long an ended match stays so its players can read the results. */
  endedLingerMs: number;
  inputQueueSize: number;
  maxSpectators: number;
  /** Spectators see the match this far behind the players (0: live, on the players' stream). */
  spectatorDelayS?: number;
}

export interface MatchHostDeps {
  scheduler: Pick<TickScheduler, 'add'>;
  metrics: Metrics;
  log: Logger;
  /** Server clock (epoch ms, monotonic): seat deadlines, the listing's createdAt. */
  clock: Clock;
  timing: MatchTiming;
  events: MatchEvents;
  transport: FanoutTransport;
  /** The spectators' own stream (delayed); without it they share the players' stream. */
  spectators?: FanoutTransport;
  hooks: MatchHooks;
  /** Where and how matches are recorded; null: not recorded. */
  replays?: ReplayRecording | null;
  /**
   * Where delayed spectators' streams are re-simulated from the recording (a worker thread);
   * absent, or a match not recorded: the live snapshots are held back instead (delayed-spectators.ts).
   */
  spectatorEngine?: SpectatorEngine | null;
}

/** The spectators' delayed stream, whichever way it is made. */
interface SpectatorSide {
  add(id: string): void;
  remove(id: string): void;
  /** The next frame for `id` is a keyframe (another node's relay lost the stream's base). */
  rekey(id: string): void;
  /** A tick of the live match, scheduled at `serverTime`, and the snapshot it took, if any. */
  tick(tick: number, serverTime: number, snapshot: SnapshotHeader | null): void;
  /** A tick of the clock after the end. */
  drain(): void;
  close(): void;
}

const STATES: Record<MatchPhase, MatchState> = {
  [MatchPhase.Waiting]: 'waiting',
  [MatchPhase.Countdown]: 'countdown',
  [MatchPhase.Playing]: 'playing',
  [MatchPhase.Ended]: 'ended',
};

/** Quick play waits at most this long for matched players to arrive before starting without them. */
const MAX_ARRIVAL_WAIT_MS = 10_000;

/**
 * Where one connection's inputs go: its slot's queue, looked up once and kept while neither the
 * seat book's connections nor the runner's queues change (then looked up again on the next
 * input). Every player sends 20-30 inputs a second; the lookup by connection id, then slot, then
 * queue cost two to three Map lookups per input.
 */
export interface InputPort {
  readonly connectionId: string;
  /** The seat book's connectionVersion and the runner's queueVersion the queue was looked up at. */
  connectionsAt: number;
  queuesAt: number;
  queue: { push(input: { seq: number; clientTick: number }): RunnerPushOutcome } | undefined;
}

export class MatchHost {
  readonly spec: MatchSpec;
  readonly createdAt: number;
  private readonly runner: MatchRunner;
  private readonly seats: SeatBook;
  private readonly bots: BotDriver;
  private readonly fanout: SnapshotFanout;
  /** Spectators' stream, SPECTATOR_DELAY_S behind; null: they share the players' stream. */
  private readonly spectators: SpectatorSide | null;
  /**
   * Spectators on other nodes (delayed stream only): while there are any, the spectators' stream
   * also goes to the node bus (one subscriber, OTHER_NODES), which their nodes relay as it is.
   */
  private readonly farWatchers = new Set<string>();
  private readonly recorder: MatchRecorder | null;
  private readonly killcams: Killcams | null;
  private readonly unschedule: () => void;
  private disposeAt: number | null = null;
  private disposed = false;
  private final: { results: MatchResults; guestIds: (string | null)[] } | null = null;

  /** `from`: continue a match from its checkpoint (it moved here from another node). */
  constructor(
    spec: MatchSpec,
    private readonly deps: MatchHostDeps,
    from?: MatchCheckpoint,
  ) {
    this.spec = spec;
    const { timing, clock } = deps;
    this.createdAt = from?.createdAt ?? clock();
    this.seats = new SeatBook({ capacity: spec.maxPlayers, graceMs: timing.graceMs, maxSpectators: timing.maxSpectators, now: clock });
    const ticks = (ms: number): number => Math.round((ms / 1000) * timing.tickRate);
    const runnerOptions: Omit<RunnerOptions, 'state'> = {
      game: spec.game,
      inputQueueSize: timing.inputQueueSize,
      snapshotEvery: timing.snapshotEvery,
      countdownTicks: ticks(timing.countdownMs),
      autoStart: spec.autoStart,
      arrivalTicks: spec.autoStart ? ticks(Math.min(timing.graceMs, MAX_ARRIVAL_WAIT_MS)) : 0,
      readiness: () => this.readiness(),
    };
    this.runner = from
      ? MatchRunner.restore(runnerOptions, from.runner)
      : new MatchRunner({ ...runnerOptions, state: spec.game.create({ options: spec.options, seed: spec.seed, tickRate: timing.tickRate }) });
    this.bots = new BotDriver(spec.game, this.runner.setup(), spec.seed);
    this.recorder = this.startRecording(from);
    this.killcams = this.startKillcams();
    if (from) this.restoreSeats(from.seats);
    const keyframeEvery = Math.max(1, Math.round(timing.keyframeIntervalS * timing.tickRate));
    this.fanout = new SnapshotFanout(deps.transport, spec.game.snapshotCodec, keyframeEvery, deps.metrics);
    this.spectators = this.startSpectators(keyframeEvery);
    const tickWindow = new TickWindow(timing.tickRate);
    this.unschedule = deps.scheduler.add({
      tick: (at) => this.tick(at),
      ticked: ({ durationMs }) => {
        const figures = tickWindow.add(durationMs);
        // An ended match lingers for its results: its ticks only wait, nothing worth a graph.
        if (figures && this.disposeAt === null && !this.disposed) deps.events.serverTick(figures);
      },
    });
  }

  get id(): string {
    return this.spec.id;
  }

  /** The replay this match records into, or null. */
  get replayId(): string | null {
    return this.recorder?.replayId ?? null;
  }

  /** Resolves once the recording's store calls so far have answered. */
  replaySettled(): Promise<void> {
    return this.recorder?.settled() ?? Promise.resolve();
  }

  /**
   * Before the seats come back: the adopted state is the replay's checkpoint, and the seats'
   * return (players away until they reconnect) is recorded after it.
   */
  private startRecording(from?: MatchCheckpoint): MatchRecorder | null {
    const ctx = this.deps.replays;
    if (!ctx) return null;
    const { spec } = this;
    const match = {
      matchId: spec.id,
      game: spec.game,
      mode: spec.mode,
      visibility: spec.visibility,
      options: spec.options,
      seed: spec.seed,
      tickRate: this.deps.timing.tickRate,
      snapshotEvery: this.deps.timing.snapshotEvery,
      maxPlayers: spec.maxPlayers,
    };
    if (from && !from.replay) return null;
    const recorder = from?.replay ? MatchRecorder.adopt(ctx, match, this.runner, from.replay) : MatchRecorder.start(ctx, match, this.runner);
    this.runner.record(recorder);
    return recorder;
  }

  /**
   * Public matches with a delay: from the recording when there is one and an engine to
   * re-simulate it (recorded-spectators.ts), else the live snapshots held back.
   */
  private startSpectators(keyframeEveryTicks: number): SpectatorSide | null {
    const { deps, spec, recorder } = this;
    const { timing } = deps;
    const delayTicks = Math.round((timing.spectatorDelayS ?? 0) * timing.tickRate);
    if (!deps.spectators || delayTicks <= 0 || spec.visibility !== 'public') return null;
    if (recorder?.recording && deps.spectatorEngine) {
      const side = new RecordedSpectators({
        matchId: spec.id,
        engine: deps.spectatorEngine,
        recording: recorder,
        setup: {
          game: spec.game.id,
          gameVersion: spec.game.version,
          replayId: recorder.replayId,
          slots: spec.maxPlayers,
          snapshotEvery: timing.snapshotEvery,
          tickRate: timing.tickRate,
          delayTicks,
          keyframeEveryTicks,
        },
        transport: deps.spectators,
        metrics: deps.metrics,
        log: deps.log,
      });
      // Should the recording stop (its store refused it), the spectators move to the held-back
      // stream: from the recording they would see the match stop.
      const watching = new Set<string>();
      let held: SpectatorSide | null = null;
      const current = () => {
        if (!held && recorder.stopped) {
          side.close();
          held = heldBack();
          for (const id of watching) held.add(id);
          deps.log.warn({ matchId: spec.id }, 'the recording stopped: spectators get the live snapshots held back');
        }
        return held;
      };
      return {
        add: (id) => (watching.add(id), (current() ?? side).add(id)),
        remove: (id) => (watching.delete(id), (current() ?? side).remove(id)),
        rekey: (id) => (current() ?? side).rekey(id),
        tick: (t, at, s) => {
          const h = current();
          if (h) h.tick(t, at, s);
          else side.live(t, at, s);
        },
        drain: () => (current() ?? side).drain(),
        close: () => (current() ?? side).close(),
      };
    }
    return heldBack();

    function heldBack(): SpectatorSide {
      const held = new DelayedSpectators(new SnapshotFanout(deps.spectators!, spec.game.snapshotCodec, keyframeEveryTicks, deps.metrics), delayTicks);
      return { add: (id) => held.add(id), remove: (id) => held.remove(id), rekey: (id) => held.rekey(id), tick: (_t, _at, s) => (s ? held.push(s) : held.drain()), drain: () => held.drain(), close: () => {} };
    }
  }

  private startKillcams(): Killcams | null {
    const recorder = this.recorder;
    const budget = this.deps.replays?.killcams?.budget;
    if (!recorder || !budget) return null;
    const runner = this.runner;
    const { tickRate, snapshotEvery } = this.deps.timing;
    return new Killcams(
      {
        get currentTick() {
          return runner.currentTick;
        },
        tickRate,
        snapshotEvery,
        recentSlice: (fromTick, toTick) => recorder.recentSlice(fromTick, toTick),
      },
      budget,
    );
  }

  /** A player's killcam of its own death (server/replay/killcams.ts). */
  killcam(connectionId: string, req: KillcamRequest): Promise<AckResult<KillcamAnswer>> | AckResult<KillcamAnswer> {
    const seat = this.seats.ofConnection(connectionId);
    if (!seat || this.seats.isSpectator(connectionId)) return { ok: false, code: ErrorCode.NotInMatch, message: 'only a player of this match has killcams' };
    if (!this.killcams) return { ok: false, code: ErrorCode.KillcamUnavailable, message: 'this match is not recorded: it has no killcams' };
    return this.killcams.request(seat.slot, req);
  }

  get state(): MatchState {
    return this.disposed ? 'disposed' : STATES[this.runner.phase];
  }

  /** The last tick stepped. */
  get currentTick(): number {
    return this.runner.currentTick;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Open to new players: not over and not disposed. */
  get isOpen(): boolean {
    return !this.disposed && !this.runner.ended;
  }

  /** Human seats, including those within their grace. */
  get humanCount(): number {
    return this.seats.humanCount;
  }

  get playerCount(): number {
    return this.seats.size;
  }

  get botCount(): number {
    return this.seats.botCount;
  }

  /**
   * Once the match has ended: its results, and beside each standing the guest id of its seat
   * (null for a bot), so the lobby can rate the humans. Null before the end.
   */
  get outcome(): { results: MatchResults; guestIds: (string | null)[] } | null {
    return this.final;
  }

  /** The guests holding seats, with the nicknames they play under. */
  guests(): { guestId: string; nickname: string }[] {
    return this.seats.all().flatMap((s) => (s.guestId === null ? [] : [{ guestId: s.guestId, nickname: s.nickname }]));
  }

  /** The guests holding seats (connected or within their grace). */
  guestIds(): string[] {
    return this.seats.all().flatMap((s) => (s.guestId === null ? [] : [s.guestId]));
  }

  hasSeat(guestId: string): boolean {
    return this.seats.ofGuest(guestId) !== undefined;
  }

  listing(): MatchListing {
    return {
      matchId: this.id,
      game: this.spec.game.id,
      mode: this.spec.mode,
      state: this.state,
      players: this.seats.size,
      humans: this.seats.humanCount,
      bots: this.seats.botCount,
      spectators: this.seats.spectatorCount,
      maxPlayers: this.spec.maxPlayers,
      options: this.spec.options,
      createdAt: this.createdAt,
    };
  }

  /**
   * Holds a seat for a guest the lobby placed here (its claim in the seat store already
   * succeeded). A bot gives up its seat if that is the only one left. The guest has the grace
   * period to arrive. Returns the slot, or null when the match cannot take anybody.
   */
  claim(guest: GuestIdentity): number | null {
    if (!this.isOpen) return null;
    const held = this.seats.ofGuest(guest.guestId);
    if (held) return held.slot;
    if (this.seats.isFull) {
      const bot = this.seats.botSlots()[0];
      if (bot !== undefined) this.releaseBot(bot);
    }
    const seat = this.seats.claim(guest.guestId, guest.nickname);
    if (!seat) return null;
    this.killcams?.forget(seat.slot);
    this.recorder?.sat({ slot: seat.slot, nickname: seat.nickname, guestId: guest.guestId });
    this.deps.log.info({ matchId: this.id, guestId: guest.guestId, slot: seat.slot }, 'seat claimed');
    this.changed(true);
    return seat.slot;
  }

  /** The match as plain data, to continue it elsewhere (see MatchCheckpoint). */
  checkpoint(): MatchCheckpoint {
    return {
      version: 1,
      spec: { ...this.spec, game: this.spec.game.id },
      createdAt: this.createdAt,
      runner: this.runner.checkpoint(),
      seats: this.seats.all().map(({ slot, nickname, guestId }) => ({ slot, nickname, guestId })),
      replay: this.recorder?.checkpoint() ?? null,
    };
  }

  /**
   * After a move: bots play on where they were; players are out of the world (score kept) until
   * they connect again, within the grace, as after a drop.
   */
  private restoreSeats(seats: MatchCheckpoint['seats']): void {
    for (const seat of seats) {
      this.seats.restore(seat);
      this.recorder?.sat(seat);
      if (seat.guestId === null) {
        this.runner.resume(seat.slot);
        this.bots.add(seat.slot);
      } else {
        this.runner.exit(seat.slot, 'away');
      }
    }
  }

  /**
   * This node no longer owns the match (another node holds its lease now): stop without a word
   * to the room, whose players are moving to the new owner, and let the caller tell its sockets.
   * Returns the connections it had.
   */
  abandon(): string[] {
    if (this.disposed) return [];
    this.disposed = true;
    this.unschedule();
    this.spectators?.close();
    this.recorder?.stop();
    const connections = this.seats.clear();
    for (const id of connections) this.unsubscribe(id);
    this.bots.clear();
    this.deps.log.warn({ matchId: this.id }, 'match abandoned: another node owns it now');
    return connections;
  }

  /** A server-side bot takes a free seat and plays from the next tick. */
  addBot(): boolean {
    if (!this.isOpen) return false;
    const seat = this.seats.claimBot(botNickname);
    if (!seat) return false;
    this.killcams?.forget(seat.slot);
    this.recorder?.sat({ slot: seat.slot, nickname: seat.nickname, guestId: null });
    this.runner.enter(seat.slot);
    this.bots.add(seat.slot);
    this.changed(true);
    return true;
  }

  /** Connects a player's connection to its seat: first arrival, return within the grace, or takeover. */
  attach(connectionId: string, guest: GuestIdentity): AckResult<MatchInfo> {
    if (!this.isOpen) return { ok: false, code: ErrorCode.MatchNotFound, message: 'this match is over' };
    const res = this.seats.attach(guest.guestId, connectionId);
    if (!res.ok) return { ok: false, code: ErrorCode.NoSeat, message: 'you hold no seat in this match: get one from the lobby' };
    const { seat, how, replaced } = res;
    if (replaced !== null) {
      this.unsubscribe(replaced);
      this.deps.events.dismiss(replaced);
      this.deps.events.replaced(replaced);
    }
    const wasPresent = this.runner.isPresent(seat.slot);
    if (wasPresent) this.runner.resetInputs(seat.slot);
    else this.runner.enter(seat.slot);
    // A personal keyframe on the next snapshot tick, then the shared delta stream (a connection
    // on another node gets both from its node's relay of this match's stream).
    if (this.deps.events.admit(connectionId, 'player', seat.slot)) this.fanout.add(connectionId);
    this.deps.log.info({ matchId: this.id, guestId: guest.guestId, slot: seat.slot, how }, 'player connected');
    if (!wasPresent) this.presence(seat, how === 'arrived' ? 'joined' : 'back', connectionId);
    this.changed(true);
    return { ok: true, ...this.info('player', seat.slot) };
  }

  /** Public matches only: snapshots and room events, no seat and no inputs. */
  /** Another node relaying this match lost the stream's base: the next snapshot is a keyframe. */
  keyframeSoon(): void {
    this.fanout.keyframeSoon();
  }

  /** The same for the spectators' stream (while another node has spectators). */
  spectatorKeyframeSoon(): void {
    if (this.farWatchers.size > 0) this.spectators?.rekey(OTHER_NODES);
  }

  spectate(connectionId: string): AckResult<MatchInfo> {
    if (!this.isOpen || this.spec.visibility !== 'public') {
      return { ok: false, code: ErrorCode.MatchNotFound, message: 'no public match with this id is running' };
    }
    if (!this.seats.watch(connectionId)) return { ok: false, code: ErrorCode.MatchFull, message: 'this match has as many spectators as it takes' };
    if (this.deps.events.admit(connectionId, 'spectator', -1)) (this.spectators ?? this.fanout).add(connectionId);
    else if (this.spectators) {
      // A spectator on another node: its node relays the spectators' stream, from a keyframe.
      this.farWatchers.add(connectionId);
      if (this.farWatchers.size === 1) this.spectators.add(OTHER_NODES);
      else this.spectators.rekey(OTHER_NODES);
    }
    this.changed(false);
    return { ok: true, ...this.info('spectator', -1) };
  }

  /**
   * A connection goes. A player who asked to leave gives up its seat; one that dropped keeps it
   * for the grace period, out of the world.
   */
  detach(connectionId: string, how: 'leave' | 'drop'): void {
    const gone = this.seats.detach(connectionId);
    if (!gone) return;
    this.unsubscribe(connectionId);
    this.deps.events.dismiss(connectionId);
    if (gone.kind === 'spectator') return this.changed(false);
    const { seat } = gone;
    if (how === 'leave' || this.runner.ended) return this.release(seat.guestId!, 'left');
    this.runner.exit(seat.slot, 'away');
    this.deps.log.info({ matchId: this.id, guestId: seat.guestId, slot: seat.slot, graceMs: this.deps.timing.graceMs }, 'player dropped, seat held');
    this.presence(seat, 'away');
    this.changed(true);
  }

  /** Off whichever snapshot stream the connection is on. */
  private unsubscribe(connectionId: string): void {
    this.fanout.remove(connectionId);
    this.spectators?.remove(connectionId);
    if (this.farWatchers.delete(connectionId) && this.farWatchers.size === 0) this.spectators?.remove(OTHER_NODES);
  }

  /** Gives a guest's seat up, connected or not (left from the lobby, grace over). */
  release(guestId: string, reason: 'left' | 'timed_out'): void {
    const seat = this.seats.release({ guestId });
    if (seat) this.seatGone(seat, reason);
  }

  requestStart(guestId: string): AckResult {
    if (this.spec.ownerId !== guestId) return { ok: false, code: ErrorCode.NotAllowed, message: 'only the creator of a private match starts it' };
    if (!this.runner.requestStart()) return { ok: false, code: ErrorCode.NotAllowed, message: 'the match has already started' };
    return { ok: true };
  }

  /** An input from a player's connection; 'absent' when the connection plays no seat in the world here. */
  pushInput(connectionId: string, input: { seq: number; clientTick: number }): RunnerPushOutcome {
    const seat = this.seats.ofConnection(connectionId);
    return seat ? this.runner.pushInput(seat.slot, input) : 'absent';
  }

  /** A port for `connectionId`'s inputs, for callers that push many (the /match namespace, per socket). */
  inputPort(connectionId: string): InputPort {
    return { connectionId, connectionsAt: -1, queuesAt: -1, queue: undefined };
  }

  /** The same as `pushInput(port.connectionId, input)`, without the lookups while the port holds. */
  pushThrough(port: InputPort, input: { seq: number; clientTick: number }): RunnerPushOutcome {
    if (port.connectionsAt !== this.seats.connectionVersion || port.queuesAt !== this.runner.queueVersion) {
      const seat = this.seats.ofConnection(port.connectionId);
      port.queue = seat ? this.runner.queueOf(seat.slot) : undefined;
      port.connectionsAt = this.seats.connectionVersion;
      port.queuesAt = this.runner.queueVersion;
    }
    return port.queue ? port.queue.push(input) : 'absent';
  }

  dispose(): void {
    if (this.disposed) return;
    // Every player left before the end: the replay ends here, with the standings as they were.
    if (!this.runner.ended) this.finishRecording({ reason: 'abandoned', winner: null });
    this.disposed = true;
    this.unschedule();
    this.emitPhase();
    for (const connectionId of this.seats.clear()) {
      this.unsubscribe(connectionId);
      this.deps.events.dismiss(connectionId);
    }
    this.bots.clear();
    this.spectators?.close();
    this.deps.log.info({ matchId: this.id }, 'match disposed');
    this.deps.hooks.disposed(this);
  }

  private tick(scheduledAt: number): void {
    if (this.disposeAt !== null) {
      this.spectators?.drain();
      if (this.deps.clock() >= this.disposeAt) this.dispose();
      return;
    }
    for (const seat of this.seats.expire()) this.seatGone(seat, 'timed_out');
    if (this.disposed) return;
    if (this.runner.phase === MatchPhase.Playing) this.bots.drive(this.runner);
    const { snapshot, ended, phaseChanged, eliminations } = this.runner.tick(scheduledAt);
    if (eliminations) this.killcams?.died(this.runner.currentTick, eliminations);
    if (snapshot) this.fanout.publish(snapshot);
    this.spectators?.tick(this.runner.currentTick, Math.round(scheduledAt), snapshot);
    if (ended) return this.end(ended);
    if (phaseChanged) {
      this.emitPhase();
      this.changed(false);
    }
  }

  private end(ended: { reason: string; winner?: number | null }): void {
    const results = this.results(ended);
    const guestOf = new Map(this.seats.all().map((s) => [s.slot, s.guestId]));
    this.final = { results, guestIds: results.standings.map((row) => guestOf.get(row.slot) ?? null) };
    this.finishRecording(ended, results.winnerSlot);
    this.emitPhase(results);
    this.deps.events.ended(results);
    this.deps.log.info({ matchId: this.id, reason: results.reason, winnerSlot: results.winnerSlot }, 'match ended');
    this.seats.stopDeadlines();
    this.disposeAt = this.deps.clock() + this.deps.timing.endedLingerMs;
    this.deps.hooks.ended(this);
    this.changed(false);
  }

  private finishRecording(ended: { reason: string; winner?: number | null }, winnerSlot: number | null = ended.winner ?? null): void {
    if (!this.recorder) return;
    const slots = this.seats.all().map((s) => s.slot);
    this.recorder.finish({ reason: ended.reason, winnerSlot, slots, results: this.runner.results(slots) });
  }

  /** Everyone who holds a seat, ranked by the game, with the score they have now. */
  private results(ended: { reason: string; winner?: number | null }): MatchResults {
    const seats = this.seats.all();
    const bySlot = new Map(seats.map((s) => [s.slot, s]));
    const standings = this.runner.results(seats.map((s) => s.slot)).map((row) => ({
      slot: row.slot,
      nickname: bySlot.get(row.slot)?.nickname ?? `#${row.slot}`,
      bot: bySlot.get(row.slot)?.guestId === null,
      score: row.score,
      stats: { ...row.stats },
    }));
    const [first, second] = standings;
    const winnerSlot = ended.winner !== undefined ? ended.winner : first && (!second || first.score > second.score) ? first.slot : null;
    const replayId = this.recorder?.replayId;
    return { matchId: this.id, game: this.spec.game.id, reason: ended.reason, winnerSlot, standings, ...(replayId !== undefined && { replayId }) };
  }

  /** A guest's seat is gone (released or timed out): out of the world, off the streams, lobby told. */
  private seatGone(seat: Readonly<Seat>, reason: 'left' | 'timed_out'): void {
    if (seat.connectionId !== null) {
      this.unsubscribe(seat.connectionId);
      this.deps.events.dismiss(seat.connectionId);
    }
    this.runner.exit(seat.slot, 'gone');
    this.deps.log.info({ matchId: this.id, guestId: seat.guestId, slot: seat.slot, reason }, 'seat released');
    if (!this.runner.ended && seat.guestId !== null) this.deps.hooks.seatReleased(this, seat.guestId, reason);
    this.presence(seat, reason);
    if (this.seats.humanCount === 0) return this.dispose();
    this.changed(true);
  }

  private releaseBot(slot: number): void {
    this.bots.remove(slot);
    this.seats.release({ slot });
    this.runner.exit(slot, 'gone');
  }

  private readiness() {
    let presentHumans = 0;
    for (const s of this.seats.all()) if (s.guestId !== null && s.connectionId !== null) presentHumans++;
    return { seatedHumans: this.seats.humanCount, presentHumans, full: this.seats.isFull };
  }

  private info(role: MatchInfo['role'], slot: number): MatchInfo {
    return {
      matchId: this.id,
      game: this.spec.game.id,
      slot,
      role,
      mode: this.spec.mode,
      visibility: this.spec.visibility,
      state: this.state,
      tickRate: this.deps.timing.tickRate,
      maxPlayers: this.spec.maxPlayers,
      snapshotEvery: this.deps.timing.snapshotEvery,
      options: this.spec.options,
      setup: this.runner.setup(),
      roster: this.roster(),
    };
  }

  private roster(): PlayerInfo[] {
    return this.seats.all().map((s) => ({
      slot: s.slot,
      nickname: s.nickname,
      connected: s.guestId === null || s.connectionId !== null,
      bot: s.guestId === null,
    }));
  }

  /** Seats changed (roster to the room) or only what the list shows; either way the lobby hears. */
  private changed(seats: boolean): void {
    if (seats) this.deps.events.roster(this.roster());
    this.deps.hooks.changed(this);
  }

  /** Tells the room; `subject`, the player's own connection when it is in the room, is not told. */
  private presence(seat: Readonly<Seat>, status: PresenceChange['status'], subject?: string): void {
    this.deps.events.presence({ slot: seat.slot, nickname: seat.nickname, status }, subject);
  }

  private emitPhase(results?: MatchResults): void {
    const change: PhaseChange = {
      matchId: this.id,
      state: this.state,
      tick: this.runner.currentTick,
      phaseEndTick: this.disposed ? 0 : this.runner.phaseEndTick,
    };
    if (results) change.results = results;
    this.deps.events.phase(change);
    this.deps.log.info({ matchId: this.id, state: change.state, tick: change.tick }, 'match phase');
  }
}
