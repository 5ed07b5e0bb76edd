/**
 * A replay as data, and its body's bytes (the file adds a header and compression:
 * server/replay/replay-file.ts). A replay is the match's input log, not its snapshot stream:
 * what game and version, the setup and seed, then per tick what the runner fed the game
 * (tick-log.ts), with checkpoints of the game's state at least every 10 s for seeking and for
 * checking, and, once the match is over, its results and the hash of its final state.
 *
 * Body layout:
 *   varint length, UTF-8 JSON header (ReplayHeader)
 *   varint chunk count, then per chunk: varint fromTick, varint toTick, varint length, log bytes
 *   u8 0 (running) or 1, then varint length, UTF-8 JSON end (ReplayEnd)
 * Chunks are contiguous (each starts the tick after the previous one ends) and the first starts
 * at tick 1, so the log of a match is their concatenation.
 */
import type { Standing } from '../game/game-definition.ts';
import type { Visibility } from '../protocol/lobby-events.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { REPLAY_TICK_LOG_VERSION } from './tick-log.ts';

/** A replay file starts "ARPL", then the format version, then the compression (1: zlib deflate). */
export const REPLAY_MAGIC = 'ARPL';
/** 2: the tick log's pattern inputs (tick-log.ts); a version-1 file is refused, not misread. */
export const REPLAY_FORMAT_VERSION = 2;
export const REPLAY_ZLIB = 1;

/** One row of `GET /api/replays`: what the server lists and the page shows. */
export interface ReplaySummary {
  replayId: string;
  matchId: string;
  game: string;
  mode: string;
  createdAt: number;
  endedAt: number | null;
  /** The last tick recorded so far. */
  ticks: number;
  tickRate: number;
  players: { nickname: string; bot: boolean }[];
  running: boolean;
}

export interface ReplayPlayer {
  slot: number;
  nickname: string;
  bot: boolean;
}

export interface ReplayHeader {
  /** Random 128 bits, base64url: not the match id, and not guessable. */
  replayId: string;
  matchId: string;
  game: string;
  /** GameDefinition.version of the game that recorded it: another version may step differently. */
  gameVersion: number;
  /** The layout of its chunks' tick log (REPLAY_TICK_LOG_VERSION when it was recorded). */
  tickLog: number;
  mode: string;
  visibility: Visibility;
  options: Record<string, number>;
  seed: number;
  tickRate: number;
  /** The runner asked the game for a snapshot every this many ticks (a snapshot may change the state). */
  snapshotEvery: number;
  /** Seats of the match (slots 0..slots-1). */
  slots: number;
  createdAt: number;
  endedAt: number | null;
  /** Everyone who sat in the match, by slot (a slot a bot gave up to a player appears twice). */
  players: ReplayPlayer[];
}

export interface ReplayChunk {
  fromTick: number;
  toTick: number;
  bytes: Uint8Array;
}

export interface ReplayEnd {
  /** The last tick stepped. */
  tick: number;
  /** Why it ended: the game's reason, or 'abandoned' when every player left first. */
  reason: string;
  winnerSlot: number | null;
  /** The game's ranking of `slots` at the end, as the results screen showed it. */
  slots: number[];
  results: Standing[];
  stateHash: string;
  /** Seats left after the last tick and before the end (every player left: 'abandoned'). */
  after?: { slot: number; kind: 'enter' | 'away' | 'gone' }[];
}

export interface Replay {
  header: ReplayHeader;
  chunks: ReplayChunk[];
  end: ReplayEnd | null;
}

export function encodeReplayBody(replay: Replay): Uint8Array {
  const w = new ByteWriter(1024 + replay.chunks.reduce((n, c) => n + c.bytes.length + 12, 0));
  w.text(JSON.stringify(replay.header));
  w.varint(replay.chunks.length);
  for (const c of replay.chunks) {
    w.varint(c.fromTick);
    w.varint(c.toTick);
    w.block(c.bytes);
  }
  if (replay.end) {
    w.u8(1);
    w.text(JSON.stringify(replay.end));
  } else {
    w.u8(0);
  }
  return w.finish();
}

export type FormatError = { ok: false; code: 'CORRUPT' | 'TRUNCATED' | 'FORMAT_VERSION'; message: string };

/**
 * Never throws: a body that is cut short or does not hold what it should answers why. A file's
 * log starts at tick 1; `from: 'any'` reads a slice of one (a killcam's: killcam-slice.ts),
 * whose log starts at a checkpoint later on.
 */
