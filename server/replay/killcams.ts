/**
 * Killcams of one match, on the node that runs it: the latest death of each seat (from the
 * game's step: StepOutcome.eliminations), and the answer to a victim's `killcam` request, built
 * from the match's own recording (MatchRecorder.recentSlice: whole chunks already in memory).
 *
 * Cost: a death costs a Map write on the tick. A request costs, on the event loop, a flush of
 * the recorder and the copy of a few tens of KB into one body; the compression runs on libuv's
 * thread pool, and at most MAX_BUILDING are built at once per node (more: RATE_LIMITED), so a
 * flood of requests cannot queue work in front of the ticks (BENCHMARKS.md, "Killcam").
 *
 * Verbs: `died` (the tick's kills), `forget` (a seat changed hands), `request` (a player's ask).
 */
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import type { Elimination } from '../../shared/game/game-definition.ts';
import { encodeKillcamBody, KILLCAM_HEAD, KILLCAM_WINDOW_S, type KillcamInfo } from '../../shared/replay/killcam.ts';
import type { Replay } from '../../shared/replay/replay-format.ts';
import { ErrorCode, type AckResult } from '../../shared/protocol/errors.ts';
import type { KillcamAnswer, KillcamRequest } from '../../shared/protocol/events.ts';

const deflateAsync = promisify(deflate);

/** A death older than this has no killcam (the respawn countdown it plays in is long over). */
export const KILLCAM_MAX_AGE_S = 8;
/** The recorder keeps this much log in memory (seconds): the window, and the age a death may reach. */
export const KILLCAM_KEEP_S = KILLCAM_WINDOW_S + KILLCAM_MAX_AGE_S;

export interface KillcamSource {
  readonly currentTick: number;
  readonly tickRate: number;
  readonly snapshotEvery: number;
  /** The recording from the newest checkpoint at or before `fromTick` to `toTick` at least; null when none is kept. */
  recentSlice(fromTick: number, toTick: number): Replay | null;
}

interface Death {
  killTick: number;
  killer: number;
  shotTick: number;
  rewindTicks: number;
}

/** Killcams being compressed at once on this node (all matches): beyond this a request is refused. */
export class KillcamBudget {
  building = 0;
  constructor(readonly max = 4) {}
}

export class Killcams {
  private readonly last = new Map<number, Death>();

  constructor(
    private readonly source: KillcamSource,
    private readonly budget: KillcamBudget,
  ) {}

  died(tick: number, eliminations: readonly Elimination[]): void {
    for (const e of eliminations) this.last.set(e.victim, { killTick: tick, killer: e.killer, shotTick: e.shotTick, rewindTicks: e.rewindTicks });
  }

  /** The seat has a new occupant, who must not watch the last one's death. */
  forget(slot: number): void {
    this.last.delete(slot);
  }

  /** `slot`: the asker's seat. */
  async request(slot: number, req: KillcamRequest): Promise<AckResult<KillcamAnswer>> {
    if (req.victim !== undefined && req.victim !== slot) {
      return { ok: false, code: ErrorCode.NotAllowed, message: `a killcam is for the player who died: slot ${req.victim} is not yours` };
    }
    const death = this.last.get(slot);
    const { currentTick, tickRate, snapshotEvery } = this.source;
    if (!death) return { ok: false, code: ErrorCode.KillcamNotFound, message: 'you have not died in this match' };
    // The snapshot that carries a kill is the kill's tick, or the next one due (snapshotEvery > 1).
    if (req.tick !== undefined && (req.tick < death.killTick || req.tick >= death.killTick + snapshotEvery)) {
      return { ok: false, code: ErrorCode.KillcamNotFound, message: `you did not die at tick ${req.tick} (your latest death: tick ${death.killTick})` };
    }
    if (currentTick - death.killTick > KILLCAM_MAX_AGE_S * tickRate) {
      return { ok: false, code: ErrorCode.KillcamNotFound, message: `that death is more than ${KILLCAM_MAX_AGE_S} s old: its killcam is no longer kept` };
    }
    if (this.budget.building >= this.budget.max) return { ok: false, code: ErrorCode.RateLimited, message: 'killcams are being made for others: try again in a moment' };
    const fromTick = Math.max(1, death.killTick - KILLCAM_WINDOW_S * tickRate);
    const slice = this.source.recentSlice(fromTick, death.killTick);
    if (!slice) return { ok: false, code: ErrorCode.KillcamUnavailable, message: 'this match keeps no recording to make a killcam from' };
    const info: KillcamInfo = { victim: slot, killer: death.killer, killTick: death.killTick, shotTick: death.shotTick, rewindTicks: death.rewindTicks, fromTick: Math.max(fromTick, slice.chunks[0]!.fromTick) };
    this.budget.building++;
    try {
      const body = await deflateAsync(encodeKillcamBody(info, slice), { level: 6 });
      const file = new Uint8Array(KILLCAM_HEAD.length + body.length);
      file.set(KILLCAM_HEAD, 0);
      file.set(body, KILLCAM_HEAD.length);
      return { ok: true, killcam: file };
    } finally {
      this.budget.building--;
    }
  }
}
