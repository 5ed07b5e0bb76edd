/**
 * Killcams from a running match's recording: Ann stands still among three server bots until one
 * kills her; her killcam is asked of the match's host as her connection would, unpacked as the
 * page unpacks it, and re-simulated from the killer's seat. The frames are checked against the
 * whole replay re-simulated from the start by another path (ReplayPlayer): the killer where it
 * was at each tick, everybody else where it was `rewindTicks` earlier. Without the rewind the
 * victim is drawn where it stood at the present, which these bots' shots (fired at a target
 * that keeps moving) make a different place on some frame: the counterfactual check below.
 */
import { describe, expect, it } from 'vitest';
import { GAMES } from '../../shared/games/index.ts';
import { arena } from '../../shared/games/arena/index.ts';
import { arenaKillerView } from '../../shared/games/arena/killcam-view.ts';
import type { Snapshot } from '../../shared/games/arena/snapshot.ts';
import { KILLCAM_HEAD, killcamFrames, unpackKillcam } from '../../shared/replay/killcam.ts';
import type { Replay } from '../../shared/replay/replay-format.ts';
import { ReplayPlayer } from '../../shared/replay/replay-player.ts';
import { prepareReplay } from '../../shared/replay/resimulate.ts';
import { ANN, testNode, TICK_RATE } from '../../test/support/recorded-match.ts';
import { KILLCAM_KEEP_S, KILLCAM_MAX_AGE_S, KillcamBudget } from './killcams.ts';
import { RecentLog } from './recent-log.ts';
import { MemoryReplayStore } from './replay-store.ts';

type Answer = Awaited<ReturnType<ReturnType<ReturnType<typeof testNode>['open']>['killcam']>>;

/** Ann's match until she has died at least 8 s into play; the host, the store and her killcam file. */
async function matchWithADeath() {
  const store = new MemoryReplayStore({ maxCount: 10, maxAgeMs: 86_400_000 });
  const clock = { now: 1_800_000_000_000 };
  const node = testNode(store, clock, TICK_RATE, { killcams: { keepTicks: KILLCAM_KEEP_S * TICK_RATE, budget: new KillcamBudget() } });
  const host = node.open({ game: arena, seed: 21, bots: 3, options: { killTarget: 0, timeLimitS: 120 }, command: () => null });
  host.claim(ANN);
  host.attach('c-ann', ANN);
  for (let i = 0; i < 3; i++) host.addBot();
  const step = async () => {
    clock.now += 1000 / TICK_RATE;
    node.tick();
    await Promise.resolve();
  };
  const before = await host.killcam('c-ann', {});
  let answer: Answer | null = null;
  while (host.currentTick < 1100) {
    await step();
    const res = await host.killcam('c-ann', {});
    if (!res.ok && res.code === 'KILLCAM_NOT_FOUND') continue;
    if (!res.ok) throw new Error(`${res.code}: ${res.message}`);
    const file = await unpackKillcam(res.killcam);
    if (!file.ok) throw new Error(file.message);
    // Deep enough into play that the whole window has a history behind it.
    if (file.info.killTick > 120) {
      answer = res;
      break;
    }
  }
  if (!answer?.ok) throw new Error('nobody killed Ann');
  return { host, store, before, answer, step };
}

function truth(replay: Replay) {
  const prepared = prepareReplay(replay, GAMES);
  if (!prepared.ok) throw new Error(prepared.message);
  const opened = ReplayPlayer.open(prepared.value);
  if (!opened.ok) throw new Error(opened.message);
  const player = opened.value;
  return (tick: number): Snapshot => {
    if (player.seek(tick)) throw new Error(`seek ${tick}`);
    return player.current() as Snapshot;
  };
}

