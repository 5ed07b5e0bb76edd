/**
 * Reconnecting: a player who drops keeps its seat for RECONNECT_GRACE_MS, comes back with the
 * same token into the same match and slot with its score, starting from a keyframe; a seat not
 * reclaimed in time is freed and the others are told.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getGuestToken } from '../../shared/client/auth.ts';
import { LobbyClient, createManager } from '../../shared/client/lobby-client.ts';
import { MatchConnection } from '../../shared/client/match-connection.ts';
import type { AckResult } from '../../shared/protocol/errors.ts';
import type { MatchInfo, PresenceChange } from '../../shared/protocol/events.ts';
import { decodeSnapshot } from '../../shared/games/arena/snapshot-codec.ts';
import { MatchPhase } from '../../shared/games/arena/snapshot.ts';
import { addPlayer, arenaMap, Button, createWorld, defaultRules, firstWallHit } from '../../shared/games/arena/sim/index.ts';
import { connectPlayer, expectLobbyInvariants, GAMES, playerWithSession, seatOf, type MatchView, type TestPlayer } from '../support/lobby.ts';
import { startServer, type ServerProcess } from '../support/server-process.ts';
import { sleep, waitFor } from '../support/wait.ts';

const TICK_RATE = 30;
const GRACE_MS = 1500;

/** A match seed whose first two players spawn in each other's line of fire, within range. */
function seedWithLineOfFire(): number {
  const rules = defaultRules(TICK_RATE);
  const range = rules.projectileSpeed * rules.projectileLifetimeS * 0.8;
  for (let seed = 1; ; seed++) {
    const world = createWorld({ seed, rules, map: arenaMap() });
    const a = addPlayer(world, 0);
    const b = addPlayer(world, 1);
    const clear = firstWallHit(a, b, world.map.walls, rules.projectileRadius) === null;
    if (clear && Math.hypot(a.x - b.x, a.y - b.y) < range) return seed;
  }
}

