/**
 * Arena behind the game boundary (shared/game/game-definition.ts): the top-down shooter's
 * simulation (sim/), snapshot and input codecs and bot, as the server and clients see any game.
 * The adapter adds only what the framework asks of every game: a match state that is plain data
 * (the world, scores kept for players who are away, inputs queued for the next step, events
 * waiting for the next snapshot), and the lag-compensation cap on the tick a shooter says it saw.
 */
import { clonePlain } from '../../game/plain-clone.ts';
import type { BotOptions, Elimination, GameBot, GameDefinition, GameMode, Standing } from '../../game/game-definition.ts';
import { err, ok, type Result } from '../../result.ts';
import { BotBrain, BOT_BEHAVIOURS, type BotBehaviour } from './bot-brain.ts';
import { decodeInput, encodeInput, encodeInputInto, type InputMessage } from './input-codec.ts';
import { buildSnapshot } from './snapshot-builder.ts';
import { decodeSnapshot, encodeDelta, encodeKeyframe, peekSnapshotHeader } from './snapshot-codec.ts';
import type { Snapshot, SnapshotEvent } from './snapshot.ts';
import { queueSnapshotEvents, snapshotEventsOf } from './snapshot-events.ts';
import {
  addPlayer,
  arenaMap,
  createWorld,
  defaultRules,
  findPlayer,
  maxViewDelayTicks,
  removePlayer,
  step,
  timeLimitTicks,
  type ArenaMap,
  type PlayerInput,
  type Rules,
  type World,
} from './sim/index.ts';

/** What a client needs to draw and predict an Arena match. */
export interface ArenaSetup {
  rules: Rules;
  map: ArenaMap;
}

interface QueuedInput extends PlayerInput {
  slot: number;
}

export interface ArenaState {
  world: World;
  /** The rules as configured; the world's copy has its time limit moved to where play began. */
  rules: Rules;
  /** Scores of players who are away, restored when they come back. */
  kept: { slot: number; kills: number; deaths: number }[];
  /** Inputs for the next step (empty between ticks). */
  inputs: QueuedInput[];
  /** What happened since the last snapshot (kills, hits, blocked shots), for the next one. */
  events: SnapshotEvent[];
}

export type ArenaInput = InputMessage;

const MODES: readonly GameMode[] = [
  { id: 'ffa', label: 'Free for all', minPlayers: 2, maxPlayers: 16, options: { killTarget: 20, timeLimitS: 300, damage: 25 } },
  { id: 'duel', label: 'Duel', minPlayers: 2, maxPlayers: 2, options: { killTarget: 10, timeLimitS: 180, damage: 25 } },
];

