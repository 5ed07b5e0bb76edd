/**
 * A killcam: the last seconds before a player's death as its killer saw them, re-simulated from
 * the running match's own recording. The owner answers a victim's `killcam` request with the
 * death (who, when, how far back the killer's screen was) and a slice of the recording: the
 * newest checkpoint at or before the start of the window, then the log up to the present
 * (server/replay/recent-log.ts). The page steps that slice with the game, exactly as a replay
 * viewer does, and hands out the snapshots a client of the match received, redrawn by the game's
 * `KillerView` from the killer's seat.
 *
 * File: "AKCM" | u8 version (1) | u8 compression (1: zlib deflate) | deflated body, where the
 * body is varint length + UTF-8 JSON KillcamInfo, then a replay body (replay-format.ts) whose
 * log starts at a checkpoint. Never throws on hostile bytes: every problem is a code and a line.
 */
import type { AnyGame, SnapshotHeader } from '../game/game-definition.ts';
import { MatchPhase } from '../game/phase.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { inflate } from './replay-file-web.ts';
import { decodeReplayBody, encodeReplayBody, REPLAY_ZLIB, type Replay } from './replay-format.ts';
import { fromCheckpoint, prepareReplay, stepTick, type ReplayError } from './resimulate.ts';

export const KILLCAM_MAGIC = 'AKCM';
export const KILLCAM_VERSION = 1;
/** How much of the match before the kill a killcam shows. */
export const KILLCAM_WINDOW_S = 4;
/** A slice is at most a checkpoint interval and a window of log: a few tens of KB. */
export const MAX_KILLCAM_BODY_BYTES = 4 * 1024 * 1024;

/** What the server says about the death a killcam shows. */
export interface KillcamInfo {
  victim: number;
  killer: number;
  /** The tick the victim died on. */
  killTick: number;
  /** The tick the fatal shot was fired. */
  shotTick: number;
  /** How many ticks behind the present the killer's screen was at the shot (its lag compensation). */
  rewindTicks: number;
  /** The first tick the killcam shows (KILLCAM_WINDOW_S before the kill, or the start of what is kept). */
  fromTick: number;
}

export type KillcamErrorCode = 'NOT_A_KILLCAM' | 'FORMAT_VERSION' | 'CORRUPT' | 'TRUNCATED' | ReplayError['code'];
export type KillcamError = { ok: false; code: KillcamErrorCode; message: string };

/**
 * Redraws a snapshot of `state` (the game's own, after the step of `snapshot.tick`) as the killer
 * saw it at the shot. Arena: shared/games/arena/killcam-view.ts. Mutates and returns `snapshot`
 * (a decoded copy nobody else holds).
 */
export type KillerView = (state: unknown, snapshot: SnapshotHeader, info: KillcamInfo) => SnapshotHeader;

export function encodeKillcamBody(info: KillcamInfo, slice: Replay): Uint8Array {
  const w = new ByteWriter(256);
  w.text(JSON.stringify(info));
  w.bytes(encodeReplayBody(slice));
  return w.finish();
}

const isUint = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
const isSlot = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 256;

function checkInfo(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'is not a JSON object';
  const i = v as Record<string, unknown>;
  if (!isSlot(i.victim) || !isSlot(i.killer)) return 'has no victim or killer';
  for (const k of ['killTick', 'shotTick', 'rewindTicks', 'fromTick'] as const) if (!isUint(i[k])) return `has no ${k}`;
  const info = i as unknown as KillcamInfo;
  if (info.shotTick > info.killTick || info.fromTick > info.killTick) return 'has its ticks out of order';
  return null;
}

/** The body, read and checked. */
export function decodeKillcamBody(bytes: Uint8Array): { ok: true; info: KillcamInfo; slice: Replay } | KillcamError {
  const r = new ByteReader(bytes);
  const text = r.text();
  if (text === null) return r.pos >= bytes.length ? { ok: false, code: 'TRUNCATED', message: 'the killcam ends inside its death record' } : { ok: false, code: 'CORRUPT', message: 'the death record is not UTF-8' };
  let info: unknown;
  try {
    info = JSON.parse(text);
  } catch {
    info = undefined;
  }
  const problem = checkInfo(info);
  if (problem) return { ok: false, code: 'CORRUPT', message: `the death record ${problem}` };
  const body = decodeReplayBody(bytes.subarray(r.pos), 'any');
  if (!body.ok) return body;
  const slice = body.replay;
  if (slice.chunks.length === 0) return { ok: false, code: 'TRUNCATED', message: 'the killcam holds no log' };
  const killInfo = info as KillcamInfo;
  if (slice.chunks[0]!.fromTick - 1 > killInfo.fromTick || slice.chunks.at(-1)!.toTick < killInfo.killTick) {
    return { ok: false, code: 'TRUNCATED', message: `the log covers ticks ${slice.chunks[0]!.fromTick}-${slice.chunks.at(-1)!.toTick}, not the kill at ${killInfo.killTick}` };
  }
  return { ok: true, info: killInfo, slice };
}

