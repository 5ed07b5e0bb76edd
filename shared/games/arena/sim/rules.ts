/**
 * Match rules and the conversions from the designer-facing seconds to the ticks the simulation
 * counts in. Rules are data (types.ts) so a match can ship them to clients.
 */
import type { Rules } from './types.ts';

export function defaultRules(tickRate = 30): Rules {
  return {
    tickRate,
    playerRadius: 16,
    playerSpeed: 220,
    maxHp: 100,
    fireIntervalS: 0.25,
    projectileSpeed: 720,
    projectileRadius: 4,
    projectileLifetimeS: 1.2,
    projectileDamage: 25,
    respawnDelayS: 2,
    killTarget: 20,
    timeLimitS: 300,
    historyS: 1,
    // A shot is judged where the shooter saw its target: RTT/2 + the render delay (the client's
    // interpolation adapts up to 500 ms to jitter) + input queueing. 150 ms RTT with a jittery
    // 200-300 ms render delay asks for 9-14 ticks at 30 Hz; 1 s (Valve's default cap) leaves room
    // for a bad connection without letting a client claim more than the history holds.
    maxLagCompensationS: 1,
  };
}

/** Nearest whole number of ticks, at least one (a 0-tick delay would be no delay at all). */
export function secondsToTicks(rules: Rules, seconds: number): number {
  return Math.max(1, Math.round(seconds * rules.tickRate));
}

/**
 * Ticks between two shots. Rounded UP, unlike secondsToTicks: fireIntervalS is a minimum, so a
 * tick rate that does not divide it must make the gun slower, never faster. The epsilon keeps
 * 0.2 s * 30 Hz (= 6.000000000000001) at 6 ticks.
 */
export function fireIntervalTicks(rules: Rules): number {
  return Math.max(1, Math.ceil(rules.fireIntervalS * rules.tickRate - 1e-9));
}

/** Largest viewDelayTicks a shot may claim. */
export function maxViewDelayTicks(rules: Rules): number {
  return Math.max(0, Math.round(rules.maxLagCompensationS * rules.tickRate));
}

/**
 * Number of history frames kept for lag compensation: historyS, and always enough for the
 * deepest rewind a shot may claim (the frame maxViewDelayTicks before the newest one, hence +1).
 */
export function historyLength(rules: Rules): number {
  return Math.max(1, Math.round(rules.historyS * rules.tickRate), maxViewDelayTicks(rules) + 1);
}

/** Tick at which the time limit ends the match (0 = no limit). */
export function timeLimitTicks(rules: Rules): number {
  return rules.timeLimitS > 0 ? Math.max(1, Math.round(rules.timeLimitS * rules.tickRate)) : 0;
}

/** Throws a RangeError naming the first rule that would break the simulation. */
export function validateRules(rules: Rules): void {
  const positive: (keyof Rules)[] = [
    'tickRate',
    'playerRadius',
    'playerSpeed',
    'maxHp',
    'fireIntervalS',
    'projectileSpeed',
    'projectileRadius',
    'projectileLifetimeS',
    'historyS',
  ];
  for (const key of positive) {
    const v = rules[key];
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`rules.${key} must be > 0, got ${v}`);
  }
  // projectileDamage 0: a practice match, where hits are reported and nobody is hurt.
  const nonNegative: (keyof Rules)[] = ['respawnDelayS', 'killTarget', 'timeLimitS', 'maxLagCompensationS', 'projectileDamage'];
  for (const key of nonNegative) {
    const v = rules[key];
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`rules.${key} must be >= 0, got ${v}`);
  }
}
