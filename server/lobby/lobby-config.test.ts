/** The lobby's configuration variables (server/config.ts): defaults and refusals. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';

describe('lobby configuration', () => {
  it('has defaults a single node can run with', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      authSecret: null,
      authTokenTtlS: 86_400,
      reconnectGraceMs: 30_000,
      queueMinPlayers: null,
      queueMaxPlayers: null,
      maxSpectators: 32,
      queueWaitMs: 10_000,
      botFill: true,
      countdownMs: 3_000,
      chatMaxLength: 200,
    });
    expect(loadConfig({ QUEUE_MAX_PLAYERS: '6' }).queueMaxPlayers).toBe(6);
    expect(loadConfig({ BOT_FILL: 'off' }).botFill).toBe(false);
  });

  it('refuses a shared deployment without a shared secret, and inconsistent queue sizes', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://localhost:6379' })).toThrow(/AUTH_SECRET is required/);
    expect(() => loadConfig({ AUTH_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ REDIS_URL: 'redis://x', AUTH_SECRET: 'a'.repeat(32) })).not.toThrow();
    expect(() => loadConfig({ MAX_PLAYERS_PER_MATCH: '4', QUEUE_MAX_PLAYERS: '8' })).toThrow(/QUEUE_MAX_PLAYERS/);
    expect(() => loadConfig({ QUEUE_MIN_PLAYERS: '5', QUEUE_MAX_PLAYERS: '4' })).toThrow(/QUEUE_MIN_PLAYERS/);
    expect(() => loadConfig({ BOT_FILL: 'maybe' })).toThrow(/BOT_FILL/);
  });
});
