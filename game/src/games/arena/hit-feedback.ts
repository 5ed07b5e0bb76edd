/**
 * What the snapshot's hit events mean to the player on this page: a hit marker and a damage
 * number over the victim for the shooter, a flash for the target, a "blocked" mark when a wall
 * took the shot, and a tally (with the rewind each hit was judged at) for the net graph and
 * tools. Pure: the session feeds snapshots in, the scene drains what to draw.
 */
import type { ProjectileSnapshot, SnapshotEvent } from '../../../../shared/games/arena/snapshot.ts';

export type Feedback =
  /** The player's shot hit `victimId` for `damage`, judged `rewindTicks` in the past. */
  | { kind: 'hit'; victimId: number; damage: number; rewindTicks: number; fatal: boolean }
  /** The player was hit by `attackerId`. */
  | { kind: 'hurt'; attackerId: number; damage: number }
  /** A wall stopped the player's shot at `victimId`. */
  | { kind: 'blocked'; victimId: number }
  /** A wall stopped `attackerId`'s shot at the player. */
  | { kind: 'covered'; attackerId: number };

/** Feedback waiting to be drawn is capped: a tab in the background must not hoard it. */
const MAX_PENDING = 64;

export class HitFeedback {
  private pending: Feedback[] = [];
  /** Hits, damage and blocked shots of the player's own shots since the match began. */
  hits = 0;
  damageDealt = 0;
  blocked = 0;
  /** Rewind (ticks) of the player's most recent hits, newest last (at most 16). */
  readonly recentRewinds: number[] = [];
  /**
   * The player's shots the server fired: its projectiles, each counted in the first snapshot that
   * carries it (a projectile spends its spawn tick unmoved, so every shot is in one snapshot at
   * least). With `hits`, an accuracy the server vouches for.
   */
  shots = 0;
  /** Ids of the player's projectiles in the previous snapshot (ids wrap at 65,536; a flight lasts about a second). */
  private ownProjectiles = new Set<number>();

  /** Reads one snapshot's events for the player in `slot` (-1: a spectator, who gets nothing). */
  onEvents(events: readonly SnapshotEvent[], slot: number): Feedback[] {
    if (slot < 0) return [];
    const fresh: Feedback[] = [];
    for (const e of events) {
      if (e.type === 'hit' && e.attackerId === slot && e.victimId !== slot) {
        const fatal = events.some((k) => k.type === 'kill' && k.killerId === slot && k.victimId === e.victimId);
        fresh.push({ kind: 'hit', victimId: e.victimId, damage: e.damage, rewindTicks: e.rewindTicks, fatal });
        this.hits += 1;
        this.damageDealt += e.damage;
        this.recentRewinds.push(e.rewindTicks);
        if (this.recentRewinds.length > 16) this.recentRewinds.shift();
      } else if (e.type === 'hit' && e.victimId === slot) fresh.push({ kind: 'hurt', attackerId: e.attackerId, damage: e.damage });
      else if (e.type === 'blocked' && e.attackerId === slot) {
        fresh.push({ kind: 'blocked', victimId: e.victimId });
        this.blocked += 1;
      } else if (e.type === 'blocked' && e.victimId === slot) fresh.push({ kind: 'covered', attackerId: e.attackerId });
    }
    this.pending.push(...fresh);
    if (this.pending.length > MAX_PENDING) this.pending.splice(0, this.pending.length - MAX_PENDING);
    return fresh;
  }

  /** Reads one snapshot's projectiles: the player's new ones are its new shots. */
  onProjectiles(projectiles: readonly ProjectileSnapshot[], slot: number): void {
    if (slot < 0) return;
    const now = new Set<number>();
    for (const p of projectiles) {
      if (p.ownerId !== slot) continue;
      now.add(p.id);
      if (!this.ownProjectiles.has(p.id)) this.shots += 1;
    }
    this.ownProjectiles = now;
  }

  /** What arrived since the last call, oldest first (the scene draws it once). */
  take(): Feedback[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** A new match. */
  reset(): void {
    this.pending = [];
    this.hits = 0;
    this.damageDealt = 0;
    this.blocked = 0;
    this.recentRewinds.length = 0;
    this.shots = 0;
    this.ownProjectiles.clear();
  }
}
