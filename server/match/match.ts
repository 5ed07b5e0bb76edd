/**
 * One match's rules and membership: who plays, their input queues, the world, and what each tick
 * produces. No sockets and no timers here: the host wires it to the network and the scheduler,
 * so this can be tested tick by tick.
 */
import { addPlayer, createWorld, removePlayer, step } from '../../shared/sim/index.ts';
import type { ArenaMap, PlayerInput, Rules, SimEvent, World } from '../../shared/sim/types.ts';
import type { InputMessage } from '../../shared/protocol/input-codec.ts';
import { MatchPhase, type Snapshot, type SnapshotEvent } from '../../shared/protocol/snapshot.ts';
import type { MatchResults, PlayerInfo } from '../../shared/protocol/events.ts';
import { InputQueue, type PushOutcome } from './input-queue.ts';
import { buildSnapshot } from './snapshot-builder.ts';

export interface MatchOptions {
  id: string;
  seed: number;
  rules: Rules;
  map: ArenaMap;
  maxPlayers: number;
  inputQueueSize: number;
  /** A snapshot is produced every this many ticks. */
  snapshotEvery: number;
}

interface Member {
  nickname: string;
  queue: InputQueue;
  lastAppliedSeq: number;
}

export interface TickOutput {
  /** Set on snapshot ticks. */
  snapshot: Snapshot | null;
  /** Set on the tick the match ends. */
  results: MatchResults | null;
}

export class Match {
  readonly id: string;
  readonly world: World;
  phase: MatchPhase = MatchPhase.Playing;
  private readonly members = new Map<number, Member>();
  private pendingEvents: SnapshotEvent[] = [];
  private lastSnapshot: Snapshot | null = null;
  private readonly maxViewDelayTicks: number;

  constructor(private readonly opts: MatchOptions) {
    this.id = opts.id;
    this.world = createWorld({ seed: opts.seed, rules: opts.rules, map: opts.map });
    this.maxViewDelayTicks = Math.round(opts.rules.maxLagCompensationS * opts.rules.tickRate);
  }

  get playerCount(): number {
    return this.members.size;
  }

  get isFull(): boolean {
    return this.members.size >= this.opts.maxPlayers;
  }

  get ended(): boolean {
    return this.phase === MatchPhase.Ended;
  }

  roster(): PlayerInfo[] {
    return [...this.members].map(([id, m]) => ({ id, nickname: m.nickname }));
  }

  /** Seats a player in the lowest free slot; null when the match is full or over. */
  join(nickname: string): number | null {
    if (this.isFull || this.ended) return null;
    let id = 0;
    while (this.members.has(id)) id++;
    addPlayer(this.world, id);
    this.members.set(id, { nickname, queue: new InputQueue(this.opts.inputQueueSize), lastAppliedSeq: 0 });
    return id;
  }

  leave(playerId: number): void {
    if (!this.members.delete(playerId)) return;
    removePlayer(this.world, playerId);
  }

  pushInput(playerId: number, input: InputMessage): PushOutcome {
    const member = this.members.get(playerId);
    if (!member) throw new Error(`player ${playerId} is not in match ${this.id}`);
    return member.queue.push(input);
  }

  tick(scheduledAt: number): TickOutput {
    if (this.ended) return { snapshot: null, results: null };
    const nextTick = this.world.tick + 1;
    const inputs = new Map<number, PlayerInput>();
    for (const [id, member] of this.members) {
      const input = member.queue.take();
      if (!input) continue;
      member.lastAppliedSeq = input.seq;
      // What the shooter saw: the tick it was rendering when it pressed fire. Capped by the
      // rules (250 ms) so a client cannot claim a longer rewind than the game allows.
      const viewDelayTicks = Math.max(0, Math.min(this.maxViewDelayTicks, nextTick - input.clientTick));
      inputs.set(id, { buttons: input.buttons, aim: input.aim, viewDelayTicks });
    }
    const events = step(this.world, inputs);
    const results = this.collect(events);
    const snapshotDue = results !== null || this.world.tick % this.opts.snapshotEvery === 0;
    if (!snapshotDue) return { snapshot: null, results };
    const lastInputSeq = new Map([...this.members].map(([id, m]) => [id, m.lastAppliedSeq]));
    const phaseEndTick = this.opts.rules.timeLimitS > 0 ? Math.round(this.opts.rules.timeLimitS * this.opts.rules.tickRate) : 0;
    const snapshot = buildSnapshot(this.world, this.lastSnapshot, {
      serverTime: scheduledAt,
      phase: this.phase,
      phaseEndTick,
      lastInputSeq,
      events: this.pendingEvents,
    });
    this.pendingEvents = [];
    this.lastSnapshot = snapshot;
    return { snapshot, results };
  }

  private collect(events: SimEvent[]): MatchResults | null {
    let results: MatchResults | null = null;
    for (const e of events) {
      if (e.type === 'kill') this.pendingEvents.push({ type: 'kill', killerId: e.killerId, victimId: e.victimId });
      if (e.type === 'end') {
        this.phase = MatchPhase.Ended;
        results = this.results(e.reason, e.winnerId);
      }
    }
    return results;
  }

  results(reason: MatchResults['reason'], winnerId: number | null): MatchResults {
    const scoreboard = this.world.players
      .map((p) => ({ id: p.id, nickname: this.members.get(p.id)?.nickname ?? '?', kills: p.kills, deaths: p.deaths }))
      .sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.id - b.id);
    return { matchId: this.id, reason, winnerId, scoreboard };
  }
}
