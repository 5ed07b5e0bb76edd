/**
 * Whether a load-test run measured the server or its own generator. A generator that is short
 * of CPU wakes late: its bots send fewer inputs than the server ticks, read their snapshots late
 * and report the gaps and latencies it caused as the server's. Such a run is marked
 * `valid: false` with the reasons, and is never to be read as a server result.
 *
 * Limits (each a reason of its own):
 * - the generator's process used ≥ 90 % of its core over the window (it is single-threaded);
 * - bots in a match sent fewer than 97.5 % of the server's tick rate in inputs per second
 *   (19.5 at 20 Hz): the rest are ticks the generator was too late for;
 * - the raw bots' tick scheduler ran its steps late by more than a quarter of a tick at p99;
 * - the generator's event loop stalled more than 20 ms at p99.
 * A machine busy with other work (more than half a core that was neither the bots nor the nodes)
 * is named among the reasons when one of the above holds: it is then the likely cause.
 */

export interface RunFacts {
  /** The generator's user + system CPU over the window, % of one core. */
  loadgenCpuPercent: number | null;
  /** Inputs sent per in-match bot-second over the window. */
  inputsPerBotSecond: number | null;
  tickRateHz: number | null;
  /** The raw bots' scheduler lateness p99, ms (null: no raw bots). */
  tickLateP99Ms: number | null;
  eventLoopDelayP99Ms: number | null;
  /** The machine's busy time that was neither the bots nor the nodes, % of one core. */
  machineOtherPercent?: number | null;
}

export const MAX_LOADGEN_CPU_PERCENT = 90;
export const MIN_INPUT_SHARE = 0.975;
export const MAX_EVENT_LOOP_P99_MS = 20;
export const OTHER_WORK_PERCENT = 50;

export function judgeRun(f: RunFacts): { valid: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (f.loadgenCpuPercent !== null && f.loadgenCpuPercent >= MAX_LOADGEN_CPU_PERCENT) {
    reasons.push(`the load generator used ${f.loadgenCpuPercent} % of its core (limit ${MAX_LOADGEN_CPU_PERCENT} %)`);
  }
  if (f.tickRateHz !== null && f.inputsPerBotSecond !== null) {
    const floor = Math.round(f.tickRateHz * MIN_INPUT_SHARE * 100) / 100;
    if (f.inputsPerBotSecond < floor) reasons.push(`bots sent ${f.inputsPerBotSecond} inputs per bot-second, below ${floor} (${f.tickRateHz} Hz ticks)`);
  }
  if (f.tickRateHz !== null && f.tickLateP99Ms !== null && f.tickLateP99Ms > 250 / f.tickRateHz) {
    reasons.push(`the bots' tick scheduler ran ${f.tickLateP99Ms} ms late at p99 (more than a quarter of a tick)`);
  }
  if (f.eventLoopDelayP99Ms !== null && f.eventLoopDelayP99Ms > MAX_EVENT_LOOP_P99_MS) {
    reasons.push(`the load generator's event loop stalled ${f.eventLoopDelayP99Ms} ms at p99 (limit ${MAX_EVENT_LOOP_P99_MS} ms)`);
  }
  if (reasons.length > 0 && (f.machineOtherPercent ?? 0) > OTHER_WORK_PERCENT) {
    reasons.push(`the machine ran other work during the window (${f.machineOtherPercent} % of a core that was neither the bots nor the nodes): the generator was starved of CPU`);
  }
  return { valid: reasons.length === 0, reasons };
}
