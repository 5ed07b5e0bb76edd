/**
 * Runs one match of any game tick by tick: the phases (waiting → countdown → playing → ended),
 * each present player's input queue (at most one input per player per tick), the game's step,
 * and the snapshot on snapshot ticks. It knows the game only through its GameDefinition and
 * holds no sockets and no timers, so it can be driven tick by tick in tests.
 */
import type { AnyGame, Elimination, SnapshotHeader } from '../../shared/game/game-definition.ts';
import { MatchPhase } from '../../shared/game/phase.ts';
import type { MatchJournal } from '../replay/journal.ts';
import { InputQueue, type PushOutcome } from './input-queue.ts';

export interface RunnerOptions {
  game: AnyGame;
  /** The game's match state (from game.create, or restored from a checkpoint). */
  state: unknown;
  inputQueueSize: number;
  /** A snapshot is produced every this many ticks. */
  snapshotEvery: number;
  /** Length of the countdown between waiting and playing. */
  countdownTicks: number;
  /**
   * Quick play: count down as soon as every seated player is in. Otherwise (private matches)
   * wait until the match is full or its creator asks to start.
   */
  autoStart: boolean;
  /**
   * With autoStart: once the clock reaches this tick, start with whoever is in (a matched player
   * who never shows up must not hold the others for the whole reconnect grace). 0: wait for all.
   */
  arrivalTicks: number;
  /** Who is seated and who is here, read while waiting to start. */
  readiness: () => { seatedHumans: number; presentHumans: number; full: boolean };
}

export interface TickOutput {
  /** Set on snapshot ticks. */
  snapshot: SnapshotHeader | null;
  /** Set on the tick the game ended itself. */
  ended: { reason: string; winner?: number | null } | null;
  /** Set on the tick the phase changed. */
  phaseChanged: boolean;
  /** The kills of this tick (the game's), if any: the victims' killcams. */
  eliminations?: readonly Elimination[];
}

export type RunnerPushOutcome = PushOutcome | 'absent';


/** The runner's part of a checkpoint: the game's whole state as plain data, and the phase. */
export interface RunnerCheckpoint {
  game: unknown;
  phase: MatchPhase;
  phaseEndTick: number;
  startRequested: boolean;
}

interface Present {
  queue: InputQueue;
  lastAppliedSeq: number;
}

const IDLE: TickOutput = { snapshot: null, ended: null, phaseChanged: false };

export class MatchRunner {
  readonly game: AnyGame;
  phase: MatchPhase = MatchPhase.Waiting;
  /** Tick at which the current phase ends; 0 when open-ended. */
  phaseEndTick = 0;
  /** The last snapshot produced: the delta base, and what server bots see. */
  lastSnapshot: SnapshotHeader | null = null;
  private readonly state: unknown;
  /** Slots in the world now, with their inputs. */
  private readonly present = new Map<number, Present>();
  /** The present slots in ascending order: inputs are applied in slot order, whatever the order of arrival. */
  private order: number[] = [];
  private journal: MatchJournal | null = null;
  /** Bumped whenever a slot's input queue comes, goes or is replaced: what input ports check. */
  private queuesChanged = 0;
  private startRequested = false;

  constructor(private readonly opts: RunnerOptions) {
    this.game = opts.game;
    this.state = opts.state;
  }

  /** The last tick stepped. */
  get currentTick(): number {
    return this.game.tickOf(this.state);
  }

  get ended(): boolean {
    return this.phase === MatchPhase.Ended;
  }

  /** True once play began (the game is stepped with `playing`), to the end. */
  get playing(): boolean {
    return this.phase === MatchPhase.Playing || this.phase === MatchPhase.Ended;
  }

  /** From now on every state-changing call is told to `journal`. */
  record(journal: MatchJournal | null): void {
    this.journal = journal;
  }

  /** The game's whole state as plain data (a replay's checkpoint). */
  gameState(): unknown {
    return this.game.toState(this.state);
  }

  /** `gameState()`'s data without a copy when the game offers one: read at once, never kept. */
  gameStateView(): unknown {
    return this.game.stateView ? this.game.stateView(this.state) : this.game.toState(this.state);
  }

  /** Everything needed to run this match on from here on another node (with the seats). */
  checkpoint(): RunnerCheckpoint {
    return { game: this.game.toState(this.state), phase: this.phase, phaseEndTick: this.phaseEndTick, startRequested: this.startRequested };
  }

  /**
   * Continues from a checkpoint: the game state restored, nobody present yet (the caller puts
   * bots back with `resume` and players come back by connecting). Throws on a corrupt state.
   */
  static restore(opts: Omit<RunnerOptions, 'state'>, cp: RunnerCheckpoint): MatchRunner {
    const state = opts.game.fromState(cp.game);
    if (!state.ok) throw new Error(`checkpoint of a ${opts.game.id} match: ${state.message}`);
    const runner = new MatchRunner({ ...opts, state: state.value });
    runner.phase = cp.phase;
    runner.phaseEndTick = cp.phaseEndTick;
    runner.startRequested = cp.startRequested;
    return runner;
  }

  /** A restored slot whose player is still in the game's world (a bot): takes inputs again. */
  resume(slot: number): void {
    this.setPresent(slot, { queue: new InputQueue(this.opts.inputQueueSize), lastAppliedSeq: 0 });
  }