export const arena: GameDefinition<ArenaState, ArenaInput, Snapshot, ArenaSetup> = {
  id: 'arena',
  name: 'Arena',
  version: 1,
  maxPlayers: 64,
  modes: MODES,
  options: [
    { name: 'killTarget', label: 'Kills to win (0: none)', min: 0, max: 100 },
    { name: 'timeLimitS', label: 'Time limit in seconds (0: none)', min: 0, max: 3600 },
    // 0 is a practice match: shots are judged and reported (hit markers, the net graph's rewind)
    // but nobody is hurt, so a target can be shot at for as long as one likes.
    { name: 'damage', label: 'Damage per hit (0: practice, nobody is hurt)', min: 0, max: 100 },
  ],
  checkOptions: (o) => (o.killTarget === 0 && o.timeLimitS === 0 ? 'a match needs a kill target or a time limit' : null),

  create({ options, seed, tickRate }) {
    const defaults = defaultRules(tickRate);
    const rules: Rules = {
      ...defaults,
      killTarget: options.killTarget ?? 20,
      timeLimitS: options.timeLimitS ?? 300,
      projectileDamage: options.damage ?? defaults.projectileDamage,
    };
    return { world: createWorld({ seed, rules, map: arenaMap() }), rules, kept: [], inputs: [], events: [] };
  },
  tickOf: (s) => s.world.tick,
  setup: (s) => ({ rules: s.rules, map: s.world.map }),

  addPlayer(s, slot) {
    if (findPlayer(s.world, slot)) return;
    const player = addPlayer(s.world, slot);
    const at = s.kept.findIndex((k) => k.slot === slot);
    if (at >= 0) {
      player.kills = s.kept[at]!.kills;
      player.deaths = s.kept[at]!.deaths;
      s.kept.splice(at, 1);
    }
  },
  removePlayer(s, slot, why) {
    const player = findPlayer(s.world, slot);
    s.kept = s.kept.filter((k) => k.slot !== slot);
    // Out of the world rather than standing still: the sim repeats a player's last buttons, so
    // a dropped player would otherwise keep running and shooting.
    if (player && why === 'away') s.kept.push({ slot, kills: player.kills, deaths: player.deaths });
    removePlayer(s.world, slot);
  },

  beginPlay(s) {
    // The sim counts its time limit from tick 0, but the clock already ran through waiting and
    // countdown: move the world's limit so play lasts exactly timeLimitS from the next tick.
    const limit = timeLimitTicks(s.rules);
    if (limit === 0) return 0;
    const endTick = s.world.tick + limit;
    s.world.rules = { ...s.world.rules, timeLimitS: endTick / s.rules.tickRate };
    return endTick;
  },
  applyInput(s, slot, input) {
    // What the shooter saw: the tick it was drawing when it pressed fire, capped by the rules
    // (rules.maxLagCompensationS) so a client cannot claim a longer rewind than the game allows.
    const nextTick = s.world.tick + 1;
    const viewDelayTicks = Math.max(0, Math.min(maxViewDelayTicks(s.rules), nextTick - input.clientTick));
    s.inputs.push({ slot, buttons: input.buttons, aim: input.aim, viewDelayTicks });
  },
  step(s, playing) {
    if (!playing) {
      // Ticks run in every phase so tick numbers stay one clock.
      s.world.tick += 1;
      s.inputs = [];
      return { ended: null };
    }
    // A queued input is a PlayerInput with its slot beside it; step reads only the input's fields.
    const inputs = new Map<number, PlayerInput>();
    for (const input of s.inputs) inputs.set(input.slot, input);
    s.inputs = [];
    let ended: { reason: string; winner: number | null } | null = null;
    let eliminations: Elimination[] | null = null;
    const events = step(s.world, inputs);
    queueSnapshotEvents(s.events, snapshotEventsOf(events));
    for (const e of events) {
      // The kill target names its winner; at the time limit the sim only sees who is in the
      // world, so the winner is ranked over everyone, away players included, and a tie is a draw.
      if (e.type === 'end') ended = { reason: e.reason, winner: e.reason === 'kills' ? e.winnerId : timeWinner(s) };
      else if (e.type === 'kill') (eliminations ??= []).push({ victim: e.victimId, killer: e.killerId, shotTick: e.shotTick, rewindTicks: e.viewDelayTicks });
    }
    return eliminations ? { ended, eliminations } : { ended };
  },
  results(s, slots) {
    const rows: Standing[] = slots.map((slot) => {
      const p = findPlayer(s.world, slot);
      const k = s.kept.find((x) => x.slot === slot);
      const kills = p?.kills ?? k?.kills ?? 0;
      const deaths = p?.deaths ?? k?.deaths ?? 0;
      return { slot, score: kills, stats: { kills, deaths } };
    });
    return rows.sort((a, b) => b.score - a.score || a.stats.deaths! - b.stats.deaths! || a.slot - b.slot);
  },

  snapshot(s, previous, frame) {
    const snapshot = buildSnapshot(s.world, previous, { ...frame, events: s.events });
    s.events = [];
    return snapshot;
  },
  snapshotCodec: { encodeKeyframe, encodeDelta, decode: decodeSnapshot, peek: peekSnapshotHeader },
  inputCodec: { encode: encodeInput, encodeInto: encodeInputInto, decode: decodeInput },
  lastInputSeq: (snapshot, slot) => snapshot.players.find((p) => p.id === slot)?.lastInputSeq ?? null,

  createBot: (setup, options) => createArenaBot(setup, options),

  toState: (s) => clonePlain(s),
  // The state is plain data already: toState's copy is for holders that keep it.
  stateView: (s) => s,
  fromState: (data) => parseArenaState(data),
};

/** Most kills, then fewest deaths, over present and away players; null when nobody scored or the top two tie. */
function timeWinner(s: ArenaState): number | null {
  const rows = [...s.world.players.map((p) => ({ slot: p.id, kills: p.kills, deaths: p.deaths })), ...s.kept];
  rows.sort((a, b) => b.kills - a.kills || a.deaths - b.deaths);
  const [first, second] = rows;
  if (!first || first.kills === 0) return null;
  if (second && second.kills === first.kills && second.deaths === first.deaths) return null;
  return first.slot;
}

