/**
 * The games this server runs: the one file in server/ that imports a game. To run your own
 * game, implement GameDefinition (shared/game/game-definition.ts) and add it here.
 */
import type { AnyGame } from '../shared/game/game-definition.ts';
import { arena } from '../shared/games/arena/index.ts';

export const GAMES: readonly AnyGame[] = [arena];
