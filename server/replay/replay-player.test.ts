/**
 * The page's replay viewer, without the page: the file read with the browser's own inflater
 * (DecompressionStream, as the page does), a seek to any tick (from the nearest checkpoint,
 * re-simulated) shows exactly what playing through from the start shows at that tick, and a
 * hostile file is a one-line error, never a throw. A seek that started from the wrong checkpoint
 * or skipped a recorded snapshot call would show other poses (the checkpoints are 10 s apart
 * here, so a seek into the second decade re-simulates from the second one).
 */
import { describe, expect, it } from 'vitest';
import { arena } from '../../shared/games/arena/index.ts';
import { cycles } from '../../shared/games/cycles/index.ts';
import { GAMES } from '../../shared/games/index.ts';
import type { AnyGame } from '../../shared/game/game-definition.ts';
import { unpackReplayWeb } from '../../shared/replay/replay-file-web.ts';
import { ReplayPlayer } from '../../shared/replay/replay-player.ts';
import { prepareReplay, startOf, stepTick } from '../../shared/replay/resimulate.ts';
import { Button } from '../../shared/games/arena/sim/index.ts';
import { playRecordedMatch } from '../../test/support/recorded-match.ts';
import { packReplay } from './replay-file.ts';

async function recorded(game: AnyGame, options: Record<string, number>) {
  const { replay } = await playRecordedMatch({
    game,
    seed: 7,
    bots: 3,
    options,
    command: (tick) => (game === arena ? { buttons: (tick >> 3) % 2 ? Button.Right | Button.Fire : Button.Up, aim: Math.fround(tick / 7) } : { dir: 1 + ((tick >> 4) % 4), boost: tick % 9 === 0 }),
  });
  const file = packReplay(replay);
  const read = await unpackReplayWeb(new Uint8Array(file));
  if (!read.ok) throw new Error(read.message);
  const prepared = prepareReplay(read.replay, GAMES);
  if (!prepared.ok) throw new Error(prepared.message);
  return { file, prepared: prepared.value };
}

function open(prepared: Parameters<typeof ReplayPlayer.open>[0]): ReplayPlayer {
  const p = ReplayPlayer.open(prepared);
  if (!p.ok) throw new Error(p.message);
  return p.value;
}

describe.each([
  ['Arena', arena, { killTarget: 0, timeLimitS: 25 }],
  ['Cycles', cycles, { roundsToWin: 20, timeLimitS: 25 }],
] as const)('watching a %s replay', (_name, game, options) => {
  it('seeks to any tick from the nearest checkpoint and shows what playing through shows', async () => {
    const { prepared } = await recorded(game, options);
    const straight = open(prepared);
    const last = straight.lastTick;
    // Forward, back, into the second checkpoint's stretch, to the end and to the start.
    const targets = [Math.floor(last / 3), 12, last - 5, Math.floor(last / 2) + 1, last, 0, 105];
    const watched = new Set(targets.flatMap((t) => [t, t + 1, t + 2, t + 3]));
    const seen = new Map<number, unknown>();
    while (!straight.ended) {
      const s = straight.step();
      if (!s.ok) throw new Error(s.message);
      if (watched.has(straight.tick)) seen.set(straight.tick, straight.current());
    }
    expect(prepared.checkpoints.length).toBeGreaterThanOrEqual(2);
    const jumper = open(prepared);
    for (const tick of targets) {
      expect(jumper.seek(tick)).toBeNull();
      expect(jumper.tick).toBe(tick);
      expect(jumper.checkpointBefore(tick)).toBeLessThanOrEqual(tick);
      if (tick > 0) expect(jumper.current(), `tick ${tick}`).toEqual(seen.get(tick));
      // And on from there, tick by tick, as the straight run went.
      for (let i = 0; i < 3 && !jumper.ended; i++) {
        expect(jumper.step().ok).toBe(true);
        expect(jumper.current(), `tick ${jumper.tick} after a seek to ${tick}`).toEqual(seen.get(jumper.tick));
      }
    }
  });
});

