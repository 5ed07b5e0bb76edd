/**
 * How busy the whole machine was (Linux /proc/stat), so a run can show whether something else
 * competed for the cores: load-test figures from a machine that was also running a test suite
 * measure the test suite. Elsewhere (no /proc/stat) every reading is null.
 */
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  busy: number;
  total: number;
}

/** Aggregate CPU time of all cores, in clock ticks; null where /proc/stat does not exist. */
export function readCpuTimes(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): CpuTimes | null {
  try {
    const line = read('/proc/stat').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    if (fields.length < 5 || fields.some((v) => !Number.isFinite(v))) return null;
    // user nice system idle iowait irq softirq steal guest guest_nice: guests are already in user.
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

/** Busy share between two readings, in percent of ONE core (2 cores fully busy = 200). */
export function busyCorePercent(a: CpuTimes | null, b: CpuTimes | null, cores: number): number | null {
  if (!a || !b || b.total <= a.total) return null;
  return ((b.busy - a.busy) / (b.total - a.total)) * cores * 100;
}
