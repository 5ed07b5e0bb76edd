/** Every game in this repository, for clients that can play them all (the page, bots, tests). */
import type { AnyGame } from '../game/game-definition.ts';
import { arena } from './arena/index.ts';
import { cycles } from './cycles/index.ts';

export const GAMES: readonly AnyGame[] = [arena, cycles];