/** The file as the page receives it: header outside the compression, inflating capped. */
export async function unpackKillcam(file: Uint8Array, maxBodyBytes = MAX_KILLCAM_BODY_BYTES): Promise<{ ok: true; info: KillcamInfo; slice: Replay } | KillcamError> {
  if (!(file instanceof Uint8Array) || file.length < 6 || String.fromCharCode(...file.subarray(0, 4)) !== KILLCAM_MAGIC) {
    return { ok: false, code: 'NOT_A_KILLCAM', message: 'the answer does not start with AKCM' };
  }
  if (file[4] !== KILLCAM_VERSION) return { ok: false, code: 'FORMAT_VERSION', message: `killcam version ${file[4]}, this page reads version ${KILLCAM_VERSION}` };
  if (file[5] !== REPLAY_ZLIB) return { ok: false, code: 'CORRUPT', message: `unknown compression ${file[5]}` };
  const body = await inflate(file.subarray(6), maxBodyBytes);
  if (!body.ok) return { ok: false, code: body.code === 'TRUNCATED' ? 'TRUNCATED' : 'CORRUPT', message: body.message };
  return decodeKillcamBody(body.bytes);
}

export const KILLCAM_HEAD = new Uint8Array([...KILLCAM_MAGIC].map((c) => c.charCodeAt(0)).concat([KILLCAM_VERSION, REPLAY_ZLIB]));

/** A killcam being played: the re-simulation steps as the frames are asked for. */
export interface KillcamRun {
  /** The killer's view at the next snapshot tick up to `toTick`; null after the last. */
  next(): { ok: true; frame: SnapshotHeader | null } | ReplayError;
}

/**
 * Prepares the slice and steps it from its checkpoint to just before `info.fromTick` (at most a
 * checkpoint interval of ticks, no snapshot encoding); then each `next()` steps on to the next
 * snapshot tick and hands out the killer's view there, through the game's snapshot codec with
 * the match's own clock in the header (serverTime: tick × tick length), as ReplayPlayer does.
 * Frames are made as they are drawn, so playback starts once the window's start is reached.
 */
export function openKillcam(slice: Replay, info: KillcamInfo, games: readonly AnyGame[], view: KillerView, toTick: number): { ok: true; run: KillcamRun } | ReplayError {
  const guard = <T>(fn: () => T | ReplayError): T | ReplayError => {
    try {
      return fn();
    } catch (e) {
      return { ok: false, code: 'CORRUPT', message: `the game failed on this killcam: ${(e as Error).message}` };
    }
  };
  return guard(() => {
    const prepared = prepareReplay(slice, games);
    if (!prepared.ok) return prepared;
    const p = prepared.value;
    const first = p.ticks[0]?.checkpoint;
    if (!first) return { ok: false, code: 'CORRUPT', message: 'the killcam does not start with a checkpoint' };
    const start = fromCheckpoint(p, first);
    if (!start.ok) return start;
    const head = start.value;
    const { game } = p;
    const tickMs = 1000 / slice.header.tickRate;
    let index = 0;
    const step = (): { snapshot: boolean } | ReplayError => {
      const t = p.ticks[index++]!;
      const before = head.snapshot;
      const bad = stepTick(p, head, t);
      if (bad) return bad;
      return { snapshot: t.snapshot && head.snapshot !== before };
    };
    while (index < p.ticks.length && p.ticks[index]!.tick < info.fromTick) {
      const stepped = step();
      if ('ok' in stepped) return stepped;
    }
    const run: KillcamRun = {
      next: () =>
        guard(() => {
          while (index < p.ticks.length && p.ticks[index]!.tick <= toTick) {
            const stepped = step();
            if ('ok' in stepped) return stepped;
            if (!stepped.snapshot) continue;
            const model = head.snapshot as SnapshotHeader;
            const framed = { ...model, serverTime: Math.round(model.tick * tickMs), phaseEndTick: model.phase === MatchPhase.Playing ? head.phaseEndTick : 0 };
            const decoded = game.snapshotCodec.decode(game.snapshotCodec.encodeKeyframe(framed), null);
            if (!decoded.ok) return { ok: false, code: 'CORRUPT', message: `the snapshot of tick ${model.tick} does not encode: ${decoded.message}` } as ReplayError;
            return { ok: true as const, frame: view(head.state, decoded.value as SnapshotHeader, info) };
          }
          return { ok: true as const, frame: null };
        }),
    };
    return { ok: true as const, run };
  });
}

/** Every frame of the killcam at once (tests, tools). */
export function killcamFrames(slice: Replay, info: KillcamInfo, games: readonly AnyGame[], view: KillerView, toTick: number): { ok: true; frames: SnapshotHeader[] } | ReplayError {
  const opened = openKillcam(slice, info, games, view, toTick);
  if (!opened.ok) return opened;
  const frames: SnapshotHeader[] = [];
  for (;;) {
    const next = opened.run.next();
    if (!next.ok) return next;
    if (!next.frame) return { ok: true, frames };
    frames.push(next.frame);
  }
}
