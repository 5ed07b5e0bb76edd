/**
 * A load-test bot's skill knob, so a population of mixed skill gives the rating something to sort:
 * skill 1 plays as the game's bot does; lower skill reacts later (it decides on a snapshot up to
 * MAX_REACTION_MS old) and aims worse (a seeded Gaussian error on the command's `aim`, up to
 * MAX_AIM_ERROR_RAD standard deviation at skill 0). Both act on what a client could send, so the
 * server rates the bots only from what happens in the match.
 */
import { nextRandom, seedToState } from '../shared/game/rng.ts';

/** A skill-0 bot acts on what it saw this long ago (a human's slow reaction is ~300 ms). */
export const MAX_REACTION_MS = 400;
/** Standard deviation of a skill-0 bot's aim error, in radians (about 20°). */
export const MAX_AIM_ERROR_RAD = 0.35;

export class BotSkill<V> {
  private readonly views: V[] = [];
  private readonly delay: number;
  private readonly aimError: number;
  private readonly rng: { rngState: number };

  /** `snapshotHz`: how often views arrive (the reaction is counted in them). */
  constructor(
    readonly skill: number,
    seed: number,
    snapshotHz: number,
  ) {
    const lack = 1 - Math.min(1, Math.max(0, skill));
    this.delay = Math.round(((lack * MAX_REACTION_MS) / 1000) * snapshotHz);
    this.aimError = lack * MAX_AIM_ERROR_RAD;
    this.rng = { rngState: seedToState(seed ^ 0x5bd1e995) };
  }

  /** The newest view in; the one the bot reacts to out (`delay` views older, or the oldest kept). */
  see(view: V): V {
    if (this.delay === 0) return view;
    this.views.push(view);
    if (this.views.length > this.delay + 1) this.views.shift();
    return this.views[0]!;
  }

  /** The command as this bot's hand carries it out: its aim (if it has one) off by the bot's error. */
  act<C extends object>(command: C): C {
    const aim = (command as { aim?: unknown }).aim;
    if (this.aimError === 0 || typeof aim !== 'number') return command;
    const u = nextRandom(this.rng);
    const v = nextRandom(this.rng);
    const error = this.aimError * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    // The codec carries aim as a float32 in [-π, π): wrap, then round to what it can hold.
    let wrapped = aim + error;
    wrapped -= 2 * Math.PI * Math.floor((wrapped + Math.PI) / (2 * Math.PI));
    return { ...command, aim: Math.fround(wrapped) };
  }
}

/** `--skill-mix LO..HI`: bot i of n gets a skill spread evenly from LO to HI. */
export function skillOf(index: number, count: number, mix: { lo: number; hi: number } | null): number {
  if (!mix) return 1;
  return count <= 1 ? mix.hi : mix.lo + ((mix.hi - mix.lo) * index) / (count - 1);
}