  /** The game's setup for clients (sent on join). */
  setup(): unknown {
    return this.game.setup(this.state);
  }

  isPresent(slot: number): boolean {
    return this.present.has(slot);
  }

  /** Puts the slot's player into the world (with the score it had if it was away). */
  enter(slot: number): void {
    if (this.present.has(slot)) return;
    this.game.addPlayer(this.state, slot);
    this.journal?.seat(slot, 'enter');
    // A (re)connecting client numbers its inputs from 1 again.
    this.setPresent(slot, { queue: new InputQueue(this.opts.inputQueueSize), lastAppliedSeq: 0 });
  }

  /** 'away': out of the world, score kept. 'gone': the seat is free for good. */
  exit(slot: number, why: 'away' | 'gone'): void {
    if (this.present.delete(slot)) {
      this.order = this.order.filter((s) => s !== slot);
      this.queuesChanged++;
    }
    this.game.removePlayer(this.state, slot, why);
    this.journal?.seat(slot, why);
  }

  private setPresent(slot: number, p: Present): void {
    if (!this.present.has(slot)) this.order = [...this.order, slot].sort((a, b) => a - b);
    this.present.set(slot, p);
    this.queuesChanged++;
  }

  /** A new connection took the seat over: its inputs are numbered from 1 again. */
  resetInputs(slot: number): void {
    const p = this.present.get(slot);
    if (!p) return;
    p.queue = new InputQueue(this.opts.inputQueueSize);
    p.lastAppliedSeq = 0;
    this.queuesChanged++;
  }

  /** Changes whenever a slot's input queue comes, goes or is replaced (enter, exit, resume, resetInputs). */
  get queueVersion(): number {
    return this.queuesChanged;
  }

  /** The queue the slot's inputs go to now (undefined: not present); valid while `queueVersion` holds. */
  queueOf(slot: number): { push(input: { seq: number; clientTick: number }): PushOutcome } | undefined {
    return this.present.get(slot)?.queue;
  }

  pushInput(slot: number, input: { seq: number; clientTick: number }): RunnerPushOutcome {
    const p = this.present.get(slot);
    if (!p) return 'absent';
    return p.queue.push(input);
  }

  /** Private matches: start without waiting to be full. Only meaningful while waiting. */
  requestStart(): boolean {
    if (this.phase !== MatchPhase.Waiting) return false;
    this.startRequested = true;
    return true;
  }

  results(slots: readonly number[]) {
    return this.game.results(this.state, slots);
  }

  tick(scheduledAt: number): TickOutput {
    if (this.ended) return IDLE;
    const phaseChanged = this.advancePhase();
    const playing = this.phase === MatchPhase.Playing;
    const stepping = this.currentTick + 1;
    for (const slot of this.order) {
      const p = this.present.get(slot)!;
      const input = p.queue.take();
      if (!input) continue;
      // Before play an input is acknowledged (so a client does not replay it forever) but does nothing.
      p.lastAppliedSeq = input.seq;
      if (playing) {
        this.game.applyInput(this.state, slot, input);
        this.journal?.input(slot, input, stepping);
      }
    }
    const { ended, eliminations } = this.game.step(this.state, playing);
    if (ended) {
      this.phase = MatchPhase.Ended;
      this.phaseEndTick = this.currentTick;
    }
    const tick = this.currentTick;
    const snapshotDue = ended !== null || phaseChanged || tick % this.opts.snapshotEvery === 0;
    if (!snapshotDue) {
      this.journal?.stepped(tick, false);
      return eliminations ? { snapshot: null, ended, phaseChanged, eliminations } : { snapshot: null, ended, phaseChanged };
    }
    const lastInputSeq = new Map<number, number>();
    for (const [slot, p] of this.present) lastInputSeq.set(slot, p.lastAppliedSeq);
    const snapshot = this.game.snapshot(this.state, this.lastSnapshot, {
      serverTime: Math.round(scheduledAt),
      phase: this.phase,
      phaseEndTick: this.phaseEndTick,
      lastInputSeq,
    }) as SnapshotHeader;
    this.lastSnapshot = snapshot;
    this.journal?.stepped(tick, true);
    const output: TickOutput = { snapshot, ended, phaseChanged: phaseChanged || ended !== null };
    if (eliminations) output.eliminations = eliminations;
    return output;
  }

  /** Moves waiting → countdown → playing when due, for the tick about to run. */
  private advancePhase(): boolean {
    const nextTick = this.currentTick + 1;
    let changed = false;
    if (this.phase === MatchPhase.Waiting && this.readyToStart(nextTick)) {
      this.phase = MatchPhase.Countdown;
      this.phaseEndTick = nextTick + this.opts.countdownTicks;
      changed = true;
    }
    if (this.phase === MatchPhase.Countdown && nextTick >= this.phaseEndTick) {
      this.phase = MatchPhase.Playing;
      this.phaseEndTick = this.game.beginPlay(this.state);
      this.journal?.beginPlay();
      changed = true;
    }
    return changed;
  }

  private readyToStart(nextTick: number): boolean {
    const { seatedHumans, presentHumans, full } = this.opts.readiness();
    if (presentHumans === 0) return false;
    if (this.startRequested) return true;
    if (presentHumans < seatedHumans) return this.opts.autoStart && this.opts.arrivalTicks > 0 && nextTick >= this.opts.arrivalTicks;
    return this.opts.autoStart || full;
  }
}