describe('reconnect', () => {
  let server: ServerProcess;
  const players: TestPlayer[] = [];

  beforeAll(async () => {
    server = await startServer({
      TICK_RATE: String(TICK_RATE),
      MATCH_SEED: String(seedWithLineOfFire()),
      RECONNECT_GRACE_MS: String(GRACE_MS),
      COUNTDOWN_MS: '100',
      BOT_FILL: 'off',
    });
  });
  afterAll(async () => {
    for (const p of players) p.close();
    await server?.stop();
  });

  /** Aims at the target's last seen position and holds Fire until it has died once. */
  async function shootUntilKill(shooter: MatchView, shooterId: number, targetId: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const latest = shooter.snapshots.at(-1)!;
      const me = latest.players.find((p) => p.id === shooterId)!;
      const target = latest.players.find((p) => p.id === targetId)!;
      if (target.deaths > 0) break;
      if (Date.now() > deadline) throw new Error('no kill within 10 s');
      shooter.conn.sendInput({ buttons: Button.Fire, aim: Math.atan2(target.y - me.y, target.x - me.x), clientTick: latest.tick });
      await sleep(1000 / TICK_RATE);
    }
    shooter.conn.sendInput({ buttons: 0, aim: 0, clientTick: 0 });
  }

  it('keeps a dropped player’s seat and score for the grace, then frees it and tells the others', async () => {
    const shooter = await connectPlayer(server.url, 'shooter');
    const target = await connectPlayer(server.url, 'target');
    players.push(shooter, target);
    const created = await shooter.lobby.createPrivate({ maxPlayers: 2 });
    if (!created.ok) throw new Error(created.code);
    expect((await target.lobby.joinByCode(created.code!)).ok).toBe(true);
    const sv = shooter.openMatch();
    const tv = target.openMatch();
    expect(await sv.conn.join(created.matchId)).toMatchObject({ ok: true, slot: 0 });
    expect(await tv.conn.join(created.matchId)).toMatchObject({ ok: true, slot: 1 });
    await waitFor(() => sv.snapshots.at(-1)?.phase === MatchPhase.Playing, 'playing');

    await shootUntilKill(sv, 0, 1);
    await waitFor(() => tv.snapshots.at(-1)!.players.find((p) => p.id === 0)?.kills === 1, 'the kill on the other screen');
    const scored = tv.snapshots.at(-1)!.players.find((p) => p.id === 0)!;

    // Drop: the connection goes away without leaving.
    shooter.close();
    await waitFor(() => tv.presence.some((p) => p.slot === 0 && p.status === 'away'), 'told the shooter is away');
    await waitFor(() => !tv.snapshots.at(-1)!.players.some((p) => p.id === 0), 'away player out of the world');
    expect(await seatOf(server.url, shooter.session)).toBe(created.matchId);

    // Back within the grace, same token, no match id: the server knows where the seat is.
    const back = await playerWithSession(server.url, shooter.session);
    players.push(back);
    const raw: Uint8Array[] = [];
    const bv = back.openMatch({ rawSnapshot: (bytes) => raw.push(bytes) });
    const rejoined = await bv.conn.join();
    expect(rejoined).toMatchObject({ ok: true, matchId: created.matchId, slot: 0, state: 'playing' });
    await waitFor(() => bv.snapshots.length > 2, 'snapshots after rejoin');
    // The first snapshot it got stands alone: a personal keyframe, not a delta on a base it lacks.
    expect(decodeSnapshot(raw[0]!, null).ok).toBe(true);
    const mine = bv.snapshots.at(-1)!.players.find((p) => p.id === 0)!;
    expect({ kills: mine.kills, deaths: mine.deaths }).toEqual({ kills: scored.kills, deaths: scored.deaths });
    await waitFor(() => tv.presence.some((p) => p.slot === 0 && p.status === 'back'), 'told the shooter is back');

    // Drop again and stay away past the grace.
    back.close();
    await waitFor(() => tv.presence.some((p) => p.slot === 0 && p.status === 'timed_out'), 'told the seat timed out', GRACE_MS + 5000);
    // The others' roster no longer has the seat (the roster follows the presence event).
    await waitFor(() => tv.rosters.at(-1)!.map((p) => p.slot).join() === '1', 'the roster without the seat');
    expect(tv.rosters.at(-1)!.map((p) => p.slot)).toEqual([1]);
    await waitFor(() => tv.presence.filter((p) => p.status === 'timed_out').length === 1, 'one timeout');
    expect(await seatOf(server.url, shooter.session)).toBe(null);
    const late = await playerWithSession(server.url, shooter.session);
    players.push(late);
    const lv = late.openMatch();
    expect(await lv.conn.join(created.matchId)).toMatchObject({ ok: false, code: 'NO_SEAT' });
    // The one who stayed plays on.
    const before = tv.snapshots.length;
    await sleep(300);
    expect(tv.snapshots.length).toBeGreaterThan(before + 4);
    expect(tv.conn.socket.connected).toBe(true);
    await expectLobbyInvariants(server.url, [target, late]);
  });

  it('takes the seat back by itself after a transport drop (SDK autoRejoin)', async () => {
    const session = await getGuestToken(server.url, 'roamer');
    if (!session.ok) throw new Error(session.code);
    const manager = createManager(server.url, { reconnectionDelay: 100, reconnectionDelayMax: 200 });
    const lobby = new LobbyClient(server.url, {}, { token: session.token, manager });
    expect((await lobby.ready()).ok).toBe(true);
    const created = await lobby.createPrivate({ maxPlayers: 2 });
    if (!created.ok) throw new Error(created.code);
    const friend = await connectPlayer(server.url, 'friend');
    players.push(friend);
    await friend.lobby.joinByCode(created.code!);
    const fv = friend.openMatch();

    const rejoins: AckResult<MatchInfo>[] = [];
    let snapshots = 0;
    const conn = new MatchConnection(server.url, { rejoined: (r) => rejoins.push(r), snapshot: () => snapshots++ }, { token: session.token, manager, autoRejoin: true, games: GAMES });
    const first = await conn.join(created.matchId);
    expect(first).toMatchObject({ ok: true, slot: 0 });
    await fv.conn.join(created.matchId);
    await waitFor(() => snapshots > 3, 'snapshots');

    // The WebSocket dies; socket.io reconnects it and the SDK joins again on its own.
    manager.engine.close();
    await waitFor(() => rejoins.length > 0, 'automatic rejoin', 5000);
    expect(rejoins[0]).toMatchObject({ ok: true, matchId: created.matchId, slot: 0 });
    const before = snapshots;
    await waitFor(() => snapshots > before + 3, 'snapshots after the rejoin');
    const statuses = (p: PresenceChange) => p.slot === 0 && (p.status === 'away' || p.status === 'back');
    await waitFor(() => fv.presence.filter(statuses).length === 2, 'friend told away then back');
    expect(fv.presence.filter(statuses).map((p) => p.status)).toEqual(['away', 'back']);
    expect(await conn.leave()).toEqual({ ok: true });
    conn.close();
    lobby.close();
    manager.engine.close();
  });

  it('frees a reserved seat whose player never arrives', async () => {
    const host = await connectPlayer(server.url, 'waiter');
    const ghost = await connectPlayer(server.url, 'ghost');
    players.push(host, ghost);
    const created = await host.lobby.createPrivate({ maxPlayers: 3 });
    if (!created.ok) throw new Error(created.code);
    expect((await ghost.lobby.joinByCode(created.code!)).ok).toBe(true);
    const hv = host.openMatch();
    const info = await hv.conn.join(created.matchId);
    if (!info.ok) throw new Error(info.code);
    expect(info.roster.find((p) => p.nickname === 'ghost')).toMatchObject({ connected: false });
    await waitFor(() => hv.presence.some((p) => p.nickname === 'ghost' && p.status === 'timed_out'), 'ghost seat freed', GRACE_MS + 5000);
    expect(await seatOf(server.url, ghost.session)).toBe(null);
  });
});