describe('killcams', () => {
  it("show the last 4 s before Ann's death from her killer's seat: the killer at the present, the others where its screen showed them", async () => {
    const { host, store, before, answer } = await matchWithADeath();
    expect(before).toMatchObject({ ok: false, code: 'KILLCAM_NOT_FOUND' });
    if (!answer.ok) throw new Error('no killcam');
    const file = await unpackKillcam(answer.killcam);
    if (!file.ok) throw new Error(file.message);
    const { info, slice } = file;
    expect(info).toMatchObject({ victim: 0, fromTick: info.killTick - 4 * TICK_RATE });
    expect(info.killer).toBeGreaterThan(0);
    expect(info.shotTick).toBeLessThanOrEqual(info.killTick);
    // Bounded: from the newest checkpoint at or before the window's start (checkpoints every 10 s), to now.
    const first = slice.chunks[0]!.fromTick;
    expect(first - 1).toBeLessThanOrEqual(info.fromTick);
    expect(info.fromTick - (first - 1)).toBeLessThan(10 * TICK_RATE);
    expect(slice.chunks.at(-1)!.toTick).toBeGreaterThanOrEqual(info.killTick);

    const frames = killcamFrames(slice, info, GAMES, arenaKillerView, info.killTick);
    if (!frames.ok) throw new Error(frames.message);
    expect(frames.frames.map((f) => f.tick)).toEqual(Array.from({ length: 4 * TICK_RATE + 1 }, (_, i) => info.fromTick + i));

    await host.replaySettled();
    const stored = await store.get(host.replayId!);
    const at = truth(stored!.replay);
    let rewoundAway = 0;
    for (const frame of frames.frames as Snapshot[]) {
      const now = at(frame.tick);
      const then = at(frame.tick - info.rewindTicks);
      const pos = (s: Snapshot, id: number) => {
        const p = s.players.find((q) => q.id === id)!;
        return { x: p.x, y: p.y };
      };
      for (const p of frame.players) {
        expect({ x: p.x, y: p.y }).toEqual(pos(p.id === info.killer ? now : then, p.id));
        const present = pos(now, p.id);
        if (p.id !== info.killer && (present.x !== p.x || present.y !== p.y)) rewoundAway++;
      }
    }
    // The bots claim the tick they last saw (one behind): the moving ones are drawn where they
    // were then, or this test could not tell the killer's view from the present.
    expect(info.rewindTicks).toBeGreaterThan(0);
    expect(rewoundAway).toBeGreaterThan(0);
    // At the kill, the killer's screen still showed her alive: the shot was judged on that view.
    const last = frames.frames.at(-1) as Snapshot;
    expect(last.players.find((p) => p.id === info.victim)!.alive).toBe(true);
    expect(at(info.killTick).players.find((p) => p.id === info.victim)!.alive).toBe(false);
  });

  it('refuse, with a code, somebody else\'s death, a tick she did not die on, a stranger, and a death too old', async () => {
    const { host, answer, step } = await matchWithADeath();
    if (!answer.ok) throw new Error('no killcam');
    const file = await unpackKillcam(answer.killcam);
    if (!file.ok) throw new Error(file.message);
    expect(await host.killcam('c-ann', { victim: 2 })).toMatchObject({ ok: false, code: 'NOT_ALLOWED' });
    expect(await host.killcam('c-ann', { tick: file.info.killTick + 3 })).toMatchObject({ ok: false, code: 'KILLCAM_NOT_FOUND' });
    expect(await host.killcam('c-nobody', {})).toMatchObject({ ok: false, code: 'NOT_IN_MATCH' });
    expect(await host.killcam('c-ann', { victim: 0, tick: file.info.killTick })).toMatchObject({ ok: true });
    // The bots may kill her again meanwhile: ask for the first death by its tick.
    while (host.currentTick <= file.info.killTick + KILLCAM_MAX_AGE_S * TICK_RATE) await step();
    expect(await host.killcam('c-ann', { tick: file.info.killTick })).toMatchObject({ ok: false, code: 'KILLCAM_NOT_FOUND' });
  });

  it('in the page, a damaged or cut answer is a code and a line, never a throw', async () => {
    const { answer } = await matchWithADeath();
    if (!answer.ok) throw new Error('no killcam');
    const good = answer.killcam;
    expect(await unpackKillcam(new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, code: 'NOT_A_KILLCAM' });
    expect(await unpackKillcam(new Uint8Array([...KILLCAM_HEAD.subarray(0, 4), 9, 1, 0]))).toMatchObject({ ok: false, code: 'FORMAT_VERSION' });
    expect(await unpackKillcam(good.subarray(0, good.length >> 1))).toMatchObject({ ok: false, code: 'TRUNCATED' });
    // Flipped bytes: zlib's checksum, or the body's own checks, or the re-simulation says why.
    for (let i = 0; i < 40; i++) {
      const bad = good.slice();
      const at = 6 + ((i * 7919) % (bad.length - 6));
      bad[at] = bad[at]! ^ (1 << i % 8);
      const file = await unpackKillcam(bad);
      if (!file.ok) {
        expect(file.message.length).toBeGreaterThan(0);
        continue;
      }
      const frames = killcamFrames(file.slice, file.info, GAMES, arenaKillerView, file.info.killTick);
      expect(typeof frames.ok).toBe('boolean');
    }
  });
});

describe('the recent log a killcam is cut from', () => {
  const chunk = (fromTick: number, toTick: number) => ({ fromTick, toTick, bytes: new Uint8Array(toTick - fromTick + 1) });

  it('starts a slice at the newest checkpoint at or before the tick asked, and keeps no more than it may be asked for', () => {
    const log = new RecentLog(30);
    // A chunk every 10 ticks; the ones from ticks 1, 41 and 81 start with a checkpoint.
    for (let t = 1; t <= 120; t += 10) log.add(chunk(t, t + 9), (t - 1) % 40 === 0);
    // Kept: from the newest checkpoint at or before 120 - 30 = 90 (the one at tick 80) to the end.
    expect(log.from(0)![0]!.fromTick).toBe(81);
    expect(log.from(95)!.map((c) => c.fromTick)).toEqual([81, 91, 101, 111]);
    log.add(chunk(121, 130), true);
    log.add(chunk(131, 160), false);
    // 160 - 30 = 130: the checkpoint at 120 is the newest before it; the one at 80 goes.
    expect(log.from(100)!.map((c) => c.fromTick)).toEqual([121, 131]);
    expect(log.from(125)!.map((c) => c.fromTick)).toEqual([121, 131]);
  });

  it('forgets a stretch a gap broke, and keeps nothing until the next checkpoint', () => {
    const log = new RecentLog(100);
    log.add(chunk(1, 10), true);
    log.add(chunk(21, 30), false);
    expect(log.size).toBe(0);
    expect(log.from(25)).toBeNull();
    log.add(chunk(31, 40), true);
    expect(log.from(35)!.map((c) => c.fromTick)).toEqual([31]);
  });
});