export function decodeReplayBody(bytes: Uint8Array, from: 'start' | 'any' = 'start'): { ok: true; replay: Replay } | FormatError {
  const r = new ByteReader(bytes);
  const truncated = (what: string): FormatError => ({ ok: false, code: 'TRUNCATED', message: `the file ends inside ${what}` });
  const corrupt = (what: string): FormatError => ({ ok: false, code: 'CORRUPT', message: what });
  const headerText = r.text();
  if (headerText === null) return r.pos >= bytes.length ? truncated('its header') : corrupt('the header is not UTF-8');
  const header = parseJson(headerText);
  // Chunks stored by an older build keep their layout: refused by name, never misread.
  if (isObj(header) && header.tickLog !== REPLAY_TICK_LOG_VERSION) {
    const was = isUint(header.tickLog) ? `version ${header.tickLog}` : 'version 1';
    return { ok: false, code: 'FORMAT_VERSION', message: `its tick log is ${was}, this build reads version ${REPLAY_TICK_LOG_VERSION}` };
  }
  const headerProblem = checkHeader(header);
  if (headerProblem) return corrupt(`the header ${headerProblem}`);
  const count = r.varint();
  if (r.failed) return truncated('the chunk count');
  if (count > bytes.length) return corrupt(`a chunk count of ${count} in ${bytes.length} bytes`);
  const chunks: ReplayChunk[] = [];
  let next = 1;
  for (let i = 0; i < count; i++) {
    const fromTick = r.varint();
    const toTick = r.varint();
    const body = r.block();
    if (r.failed) return truncated(`chunk ${i + 1} of ${count}`);
    if (i === 0 && from === 'any' && fromTick >= 1) next = fromTick;
    if (fromTick !== next || toTick < fromTick) return corrupt(`chunk ${i + 1} covers ticks ${fromTick}-${toTick}, expected to start at ${next}`);
    chunks.push({ fromTick, toTick, bytes: body });
    next = toTick + 1;
  }
  const hasEnd = r.u8();
  if (r.failed) return truncated('the end marker');
  let end: ReplayEnd | null = null;
  if (hasEnd === 1) {
    const text = r.text();
    if (text === null) return r.failed && r.pos >= bytes.length ? truncated('the results') : corrupt('the results are not UTF-8');
    const parsed = parseJson(text);
    if (!isEnd(parsed)) return corrupt('the results are malformed');
    end = parsed;
  } else if (hasEnd !== 0) {
    return corrupt(`end marker ${hasEnd}`);
  }
  if (!r.done) return corrupt(`${r.remaining} bytes after the end`);
  return { ok: true, replay: { header: header as ReplayHeader, chunks, end } };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUint = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

function checkHeader(h: unknown): string | null {
  if (!isObj(h)) return 'is not a JSON object';
  for (const k of ['replayId', 'matchId', 'game', 'mode'] as const) if (typeof h[k] !== 'string') return `has no ${k}`;
  if (!isUint(h.gameVersion)) return 'has no game version';
  if (h.visibility !== 'public' && h.visibility !== 'private') return 'has no visibility';
  if (!isObj(h.options) || !Object.values(h.options).every((v) => typeof v === 'number' && Number.isFinite(v))) return 'has bad options';
  if (!isUint(h.seed)) return 'has no seed';
  if (!isUint(h.tickRate) || h.tickRate < 1 || h.tickRate > 240) return 'has a bad tick rate';
  if (!isUint(h.snapshotEvery) || h.snapshotEvery < 1 || h.snapshotEvery > 240) return 'has a bad snapshot interval';
  if (!isUint(h.slots) || h.slots < 1 || h.slots > 256) return 'has a bad seat count';
  if (typeof h.createdAt !== 'number' || (h.endedAt !== null && typeof h.endedAt !== 'number')) return 'has bad times';
  if (!Array.isArray(h.players) || !h.players.every((p) => isObj(p) && isUint(p.slot) && typeof p.nickname === 'string' && typeof p.bot === 'boolean')) {
    return 'has a bad player list';
  }
  return null;
}

function isEnd(e: unknown): e is ReplayEnd {
  if (!isObj(e)) return false;
  return (
    isUint(e.tick) &&
    typeof e.reason === 'string' &&
    (e.winnerSlot === null || isUint(e.winnerSlot)) &&
    Array.isArray(e.slots) &&
    e.slots.every(isUint) &&
    Array.isArray(e.results) &&
    typeof e.stateHash === 'string' &&
    (e.after === undefined ||
      (Array.isArray(e.after) && e.after.every((a) => isObj(a) && isUint(a.slot) && (a.kind === 'enter' || a.kind === 'away' || a.kind === 'gone'))))
  );
}