/** The one Arena bot: the server's bots (sight 'fair') and the load test's ('eager') alike. */
export function createArenaBot(setup: ArenaSetup, options: BotOptions): GameBot<Snapshot, ArenaInput> {
  const behaviour = (BOT_BEHAVIOURS as readonly string[]).includes(options.behaviour ?? 'play') ? (options.behaviour as BotBehaviour | undefined) ?? 'play' : 'play';
  const brain = new BotBrain({ seed: options.seed, behaviour, sight: options.sight ?? 'eager', rules: setup.rules, map: setup.map });
  return {
    think(view, slot, tick) {
      const players = view?.players ?? [];
      const me = players.find((p) => p.id === slot) ?? null;
      return brain.think({ tick, observedTick: view?.tick ?? -1, me, others: players });
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * A checkpoint comes from our own toState, but it crossed a store: check its shape so a corrupt
 * one is refused with a message instead of crashing the tick that adopts it.
 */
function parseArenaState(data: unknown): Result<ArenaState, string> {
  const bad = (what: string) => err('BAD_STATE', `arena state: ${what}`);
  if (!isObject(data)) return bad('not an object');
  const { world, rules, kept, inputs, events } = data;
  if (!isObject(world) || !isObject(rules) || !Array.isArray(kept) || !Array.isArray(inputs) || !Array.isArray(events)) {
    return bad('needs world, rules, kept, inputs and events');
  }
  const w = world;
  if (!isUint(w.tick) || !isUint(w.rngState) || !isUint(w.nextProjectileId) || typeof w.ended !== 'boolean') return bad('world clock, generator or flags');
  for (const r of [w.rules, rules]) {
    if (!isObject(r) || !Object.keys(defaultRules()).every((k) => isFiniteNumber(r[k]))) return bad('rules are incomplete');
  }
  const map = w.map;
  if (!isObject(map) || !isFiniteNumber(map.width) || !isFiniteNumber(map.height)) return bad('map size');
  if (!arrayOf(map.walls, (r) => hasNumbers(r, ['x', 'y', 'w', 'h']))) return bad('map walls');
  if (!arrayOf(map.spawns, (p) => hasNumbers(p, ['x', 'y'])) || (map.spawns as unknown[]).length === 0) return bad('map spawns');
  const slotOk = (v: unknown) => isUint(v) && v < 64;
  const playerOk = (p: unknown) =>
    hasNumbers(p, ['x', 'y', 'aim', 'hp', 'respawnTicks', 'fireCooldownTicks', 'kills', 'deaths', 'lastButtons', 'viewDelayTicks']) && slotOk(p.id) && typeof p.alive === 'boolean';
  if (!arrayOf(w.players, playerOk)) return bad('a player record');
  if (!arrayOf(w.projectiles, (p) => hasNumbers(p, ['id', 'ownerId', 'x0', 'y0', 'angle', 'spawnTick', 'viewDelayTicks']))) return bad('a projectile record');
  const frameOk = (f: unknown) => hasNumbers(f, ['tick']) && arrayOf(f.players, (p) => hasNumbers(p, ['id', 'x', 'y']) && typeof p.alive === 'boolean');
  if (!arrayOf(w.history, frameOk)) return bad('a history frame');
  if (!arrayOf(kept, (k) => hasNumbers(k, ['kills', 'deaths']) && slotOk(k.slot))) return bad('a kept score');
  if (!arrayOf(inputs, (i) => hasNumbers(i, ['buttons', 'aim', 'viewDelayTicks']) && slotOk(i.slot))) return bad('a queued input');
  const eventOk = (e: Record<string, unknown>) =>
    (e.type === 'kill' && slotOk(e.killerId) && slotOk(e.victimId)) ||
    (e.type === 'hit' && slotOk(e.attackerId) && slotOk(e.victimId) && isByte(e.damage) && isUint(e.rewindTicks)) ||
    (e.type === 'blocked' && slotOk(e.attackerId) && slotOk(e.victimId));
  if (!arrayOf(events, eventOk)) return bad('a pending event');
  return ok(clonePlain(data) as unknown as ArenaState);
}

const isByte = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255;
const isUint = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;

function hasNumbers(v: unknown, keys: readonly string[]): v is Record<string, unknown> {
  return isObject(v) && keys.every((k) => isFiniteNumber(v[k]));
}

function arrayOf(v: unknown, each: (item: Record<string, unknown>) => boolean): boolean {
  return Array.isArray(v) && v.every((item) => isObject(item) && each(item));
}
