/** One simulation tick: the only entry point that advances time. */
import { advanceProjectiles } from './combat.ts';
import { cappedViewDelay, fire } from './firing.ts';
import { recordHistory } from './history.ts';
import { checkMatchEnd } from './match-end.ts';
import { movePlayer } from './movement.ts';
import { normalizeAngle } from './quantize.ts';
import { chooseSpawn } from './spawn.ts';
import { ALL_BUTTONS, Button } from './types.ts';
import type { PlayerInput, PlayerState, SimEvent, World } from './types.ts';

/**
 * Advances `world` by exactly one tick (dt = 1 / rules.tickRate) with at most one input per
 * player (a Map key is unique, so sending Fire many times in one tick cannot buy extra shots).
 * Mutates only `world`; returns what happened, in order. Order within the tick:
 * players (id order: respawn or move + fire), history frame, projectiles, match end.
 */
export function step(world: World, inputs: ReadonlyMap<number, PlayerInput>): SimEvent[] {
  world.tick += 1;
  // The clock keeps running after the end so tick numbers stay aligned with the server's loop.
  if (world.ended) return [];
  const events: SimEvent[] = [];
  for (const player of world.players) updatePlayer(world, player, inputs.get(player.id), events);
  recordHistory(world);
  advanceProjectiles(world, events);
  checkMatchEnd(world, events);
  return events;
}

function updatePlayer(world: World, player: PlayerState, input: PlayerInput | undefined, events: SimEvent[]): void {
  // A missing input (late or lost packet) repeats the last buttons and keeps the aim, so a
  // player holding a direction keeps moving instead of stuttering to a stop.
  const buttons = input ? input.buttons & ALL_BUTTONS : player.lastButtons;
  player.lastButtons = buttons;
  if (input && Number.isFinite(input.aim)) player.aim = normalizeAngle(input.aim);
  // A tick without an input keeps the tick the player was viewing, not the delay: its latest aim
  // was made on that frame, so a held shot is judged there (one tick further back per missing
  // input, up to the cap). Keeping the delay judged the old aim on a newer frame: with fire held
  // at a runner from a busy page at 150 ms with jitter (inputs in bursts), 40 of 60 shots hit
  // that way and 57 of 61 this way (test/browser/hit-rate-page.test.ts).
  if (input) player.viewDelayTicks = cappedViewDelay(world, input.viewDelayTicks);
  else player.viewDelayTicks = cappedViewDelay(world, player.viewDelayTicks + 1);
  if (player.fireCooldownTicks > 0) player.fireCooldownTicks -= 1;

  if (!player.alive) {
    // Buttons and aim are still tracked above (they change nothing while dead) so that after the
    // respawn a missing input repeats what the player holds now, not what it held when it died.
    player.respawnTicks = Math.max(0, player.respawnTicks - 1);
    if (player.respawnTicks === 0) respawn(world, player, events);
    return;
  }

  movePlayer(player, buttons, world.map, world.rules, world.tick);
  // Cooldown is decremented above before this check: holding Fire shoots on exactly every
  // fireIntervalTicks-th tick.
  if (buttons & Button.Fire && player.fireCooldownTicks === 0) {
    fire(world, player, events);
  }
}

/** Back at full health at a spawn point; acts from the next tick on. */
function respawn(world: World, player: PlayerState, events: SimEvent[]): void {
  const { x, y } = chooseSpawn(world, player.id);
  player.x = x;
  player.y = y;
  player.hp = world.rules.maxHp;
  player.alive = true;
  player.fireCooldownTicks = 0;
  events.push({ type: 'respawn', playerId: player.id });
}
