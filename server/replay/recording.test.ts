/**
 * Whole matches recorded and verified: what `npm run replay -- verify` says of a replay a server
 * recorded, for both games, across a failover, and of files damaged on purpose. A replay that
 * missed one call the runner made (an input, a seat event, the start of play), applied inputs in
 * another order, or recorded a bot's input other than the one applied (Arena's aim: float64 in
 * the brain, float32 on the wire) fails here with "differs from its checkpoint".
 */
import { describe, expect, it } from 'vitest';
import { arena } from '../../shared/games/arena/index.ts';
import { ALL_BUTTONS } from '../../shared/games/arena/sim/types.ts';
import { cycles } from '../../shared/games/cycles/index.ts';
import { nextRandom, seedToState } from '../../shared/game/rng.ts';
import { GAMES } from '../../shared/games/index.ts';
import { encodeReplayBody, type Replay } from '../../shared/replay/replay-format.ts';
import { prepareReplay } from '../../shared/replay/resimulate.ts';
import { verifyFile } from '../../scripts/replay/verify.ts';
import { packReplay } from './replay-file.ts';
import { playRecordedMatch, TICK_RATE } from '../../test/support/recorded-match.ts';

/** The human's commands, the same every run (the project's seeded generator). */
function rng(seed: number): () => number {
  const holder = { rngState: seedToState(seed) };
  return () => nextRandom(holder);
}

const arenaCommands = (seed: number) => {
  const r = rng(seed);
  return () => (r() < 0.1 ? null : { buttons: Math.floor(r() * (ALL_BUTTONS + 1)), aim: Math.fround((r() * 2 - 1) * Math.PI) });
};
const cyclesCommands = (seed: number) => {
  const r = rng(seed);
  return () => (r() < 0.3 ? null : { dir: Math.floor(r() * 5), boost: r() < 0.2 });
};

const verify = (replay: Replay) => verifyFile(packReplay(replay), GAMES);

/** The ticks the replay's checkpoints are at (the state before the tick that carries each). */
function checkpointTicks(replay: Replay): number[] {
  const p = prepareReplay(replay, GAMES);
  if (!p.ok) throw new Error(p.message);
  return p.value.checkpoints.map((i) => p.value.ticks[i]!.checkpoint!.tick);
}

/** At the start, then never more than 10 s apart, to the end. */
function expectCheckpointsEvery10s(replay: Replay, ticks: number): number[] {
  const at = checkpointTicks(replay);
  expect(at[0]).toBe(0);
  for (const [i, t] of [...at, ticks].entries()) if (i > 0) expect(t - at[i - 1]!).toBeLessThanOrEqual(10 * TICK_RATE);
  return at;
}

describe('a recorded match verifies', () => {
  it('Arena: a player and three bots to the time limit, with checkpoints every 10 s and the results', async () => {
    const { replay, guestIds } = await playRecordedMatch({ game: arena, seed: 11, bots: 3, options: { killTarget: 0, timeLimitS: 25 }, command: arenaCommands(1) });
    expect(replay.end).toMatchObject({ reason: 'time' });
    expect(replay.header.players.map((p) => p.bot)).toEqual([false, true, true, true]);
    expect(guestIds).toEqual(['g-ann']);
    const ticks = replay.end!.tick;
    const at = expectCheckpointsEvery10s(replay, ticks);
    expect(verify(replay)).toEqual({ ok: true, line: `ok: ${ticks} ticks, ${at.length} checkpoints` });
  });

  it('Cycles: a player and two bots, rounds and all', async () => {
    const { replay } = await playRecordedMatch({ game: cycles, seed: 5, bots: 2, options: { timeLimitS: 30 }, command: cyclesCommands(2) });
    expect(replay.end).not.toBeNull();
    expect(verify(replay)).toMatchObject({ ok: true });
  });

  it('across a failover: the adopting node extends the same replay, and the stale owner writes nothing into it', async () => {
    const { replay } = await playRecordedMatch({ game: arena, seed: 12, bots: 3, options: { killTarget: 0, timeLimitS: 25 }, command: arenaCommands(3), failoverAt: 137, staleTicks: 25 });
    const ticks = replay.end!.tick;
    // The adopter's checkpoint: the state it adopted, at the failover's tick.
    const at = expectCheckpointsEvery10s(replay, ticks);
    expect(at).toContain(137);
    expect(verify(replay)).toEqual({ ok: true, line: `ok: ${ticks} ticks, ${at.length} checkpoints` });
  });

  it('when every player leaves first, it ends "abandoned" with the standings as they were', async () => {
    const { replay } = await playRecordedMatch({ game: arena, seed: 13, bots: 2, command: arenaCommands(4), leaveAt: 83 });
    expect(replay.end).toMatchObject({ reason: 'abandoned', tick: 83, winnerSlot: null, after: [{ slot: 0, kind: 'gone' }] });
    expect(verify(replay)).toMatchObject({ ok: true });
  });

  it('a match still running verifies up to now', async () => {
    const { replay } = await playRecordedMatch({ game: cycles, seed: 14, bots: 1, command: cyclesCommands(7), maxTicks: 95 });
    expect(replay.end).toBeNull();
    expect(replay.chunks.at(-1)!.toTick).toBe(90);
    expect(verify(replay)).toEqual({ ok: true, line: `ok: 90 ticks, ${checkpointTicks(replay).length} checkpoints` });
  });
});

describe('a damaged or foreign file is refused with one line naming the problem', () => {
  it('truncated, corrupt, another game version, another match', async () => {
    const { replay } = await playRecordedMatch({ game: arena, seed: 21, bots: 1, options: { killTarget: 0, timeLimitS: 12 }, command: arenaCommands(5) });
    const file = packReplay(replay);
    expect(verifyFile(file.subarray(0, file.length - 40), GAMES)).toMatchObject({ ok: false, code: 'TRUNCATED' });
    const flipped = Buffer.from(file);
    flipped[flipped.length >> 1]! ^= 0x10;
    expect(verifyFile(flipped, GAMES)).toMatchObject({ ok: false, code: 'CORRUPT' });
    expect(verify({ ...replay, header: { ...replay.header, gameVersion: 99 } })).toEqual({ ok: false, code: 'GAME_VERSION', line: 'game version: recorded with arena version 99, this build has version 1' });
    expect(verify({ ...replay, header: { ...replay.header, seed: replay.header.seed + 1 } })).toMatchObject({ ok: false, code: 'OTHER_MATCH' });
    const other = await playRecordedMatch({ game: arena, seed: 22, bots: 1, options: { killTarget: 0, timeLimitS: 12 }, command: arenaCommands(6) });
    expect(verify({ ...replay, chunks: other.replay.chunks })).toMatchObject({ ok: false, code: 'OTHER_MATCH' });
    // One input changed in the log, the file otherwise sound: the next checkpoint disagrees.
    const chunks = replay.chunks.map((c) => ({ ...c, bytes: c.bytes.slice() }));
    const c = chunks[3]!;
    c.bytes[c.bytes.length - 2]! ^= 0x04;
    const line = verify({ ...replay, chunks });
    expect(line.ok).toBe(false);
    expect(line.line.split('\n')).toHaveLength(1);
    expect(verify({ ...replay, end: { ...replay.end!, results: [] } })).toMatchObject({ ok: false, code: 'DIVERGED', line: 'diverged: the final results differ from the recorded ones' });
    expect(encodeReplayBody(replay).length).toBeGreaterThan(file.length);
  });
});