describe('a replay file in the page', () => {
  it('snapshots carry the match clock: serverTime from the tick, the time limit once play began', async () => {
    const { prepared } = await recorded(arena, { killTarget: 0, timeLimitS: 25 });
    const player = open(prepared);
    let playing: { tick: number; serverTime: number; phaseEndTick: number } | null = null;
    while (!player.ended && !playing) {
      const s = player.step();
      if (s.ok && s.snapshot && s.snapshot.phase === 2) playing = s.snapshot;
    }
    expect(playing).not.toBeNull();
    expect(playing!.serverTime).toBe(Math.round((playing!.tick * 1000) / prepared.replay.header.tickRate));
    expect(playing!.phaseEndTick).toBeGreaterThan(playing!.tick);
    // A seek past the start of play knows the same end without stepping over it.
    expect(player.seek(prepared.ticks.at(-1)!.tick - 10)).toBeNull();
    const s = player.step();
    expect(s.ok && s.snapshot?.phaseEndTick).toBe(playing!.phaseEndTick);
  });

  it('knows when play ends by time wherever the checkpoints fall, also on the tick right after play began', async () => {
    // The recorder places checkpoints by a phase taken from the (random) replay id: one can sit on
    // the record right after the one where play begins, so the state it holds is already playing.
    const { prepared } = await recorded(arena, { killTarget: 0, timeLimitS: 25 });
    const begin = prepared.ticks.findIndex((t) => t.beginPlay);
    expect(begin).toBeGreaterThan(0);
    const head = startOf(prepared);
    if (!head.ok) throw new Error(head.message);
    for (let i = 0; i <= begin; i++) expect(stepTick(prepared, head.value, prepared.ticks[i]!)).toBeNull();
    const expected = head.value.phaseEndTick;
    expect(expected).toBeGreaterThan(prepared.ticks[begin]!.tick);
    const after = begin + 1;
    const withCheckpoint = {
      ...prepared,
      ticks: prepared.ticks.map((t, i) =>
        i === after ? { ...t, checkpoint: { replay: prepared.replay.header.replayId, tick: prepared.ticks[begin]!.tick, playing: true, state: arena.toState(head.value.state as never) } } : t,
      ),
      checkpoints: [...prepared.checkpoints, after].sort((a, b) => a - b),
    };
    const player = open(withCheckpoint);
    // A seek well into play starts from a later checkpoint and still carries the end of play.
    expect(player.seek(prepared.ticks.at(-1)!.tick - 10)).toBeNull();
    const s = player.step();
    expect(s.ok && s.snapshot?.phaseEndTick).toBe(expected);
    // And so does a seek onto that checkpoint itself.
    expect(player.seek(prepared.ticks[after]!.tick)).toBeNull();
    const t = player.step();
    expect(t.ok && t.snapshot?.phaseEndTick).toBe(expected);
  });

  it('hostile bytes are a one-line error: not a replay, another format, cut short, damaged, a bomb', async () => {
    const { file } = await recorded(arena, { killTarget: 0, timeLimitS: 12 });
    const bytes = new Uint8Array(file);
    const flipped = bytes.slice();
    flipped[40]! ^= 0x10;
    const other = bytes.slice();
    other[4] = 99;
    const { deflateSync } = await import('node:zlib');
    const bomb = new Uint8Array(Buffer.concat([bytes.subarray(0, 6), deflateSync(Buffer.alloc(3 * 1024 * 1024))]));
    const cases: [Uint8Array, RegExp][] = [
      [new TextEncoder().encode('<html>not found</html>'), /NOT_A_REPLAY/],
      [other, /FORMAT_VERSION/],
      [bytes.subarray(0, bytes.length - 20), /TRUNCATED|CORRUPT/],
      [flipped, /CORRUPT|TRUNCATED/],
      [bytes.subarray(0, 3), /NOT_A_REPLAY/],
    ];
    for (const [b, code] of cases) {
      const r = await unpackReplayWeb(b);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(`${r.code}: ${r.message}`).toMatch(code);
    }
    // A replay recorded with the tick log before pattern inputs: refused by name, not misread.
    const old = await recorded(arena, { killTarget: 0, timeLimitS: 4 });
    const read = await unpackReplayWeb(new Uint8Array(old.file));
    if (!read.ok) throw new Error(read.message);
    const v1 = await unpackReplayWeb(new Uint8Array(packReplay({ ...read.replay, header: { ...read.replay.header, tickLog: 1 } })));
    expect(v1).toEqual({ ok: false, code: 'FORMAT_VERSION', message: 'its tick log is version 1, this build reads version 2' });
    const capped = await unpackReplayWeb(bomb, 1024 * 1024);
    expect(capped).toMatchObject({ ok: false, code: 'CORRUPT', message: expect.stringMatching(/more than 1 MB/) });
  });
});
