/** The game modes quick play queues for, and the defaults private matches start from. */
import type { ModeInfo } from '../../shared/protocol/lobby-events.ts';
import { defaultRules } from '../../shared/games/arena/sim/index.ts';
import type { Config } from '../config.ts';

export type Modes = ReadonlyMap<string, ModeInfo>;

export function buildModes(config: Pick<Config, 'queueMinPlayers' | 'queueMaxPlayers' | 'maxPlayersPerMatch' | 'tickRate'>): Modes {
  const rules = defaultRules(config.tickRate);
  const modes: ModeInfo[] = [
    {
      id: 'ffa',
      label: 'Free for all',
      minPlayers: config.queueMinPlayers,
      maxPlayers: config.queueMaxPlayers,
      killTarget: rules.killTarget,
      timeLimitS: rules.timeLimitS,
    },
  ];
  if (config.maxPlayersPerMatch >= 2) {
    modes.push({ id: 'duel', label: 'Duel', minPlayers: 2, maxPlayers: 2, killTarget: 10, timeLimitS: 180 });
  }
  return new Map(modes.map((m) => [m.id, m]));
}
