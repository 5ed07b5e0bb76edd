/** Creating a world and managing who is in it. */
import { arenaMap, validateMap } from './map.ts';
import { seedToState } from '../../../game/rng.ts';
import { defaultRules, validateRules } from './rules.ts';
import { aimTowardsCentre, chooseSpawn } from './spawn.ts';
import type { ArenaMap, PlayerState, Rules, World } from './types.ts';

/** Player ids are slots 0..MAX_PLAYERS-1 (6 bits on the wire). */
export const MAX_PLAYERS = 64;

export interface CreateWorldOptions {
  seed: number;
  rules?: Partial<Rules>;
  map?: ArenaMap;
}

export function createWorld(options: CreateWorldOptions): World {
  const rules: Rules = { ...defaultRules(options.rules?.tickRate), ...options.rules };
  validateRules(rules);
  const map = structuredClone(options.map ?? arenaMap());
  validateMap(map, rules);
  return {
    rules,
    map,
    tick: 0,
    rngState: seedToState(options.seed),
    players: [],
    projectiles: [],
    nextProjectileId: 0,
    history: [],
    ended: false,
  };
}

/**
 * Adds a player at an RNG-chosen spawn point. Throws a RangeError for an id outside 0..63 and an
 * Error if the slot is taken.
 */
export function addPlayer(world: World, id: number): PlayerState {
  if (!Number.isInteger(id) || id < 0 || id >= MAX_PLAYERS) {
    throw new RangeError(`player id must be an integer in 0..${MAX_PLAYERS - 1}, got ${id}`);
  }
  if (findPlayer(world, id)) throw new Error(`player id ${id} is already in the match`);
  // Projectiles still flying for this slot belong to its previous occupant, who left. The slot id
  // is all a projectile records, so without this the newcomer would be credited with their kills.
  world.projectiles = world.projectiles.filter((p) => p.ownerId !== id);
  const { x, y } = chooseSpawn(world, id);
  const player: PlayerState = {
    id,
    x,
    y,
    aim: aimTowardsCentre(world, x, y),
    hp: world.rules.maxHp,
    alive: true,
    respawnTicks: 0,
    fireCooldownTicks: 0,
    kills: 0,
    deaths: 0,
    lastButtons: 0,
    viewDelayTicks: 0,
  };
  const at = world.players.findIndex((p) => p.id > id);
  if (at === -1) world.players.push(player);
  else world.players.splice(at, 0, player);
  return player;
}

/**
 * Removes a player; returns whether it was present. Its projectiles keep flying (a shot fired is
 * fired) but a kill by them credits nobody, since the owner is no longer in the world.
 */
export function removePlayer(world: World, id: number): boolean {
  const at = world.players.findIndex((p) => p.id === id);
  if (at === -1) return false;
  world.players.splice(at, 1);
  return true;
}

export function findPlayer(world: World, id: number): PlayerState | undefined {
  return world.players.find((p) => p.id === id);
}

/** Deep copy: the copy shares nothing with the original, so either can be stepped alone. */
export function cloneWorld(world: World): World {
  return structuredClone(world);
}
