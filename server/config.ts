/**
 * Configuration from the environment, validated once at start. Every variable is listed in
 * README.md ("Configuration"); a bad value stops the process with a message naming it.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export interface Config {
  host: string;
  port: number;
  nodeId: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  tickRate: number;
  snapshotEvery: number;
  keyframeIntervalS: number;
  maxPlayersPerMatch: number;
  inputQueueSize: number;
  maxPayloadBytes: number;
  packetsPerSecond: number;
  staticDir: string;
  /** Fixed seed for the first match (then +1 per match): reproducible matches for tests and load runs. */
  matchSeed: number | null;
  /** Network simulator (development and tests): one-way latency and jitter added per packet. */
  netSim: { latencyMs: number; jitterMs: number } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, def: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`);
      return def;
    }
    return n;
  };
  const oneOf = <T extends string>(name: string, def: T, allowed: readonly T[]): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return def;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`);
      return def;
    }
    return raw as T;
  };

  const config: Config = {
    host: env.HOST || '0.0.0.0',
    port: int('PORT', 3000, 0, 65535),
    nodeId: env.NODE_ID || `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`,
    logLevel: oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    tickRate: int('TICK_RATE', 30, 1, 120),
    snapshotEvery: int('SNAPSHOT_EVERY', 1, 1, 30),
    keyframeIntervalS: int('KEYFRAME_INTERVAL_S', 1, 1, 60),
    maxPlayersPerMatch: int('MAX_PLAYERS_PER_MATCH', 16, 1, 64),
    inputQueueSize: int('INPUT_QUEUE_SIZE', 8, 1, 128),
    maxPayloadBytes: int('MAX_PAYLOAD_BYTES', 4096, 256, 1_048_576),
    packetsPerSecond: int('PACKETS_PER_SECOND', 120, 10, 10_000),
    staticDir: env.STATIC_DIR || 'dist/game',
    matchSeed: env.MATCH_SEED ? int('MATCH_SEED', 0, 0, 0xffffffff) : null,
    netSim: null,
  };
  const latencyMs = int('NET_SIM_LATENCY_MS', 0, 0, 5000);
  const jitterMs = int('NET_SIM_JITTER_MS', 0, 0, 5000);
  if (latencyMs > 0 || jitterMs > 0) config.netSim = { latencyMs, jitterMs };
  if (!/^[\w.-]{1,64}$/.test(config.nodeId)) problems.push(`NODE_ID=${JSON.stringify(config.nodeId)}: letters, digits, '.', '_', '-' only`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
