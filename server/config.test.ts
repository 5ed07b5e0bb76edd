import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', tickRate: 30, snapshotEvery: 1, matchSeed: null, netSim: null });
  });

  it('names every bad variable in one error', () => {
    try {
      loadConfig({ PORT: 'eighty', TICK_RATE: '0', LOG_LEVEL: 'loud', MAX_PLAYERS_PER_MATCH: '65' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      for (const name of ['PORT', 'TICK_RATE', 'LOG_LEVEL', 'MAX_PLAYERS_PER_MATCH']) expect(problems).toContain(name);
    }
  });

  it('switches the network simulator on only when asked', () => {
    expect(loadConfig({ NET_SIM_LATENCY_MS: '50' }).netSim).toEqual({ latencyMs: 50, jitterMs: 0 });
  });
});
