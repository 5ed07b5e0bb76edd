/**
 * One match's rules, membership and lifecycle: who holds which seat, who is in the world right
 * now, their input queues, the phase (waiting → countdown → playing → ended) and what each tick
 * produces. No sockets and no timers here: the host wires it to the network and the scheduler,
 * so this can be tested tick by tick.
 */
import { addPlayer, createWorld, findPlayer, removePlayer, step, timeLimitTicks } from '../../shared/games/arena/sim/index.ts';
import type { ArenaMap, PlayerInput, Rules, SimEvent, World } from '../../shared/games/arena/sim/types.ts';
import type { InputMessage } from '../../shared/games/arena/input-codec.ts';
import { MatchPhase, type Snapshot, type SnapshotEvent } from '../../shared/games/arena/snapshot.ts';
import type { MatchResults, PlayerInfo } from '../../shared/protocol/events.ts';
import { InputQueue, type PushOutcome } from './input-queue.ts';
import { buildSnapshot } from '../../shared/games/arena/snapshot-builder.ts';

export interface MatchOptions {
  id: string;
  seed: number;
  rules: Rules;
  map: ArenaMap;
  maxPlayers: number;
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
}

interface Member {
  /** Who holds the seat: a guest id, or a bot key. */
  key: string;
  nickname: string;
  bot: boolean;
  /** In the world now. False before the player first arrives and while it is away. */
  present: boolean;
  queue: InputQueue;
  lastAppliedSeq: number;
  /** The score kept while the player is out of the world, restored when it comes back. */
  kills: number;
  deaths: number;
}

export interface TickOutput {
  /** Set on snapshot ticks. */
  snapshot: Snapshot | null;
  /** Set on the tick the match ends. */
  results: MatchResults | null;
  /** Set on the tick the phase changed. */
  phaseChanged: boolean;
}

export type MatchPushOutcome = PushOutcome | 'absent';

export class Match {
  readonly id: string;
  readonly world: World;
  /** The rules as configured (the world's copy gets its time limit shifted when play starts). */
  readonly rules: Rules;
  phase: MatchPhase = MatchPhase.Waiting;
  /** Tick at which the current phase ends; 0 when open-ended. */
  phaseEndTick = 0;
  private readonly members = new Map<number, Member>();
  private pendingEvents: SnapshotEvent[] = [];
  private lastSnapshot: Snapshot | null = null;
  private readonly maxViewDelayTicks: number;
  private startRequested = false;

  constructor(private readonly opts: MatchOptions) {
    this.id = opts.id;
    this.rules = opts.rules;
    this.world = createWorld({ seed: opts.seed, rules: opts.rules, map: opts.map });
    this.maxViewDelayTicks = Math.round(opts.rules.maxLagCompensationS * opts.rules.tickRate);
  }

  get maxPlayers(): number {
    return this.opts.maxPlayers;
  }

  /** Seats taken, bots included. */
  get playerCount(): number {
    return this.members.size;
  }

