/**
 * The server clock: epoch milliseconds that never jump backwards (performance.now based).
 * Snapshots, clock sync and the tick scheduler all read this one clock.
 */
export type Clock = () => number;

export const monotonicClock: Clock = () => performance.timeOrigin + performance.now();
