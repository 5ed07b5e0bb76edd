/**
 * The boundary between the server framework and a game. The server runs games it knows only
 * through this interface: it creates a match state, seats players in it, feeds it one input per
 * player per tick, steps it, asks it for snapshots, results and its plain-data state, and sends
 * the bytes its codecs make. Arena (shared/games/arena) and Cycles (shared/games/cycles) are the
 * two implementations; a game developer writes a third.
 *
 * Rules for an implementation, which the framework relies on:
 * - Every function that takes a state mutates only that state, and is deterministic: the same
 *   state and calls give the same state, bit for bit (seeded randomness lives in the state).
 * - `toState` returns plain data (JSON-safe: numbers, strings, booleans, arrays, objects) and
 *   `fromState(toState(s))` gives a state that behaves exactly like `s` from then on. That is a
 *   checkpoint: what another node adopts on failover and what a replay starts from.
 * - Decoders never throw: bad bytes come back as an error code.
 * - Slots are the numbers 0..maxPlayers-1 the framework gives players; a game may not renumber.
 */
import type { Result } from '../result.ts';
import type { MatchPhase } from './phase.ts';

/** What every game's input carries; the rest of an input is the game's own. */
export interface InputHeader {
  /** Strictly increasing per connection: the server drops replays and acknowledges the last one applied. */
  seq: number;
  /** The server tick the client was drawing when it made this input (lag compensation). */
  clientTick: number;
}

/** What every game's snapshot model carries; the rest is the game's own. */
export interface SnapshotHeader {
  tick: number;
  /** Server clock (ms, integer) when the tick was scheduled: clients interpolate on it. */
  serverTime: number;
  phase: MatchPhase;
  /** Tick at which the current phase ends (countdown, time limit); 0 when open-ended. */
  phaseEndTick: number;
}

/** What the framework adds to each snapshot it asks a game for. */
export interface SnapshotFrame {
  serverTime: number;
  phase: MatchPhase;
  phaseEndTick: number;
  /** Sequence number of the last input applied, per slot (clients reconcile on it). */
  lastInputSeq: ReadonlyMap<number, number>;
}

/** A snapshot codec: keyframes carry everything, deltas what changed against the previous snapshot. */
export interface SnapshotCodec<S extends SnapshotHeader> {
  encodeKeyframe(snapshot: S): Uint8Array;
  encodeDelta(base: S, snapshot: S): Uint8Array;
  /**
   * A keyframe, or a delta against `base` (the previous decoded snapshot). A delta without a
   * base answers the code NO_BASE: the client waits for the next keyframe.
   */
  decode(bytes: Uint8Array, base: S | null): Result<S, string>;
  /** Reads only the kind (and a keyframe's tick): for clients that count snapshots without decoding. */
  peek(bytes: Uint8Array): Result<{ kind: 'key' | 'delta'; tick: number | null }, string>;
}

export interface InputCodec<I extends InputHeader> {
  encode(input: I): Uint8Array;
  /**
   * Optional: the bytes `encode` gives, written at `out[offset…end)` when they fit there, and
   * nothing written anywhere when they do not; returns their length either way. The replay
   * recorder encodes every input the server applies into buffers it keeps per seat, without a new
   * array per input: `end` is where the seat's region stops and the next seat's last input begins,
   * so a write past it would change what the next seat's inputs are recorded against.
   */
  encodeInto?(input: I, out: Uint8Array, offset: number, end: number): number;
  decode(bytes: Uint8Array): Result<I, string>;
}

/** The part of an input a player (or a bot) chooses: everything but the header. */
export type Command<I extends InputHeader> = Omit<I, keyof InputHeader>;

/** A bot's behaviour: what it presses next, from what any client of the match can see. */
export interface GameBot<S extends SnapshotHeader, I extends InputHeader> {
  /**
   * `view` is the newest snapshot the bot has (null before the first); `tick` is the server tick
   * the command is for. Seeded: the same seed and views give the same commands. A command is
   * one a client could send, exactly as the input codec carries it (Arena: the aim a float32):
   * the server applies it without a trip through the codec, and a replay records the codec's bytes.
   */
  think(view: S | null, slot: number, tick: number): Command<I>;
}

export interface BotOptions {
  seed: number;
  /**
   * How the bot plays. Every game knows 'play' (its best honest play) and 'idle' (stands still,
   * sends keep-alive inputs); a game may offer more (Arena: 'wander').
   */
  behaviour?: string;
  /**
   * 'fair' (server bots): only acts on what a player could see on screen (Arena: no shooting
   * through walls). 'eager' (load-test bots): acts on everything it knows, to keep load steady.
   */
  sight?: 'fair' | 'eager';
}

