import { describe, expect, it } from 'vitest';
import type { Manager } from 'socket.io-client';
import type { AnyGame, SnapshotHeader } from '../game/game-definition.ts';
import { ErrorCode } from '../protocol/errors.ts';
import type { MatchInfo } from '../protocol/events.ts';
import { err, ok } from '../result.ts';
import { PendingFrames } from './game-source.ts';
import { MatchConnection } from './match-connection.ts';

/**
 * A game whose frames are [kind, tick]: kind 1 a keyframe, 0 a delta that needs the previous
 * snapshot (NO_BASE without one, as a real codec answers). Enough to see order and bases.
 */
const dots = {
  id: 'dots',
  snapshotCodec: {
    decode: (bytes: Uint8Array, base: SnapshotHeader | null) =>
      bytes[0] === 1 ? ok({ tick: bytes[1]! } as SnapshotHeader) : base ? ok({ tick: bytes[1]! } as SnapshotHeader) : err('NO_BASE', 'a delta before any keyframe'),
  },
  inputCodec: { encode: () => new Uint8Array([9]) },
} as unknown as AnyGame;

const key = (tick: number) => new Uint8Array([1, tick]);
const delta = (tick: number) => new Uint8Array([0, tick]);

/** The socket.io surface MatchConnection uses, with the server's side driven by the test. */
function fakeServer(joinAnswer: Partial<MatchInfo> & { game: string }) {
  const listeners = new Map<string, ((...a: unknown[]) => void)[]>();
  const emitted: string[] = [];
  const socket = {
    connected: true,
    id: 'sock-1',
    io: { opts: {} },
    on(event: string, fn: (...a: unknown[]) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
      return socket;
    },
    off() {
      listeners.clear();
      return socket;
    },
    emit(event: string) {
      emitted.push(event);
      return socket;
    },
    disconnect() {
      socket.connected = false;
    },
    timeout() {
      return {
        emitWithAck: (event: string) => {
          emitted.push(event);
          if (event === 'join') return Promise.resolve({ ok: true, matchId: 'm1', mode: 'dots-2', role: 'player', slot: 0, state: 'playing', roster: [], ...joinAnswer });
          if (event === 'chat_missed') return Promise.resolve({ ok: true, messages: [], latest: 0 });
          return Promise.resolve({ ok: true });
        },
      };
    },
  };
  const manager = { opts: {}, socket: () => socket } as unknown as Manager;
  return {
    manager,
    emitted,
    /** One snapshot frame from the server, as its own WebSocket message. */
    frame(bytes: Uint8Array) {
      for (const fn of listeners.get('snapshot') ?? []) fn(bytes);
    },
  };
}

/** A lookup whose answer the test gives when it chooses. */
function lateGame() {
  let settle!: { resolve: (g: AnyGame | null) => void; reject: (e: Error) => void };
  const loading = new Promise<AnyGame | null>((resolve, reject) => (settle = { resolve, reject }));
  const asked: string[] = [];
  return { lookup: (id: string) => (asked.push(id), loading), asked, ...settle };
}

const macrotask = () => new Promise((r) => setTimeout(r, 0));

/**
 * A connection whose join of a Dots match the fake server has answered while the game's module is
 * still loading (`late` settles it): the snapshots it decodes are in `seen`, its join in `joining`.
 */
async function joinedBeforeTheGame(opts: { heldFrames?: number } = {}) {
  const server = fakeServer({ game: 'dots' });
  const late = lateGame();
  const seen: number[] = [];
  const conn = new MatchConnection('http://x', { snapshot: (s) => seen.push(s.tick) }, { games: late.lookup, manager: server.manager, ...opts });
  const joining = conn.join('m1');
  await macrotask();
  return { server, late, seen, conn, joining };
}

