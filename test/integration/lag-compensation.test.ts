/**
 * Lag compensation end to end: the server runs with its network simulator adding 80 ms each
 * way. A scripted shooter sees a walking target where the latest snapshot shows it (about
 * 100 ms in the past), leads it the way any player leads a moving target on screen, and fires
 * once. The server rewinds the target to what the shooter saw, so the shot hits. Without the
 * rewind the target would be ~5 ticks (37 px) further on than the shooter saw: a miss, since
 * a hit needs the centres within 20 px (the simulation tests prove that counterfactual).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { addPlayer, arenaMap, Button, createWorld, defaultRules, firstWallHit, movePlayer } from '../../shared/games/arena/sim/index.ts';
import type { ArenaInput, ArenaSetup } from '../../shared/games/arena/index.ts';
import { GAMES, privateMatchSeats } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { sleep, waitFor } from '../support/wait.ts';

const TICK_RATE = 30;
const rules = defaultRules(TICK_RATE);
const MUZZLE = rules.playerRadius + rules.projectileRadius + 2;
const SHOT_PER_TICK = rules.projectileSpeed / TICK_RATE;

/** A seed where player 0 can walk right for 1.5 s and player 1 has a clear shot at that path. */
function seedForShootingRange(): number {
  for (let seed = 1; seed < 10_000; seed++) {
    const world = createWorld({ seed, rules, map: arenaMap() });
    const target = addPlayer(world, 0);
    const shooter = addPlayer(world, 1);
    const path: { x: number; y: number }[] = [];
    const walker = { ...target };
    for (let i = 1; i <= 45; i++) {
      movePlayer(walker, Button.Right, world.map, rules, i);
      path.push({ x: walker.x, y: walker.y });
    }
    const straight = path.at(-1)!.x - target.x >= 45 * (rules.playerSpeed / TICK_RATE) - 1;
    // Within the projectile's range, and across the line of fire rather than along it (a
    // target walking straight at the shooter is hit with or without rewinding).
    const inRange = path.every((p) => Math.hypot(p.x - shooter.x, p.y - shooter.y) < 750);
    const across = path.every((p) => Math.abs(p.y - shooter.y) > 0.5 * Math.abs(p.x - shooter.x));
    // The shot meets the target within its first second of walking.
    const clear = path.slice(0, 30).every((p) => firstWallHit(shooter, p, world.map.walls, rules.projectileRadius) === null);
    if (straight && inRange && across && clear) return seed;
  }
  throw new Error('no seed gives a clear shooting range');
}

/** Where to aim so a shot from `from` meets a target at `at` moving `v` px per tick. */
function lead(from: { x: number; y: number }, at: { x: number; y: number }, v: { x: number; y: number }): number {
  let best = { j: 0, error: Infinity };
  for (let j = 0; j < 40; j += 0.01) {
    const dx = at.x + v.x * j - from.x;
    const dy = at.y + v.y * j - from.y;
    const error = Math.abs(Math.hypot(dx, dy) - (MUZZLE + SHOT_PER_TICK * j));
    if (error < best.error) best = { j, error };
  }
  return Math.atan2(at.y + v.y * best.j - from.y, at.x + v.x * best.j - from.x);
}

describe('lag compensation', () => {
  let server: ServerProcess;
  const conns: MatchConnection[] = [];

  beforeAll(async () => {
    server = await startServer({
      TICK_RATE: String(TICK_RATE),
      MATCH_SEED: String(seedForShootingRange()),
      NET_SIM_LATENCY_MS: '80',
      COUNTDOWN_MS: '300',
    });
  });
  afterAll(async () => {
    for (const c of conns) c.close();
    await server?.stop();
  });

  it('a shooter 80 ms away hits a walking target by aiming where its screen shows it', async () => {
    const views: Snapshot[] = [];
    const seats = await privateMatchSeats(server.url, ['target', 'shooter']);
    // WebSocket from the start: a long-poll cycle before the upgrade would add its own delay to
    // what the shooter sees, which the server's rewind (RTT/2 + interpolation) does not know of.
    const socket = { transports: ['websocket' as const] };
    const target = new MatchConnection<Snapshot, ArenaInput, ArenaSetup>(server.url, {}, { token: seats.tokens[0], games: GAMES, socket });
    const shooter = new MatchConnection<Snapshot, ArenaInput, ArenaSetup>(server.url, { snapshot: (s) => views.push(s) }, { token: seats.tokens[1], games: GAMES, socket });
    conns.push(target, shooter);
    const t = await target.join(seats.matchId);
    const s = await shooter.join(seats.matchId);
    if (!t.ok || !s.ok) throw new Error('join failed');
    expect([t.slot, s.slot]).toEqual([0, 1]);
    const rtt = await shooter.syncClock();
    expect(rtt).toBeGreaterThan(150); // the simulator is on: 2 x 80 ms

    let walking = true;
    void (async () => {
      while (walking) {
        target.sendInput({ buttons: Button.Right, aim: 0, clientTick: 0 });
        await sleep(1000 / TICK_RATE);
      }
    })();

    const targetIn = (snap: Snapshot) => snap.players.find((p) => p.id === t.slot)!;
    // Wait until the shooter's screen shows the target walking steadily.
    await waitFor(() => views.length > 4 && views.slice(-4).every((v) => targetIn(v).vx > 0), 'the target to walk');
    const seen = views.at(-1)!;
    const me = seen.players.find((p) => p.id === s.slot)!;
    const shown = targetIn(seen);
    const aim = lead(me, shown, { x: shown.vx, y: shown.vy });
    shooter.sendInput({ buttons: Button.Fire, aim, clientTick: seen.tick });
    shooter.sendInput({ buttons: 0, aim, clientTick: seen.tick });

    await waitFor(() => views.some((v) => targetIn(v).hp < rules.maxHp), 'the hit', 3000);
    walking = false;
    const hit = views.find((v) => targetIn(v).hp < rules.maxHp)!;
    expect(targetIn(hit).hp).toBe(rules.maxHp - rules.projectileDamage);
    expect(views.at(-1)!.projectiles.filter((p) => p.ownerId === s.slot)).toEqual([]);
  });
});
