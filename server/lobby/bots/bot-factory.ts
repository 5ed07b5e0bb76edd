/** Makes the bots that fill empty quick-play seats: a brain with its own seeded memory and a name. */
import type { BotFactory } from '../../match/match-host.ts';
import { createBotMemory, decideBot } from './bot-brain.ts';

const NAMES = ['Ada', 'Bo', 'Cyd', 'Dex', 'Eve', 'Fox', 'Gus', 'Hal', 'Ivy', 'Jax', 'Kit', 'Lux', 'Max', 'Neo', 'Oz', 'Pip'];

export const createBot: BotFactory = (seed, index) => {
  const memory = createBotMemory(seed);
  const name = NAMES[index % NAMES.length]!;
  const round = Math.floor(index / NAMES.length);
  return {
    // "[bot]" cannot be a player's nickname (brackets are outside the nickname set), so nobody can pose as one.
    nickname: `[bot] ${name}${round > 0 ? round + 1 : ''}`,
    brain: { decide: (world, slot) => decideBot(world, slot, memory) },
  };
};