  get humanCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (!m.bot) n++;
    return n;
  }

  get botCount(): number {
    return this.members.size - this.humanCount;
  }

  get isFull(): boolean {
    return this.members.size >= this.opts.maxPlayers;
  }

  get ended(): boolean {
    return this.phase === MatchPhase.Ended;
  }

  roster(): PlayerInfo[] {
    return [...this.members]
      .sort(([a], [b]) => a - b)
      .map(([id, m]) => ({ id, nickname: m.nickname, connected: m.present, bot: m.bot }));
  }

  slotOf(key: string): number | undefined {
    for (const [slot, m] of this.members) if (m.key === key) return slot;
    return undefined;
  }

  nicknameOf(slot: number): string | undefined {
    return this.members.get(slot)?.nickname;
  }

  isPresent(slot: number): boolean {
    return this.members.get(slot)?.present ?? false;
  }

  /** Slots of the bots, highest first (the one to give up when a human needs the seat). */
  botSlots(): number[] {
    return [...this.members].filter(([, m]) => m.bot).map(([slot]) => slot).sort((a, b) => b - a);
  }

  /**
   * Reserves the lowest free slot for `key` (the same slot again if it already holds one). The
   * player enters the world only when it arrives (enter). Null when full or over.
   */
  seat(key: string, nickname: string, bot = false): number | null {
    const existing = this.slotOf(key);
    if (existing !== undefined) return existing;
    if (this.isFull || this.ended) return null;
    let slot = 0;
    while (this.members.has(slot)) slot++;
    this.members.set(slot, {
      key,
      nickname,
      bot,
      present: false,
      queue: new InputQueue(this.opts.inputQueueSize),
      lastAppliedSeq: 0,
      kills: 0,
      deaths: 0,
    });
    return slot;
  }

  /** Puts the seat's player into the world at a spawn point, with the score it had. */
  enter(slot: number): void {
    const member = this.members.get(slot);
    if (!member || member.present) return;
    member.present = true;
    const player = addPlayer(this.world, slot);
    player.kills = member.kills;
    player.deaths = member.deaths;
    // A returning client numbers its inputs from 1 again.
    member.queue = new InputQueue(this.opts.inputQueueSize);
    member.lastAppliedSeq = 0;
  }

  /**
   * Takes the player out of the world but keeps its seat and score. Out of the world rather than
   * standing still: the simulation repeats a player's last buttons, so a dropped player would
   * otherwise keep running and shooting.
   */
  exit(slot: number): void {
    const member = this.members.get(slot);
    if (!member?.present) return;
    member.present = false;
    const player = findPlayer(this.world, slot);
    if (player) {
      member.kills = player.kills;
      member.deaths = player.deaths;
    }
    removePlayer(this.world, slot);
  }

  /** A new connection took the seat over: its inputs are numbered from 1 again. */
  resetInputs(slot: number): void {
    const member = this.members.get(slot);
    if (!member) return;
    member.queue = new InputQueue(this.opts.inputQueueSize);
    member.lastAppliedSeq = 0;
  }

  /** Frees the seat for good. */
  unseat(slot: number): void {
    this.exit(slot);
    this.members.delete(slot);
  }

  /** Private matches: start without waiting to be full. Only meaningful while waiting. */
  requestStart(): boolean {
    if (this.phase !== MatchPhase.Waiting) return false;
    this.startRequested = true;
    return true;
  }

  pushInput(slot: number, input: InputMessage): MatchPushOutcome {
    const member = this.members.get(slot);
    if (!member?.present) return 'absent';
    return member.queue.push(input);
  }

  tick(scheduledAt: number): TickOutput {
    if (this.ended) return { snapshot: null, results: null, phaseChanged: false };
    const nextTick = this.world.tick + 1;
    const phaseChanged = this.advancePhase(nextTick);
    const inputs = new Map<number, PlayerInput>();
    for (const [id, member] of this.members) {
      const input = member.queue.take();
      if (!input) continue;
      // Before play an input is acknowledged (so a client does not replay it forever) but does nothing.
      member.lastAppliedSeq = input.seq;
      // What the shooter saw: the tick it was rendering when it pressed fire. Capped by the
      // rules (250 ms) so a client cannot claim a longer rewind than the game allows.
      const viewDelayTicks = Math.max(0, Math.min(this.maxViewDelayTicks, nextTick - input.clientTick));
      inputs.set(id, { buttons: input.buttons, aim: input.aim, viewDelayTicks });
    }
    let events: SimEvent[] = [];
    if (this.phase === MatchPhase.Playing) events = step(this.world, inputs);
    // Ticks run in every phase so snapshots keep flowing and tick numbers stay one clock.
    else this.world.tick = nextTick;
    const results = this.collect(events);
    const snapshotDue = results !== null || phaseChanged || this.world.tick % this.opts.snapshotEvery === 0;
    if (!snapshotDue) return { snapshot: null, results, phaseChanged };
    const lastInputSeq = new Map([...this.members].map(([id, m]) => [id, m.lastAppliedSeq]));
    const snapshot = buildSnapshot(this.world, this.lastSnapshot, {
      serverTime: scheduledAt,
      phase: this.phase,
      phaseEndTick: this.phaseEndTick,
      lastInputSeq,
      events: this.pendingEvents,
    });
    this.pendingEvents = [];
    this.lastSnapshot = snapshot;
    return { snapshot, results, phaseChanged: phaseChanged || results !== null };
  }

  /** Moves waiting → countdown → playing when due, for the tick about to run. */
  private advancePhase(nextTick: number): boolean {
    let changed = false;
    if (this.phase === MatchPhase.Waiting && this.readyToStart(nextTick)) {
      this.phase = MatchPhase.Countdown;
      this.phaseEndTick = nextTick + this.opts.countdownTicks;
      changed = true;
    }
    if (this.phase === MatchPhase.Countdown && nextTick >= this.phaseEndTick) {
      this.beginPlay(nextTick);
      changed = true;
    }
    return changed;
  }

  private readyToStart(nextTick: number): boolean {
    let seated = 0;
    let present = 0;
    for (const m of this.members.values()) {
      if (m.bot) continue;
      seated++;
      if (m.present) present++;
    }
    if (present === 0) return false;
    if (this.startRequested) return true;
    if (present < seated) return this.opts.autoStart && this.opts.arrivalTicks > 0 && nextTick >= this.opts.arrivalTicks;
    return this.opts.autoStart || this.isFull;
  }

  /**
   * The simulation counts its time limit from tick 0, but the clock already ran through waiting
   * and countdown: shift the world's limit so play lasts exactly timeLimitS from here.
   */
  private beginPlay(firstTick: number): void {
    this.phase = MatchPhase.Playing;
    const limit = timeLimitTicks(this.rules);
    if (limit === 0) {
      this.phaseEndTick = 0;
      return;
    }
    const endTick = firstTick - 1 + limit;
    this.world.rules = { ...this.world.rules, timeLimitS: endTick / this.rules.tickRate };
    this.phaseEndTick = endTick;
  }

  private collect(events: SimEvent[]): MatchResults | null {
    let results: MatchResults | null = null;
    for (const e of events) {
      if (e.type === 'kill') this.pendingEvents.push({ type: 'kill', killerId: e.killerId, victimId: e.victimId });
      if (e.type === 'end') {
        this.phase = MatchPhase.Ended;
        this.phaseEndTick = this.world.tick;
        results = this.results(e.reason, e.winnerId);
      }
    }
    return results;
  }

  /** Everyone who holds a seat, with the score they have now (in the world or kept while away). */
  results(reason: MatchResults['reason'], winnerId: number | null): MatchResults {
    const scoreboard = [...this.members].map(([id, m]) => {
      const p = m.present ? findPlayer(this.world, id) : undefined;
      return { id, nickname: m.nickname, kills: p?.kills ?? m.kills, deaths: p?.deaths ?? m.deaths, bot: m.bot };
    });
    scoreboard.sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.id - b.id);
    return { matchId: this.id, reason, winnerId, scoreboard };
  }
}