/** A quick-play mode: one queue, one kind of match. Mode ids are unique across all games. */
export interface GameMode {
  id: string;
  label: string;
  minPlayers: number;
  maxPlayers: number;
  /** This mode's game options (for example Arena's killTarget and timeLimitS). */
  options: Readonly<Record<string, number>>;
}

/** A number a private match may choose, with its bounds. */
export interface OptionSpec {
  name: string;
  label: string;
  min: number;
  max: number;
}

/** One row of the final ranking, best first. */
export interface Standing {
  slot: number;
  /** What the ranking is by (Arena: kills; Cycles: rounds won). */
  score: number;
  /** The game's own figures, for the results screen (Arena: kills, deaths). */
  stats: Readonly<Record<string, number>>;
}

export interface StepOutcome {
  /**
   * Set on the tick the game ends itself (kill target, rounds, time limit). `winner`: the slot
   * that won, or null for a draw; left out, the first of `results` wins unless tied on score.
   */
  ended: { reason: string; winner?: number | null } | null;
  /** Seats put out of play on this tick by a shot (a kill): what a killcam replays. Left out: none. */
  eliminations?: readonly Elimination[];
}

/** One kill, as the framework keeps it for the victim's killcam (server/replay/killcam-ledger.ts). */
export interface Elimination {
  victim: number;
  /** The killer's slot (it may have left since). */
  killer: number;
  /** The tick the fatal shot was fired. */
  shotTick: number;
  /**
   * How many ticks behind the present the killer's screen was when it fired: lag compensation
   * judged the shot on the world that long ago, and a killcam draws the others there.
   */
  rewindTicks: number;
}

/**
 * A game. `State` is the whole match (opaque to the framework), `I` its input, `S` its snapshot
 * model, `Setup` what a client needs to draw and predict the match (sent once, on join).
 */
export interface GameDefinition<State = unknown, I extends InputHeader = InputHeader, S extends SnapshotHeader = SnapshotHeader, Setup = unknown> {
  readonly id: string;
  readonly name: string;
  /**
   * Bumped whenever the same setup, seed and inputs could step to a different state (rules,
   * physics, the input codec): a replay recorded by another version is refused, not misplayed.
   */
  readonly version: number;
  /** Largest match this game can run (its codecs' slot range). */
  readonly maxPlayers: number;
  readonly modes: readonly GameMode[];
  /** Options a private match may set; each mode gives every one of them a value. */
  readonly options: readonly OptionSpec[];
  /** Whole-match checks beyond each option's bounds (Arena: a kill target or a time limit); null when fine. */
  checkOptions(options: Readonly<Record<string, number>>): string | null;

  create(args: { options: Readonly<Record<string, number>>; seed: number; tickRate: number }): State;
  /** The tick the state is at (the last one stepped). */
  tickOf(state: State): number;
  setup(state: State): Setup;

  /** Puts the slot's player into the world, with the score it had if it was away. */
  addPlayer(state: State, slot: number): void;
  /** 'away': out of the world, score kept for its return. 'gone': the seat is free, forget the player. */
  removePlayer(state: State, slot: number, why: 'away' | 'gone'): void;

  /** Called on the tick play begins; answers the tick at which play ends by time, 0 for none. */
  beginPlay(state: State): number;
  /**
   * Queues one player's input for the next step (only while playing). `seq` is the connection's
   * counter, not part of the game: a replay feeds inputs back with seq 0.
   */
  applyInput(state: State, slot: number, input: I): void;
  /** Advances one tick. `playing` false (waiting, countdown): the clock moves, nothing else. */
  step(state: State, playing: boolean): StepOutcome;
  /** The ranking of the given slots, best first, now or at the end. */
  results(state: State, slots: readonly number[]): Standing[];

  /** The snapshot model of the state; `previous` is the last one sent (for velocities). */
  snapshot(state: State, previous: S | null, frame: SnapshotFrame): S;
  readonly snapshotCodec: SnapshotCodec<S>;
  readonly inputCodec: InputCodec<I>;
  /** The last input of `slot` the server applied, as the snapshot says (null: not in it). */
  lastInputSeq(snapshot: S, slot: number): number | null;

  createBot(setup: Setup, options: BotOptions): GameBot<S, I>;

  toState(state: State): unknown;
  /**
   * Optional: the same plain data `toState` gives, without the copy (the state's own objects when
   * they are plain data already), for a reader that is done with it before the state changes:
   * the replay recorder packs its checkpoint from it at once, and a copy of a 16-player Arena
   * state cost half of that checkpoint. Never kept, never changed by the caller.
   */
  stateView?(state: State): unknown;
  fromState(data: unknown): Result<State, string>;
}

/** A game whose type parameters are not known here: what registries and the framework hold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyGame = GameDefinition<any, any, any, any>;
