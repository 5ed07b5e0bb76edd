/**
 * Server-side bots of one match: each is its game's own bot (the same one the load test plays
 * with), seeded from the match, sees what any client sees (the last snapshot) and presses
 * buttons through the same input queue and rules as a player: it cannot move faster, fire
 * faster or see more than the game lets a person see ('fair' sight).
 */
import type { AnyGame, GameBot } from '../../shared/game/game-definition.ts';
import type { MatchRunner } from './match-runner.ts';

const NAMES = ['Ada', 'Bo', 'Cyd', 'Dex', 'Eve', 'Fox', 'Gus', 'Hal', 'Ivy', 'Jax', 'Kit', 'Lux', 'Max', 'Neo', 'Oz', 'Pip'];

/** "[bot]" cannot be a player's nickname (brackets are outside the nickname set), so nobody can pose as one. */
export function botNickname(index: number): string {
  const round = Math.floor(index / NAMES.length);
  return `[bot] ${NAMES[index % NAMES.length]!}${round > 0 ? round + 1 : ''}`;
}

interface DrivenBot {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  bot: GameBot<any, any>;
  seq: number;
}

export class BotDriver {
  private readonly bots = new Map<number, DrivenBot>();
  private created = 0;

  constructor(
    private readonly game: AnyGame,
    private readonly setup: unknown,
    private readonly matchSeed: number,
  ) {}

  get size(): number {
    return this.bots.size;
  }

  /** Gives the slot a brain of its own, seeded from the match seed and the bot's number. */
  add(slot: number): void {
    const index = this.created++;
    const seed = (this.matchSeed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
    this.bots.set(slot, { bot: this.game.createBot(this.setup, { seed, behaviour: 'play', sight: 'fair' }), seq: 0 });
  }

  remove(slot: number): void {
    this.bots.delete(slot);
  }

  /** One command per bot for the tick about to run, queued like a player's input. */
  drive(runner: MatchRunner): void {
    const view = runner.lastSnapshot;
    const tick = runner.currentTick;
    for (const [slot, driven] of this.bots) {
      const command: object = driven.bot.think(view, slot, tick + 1);
      driven.seq += 1;
      runner.pushInput(slot, { ...command, seq: driven.seq, clientTick: view?.tick ?? tick });
    }
  }

  clear(): void {
    this.bots.clear();
  }
}