describe('a match whose game loads after the join is answered', () => {
  it('holds the frames that came meanwhile and decodes them in order once the game is there', async () => {
    const { server, late, seen, conn, joining } = await joinedBeforeTheGame();
    // The keyframe and two deltas arrive while the game's module is still on its way.
    server.frame(key(1));
    server.frame(delta(2));
    server.frame(delta(3));
    expect(late.asked).toEqual(['dots']);
    expect(seen).toEqual([]);
    expect(conn.sendInput({ buttons: 0, clientTick: 0 } as never)).toBeNull(); // no codec to send with yet
    late.resolve(dots);
    const res = await joining;
    expect(res.ok).toBe(true);
    expect(conn.game).toBe(dots);
    // The caller hears the answer before the first snapshot; one that arrives before the held
    // ones are decoded comes after them.
    expect(seen).toEqual([]);
    server.frame(delta(4));
    await macrotask();
    expect(seen).toEqual([1, 2, 3, 4]);
    server.frame(delta(5));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps at most the bound, dropping the oldest; decoding then starts at the next keyframe', async () => {
    const { server, late, seen, conn, joining } = await joinedBeforeTheGame({ heldFrames: 2 });
    server.frame(key(1));
    server.frame(delta(2));
    server.frame(delta(3)); // the keyframe goes: 2 and 3 have no base
    server.frame(key(4));
    server.frame(delta(5));
    late.resolve(dots);
    await joining;
    await macrotask();
    expect(seen).toEqual([4, 5]);
    expect(conn.snapshots?.errors).toBe(0); // NO_BASE is waiting, not a decode error
  });

  it('refuses the join GAME_LOAD_FAILED and gives the seat back when the module fails to load', async () => {
    const { server, late, seen, conn, joining } = await joinedBeforeTheGame();
    server.frame(key(1));
    late.reject(new Error('Failed to fetch dynamically imported module'));
    const res = await joining;
    expect(res).toMatchObject({ ok: false, code: ErrorCode.GameLoadFailed, game: 'dots' });
    expect(!res.ok && res.message).toMatch(/"dots" could not be loaded: Failed to fetch/);
    expect(server.emitted).toContain('leave');
    expect(conn.info).toBeNull();
    server.frame(key(2));
    await macrotask();
    expect(seen).toEqual([]);
  });

  it('refuses UNKNOWN_GAME when the lookup has no such game', async () => {
    const server = fakeServer({ game: 'squares' });
    const conn = new MatchConnection('http://x', {}, { games: (id) => Promise.resolve(id === 'dots' ? dots : null), manager: server.manager });
    const res = await conn.join('m1');
    expect(res).toMatchObject({ ok: false, code: ErrorCode.UnknownGame, game: 'squares' });
    expect(server.emitted).toContain('leave');
  });

  it('decodes nothing for a match left while its game loaded', async () => {
    const { server, late, seen, conn, joining } = await joinedBeforeTheGame();
    server.frame(key(1));
    await conn.leave();
    late.resolve(dots);
    await joining;
    server.frame(key(2));
    await macrotask();
    expect(seen).toEqual([]);
    expect(conn.info).toBeNull();
  });

  it('with a list, decodes from the first frame after the answer, as before', async () => {
    const server = fakeServer({ game: 'dots' });
    const seen: number[] = [];
    const conn = new MatchConnection('http://x', { snapshot: (s) => seen.push(s.tick) }, { games: [dots], manager: server.manager });
    expect((await conn.join('m1')).ok).toBe(true);
    server.frame(key(1));
    expect(seen).toEqual([1]);
  });
});

describe('PendingFrames', () => {
  it('gives back what it holds oldest first, and counts what the bound dropped', () => {
    const held = new PendingFrames(3);
    for (let i = 1; i <= 5; i++) held.push(key(i));
    expect(held.dropped).toBe(2);
    expect(held.take().map((f) => f[1])).toEqual([3, 4, 5]);
    expect(held.size).toBe(0);
    expect(() => new PendingFrames(0)).toThrow(RangeError);
  });
});
