/**
 * The games this server runs: the one file in server/ that imports games. To run your own game,
 * implement GameDefinition (shared/game/game-definition.ts) and list it here.
 */
import type { AnyGame } from '../shared/game/game-definition.ts';
import { GAMES as ALL_GAMES } from '../shared/games/index.ts';

export const GAMES: readonly AnyGame[] = ALL_GAMES;
