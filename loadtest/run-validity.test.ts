import { describe, expect, it } from 'vitest';
import { judgeRun, type RunFacts } from './run-validity.ts';

const fine: RunFacts = { loadgenCpuPercent: 60, inputsPerBotSecond: 19.9, tickRateHz: 20, tickLateP99Ms: 3, eventLoopDelayP99Ms: 4 };

describe('judgeRun: was the load generator the limit?', () => {
  it('takes a run whose generator kept up', () => {
    expect(judgeRun(fine)).toEqual({ valid: true, reasons: [] });
    // Nothing measured (no bot in a match, no raw bots): nothing to hold against the run.
    expect(judgeRun({ loadgenCpuPercent: null, inputsPerBotSecond: null, tickRateHz: null, tickLateP99Ms: null, eventLoopDelayP99Ms: null }).valid).toBe(true);
  });

  it.each<[string, Partial<RunFacts>, RegExp]>([
    ['a generator at 90 % of its core', { loadgenCpuPercent: 90 }, /used 90 % of its core/],
    ['bots short of one input per tick', { inputsPerBotSecond: 19.4 }, /19.4 inputs per bot-second, below 19.5 \(20 Hz ticks\)/],
    ['a scheduler late by more than a quarter tick', { tickLateP99Ms: 12.6 }, /ran 12.6 ms late at p99/],
    ['a stalled event loop', { eventLoopDelayP99Ms: 25 }, /stalled 25 ms at p99/],
  ])('refuses %s, saying why', (_name, change, reason) => {
    const v = judgeRun({ ...fine, ...change });
    expect(v.valid).toBe(false);
    expect(v.reasons).toHaveLength(1);
    expect(v.reasons[0]).toMatch(reason);
  });

  it('names a machine busy with other work as the likely cause, only when the generator fell short', () => {
    expect(judgeRun({ ...fine, machineOtherPercent: 150 })).toEqual({ valid: true, reasons: [] });
    const v = judgeRun({ ...fine, inputsPerBotSecond: 4, machineOtherPercent: 150 });
    expect(v.reasons).toHaveLength(2);
    expect(v.reasons[1]).toMatch(/other work during the window \(150 % of a core/);
  });

  it('scales the input floor with the tick rate and lists every reason', () => {
    expect(judgeRun({ ...fine, tickRateHz: 30, inputsPerBotSecond: 29 }).reasons[0]).toMatch(/below 29.25 \(30 Hz/);
    expect(judgeRun({ ...fine, loadgenCpuPercent: 99, inputsPerBotSecond: 9 }).reasons).toHaveLength(2);
  });
});
